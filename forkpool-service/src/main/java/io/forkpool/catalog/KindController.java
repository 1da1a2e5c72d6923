package io.forkpool.catalog;

import io.forkpool.plugin.KindRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/kinds}: what jobs this service can run, and how to ask for one. */
@RestController
@RequestMapping("/api/v1/kinds")
@Tag(name = "Kinds", description = "The installed job kinds: name, description, request schema, an example")
class KindController {

    private final KindRegistry registry;
    private final KindSchemas schemas;

    KindController(KindRegistry registry, KindSchemas schemas) {
        this.registry = registry;
        this.schemas = schemas;
    }

    /** One installed kind. */
    record KindView(
            String name,
            String description,
            boolean seeded,
            String source,
            Map<String, Object> schema,
            Map<String, Object> example) {}

    @Operation(
            summary = "List the installed job kinds",
            description = "Each kind with a one-line description, the JSON Schema of its request body (required "
                    + "fields, bounds, defaults, descriptions) and a body that works as it is.")
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<KindView> kinds() {
        return registry.all().stream()
                .map(installed -> {
                    var kind = installed.kind();
                    return new KindView(
                            kind.name(),
                            kind.description(),
                            kind.seeded(),
                            installed.source(),
                            schemas.schema(kind),
                            KindSchemas.example(kind));
                })
                .toList();
    }
}
