package io.forkpool.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Swagger UI and the OpenAPI document as served, and every example in it a job the service accepts.
 */
@ForkpoolServiceTest
class OpenApiEndToEndTest {

    final Api api;

    OpenApiEndToEndTest(Api api) {
        this.api = api;
    }

    @Test
    void swaggerUiAndOpenApiAreServed() {
        var ui = api.get("/swagger-ui.html");
        assertThat(ui.statusCode()).isIn(200, 301, 302, 303, 307, 308);
        if (ui.statusCode() != 200) {
            String location = ui.headers().firstValue("Location").orElseThrow();
            String path =
                    location.startsWith("http") ? java.net.URI.create(location).getPath() : location;
            ui = api.get(path);
        }
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");

        var docs = api.get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.headers().firstValue("Content-Type").orElse("")).contains("json");
        JsonNode openApi = Api.parse(docs.body());
        assertThat(openApi.path("openapi").asString()).startsWith("3.");
        assertThat(openApi.path("paths").has("/api/v1/jobs")).as(docs.body()).isTrue();
        assertThat(openApi.path("paths").has("/api/v1/jobs/{id}")).isTrue();
        assertThat(openApi.path("paths").path("/api/v1/jobs").has("post")).isTrue();
    }

    @Test
    void openApiHasAValidExamplePerKind() throws InterruptedException {
        JsonNode openApi = Api.parse(api.get("/v3/api-docs").body());
        JsonNode examples = openApi.path("paths")
                .path("/api/v1/jobs")
                .path("post")
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("examples");
        var kinds = new HashSet<String>();
        for (var example : examples.properties()) {
            JsonNode value = example.getValue().path("value");
            if (value.isString()) {
                value = Api.parse(value.asString());
            }
            kinds.add(value.path("type").asString());
            // each example is a job the service accepts as it stands
            var posted = api.post("/api/v1/jobs", value.toString());
            assertThat(posted.statusCode())
                    .as("example %s: %s", example.getKey(), posted.body())
                    .isEqualTo(202);
            api.delete("/api/v1/jobs/" + Api.parse(posted.body()).path("id").asString());
        }
        assertThat(kinds)
                .as("kinds of the examples in %s", examples)
                .containsExactlyInAnyOrder("pi", "projectile", "dice", "sine", "smallest-multiple");
        api.awaitWorkersIdle(2, Duration.ofSeconds(10));
    }
}
