package io.forkpool.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.dispatch.Dispatcher;
import io.forkpool.pool.WorkerController;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcPrint;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The problems the servlet filters answer before any controller runs, field by field: the web
 * layer alone (no workers), with API keys on and a 100-byte body limit.
 */
@WebMvcTest(
        controllers = WorkerController.class,
        properties = {
            "forkpool.security.api-keys=k1",
            "forkpool.limits.max-body=100B",
        })
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class})
@AutoConfigureMockMvc(print = MockMvcPrint.NONE) // printing a request decodes its body with its (unknown) charset
class ProblemFiltersTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Dispatcher dispatcher;

    @MockitoBean
    io.forkpool.pool.WorkerDirectory directory;

    @Test
    void noKeyIs401WithTheChallengesAndThePathAsInstance() throws Exception {
        mvc.perform(get("/api/v1/workers"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(header().stringValues(
                                "WWW-Authenticate",
                                "ApiKey realm=\"forkpool\", header=\"X-API-Key\"",
                                "Bearer realm=\"forkpool\""))
                .andExpect(header().string("Cache-Control", "no-store"))
                .andExpect(content().json("""
                        {"type":"about:blank","title":"Unauthorized","status":401,
                         "detail":"a valid API key is required, in the X-API-Key header or as Authorization: Bearer <key>",
                         "instance":"/api/v1/workers"}""", JsonCompareMode.STRICT));
    }

    @Test
    void aPathWithCharactersAUriCannotHoldIsPercentEncodedInTheInstance() throws Exception {
        mvc.perform(get("/api/v1/a\"b\\c"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().json("""
                        {"type":"about:blank","title":"Unauthorized","status":401,
                         "detail":"a valid API key is required, in the X-API-Key header or as Authorization: Bearer <key>",
                         "instance":"/api/v1/a%22b%5Cc"}""", JsonCompareMode.STRICT));
    }

    @Test
    void aBodyOverTheLimitIs413BeforeAnythingReadsIt() throws Exception {
        mvc.perform(post("/api/v1/workers")
                        .header("X-API-Key", "k1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"type\":\"pi\",\"samples\":" + "1".repeat(100) + "}"))
                .andExpect(status().isContentTooLarge())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(content().json("""
                        {"type":"about:blank","title":"Request body too large","status":413,
                         "detail":"the body is larger than 100 bytes"}""", JsonCompareMode.STRICT));
    }

    @Test
    void anUnknownCharsetIs415BeforeAnythingDecodesTheBody() throws Exception {
        mvc.perform(post("/api/v1/workers")
                        .header("Content-Type", "application/json; charset=no-such-charset")
                        .content("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(content().json("""
                        {"type":"about:blank","title":"Unsupported Media Type","status":415,
                         "detail":"the charset of the Content-Type is empty or unknown; use UTF-8"}""", JsonCompareMode.STRICT));
    }
}
