package io.forkpool.batch;

import io.forkpool.job.Job;
import io.forkpool.job.JobAdmission;
import io.forkpool.job.JobRejectedException;
import io.forkpool.job.JobStore;
import io.forkpool.plugin.FieldError;
import io.forkpool.tenant.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The batches resource: many jobs in one round trip, all admitted or none, followed and cancelled as one. */
@RestController
@Tag(name = "Batches", description = "Submit up to 1,000 jobs at once, follow and cancel them together")
@RequestMapping("/api/v1/batches")
class BatchController {

    /** The most job bodies one batch takes. */
    static final int MAX_JOBS = 1_000;

    private static final String KEY = "must be 1 to 200 characters";

    private final JobAdmission admission;
    private final JobStore store;

    BatchController(JobAdmission admission, JobStore store) {
        this.admission = admission;
        this.store = store;
    }

    @Operation(
            summary = "Submit a batch of jobs",
            description = "{\"jobs\": [...]} with 1 to 1,000 job bodies, each as for POST /api/v1/jobs. All are "
                    + "admitted or none: every bad body is named by its index (jobs[3].samples), and a batch that "
                    + "does not fit under the queue's bound is refused whole. A repeated Idempotency-Key with the "
                    + "same bodies returns the same batch (200).")
    @ApiResponse(responseCode = "202", description = "accepted; follow Location")
    @ApiResponse(responseCode = "200", description = "the batch of this Idempotency-Key, submitted before")
    @ApiResponse(responseCode = "400", description = "bad bodies, each field named with its index in errors[]")
    @ApiResponse(responseCode = "409", description = "the Idempotency-Key came with other bodies")
    @ApiResponse(responseCode = "503", description = "the batch does not fit now, or shutting down; retry later")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchView> submit(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            description = "The jobs, each a body as for POST /api/v1/jobs",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(implementation = BatchRequest.class)))
                    @RequestBody
                    JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false)
                    @Size(min = 1, max = 200, message = KEY)
                    @Pattern(regexp = ".*\\S.*", message = KEY)
                    String idempotencyKey,
            HttpServletRequest http) {
        JsonNode jobs = body instanceof ObjectNode o ? o.get("jobs") : null;
        if (jobs == null || !jobs.isArray() || jobs.isEmpty() || jobs.size() > MAX_JOBS) {
            throw new JobRejectedException.Invalid(
                    List.of(new FieldError("jobs", "must be an array of 1 to " + MAX_JOBS + " job bodies")));
        }
        var errors = new ArrayList<FieldError>();
        var ready = new ArrayList<JobAdmission.Prepared>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            String at = "jobs[" + i + "]";
            if (!(jobs.get(i) instanceof ObjectNode one)) {
                errors.add(new FieldError(at, "must be a JSON object with a type"));
                continue;
            }
            ObjectNode fields = one.deepCopy();
            JsonNode timeoutSeconds = fields.remove("timeoutSeconds");
            try {
                JsonNode notify = fields.remove("notify");
                ready.add(admission.prepare(fields, timeoutSeconds, notify, fields.remove("priority")));
            } catch (JobRejectedException.Invalid e) {
                e.errors().forEach(err -> errors.add(new FieldError(at + "." + err.field(), err.message())));
            } catch (JacksonException e) { // a body no field can be blamed for: named by its index
                errors.add(new FieldError(at, "is not a valid job: " + e.getOriginalMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw admission.invalid(errors);
        }
        String id = UUID.randomUUID().toString();
        Tenant tenant = Tenant.of(http);
        JobStore.Batch batch = admission.submitBatch(id, ready, idempotencyKey, tenant);
        HttpStatus status = batch.id().equals(id) ? HttpStatus.ACCEPTED : HttpStatus.OK;
        return ResponseEntity.status(status)
                .location(URI.create("/api/v1/batches/" + batch.id()))
                .body(view(batch, tenant));
    }

    /** The body's shape, for the OpenAPI document only: it is read as a tree, so each body is checked on its own. */
    @Schema(name = "BatchRequest")
    record BatchRequest(
            @ArraySchema(
                    schema = @Schema(ref = "#/components/schemas/JobRequest"),
                    minItems = 1,
                    maxItems = MAX_JOBS,
                    arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
            List<Object> jobs) {}

    @Operation(summary = "A batch: its jobs counted by status, their shards summed, and when the last ended")
    @ApiResponse(responseCode = "200", description = "the batch")
    @ApiResponse(responseCode = "404", description = "no such batch")
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    BatchView get(@PathVariable String id, HttpServletRequest http) {
        Tenant tenant = Tenant.of(http);
        return view(find(id, tenant), tenant);
    }

    @Operation(summary = "Cancel every job of the batch that has not ended")
    @ApiResponse(responseCode = "200", description = "the batch after the cancels")
    @ApiResponse(responseCode = "404", description = "no such batch")
    @DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    BatchView cancel(@PathVariable String id, HttpServletRequest http) {
        Tenant tenant = Tenant.of(http);
        JobStore.Batch batch = find(id, tenant);
        admission.cancelAll(jobsOf(batch, tenant).stream()
                .filter(job -> !job.status().isFinal())
                .map(Job.Snapshot::id)
                .toList());
        return view(batch, tenant);
    }

    private BatchView view(JobStore.Batch batch, Tenant tenant) {
        return BatchView.of(batch, jobsOf(batch, tenant));
    }

    /** The batch's jobs that {@code tenant} may see (all of them or none: one tenant submits a whole batch). */
    private List<Job.Snapshot> jobsOf(JobStore.Batch batch, Tenant tenant) {
        return store.page(null, null, batch.id(), tenant.listFilter(), 0, MAX_JOBS)
                .jobs();
    }

    /** The batch, if {@code tenant} may see it: another tenant's is as unknown as one never made (404). */
    private JobStore.Batch find(String id, Tenant tenant) {
        return store.batch(id)
                .filter(b -> tenant.admin() || !jobsOf(b, tenant).isEmpty())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no batch with id " + id));
    }
}
