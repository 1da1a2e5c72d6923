package io.forkpool.web;

import io.forkpool.job.JobRejectedException;
import io.forkpool.plugin.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error as RFC 9457 {@code application/problem+json}. Bad input is a 4xx that names the
 * field; nothing internal (class names, stack traces) reaches the client.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(JobRejectedException.Invalid.class)
    ResponseEntity<Object> invalid(JobRejectedException.Invalid e) {
        return badRequest("The job is not valid", e.errors());
    }

    @ExceptionHandler(JobRejectedException.Full.class)
    ResponseEntity<Object> full(JobRejectedException.Full e) {
        var problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", e.getMessage());
        problem.setProperty("reason", e.reason());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    @ExceptionHandler(JobRejectedException.OverQuota.class)
    ResponseEntity<Object> overQuota(JobRejectedException.OverQuota e) {
        var problem = problem(HttpStatus.TOO_MANY_REQUESTS, "Quota reached", e.getMessage());
        problem.setProperty("quota", e.quota());
        problem.setProperty("limit", e.limit());
        // a tenant's jobs end at their own pace: a few seconds is a fair first wait
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    @ExceptionHandler(JobRejectedException.KeyReused.class)
    ResponseEntity<Object> keyReused(JobRejectedException.KeyReused e) {
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(problem(HttpStatus.CONFLICT, "Idempotency-Key reused", e.getMessage()));
    }

    /** A JSON tree that does not bind to a job kind. */
    @ExceptionHandler(JacksonException.class)
    ResponseEntity<Object> unbindable(JacksonException e) {
        return badRequest("The request body is not a valid job", List.of(describe(e)));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        return badRequest(
                "The request is not valid",
                List.of(new FieldError(
                        e.getName(),
                        "must be "
                                + (e.getRequiredType() == int.class || e.getRequiredType() == Integer.class
                                        ? "an integer"
                                        : "a valid value"))));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unexpected error", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(problem(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "Internal error",
                        "the service failed to handle this request; it has been logged"));
    }

    /** Malformed JSON, wrong JSON types, unknown fields or kinds: 400 naming the field. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (BodySizeLimit.tooLarge(e)) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(BodySizeLimit.problem());
        }
        return badRequest("The request body is not a valid job", List.of(describe(e.getCause())));
    }

    /**
     * A request parameter or header against its constraints (Spring MVC's method validation): 400,
     * one entry per broken constraint, named as the client spelt the parameter.
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> new FieldError(name(result.getMethodParameter()), error.getDefaultMessage())))
                .distinct()
                .toList();
        return badRequest("The job is not valid", errors);
    }

    private static String name(MethodParameter parameter) {
        var param = parameter.getParameterAnnotation(RequestParam.class);
        var header = parameter.getParameterAnnotation(RequestHeader.class);
        String name = param != null
                ? or(param.name(), param.value())
                : header != null ? or(header.name(), header.value()) : "";
        return name.isEmpty() ? parameter.getParameterName() : name;
    }

    /** {@code name} and {@code value} are aliases: either may be the one set. */
    private static String or(String name, String value) {
        return name.isEmpty() ? value : name;
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body == null && e instanceof org.springframework.web.ErrorResponse error) {
            body = error.getBody();
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private static FieldError describe(Throwable cause) {
        if (cause instanceof InvalidTypeIdException) {
            return new FieldError("type", "must be one of the installed kinds (GET /api/v1/kinds)");
        }
        if (cause instanceof UnrecognizedPropertyException u) {
            return new FieldError(u.getPropertyName(), "is not a field of this job type");
        }
        // Parser errors (a number beyond a long) keep their path on JacksonException too.
        if (cause instanceof JacksonException d && !d.getPath().isEmpty()) {
            String field = d.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return new FieldError(field, "has the wrong type or format");
        }
        if (cause instanceof JacksonException j) {
            String message = j.getOriginalMessage();
            return new FieldError("body", "is not valid JSON: " + (message == null ? "malformed" : firstLine(message)));
        }
        return new FieldError("body", "is missing or not readable JSON");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private static ResponseEntity<Object> badRequest(String title, List<FieldError> errors) {
        var problem = problem(
                HttpStatus.BAD_REQUEST,
                title,
                errors.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; ")));
        problem.setProperty(
                "errors",
                errors.stream()
                        .map(f -> Map.of("field", f.field(), "message", f.message()))
                        .toList());
        return ResponseEntity.badRequest().body(problem);
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("about:blank"));
        return problem;
    }

    /**
     * Answers with {@code problem} from a servlet filter, where no advice runs: the same
     * {@link ProblemDetail}, written by the application's JSON mapper (which carries Spring's
     * ProblemDetail mix-in), as the advice's problems are.
     */
    static void write(HttpServletResponse response, ProblemDetail problem, ObjectMapper json) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        json.writeValue(response.getWriter(), problem);
    }
}
