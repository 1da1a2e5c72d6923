package io.forkpool.dashboard;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.forkpool.catalog.LimitSettings;
import io.forkpool.tenant.SecuritySettings;
import io.forkpool.tenant.Tenants;
import io.forkpool.warmup.WarmupKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The dashboard's addresses answer its page, with the strict Content-Security-Policy; no other
 * address does, so the page never shadows the API, the actuator or the API's documentation.
 */
@WebMvcTest(DashboardPages.class)
@Import({Tenants.class, WarmupKey.class}) // ApiKeyFilter's
@EnableConfigurationProperties({SecuritySettings.class, LimitSettings.class
}) // the service's filters run in the slice too
class DashboardPagesTest {

    @Autowired
    MockMvc mvc;

    @Test
    void theHomeAndAJobsAddressAnswerThePageWithItsPolicy() throws Exception {
        for (String path : new String[] {"/", "/jobs/5f0c1d2e-0000-4000-8000-000000000000", "/jobs/anything"}) {
            mvc.perform(get(path))
                    .andExpect(status().isOk())
                    .andExpect(forwardedUrl("/ui/index.html"))
                    .andExpect(header().string("Content-Security-Policy", PageHeaders.POLICY))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"));
        }
    }

    @Test
    void thePolicyAllowsNoInlineScriptNorStyleAndNoFraming() {
        org.assertj.core.api.Assertions.assertThat(PageHeaders.POLICY)
                .contains("default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    }

    @Test
    void thePageAndItsFilesAreServedWithThePolicy() throws Exception {
        mvc.perform(get("/ui/index.html"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Security-Policy", PageHeaders.POLICY))
                .andExpect(content().string(containsString("<script type=\"module\" src=\"/ui/app.js\"></script>")));
        mvc.perform(get("/ui/app.js"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Security-Policy", PageHeaders.POLICY));
        // the charting library, from its webjar, by a path without its version
        mvc.perform(get("/webjars/uplot/dist/uPlot.esm.js"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("uPlot")));
    }

    @Test
    void noOtherAddressIsThePage() throws Exception {
        for (String path : new String[] {
            "/jobs",
            "/jobs/a/b",
            "/api/v1/jobs/x",
            "/actuator/nothing",
            "/v3/nothing",
            "/swagger-ui/nothing",
            "/anything"
        }) {
            mvc.perform(get(path)).andExpect(forwardedUrl(null));
        }
    }
}
