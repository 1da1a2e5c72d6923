package io.forkpool.web;

import io.forkpool.catalog.KindSchemas;
import io.forkpool.plugin.KindRegistry;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The OpenAPI document built from the installed kinds: one request schema per kind (its fields,
 * required ones, bounds, defaults, descriptions) under a {@code JobRequest} discriminated by
 * {@code type}, an example body per kind, each kind's result schema (under a {@code JobView}
 * discriminated by {@code type}), every response of the job endpoints with its problem body, and
 * the service's real title, description and version. A kind installed as a plugin shows
 * up here, and in Swagger UI, by itself.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String PROBLEM = "application/problem+json";

    @Bean
    OpenApiCustomizer forkpoolOpenApi(
            KindRegistry kinds, KindSchemas schemas, ObjectProvider<BuildProperties> build, Environment environment) {
        return openApi -> {
            BuildProperties properties = build.getIfAvailable();
            openApi.info(new Info()
                    .title("forkpool")
                    .description("Runs compute jobs on a pool of forked worker processes: POST a job of one of the "
                            + "installed kinds (GET /api/v1/kinds), follow its progress, read its result and timings. "
                            + "Errors are RFC 9457 problem+json; a 400 names every bad field in `errors`.")
                    .version(properties != null ? properties.getVersion() : "development"));
            // No license object: the repository states none (and OpenAPI 3.1's would need an SPDX identifier or a URL).
            // Relative to the document: the same on every host and behind a proxy (springdoc's would name the
            // host it was asked on, e.g. a pod's address).
            openApi.servers(List.of(new Server()
                    .url(environment.getProperty("server.servlet.context-path", "") + "/")
                    .description("this service: where this document is served from")));
            addKinds(openApi, kinds, schemas);
            addResults(openApi, kinds);
            addProblems(openApi);
        };
    }

    private static void addKinds(OpenAPI openApi, KindRegistry kinds, KindSchemas schemas) {
        var components = openApi.getComponents();
        var oneOf = new ArrayList<Schema>();
        var mapping = new LinkedHashMap<String, String>();
        var examples = new LinkedHashMap<String, Example>();
        for (var installed : kinds.all()) {
            var kind = installed.kind();
            String name = schemaName(kind.name());
            var schema = typed("object").title(kind.name()).description(kind.description());
            schema.addProperty(
                    "type", typed("string")._enum(List.of(kind.name())).description("the job kind"));
            schema.addRequiredItem("type");
            for (var field : schemas.fields(kind)) {
                schema.addProperty(field.name(), property(field.schema()));
                if (field.required()) {
                    schema.addRequiredItem(field.name());
                }
            }
            schema.additionalProperties(false);
            components.addSchemas(name, schema);
            oneOf.add(new Schema<>().$ref("#/components/schemas/" + name));
            mapping.put(kind.name(), "#/components/schemas/" + name);
            examples.put(kind.name(), new Example().summary(kind.description()).value(KindSchemas.example(kind)));
        }
        components.addSchemas(
                "JobRequest",
                new Schema<>()
                        .oneOf(oneOf)
                        .discriminator(new Discriminator().propertyName("type").mapping(mapping))
                        .description("A job: its type, one of the installed kinds, and that kind's fields"));
        Operation post = openApi.getPaths().get("/api/v1/jobs").getPost();
        MediaType json =
                post.getRequestBody().getContent().get(org.springframework.http.MediaType.APPLICATION_JSON_VALUE);
        json.setExamples(examples);
    }

    /**
     * Each kind's result schema ({@code PiResult}, from its result record) and a {@code PiJobView}: the
     * {@code JobView} whose {@code result} is that. {@code JobView} names them by {@code type} (a
     * discriminator), so a generated client reads a job as its kind's view with a typed result.
     */
    private static void addResults(OpenAPI openApi, KindRegistry kinds) {
        var components = openApi.getComponents();
        Schema<?> view = components.getSchemas().get("JobView");
        view.getProperties().remove("result");
        // untyped here, typed in each kind's view (as result is): a generated client's typed view then
        // overrides a getter of Object, not of another class
        view.getProperties()
                .put(
                        "partialResult",
                        ResultSchemas.orNull(typed("object"))
                                .description("while it runs (and kept when it is cancelled), for kinds that show"
                                        + " one: the result of the shards merged so far, with the samples and shards"
                                        + " it covers; typed in each kind's view"));
        components.getSchemas().remove("PartialView");
        var mapping = new LinkedHashMap<String, String>();
        var results = new ResultSchemas(components.getSchemas());
        for (var installed : kinds.all()) {
            var kind = installed.kind();
            String name = typeName(kind.name());
            Schema<?> result = ResultSchemas.orNull(results.add(kind.resultType(), name + "Result"))
                    .description("the result of the " + kind.name() + " job once it SUCCEEDED; null before, and if it "
                            + "failed or was cancelled");
            var typedView = typed("object").addProperty("result", result);
            if (kind.partialResults()) {
                // the kind's finish of the shards merged so far: the same result schema
                typedView.addProperty(
                        "partialResult",
                        ResultSchemas.orNull(typed("object")
                                        .addProperty("result", results.add(kind.resultType(), name + "Result"))
                                        .addProperty(
                                                "samples",
                                                typed("integer")
                                                        .format("int64")
                                                        .description("work units of the shards merged"))
                                        .addProperty(
                                                "shards",
                                                typed("integer").format("int32").description("shards merged"))
                                        .required(List.of("result", "samples", "shards")))
                                .description("while it runs (and kept when it is cancelled): the " + kind.name()
                                        + " result of the shards merged so far; with until, of the in-order prefix"));
            }
            components.addSchemas(
                    name + "JobView",
                    new Schema<>()
                            .description("A " + kind.name() + " job (" + kind.description() + ") with its typed result")
                            .allOf(List.of(new Schema<>().$ref("#/components/schemas/JobView"), typedView)));
            mapping.put(kind.name(), "#/components/schemas/" + name + "JobView");
        }
        view.description("A job as the API shows it. Its result depends on its type: the discriminator names the "
                        + "view of each installed kind, whose result is that kind's result schema")
                .discriminator(new Discriminator().propertyName("type").mapping(mapping));
    }

    /** One kind field's JSON Schema as an OpenAPI schema. */
    @SuppressWarnings("unchecked")
    private static Schema<?> property(Map<String, Object> field) {
        var schema = typed((String) field.get("type"));
        if (field.get("format") instanceof String format) {
            schema.format(format);
        }
        if (field.get("description") instanceof String description) {
            schema.description(description);
        }
        if (field.get("enum") instanceof List<?> values) {
            schema._enum(new ArrayList<>(values));
        }
        if (field.containsKey("default")) {
            schema.setDefault(field.get("default"));
        }
        if (field.get("minimum") instanceof Number min) {
            schema.minimum(decimal(min));
        }
        if (field.get("maximum") instanceof Number max) {
            schema.maximum(decimal(max));
        }
        // OpenAPI 3.1 (what springdoc writes) takes JSON Schema's numeric exclusive bounds.
        if (field.get("exclusiveMinimum") instanceof Number min) {
            schema.exclusiveMinimumValue(decimal(min));
        }
        if (field.get("exclusiveMaximum") instanceof Number max) {
            schema.exclusiveMaximumValue(decimal(max));
        }
        if (field.get("properties") instanceof Map<?, ?> properties) { // an object field (notify)
            properties.forEach((name, sub) -> schema.addProperty((String) name, property((Map<String, Object>) sub)));
            if (field.get("required") instanceof List<?> required) {
                required.forEach(name -> schema.addRequiredItem((String) name));
            }
            schema.additionalProperties(false);
        }
        if (field.get("minProperties") instanceof Integer min) { // until: exactly one precision field
            schema.minProperties(min);
        }
        if (field.get("maxProperties") instanceof Integer max) {
            schema.maxProperties(max);
        }
        return schema;
    }

    /** A schema of one JSON type, for OpenAPI 3.0 ({@code type}) and 3.1 ({@code types}) alike. */
    static Schema<Object> typed(String type) {
        var schema = new Schema<Object>();
        schema.type(type);
        schema.types(new java.util.LinkedHashSet<>(List.of(type)));
        return schema;
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
    }

    /** "smallest-multiple" → "SmallestMultipleJob". */
    static String schemaName(String kind) {
        return typeName(kind) + "Job";
    }

    /** "smallest-multiple" → "SmallestMultiple": the stem of the kind's schemas' names. */
    static String typeName(String kind) {
        var name = new StringBuilder();
        for (String part : kind.split("-")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return name.toString();
    }

    /** The problem body of every 4xx/5xx, and the responses the job endpoints can give. */
    private static void addProblems(OpenAPI openApi) {
        var error = typed("object").addProperty("field", typed("string")).addProperty("message", typed("string"));
        openApi.getComponents()
                .addSchemas(
                        "Problem",
                        typed("object")
                                .description("RFC 9457 problem details")
                                .addProperty("type", typed("string").format("uri"))
                                .addProperty("title", typed("string"))
                                .addProperty("status", typed("integer").format("int32"))
                                .addProperty("detail", typed("string"))
                                .addProperty("instance", typed("string").format("uri"))
                                .addProperty(
                                        "errors",
                                        new ArraySchema()
                                                .items(error)
                                                .types(new java.util.LinkedHashSet<>(List.of("array")))
                                                .description("400: each bad field"))
                                .addProperty("reason", typed("string").description("503: why the job was refused")));
        var jobs = openApi.getPaths().get("/api/v1/jobs");
        problems(
                jobs.getPost().getResponses(),
                "400",
                "a field is missing or invalid; each is named in errors[]",
                "409",
                "this Idempotency-Key was used with another body",
                "413",
                "the body is larger than forkpool.limits.max-body",
                "415",
                "the body is not application/json",
                "503",
                "full, shutting down or the job store is unreachable; retry after Retry-After seconds");
        problems(jobs.getGet().getResponses(), "400", "a query parameter is invalid; each is named in errors[]");
        var job = openApi.getPaths().get("/api/v1/jobs/{id}");
        if (job != null) {
            problems(job.getGet().getResponses(), "404", "no such job");
            problems(job.getDelete().getResponses(), "404", "no such job");
        }
        var events = openApi.getPaths().get("/api/v1/jobs/{id}/events");
        if (events != null) {
            problems(events.getGet().getResponses(), "404", "no such job");
        }
        // The plot's errors are problems too (its mapping has no produces=, so they are negotiated as any error).
        var plot = openApi.getPaths().get("/api/v1/jobs/{id}/plot.svg");
        if (plot != null) {
            problems(
                    plot.getGet().getResponses(),
                    "404",
                    "no such job",
                    "409",
                    "the job has no result (yet): queued, running, failed or cancelled");
        }
    }

    /** Adds (or replaces) a problem response per (code, description) pair, in the order given. */
    static void problems(ApiResponses responses, String... codesAndDescriptions) {
        for (int i = 0; i < codesAndDescriptions.length; i += 2) {
            responses.addApiResponse(
                    codesAndDescriptions[i],
                    new ApiResponse()
                            .description(codesAndDescriptions[i + 1])
                            .content(new Content()
                                    .addMediaType(
                                            PROBLEM,
                                            new MediaType()
                                                    .schema(new Schema<>().$ref("#/components/schemas/Problem")))));
        }
    }
}
