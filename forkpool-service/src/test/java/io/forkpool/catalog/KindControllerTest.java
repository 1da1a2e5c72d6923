package io.forkpool.catalog;

import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.kind.PiKind;
import io.forkpool.kind.SineKind;
import io.forkpool.plugin.KindRegistry;
import io.forkpool.plugin.KindRegistry.Installed;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code GET /api/v1/kinds}, the web layer alone: what the registry holds (a mock here, so the
 * listing is exactly what it returns), each kind with its source, its request schema under this
 * service's work-unit limit, and an example body.
 */
@WebMvcTest(KindController.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class})
class KindControllerTest {

    /** Not the default 10^13: the schema's bound must come from the service's limit. */
    private static final long LIMIT = 5_000_000_000L;

    @Autowired
    MockMvc mvc;

    @MockitoBean
    KindRegistry registry;

    @TestConfiguration
    static class Schemas {
        @Bean
        KindSchemas kindSchemas() {
            return new KindSchemas(LIMIT);
        }
    }

    @Test
    void eachInstalledKindWithItsSourceSchemaAndExample() throws Exception {
        when(registry.all())
                .thenReturn(List.of(
                        new Installed(new PiKind(), "built-in"), new Installed(new SineKind(), "kinds/sine.jar")));
        mvc.perform(get("/api/v1/kinds"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[0].name").value("pi"))
                .andExpect(jsonPath("$[0].seeded").value(true))
                .andExpect(jsonPath("$[0].source").value("built-in"))
                .andExpect(jsonPath("$[0].schema.title").value("pi"))
                .andExpect(jsonPath("$[0].schema.additionalProperties").value(false))
                .andExpect(jsonPath("$[0].schema.required[0]").value("type"))
                .andExpect(jsonPath("$[0].schema.required[1]").value("samples"))
                .andExpect(jsonPath("$[0].schema.properties.type.const").value("pi"))
                .andExpect(jsonPath("$[0].schema.properties.samples.minimum").value(1))
                .andExpect(jsonPath("$[0].schema.properties.samples.maximum").value(LIMIT))
                .andExpect(jsonPath("$[0].example.type").value("pi"))
                .andExpect(jsonPath("$[0].example.samples").value(100_000_000))
                .andExpect(jsonPath("$[0].example.seed").value(42))
                .andExpect(jsonPath("$[1].name").value("sine"))
                .andExpect(jsonPath("$[1].seeded").value(false))
                .andExpect(jsonPath("$[1].source").value("kinds/sine.jar"))
                .andExpect(jsonPath("$[1].example.type").value("sine"))
                .andExpect(jsonPath("$[1].example.seed").doesNotExist())
                .andExpect(jsonPath("$[1].schema.properties.seed").doesNotExist());
    }

    @Test
    void noKindInstalledIsAnEmptyList() throws Exception {
        when(registry.all()).thenReturn(List.of());
        mvc.perform(get("/api/v1/kinds"))
                .andExpect(status().isOk())
                .andExpect(content().json("[]"));
    }
}
