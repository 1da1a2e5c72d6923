package io.forkpool.tenant;

import io.forkpool.web.Api;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** {@link TenantsOverHttp} on the durable embedded store. */
class EmbeddedTenantsTest extends TenantsOverHttp {

    @TempDir
    static Path dir;

    static ConfigurableApplicationContext service;
    static Api api;

    @BeforeAll
    static void start() {
        service = start("--forkpool.backend=embedded", "--forkpool.store.dir=" + dir);
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
