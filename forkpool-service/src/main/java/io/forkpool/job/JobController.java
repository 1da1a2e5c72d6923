package io.forkpool.job;

import io.forkpool.catalog.InstalledKind;
import io.forkpool.plot.SvgPlot;
import io.forkpool.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** The jobs resource: where a job comes in, and where its state is read. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "Jobs", description = "Submit, follow, list, cancel and plot jobs")
@RequestMapping("/api/v1/jobs")
class JobController {

    // The parameters are checked by Spring MVC's method validation (constraints on the parameters,
    // no @Validated proxy): a HandlerMethodValidationException, which ProblemAdvice answers 400.
    private static final String WAIT = "must be between 0 and 60 seconds";
    private static final String KEY = "must be 1 to 200 characters";
    private static final String SIZE = "must be between 1 and 100";

    private final JobAdmission admission;
    private final JobStore store;
    private final JobEvents events;
    private final ObjectMapper json;

    JobController(JobAdmission admission, JobStore store, JobEvents events, ObjectMapper json) {
        this.json = json;
        this.admission = admission;
        this.store = store;
        this.events = events;
    }

    @Operation(
            summary = "Submit a job",
            description = "Cuts the job into shards and runs them on the worker "
                    + "processes. 202 with Location at once; with ?wait=N (seconds, at most 60) 200 with the finished job "
                    + "if it ends in time. A repeated Idempotency-Key with the same body returns the same job. Any kind "
                    + "takes an optional timeoutSeconds (1-86400): past it the job FAILS as timed out, and an optional "
                    + "notify {\"url\": ...}: the job's JSON is POSTed there, signed, when it ends "
                    + "(GET .../deliveries shows each attempt). A kind with precision fields takes until "
                    + "{\"<field>\": target}: the job stops at the smallest in-order prefix of its shards whose "
                    + "result meets it (the same on any number of workers and replicas), its size is then the cap, "
                    + "and its convergence says why it stopped.")
    @ApiResponse(responseCode = "202", description = "accepted; poll Location or follow /events")
    @ApiResponse(responseCode = "200", description = "finished within ?wait")
    @ApiResponse(responseCode = "400", description = "invalid field(s), each named in errors[]")
    @ApiResponse(responseCode = "503", description = "full or shutting down; retry after Retry-After seconds")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            description =
                                    "The job: its type (one of the installed kinds, GET /api/v1/kinds) and that kind's fields",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(ref = "#/components/schemas/JobRequest")))
                    @RequestBody
                    JsonNode body,
            @RequestParam(name = "wait", required = false)
                    @Min(value = 0, message = WAIT)
                    @Max(value = 60, message = WAIT)
                    Integer wait,
            @RequestHeader(name = "Idempotency-Key", required = false)
                    @Size(min = 1, max = 200, message = KEY)
                    @Pattern(regexp = ".*\\S.*", message = KEY)
                    String idempotencyKey,
            HttpServletRequest http)
            throws InterruptedException {
        if (!(body instanceof ObjectNode fields)) {
            throw new JobRejectedException.Invalid(
                    List.of(new io.forkpool.plugin.FieldError("body", "must be a JSON object with a type")));
        }
        JsonNode timeoutSeconds = fields.remove("timeoutSeconds");
        JsonNode notify = fields.remove("notify");
        JsonNode priority = fields.remove("priority");
        Job.Snapshot job = admission.submit(fields, timeoutSeconds, notify, priority, idempotencyKey, Tenant.of(http));
        if (wait != null && wait > 0 && !job.status().isFinal()) {
            job = store.await(job.id(), Duration.ofSeconds(wait)).orElse(job);
        }
        HttpStatus status = job.status().isFinal() && wait != null && wait > 0 ? HttpStatus.OK : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status)
                .location(URI.create("/api/v1/jobs/" + job.id()))
                .body(JobView.of(job));
    }

    @Operation(
            summary = "Get a job",
            description = "Its status, progress, timings and, once it SUCCEEDED, its result: the schema of its type's "
                    + "result (the JobView of its kind); while it runs, partialResult (kinds that show one: the "
                    + "result of the shards merged so far, made at most 5 times a second)")
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView get(@PathVariable String id, HttpServletRequest http) {
        return JobView.of(find(id, http));
    }

    @Operation(
            summary = "List jobs",
            description = "A page of the retained jobs, newest first, optionally of one status, one type and one batch")
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    JobPage list(
            @RequestParam(required = false) @StatusName String status,
            @RequestParam(required = false) @InstalledKind String type,
            @RequestParam(required = false) String batch,
            @RequestParam(defaultValue = "0") @Min(value = 0, message = "must be 0 or more") int page,
            @RequestParam(defaultValue = "20") @Min(value = 1, message = SIZE) @Max(value = 100, message = SIZE)
                    int size,
            HttpServletRequest http) {
        JobStatus wanted = status == null ? null : JobStatus.valueOf(status.toUpperCase(Locale.ROOT));
        var found = store.page(wanted, type, batch, Tenant.of(http).listFilter(), page, size);
        return new JobPage(
                found.jobs().stream().map(JobView::of).toList(),
                page,
                size,
                found.total(),
                (found.total() + size - 1) / size);
    }

    /** A page of jobs, newest first. */
    record JobPage(List<JobView> content, int page, int size, long totalElements, long totalPages) {}

    @Operation(
            summary = "Cancel a job",
            description = "Drops its queued shards and stops its running ones; answers the job. A job that already "
                    + "ended stays as it is.")
    @DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView cancel(@PathVariable String id, HttpServletRequest http) {
        find(id, http);
        return JobView.of(admission.cancel(id).orElseThrow(() -> notFound(id)));
    }

    @Operation(
            summary = "Follow a job's progress",
            description = "Server-sent events: `progress` events ({status, shardsDone, shardsTotal, partialResult, "
                    + "convergence}, at most 5 a second) while it runs, then one `job` event with the final job "
                    + "(a JobView), and the stream ends")
    @ApiResponse(
            responseCode = "200",
            description = "the event stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id, HttpServletRequest http) {
        find(id, http);
        return events.follow(id);
    }

    @Operation(
            summary = "Plot of a job's result",
            description = "The result drawn as SVG (640x400): projectile "
                    + "and dice histograms, pi's estimate with its 95% interval against pi, sine's approximation against "
                    + "the exact value, smallest-multiple as a card. 409 while the job has no result.")
    @ApiResponse(
            responseCode = "200",
            description = "the plot",
            content = @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "no such job")
    @ApiResponse(
            responseCode = "409",
            description = "the job has no result (yet): queued, running, failed or cancelled")
    @GetMapping(path = "/{id}/plot.svg")
    ResponseEntity<String> plot(@PathVariable String id, HttpServletRequest http) {
        Job.Snapshot job = find(id, http);
        JobView view = JobView.of(job);
        if (view.result() == null) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "job " + id + " is " + view.status()
                            + (view.status().isFinal() ? " and has no result to plot" : " and has no result yet"));
        }
        // No produces= on the mapping: 404 and 409 problems are negotiated like every other error.
        return ResponseEntity.ok()
                .contentType(new MediaType("image", "svg+xml", StandardCharsets.UTF_8))
                .body(SvgPlot.render(job.request(), view.result()));
    }

    /** The job, if the caller's tenant may see it: another tenant's is as unknown as one never made (404). */
    private Job.Snapshot find(String id, HttpServletRequest http) {
        Tenant tenant = Tenant.of(http);
        return store.find(id).filter(job -> tenant.mayAccess(job.tenant())).orElseThrow(() -> notFound(id));
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no job with id " + id);
    }
}
