package io.forkpool.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forkpool.client.ApiClient;
import io.forkpool.client.ApiException;
import io.forkpool.client.ApiResponse;
import io.forkpool.client.api.JobsApi;
import io.forkpool.client.api.KindsApi;
import io.forkpool.client.model.BirthdayJob;
import io.forkpool.client.model.BirthdayJobView;
import io.forkpool.client.model.BirthdayResult;
import io.forkpool.client.model.JobRequest;
import io.forkpool.client.model.JobView;
import io.forkpool.client.model.KindView;
import io.forkpool.client.model.PiJob;
import io.forkpool.client.model.PiJobView;
import io.forkpool.client.model.PiResult;
import io.forkpool.client.model.Problem;
import io.forkpool.client.model.ProblemErrorsInner;
import io.forkpool.client.model.SineJob;
import io.forkpool.client.model.SineJobView;
import io.forkpool.client.model.SineResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

/**
 * The Java client that openapi-generator makes from the committed API snapshot (docs/openapi.json,
 * generator "java", library "native"), used as a client's developer would, against the packaged
 * service with the example kind (birthday) installed: it lists the kinds, submits the example of
 * every one, follows each job to its end and reads its result, builds typed requests with the
 * generated models, and reads the problem bodies of errors. Only the readiness wait and the process
 * handling go around it: neither is part of the document.
 *
 * <p>How the generator renders {@code JobRequest} (a {@code oneOf} of the kinds' schemas with a
 * {@code type} discriminator): a wrapper class, {@code JobRequest extends AbstractOpenApiSchema},
 * with a constructor per kind ({@code new JobRequest(new PiJob()...)}) and {@code getActualInstance()};
 * each kind is a model class whose {@code type} is an enum of its one name. Serializing writes the
 * wrapped kind as it is; deserializing tries every kind and keeps the one that matches, which is
 * exactly one because of that one-value {@code type}. So the document stays a plain oneOf, and the
 * test uses the wrapper as generated.
 *
 * <p>A job comes back as its kind's view: {@code JobView} carries a {@code type} discriminator whose
 * mapping names a {@code PiJobView} (allOf JobView and a typed {@code result}) per kind, which the
 * generator renders as subclasses ({@code PiJobView extends JobView}, chosen by Jackson from
 * {@code type}), each with {@code getResult()} of its kind's result model ({@code PiResult}).
 */
class GeneratedClientIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    /** How long one job may take to finish here (shared, loaded CI machines included). */
    private static final Duration JOB_WITHIN = Duration.ofSeconds(120);

    private static final Set<JobView.StatusEnum> FINAL =
            EnumSet.of(JobView.StatusEnum.SUCCEEDED, JobView.StatusEnum.FAILED, JobView.StatusEnum.CANCELLED);

    /** Reads the readiness answer (JSON, but not part of the API document). */
    private static final ObjectMapper JSON = ApiClient.createDefaultObjectMapper();

    private static Process service;
    private static Path kindsDir;
    private static Path log;
    private static ApiClient client;
    private static JobsApi jobs;
    private static KindsApi kinds;

    @BeforeAll
    static void startThePackagedServiceWithTheExampleKind() throws Exception {
        Path jar = existing("forkpool.jar", "the packaged service (module forkpool-service)");
        Path kindJar = existing(
                "forkpool.example.kind.jar", "the example kind's jar (module examples/forkpool-kind-birthday)");
        kindsDir = Files.createTempDirectory("forkpool-client-kinds");
        Files.copy(kindJar, kindsDir.resolve(kindJar.getFileName()));
        // the JDK 25 running this test: the default java on PATH may be older
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = freePort();
        log = Path.of("target", "generated-client-it.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        service = new ProcessBuilder(
                        java,
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--forkpool.kinds.dir=" + kindsDir,
                        "--forkpool.workers.count=2",
                        "--forkpool.workers.spares=0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        awaitReady(URI.create("http://localhost:" + port + "/actuator/health/readiness"));

        client = new ApiClient();
        // the document's server is relative ("/", wherever it is served from): the client needs the host
        client.updateBaseUri("http://localhost:" + port);
        client.setReadTimeout(Duration.ofSeconds(90));
        jobs = new JobsApi(client);
        kinds = new KindsApi(client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (kindsDir != null) {
            try (var files = Files.list(kindsDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(kindsDir);
        }
    }

    @Test
    void theExampleOfEveryInstalledKindRunsToSuccess() throws Exception {
        List<KindView> installed = kinds.kinds();
        Set<String> names = installed.stream().map(KindView::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names)
                .containsExactlyInAnyOrder("pi", "projectile", "dice", "sine", "smallest-multiple", "birthday");
        // the client knows every installed kind: its JobRequest has one schema per kind
        assertThat(JobRequest.schemas.keySet())
                .as("kinds of the generated JobRequest")
                .containsExactlyInAnyOrderElementsOf(
                        names.stream().map(GeneratedClientIT::schemaName).toList());

        for (KindView kind : installed) {
            // the example body, as the client's own request type
            JobRequest request = client.getObjectMapper().convertValue(kind.getExample(), JobRequest.class);
            assertThat(request.getActualInstance())
                    .as("example of %s", kind.getName())
                    .isInstanceOf(JobRequest.schemas.get(schemaName(kind.getName())));

            JobView job = runToEnd(request);
            assertThat(job.getStatus()).as("%s: %s", kind.getName(), job).isEqualTo(JobView.StatusEnum.SUCCEEDED);
            assertThat(job.getType()).isEqualTo(kind.getName());
            assertThat(job.getError()).isNull();
            assertThat(job.getRequest())
                    .as("%s: the request as the service took it", kind.getName())
                    .containsAllEntriesOf(withoutType(kind.getExample()));
            assertThat(job.getProgress().getShardsTotal()).isPositive();
            assertThat(job.getProgress().getShardsDone())
                    .isEqualTo(job.getProgress().getShardsTotal());
            // read as its kind's view, with its kind's typed result
            assertThat(job.getClass().getSimpleName())
                    .as("%s: view", kind.getName())
                    .isEqualTo(typeName(kind.getName()) + "JobView");
            Object result = job.getClass().getMethod("getResult").invoke(job);
            assertThat(result).as("%s: result", kind.getName()).isNotNull();
            assertThat(result.getClass().getSimpleName())
                    .as("%s: result", kind.getName())
                    .isEqualTo(typeName(kind.getName()) + "Result");
            assertThat(job.getFinishedAt()).isAfterOrEqualTo(job.getSubmittedAt());
            assertThat(jobs.get(job.getId()).getStatus()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        }
    }

    @Test
    void typedRequestsBuiltWithTheGeneratedModelsGiveTheirKnownResults() throws Exception {
        JobView pi = runToEnd(new JobRequest(
                new PiJob().type(PiJob.TypeEnum.PI).samples(2_000_000L).seed(7L)));
        assertThat(pi.getStatus()).as(pi.toString()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        PiResult piResult = ((PiJobView) pi).getResult();
        assertThat(piResult.getSamples()).isEqualTo(2_000_000L);
        assertThat(piResult.getInside()).isBetween(1L, 2_000_000L);
        assertThat(piResult.getEstimate()).isCloseTo(4.0 * piResult.getInside() / piResult.getSamples(), within(1e-12));
        assertThat(piResult.getEstimate()).isCloseTo(Math.PI, within(5 * piResult.getStdError()));
        assertThat(piResult.getCi95()).hasSize(2);
        assertThat(piResult.getCi95().get(0)).isLessThan(piResult.getEstimate());
        assertThat(piResult.getCi95().get(1)).isGreaterThan(piResult.getEstimate());

        // the plugin kind: P(two of 23 people share a birthday) = 0.5072972..., simulated
        JobView birthday = runToEnd(new JobRequest(new BirthdayJob()
                .type(BirthdayJob.TypeEnum.BIRTHDAY)
                .trials(200_000L)
                .people(23)
                .days(365)
                .seed(11L)));
        assertThat(birthday.getStatus()).as(birthday.toString()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        BirthdayResult birthdayResult = ((BirthdayJobView) birthday).getResult();
        assertThat(birthdayResult.getTrials()).isEqualTo(200_000L);
        assertThat(birthdayResult.getExact()).isCloseTo(0.5072972343, within(1e-9));
        assertThat(birthdayResult.getProbability())
                .isEqualTo((double) birthdayResult.getShared() / birthdayResult.getTrials())
                .isCloseTo(0.5072972343, within(5 * birthdayResult.getStdError()));

        // sin 0.5 by 3 Taylor terms: 0.5 - 0.5^3/3! + 0.5^5/5!
        JobView sine = runToEnd(
                new JobRequest(new SineJob().type(SineJob.TypeEnum.SINE).x(0.5).terms(3)));
        assertThat(sine.getStatus()).as(sine.toString()).isEqualTo(JobView.StatusEnum.SUCCEEDED);
        SineResult sineResult = ((SineJobView) sine).getResult();
        assertThat(sineResult.getTerms()).isEqualTo(3);
        assertThat(sineResult.getApproximation()).isCloseTo(0.5 - 0.125 / 6 + 0.03125 / 120, within(1e-15));
        assertThat(sineResult.getExact()).isCloseTo(Math.sin(0.5), within(1e-15));
    }

    @Test
    void errorsComeAsTheDocumentedProblems() throws Exception {
        var invalid = new JobRequest(new PiJob().type(PiJob.TypeEnum.PI).samples(0L));
        Problem badField = problem(() -> jobs.submitWithHttpInfo(invalid, null, null), 400);
        assertThat(badField.getStatus()).isEqualTo(400);
        assertThat(badField.getErrors())
                .extracting(ProblemErrorsInner::getField)
                .contains("samples");

        Problem notFound = problem(() -> jobs.getWithHttpInfo("no-such-job"), 404);
        assertThat(notFound.getStatus()).isEqualTo(404);
        assertThat(notFound.getDetail()).contains("no-such-job");
    }

    // ---------------------------------------------------------------- helpers

    /** Submits with ?wait=30 (200 if it ends by then, else 202), then follows it with GET until it ends. */
    private static JobView runToEnd(JobRequest request) throws ApiException, InterruptedException {
        ApiResponse<JobView> submitted = jobs.submitWithHttpInfo(request, 30, null);
        assertThat(submitted.getStatusCode()).isIn(200, 202);
        assertThat(submitted.getHeaders().get("Location"))
                .as("Location")
                .singleElement()
                .asString()
                .endsWith("/api/v1/jobs/" + submitted.getData().getId());
        JobView job = submitted.getData();
        assertThat(FINAL.contains(job.getStatus()))
                .as("200 means ended, 202 not yet: %s", job)
                .isEqualTo(submitted.getStatusCode() == 200);
        long deadline = System.nanoTime() + JOB_WITHIN.toNanos();
        while (!FINAL.contains(job.getStatus())) {
            assertThat(System.nanoTime())
                    .as("job %s ended within %s: %s", job.getId(), JOB_WITHIN, job)
                    .isLessThan(deadline);
            Thread.sleep(100); // polling interval: each turn reads the job's state
            job = jobs.get(job.getId());
        }
        return job;
    }

    private interface Call {
        void run() throws ApiException;
    }

    /** The call fails with this status and a problem+json body, read as the generated Problem model. */
    private static Problem problem(Call call, int status) {
        try {
            call.run();
        } catch (ApiException e) {
            assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
            assertThat(e.getResponseHeaders().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        }
        throw new AssertionError("expected HTTP " + status + ", but the call succeeded");
    }

    private static Map<String, Object> withoutType(Map<String, Object> body) {
        return body.entrySet().stream()
                .filter(e -> !e.getKey().equals("type"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The document's schema name of a kind's request, as the service names it: "smallest-multiple" → "SmallestMultipleJob". */
    private static String schemaName(String kind) {
        return typeName(kind) + "Job";
    }

    /** The stem of a kind's schemas' names: "smallest-multiple" → "SmallestMultiple" (…Job, …JobView, …Result). */
    private static String typeName(String kind) {
        var name = new StringBuilder();
        for (String part : kind.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        assertThat(value)
                .as("system property %s (set by failsafe): %s", property, what)
                .isNotBlank();
        Path path = Path.of(value).toAbsolutePath();
        assertThat(path)
                .as("%s: build the reactor (./mvnw -B -ntp verify builds it before this module)", what)
                .isRegularFile();
        return path;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Until readiness answers UP; fails with the log's tail if the service exits or takes too long. */
    private static void awaitReady(URI readiness) throws InterruptedException, IOException {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError(
                        "service exited with " + service.exitValue() + " before ready; log:\n" + tail());
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(readiness)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200
                        && JSON.readTree(response.body())
                                .path("status")
                                .asString()
                                .equals("UP")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness not UP within " + READY_WITHIN + " (last: " + last + "); log:\n" + tail());
    }

    private static String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
