package io.forkpool.web;

import io.forkpool.dispatch.Dispatcher;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/workers}: the pool as it is now. */
@RestController
@io.swagger.v3.oas.annotations.tags.Tag(name = "Workers", description = "The worker processes of this replica")
class WorkerController {

    private final Dispatcher dispatcher;

    WorkerController(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    record WorkerView(int id, long pid, String state, long shardsCompleted, int restarts, Instant startedAt) {}

    @GetMapping("/api/v1/workers")
    List<WorkerView> workers() {
        return dispatcher.workers().stream().map(w -> new WorkerView(w.id(), w.pid(),
                w.state().name().toLowerCase(Locale.ROOT), w.shardsCompleted(), w.generation(), w.startedAt()))
                .toList();
    }
}
