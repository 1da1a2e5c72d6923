package io.forkpool.tenant;

import io.forkpool.web.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;

/** {@link TenantsOverHttp} on the memory backend. */
class MemoryTenantsTest extends TenantsOverHttp {

    static ConfigurableApplicationContext service;
    static Api api;

    @BeforeAll
    static void start() {
        service = start("--forkpool.backend=memory");
        api = api(service);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Override
    Api a() {
        return api;
    }

    @Override
    Api b() {
        return api;
    }
}
