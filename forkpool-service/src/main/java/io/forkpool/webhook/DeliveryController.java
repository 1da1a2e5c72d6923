package io.forkpool.webhook;

import io.forkpool.job.JobStore;
import io.forkpool.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** A job's webhook attempts, from any replica. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "Jobs")
class DeliveryController {

    private final JobStore store;
    private final DeliveryLog deliveries;

    DeliveryController(JobStore store, DeliveryLog deliveries) {
        this.store = store;
        this.deliveries = deliveries;
    }

    @io.swagger.v3.oas.annotations.Operation(
            summary = "A job's webhook deliveries",
            description = "Every attempt to POST the job's end to its notify URL, oldest first: "
                    + "delivered, failed (retried) or gave_up. Empty before the job ends or without notify.")
    @GetMapping(path = "/api/v1/jobs/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    List<DeliveryLog.Attempt> deliveries(@PathVariable String id, HttpServletRequest http) {
        Tenant tenant = Tenant.of(http);
        if (store.find(id).filter(j -> tenant.mayAccess(j.tenant())).isEmpty()) { // another tenant's: unknown
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no job with id " + id);
        }
        return deliveries.attempts(id);
    }
}
