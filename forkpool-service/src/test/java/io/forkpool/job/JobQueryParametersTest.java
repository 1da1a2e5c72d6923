package io.forkpool.job;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.plugin.KindRegistry;
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
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The query parameters and headers of the jobs resource: what is refused, with which 400 problem
 * (one entry per bad parameter, in the order of the signature), and what reaches the store. The
 * web layer alone: the admission and the store are mocks, the kinds the five built-in ones.
 */
@WebMvcTest(JobController.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class})
class JobQueryParametersTest {

    private static final String STATUSES = "[QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED]";
    private static final String KINDS = "[dice, pi, projectile, sine, smallest-multiple]";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobAdmission admission;

    @MockitoBean
    JobStore store;

    @MockitoBean
    JobEvents events;

    @TestConfiguration
    static class Kinds {
        @Bean
        KindRegistry kindRegistry() {
            return KindRegistry.builtIn();
        }
    }

    @Test
    void everyBadListParameterIsNamedWithItsMessage() throws Exception {
        mvc.perform(get("/api/v1/jobs?status=bogus&type=bogus&page=-1&size=0"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(content().json("""
                        {"type":"about:blank","title":"The job is not valid","status":400,
                         "detail":"status must be one of %s; type must be one of %s; page must be 0 or more; size must be between 1 and 100",
                         "instance":"/api/v1/jobs",
                         "errors":[{"field":"status","message":"must be one of %s"},
                                   {"field":"type","message":"must be one of %s"},
                                   {"field":"page","message":"must be 0 or more"},
                                   {"field":"size","message":"must be between 1 and 100"}]}""".formatted(STATUSES, KINDS, STATUSES, KINDS), JsonCompareMode.STRICT));
        verifyNoInteractions(store);
    }

    @Test
    void eachBoundIsCheckedOnItsOwn() throws Exception {
        expectOneError(get("/api/v1/jobs?size=101"), "size", "must be between 1 and 100");
        expectOneError(get("/api/v1/jobs?page=-2&size=100"), "page", "must be 0 or more");
        expectOneError(get("/api/v1/jobs?status="), "status", "must be one of " + STATUSES);
        expectOneError(get("/api/v1/jobs?type="), "type", "must be one of " + KINDS);
        expectOneError(get("/api/v1/jobs?type=PI"), "type", "must be one of " + KINDS);
        expectOneError(get("/api/v1/jobs?page=x"), "page", "must be an integer");
        verifyNoInteractions(store);
    }

    @Test
    void goodParametersReachTheStoreStatusInAnyCase() throws Exception {
        when(store.page(any(), any(), isNull(), isNull(), eq(2), eq(5))).thenReturn(new JobStore.Page(List.of(), 11));
        mvc.perform(get("/api/v1/jobs?status=succeeded&type=smallest-multiple&page=2&size=5"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.page").value(2))
                .andExpect(jsonPath("$.size").value(5))
                .andExpect(jsonPath("$.totalElements").value(11))
                .andExpect(jsonPath("$.totalPages").value(3));
        verify(store).page(JobStatus.SUCCEEDED, "smallest-multiple", null, null, 2, 5);

        when(store.page(isNull(), isNull(), isNull(), isNull(), eq(0), eq(20)))
                .thenReturn(new JobStore.Page(List.of(), 0));
        mvc.perform(get("/api/v1/jobs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.size").value(20));
        verify(store).page(null, null, null, null, 0, 20);
    }

    @Test
    void waitAndIdempotencyKeyAreCheckedBeforeTheJobIsSubmitted() throws Exception {
        String job = "{\"type\":\"pi\",\"samples\":10}";
        for (String wait : List.of("61", "-1")) {
            expectOneError(
                    post("/api/v1/jobs?wait=" + wait)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(job),
                    "wait",
                    "must be between 0 and 60 seconds");
        }
        expectOneError(
                post("/api/v1/jobs?wait=abc")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(job),
                "wait",
                "must be an integer");
        for (String key : List.of(" ", "k".repeat(201))) {
            expectOneError(
                    post("/api/v1/jobs")
                            .header("Idempotency-Key", key)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(job),
                    "Idempotency-Key",
                    "must be 1 to 200 characters");
        }
        verifyNoInteractions(admission);
    }

    private void expectOneError(
            org.springframework.test.web.servlet.RequestBuilder request, String field, String message)
            throws Exception {
        mvc.perform(request)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.detail").value(field + " " + message))
                .andExpect(jsonPath("$.errors.length()").value(1))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(message));
    }
}
