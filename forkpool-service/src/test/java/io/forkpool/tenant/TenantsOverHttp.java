package io.forkpool.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.ForkpoolApplication;
import io.forkpool.web.Api;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Tenants through HTTP, as every backend must honour them: a job is its tenant's (another gets 404
 * on every endpoint of it, and does not see it listed), an admin sees and acts on all, an
 * Idempotency-Key is the tenant's own, quotas answer 429 with {@code Retry-After}, and no answer
 * carries a key. A subclass starts the service on its backend; on Redis {@link #a()} and {@link #b()}
 * are two replicas on one Redis, and every check asks the other replica than the one that admitted.
 */
abstract class TenantsOverHttp {

    static final String ALICE = "alice-key-0f9e77";
    static final String BOB = "bob-key-51c2aa";
    static final String ROOT = "root-key-d3a7bb";
    static final String CAPPED = "capped-key-9b1c0d";

    /** A job that keeps one worker busy for minutes unless cancelled. */
    static final String LONG = "{\"type\":\"pi\",\"samples\":100000000000,\"seed\":1}";

    static final String SMALL = "{\"type\":\"pi\",\"samples\":200000,\"seed\":5}";

    /** The replica that admits. */
    abstract Api a();

    /** Another replica on the same store, or the same service where there is one. */
    abstract Api b();

    /** The service's properties with the tenants of these tests, and {@code more} (the backend's). */
    static ConfigurableApplicationContext start(String... more) {
        var args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--forkpool.workers.count=1",
                "--forkpool.workers.warmup=0ms",
                "--forkpool.security.tenants.alice.key=" + ALICE,
                "--forkpool.security.tenants.alice.weight=2",
                "--forkpool.security.tenants.bob.key=" + BOB,
                "--forkpool.security.tenants.root.key=" + ROOT,
                "--forkpool.security.tenants.root.admin=true",
                "--forkpool.security.tenants.capped.key=" + CAPPED,
                "--forkpool.security.tenants.capped.max-jobs=3"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(ForkpoolApplication.class).run(args.toArray(String[]::new));
    }

    static Api api(ConfigurableApplicationContext context) {
        var api = new Api("http://127.0.0.1:"
                + ((WebServerApplicationContext) context).getWebServer().getPort());
        api.awaitReady();
        return api;
    }

    private final List<String> submitted = new ArrayList<>();

    @AfterEach
    void cancelWhatWasSubmitted() {
        submitted.forEach(id -> call(a(), "DELETE", "/api/v1/jobs/" + id, ROOT, null));
        submitted.clear();
    }

    static HttpResponse<String> call(Api api, String method, String path, String key, String body) {
        var request = api.request(path).header("X-API-Key", key);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return api.send(request.method(
                        method,
                        body == null
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private JsonNode submit(Api api, String key, String body) {
        var response = call(api, "POST", "/api/v1/jobs", key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode job = Api.parse(response.body());
        submitted.add(job.path("id").asString());
        return job;
    }

    @Test
    void anotherTenantsJobIsUnknownOnEveryEndpointAndAnAdminSeesIt() {
        JsonNode job = submit(a(), ALICE, LONG);
        String id = job.path("id").asString();
        assertThat(job.path("tenant").asString()).isEqualTo("alice");
        String path = "/api/v1/jobs/" + id;

        for (String endpoint :
                List.of(path, path + "/events", path + "/shards", path + "/plot.svg", path + "/deliveries")) {
            var answer = call(b(), "GET", endpoint, BOB, null);
            assertThat(answer.statusCode())
                    .as("bob GET %s: %s", endpoint, answer.body())
                    .isEqualTo(404);
            assertThat(answer.body()).doesNotContain("alice");
        }
        assertThat(call(b(), "DELETE", path, BOB, null).statusCode()).isEqualTo(404);
        assertThat(Api.parse(call(a(), "GET", path, ALICE, null).body())
                        .path("status")
                        .asString())
                .as("bob's DELETE left it alone")
                .isIn("QUEUED", "RUNNING");
        assertThat(ids(call(b(), "GET", "/api/v1/jobs?size=100", BOB, null))).doesNotContain(id);
        assertThat(ids(call(b(), "GET", "/api/v1/jobs?size=100", ALICE, null))).contains(id);
        assertThat(Api.parse(call(b(), "GET", "/api/v1/overview", BOB, null).body())
                                .path("jobs")
                                .path("RUNNING")
                                .asLong()
                        + Api.parse(call(b(), "GET", "/api/v1/overview", BOB, null)
                                        .body())
                                .path("jobs")
                                .path("QUEUED")
                                .asLong())
                .as("bob's overview counts none of alice's jobs")
                .isZero();

        // an admin sees it, in the list too, with its tenant, and may cancel it
        var seen = call(b(), "GET", path, ROOT, null);
        assertThat(seen.statusCode()).isEqualTo(200);
        assertThat(Api.parse(seen.body()).path("tenant").asString()).isEqualTo("alice");
        assertThat(call(b(), "GET", path + "/shards", ROOT, null).statusCode()).isEqualTo(200);
        assertThat(ids(call(b(), "GET", "/api/v1/jobs?size=100", ROOT, null))).contains(id);
        var cancelled = call(b(), "DELETE", path, ROOT, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(Api.parse(cancelled.body()).path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void anotherTenantsBatchIsUnknown() {
        var response = call(a(), "POST", "/api/v1/batches", ALICE, "{\"jobs\":[" + LONG + "," + SMALL + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String batch = Api.parse(response.body()).path("id").asString();
        var jobs = call(a(), "GET", "/api/v1/jobs?size=100&batch=" + batch, ALICE, null);
        submitted.addAll(ids(jobs));
        assertThat(ids(jobs)).hasSize(2);

        assertThat(call(b(), "GET", "/api/v1/batches/" + batch, BOB, null).statusCode())
                .isEqualTo(404);
        assertThat(call(b(), "DELETE", "/api/v1/batches/" + batch, BOB, null).statusCode())
                .isEqualTo(404);
        assertThat(ids(call(b(), "GET", "/api/v1/jobs?size=100&batch=" + batch, BOB, null)))
                .isEmpty();
        assertThat(call(b(), "GET", "/api/v1/batches/" + batch, ALICE, null).statusCode())
                .isEqualTo(200);
        assertThat(call(b(), "GET", "/api/v1/batches/" + batch, ROOT, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anIdempotencyKeyIsEachTenantsOwn() {
        String key = "order-" + java.util.UUID.randomUUID();
        var alices = call(a(), "POST", "/api/v1/jobs", ALICE, SMALL, key);
        var bobs = call(b(), "POST", "/api/v1/jobs", BOB, LONG, key);
        assertThat(alices.statusCode()).as(alices.body()).isEqualTo(202);
        assertThat(bobs.statusCode())
                .as("bob's key is not alice's: " + bobs.body())
                .isEqualTo(202);
        String bobsId = Api.parse(bobs.body()).path("id").asString();
        submitted.add(bobsId);
        submitted.add(Api.parse(alices.body()).path("id").asString());
        assertThat(bobsId).isNotEqualTo(Api.parse(alices.body()).path("id").asString());
        var again = call(a(), "POST", "/api/v1/jobs", BOB, LONG, key);
        assertThat(Api.parse(again.body()).path("id").asString()).isEqualTo(bobsId);
    }

    private static HttpResponse<String> call(
            Api api, String method, String path, String key, String body, String idem) {
        return api.send(api.request(path)
                .header("X-API-Key", key)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idem)
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Test
    void aPriorityIsKeptAndABadOneIsNamed() {
        JsonNode job = submit(a(), ALICE, LONG.replace("{", "{\"priority\":\"high\","));
        assertThat(job.path("priority").asString()).isEqualTo("high");
        assertThat(Api.parse(call(b(), "GET", "/api/v1/jobs/" + job.path("id").asString(), ALICE, null)
                                .body())
                        .path("priority")
                        .asString())
                .isEqualTo("high");
        var bad = call(a(), "POST", "/api/v1/jobs", ALICE, SMALL.replace("{", "{\"priority\":\"urgent\","));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"priority\"");
    }

    @Test
    void aTenantPastItsMaxJobsGets429OnBothReplicasAtOnce() throws Exception {
        int tries = 8;
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(tries);
        var answers = new ArrayList<java.util.concurrent.Future<HttpResponse<String>>>();
        try {
            for (int i = 0; i < tries; i++) {
                Api on = i % 2 == 0 ? a() : b();
                Callable<HttpResponse<String>> post = () -> {
                    start.await();
                    return call(on, "POST", "/api/v1/jobs", CAPPED, LONG);
                };
                answers.add(pool.submit(post));
            }
            start.countDown();
            var accepted = new ArrayList<HttpResponse<String>>();
            var refused = new ArrayList<HttpResponse<String>>();
            for (var answer : answers) {
                var response = answer.get();
                (response.statusCode() == 202 ? accepted : refused).add(response);
            }
            accepted.forEach(r -> submitted.add(Api.parse(r.body()).path("id").asString()));
            assertThat(accepted).as("exactly max-jobs admitted across replicas").hasSize(3);
            assertThat(refused).hasSize(tries - 3).allSatisfy(r -> {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
                JsonNode problem = Api.parse(r.body());
                assertThat(problem.path("quota").asString()).isEqualTo("max-jobs");
                assertThat(problem.path("limit").asInt()).isEqualTo(3);
            });
        } finally {
            pool.shutdownNow();
        }
        // another tenant is not held by capped's quota; and one of capped's ending makes room
        submit(b(), BOB, SMALL);
        String first = submitted.getFirst();
        assertThat(call(b(), "DELETE", "/api/v1/jobs/" + first, CAPPED, null).statusCode())
                .isEqualTo(200);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> call(a(), "POST", "/api/v1/jobs", CAPPED, SMALL).statusCode() == 202);
    }

    @Test
    void noAnswerCarriesAKey() {
        JsonNode job = submit(a(), ALICE, SMALL);
        String id = job.path("id").asString();
        var answers = Stream.of(
                        call(b(), "GET", "/api/v1/jobs/" + id, ALICE, null),
                        call(b(), "GET", "/api/v1/jobs?size=100", ROOT, null),
                        call(b(), "GET", "/api/v1/overview", ROOT, null),
                        call(b(), "GET", "/api/v1/workers", ROOT, null),
                        call(b(), "GET", "/actuator/prometheus", ROOT, null),
                        call(b(), "GET", "/v3/api-docs", ROOT, null),
                        call(b(), "GET", "/api/v1/jobs/" + id, "wrong-" + ALICE, null))
                .map(HttpResponse::body)
                .toList();
        assertThat(answers)
                .allSatisfy(body -> assertThat(body)
                        .doesNotContain(ALICE)
                        .doesNotContain(BOB)
                        .doesNotContain(ROOT)
                        .doesNotContain(CAPPED));
    }

    private static List<String> ids(HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        var ids = new ArrayList<String>();
        Api.parse(page.body()).path("content").forEach(j -> ids.add(j.path("id").asString()));
        return ids;
    }
}
