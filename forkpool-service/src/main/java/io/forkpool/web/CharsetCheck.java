package io.forkpool.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * 415 for a Content-Type whose charset is empty or unknown ({@code application/json; charset=}),
 * before anything decodes the request with it: left alone, such a request reached the
 * container's error page, which failed on the charset with a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CharsetCheck extends OncePerRequestFilter {

    private final ObjectMapper json;

    CharsetCheck(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String charset = request.getCharacterEncoding();
        if (charset != null && !usable(charset)) {
            ProblemAdvice.write(
                    response,
                    ProblemAdvice.problem(
                            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                            "Unsupported Media Type",
                            "the charset of the Content-Type is empty or unknown; use UTF-8"),
                    json);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Tomcat answers TRACE itself and forwards to the error page: check there too. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    private static boolean usable(String charset) {
        try {
            return !charset.isBlank() && Charset.isSupported(charset.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
