package io.forkpool.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis ({@link TestRedis}) and a Lettuce client on it for one test class, started before
 * its tests and stopped after: {@code @RegisterExtension static final RedisServer REDIS = new RedisServer();}.
 */
final class RedisServer implements BeforeAllCallback, AfterAllCallback {

    private TestRedis redis;
    private RedisClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = TestRedis.start();
        client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.shutdown();
        redis.close();
    }

    RedisClient client() {
        return client;
    }
}
