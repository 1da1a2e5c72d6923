package io.forkpool.dashboard;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard's addresses: each one a person may bookmark or reload answers the single page,
 * which then draws the view the path names. Listed one by one, so none can shadow {@code /api},
 * {@code /actuator}, {@code /v3} or {@code /swagger-ui}.
 */
@Controller
@Hidden
class DashboardPages {

    static final String INDEX = "/ui/index.html";

    /** True for the paths this controller answers: they hold no data, so they need no API key. */
    static boolean isPage(String path) {
        return path.equals("/") || path.matches("/jobs/[^/]+");
    }

    @GetMapping({"/", "/jobs/{id}"})
    String page() {
        return "forward:" + INDEX;
    }
}
