package io.forkpool.tenant;

import io.forkpool.redis.TestRedis;
import io.forkpool.web.Api;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link TenantsOverHttp} on two replicas sharing one real Redis: a job admitted by one is its
 * tenant's on the other, and a quota holds across both at once.
 */
class RedisTenantsTest extends TenantsOverHttp {

    static TestRedis redis;
    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;
    static Api a;
    static Api b;

    @BeforeAll
    static void start() {
        redis = TestRedis.start();
        String prefix = "tenants-" + UUID.randomUUID();
        String[] backend = {
            "--forkpool.backend=redis",
            "--spring.data.redis.host=" + redis.host(),
            "--spring.data.redis.port=" + redis.port(),
            "--forkpool.redis.key-prefix=" + prefix
        };
        first = start(backend);
        second = start(backend);
        a = api(first);
        b = api(second);
    }

    @AfterAll
    static void stop() {
        for (var context : new ConfigurableApplicationContext[] {first, second}) {
            if (context != null) {
                context.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    Api a() {
        return a;
    }

    @Override
    Api b() {
        return b;
    }
}
