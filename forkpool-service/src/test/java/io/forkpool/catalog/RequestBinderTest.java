package io.forkpool.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import io.forkpool.plugin.KindJars;
import io.forkpool.plugin.KindRegistry;
import jakarta.validation.Validation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** A body an installed kind's own code refuses is the client's 400, never the service's 500. */
class RequestBinderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RequestBinder binder() {
        KindJars.jar(dir, "picky.jar", "broken.Picky");
        return new RequestBinder(
                KindRegistry.load(dir),
                JSON,
                Validation.buildDefaultValidatorFactory().getValidator(),
                TestJobs.MAX_UNITS);
    }

    private List<FieldError> errors(RequestBinder binder, String body) {
        var e = catchThrowableOfType(
                InvalidRequestException.class, () -> binder.bind((ObjectNode) JSON.readTree(body)));
        assertThat(e).as(body).isNotNull();
        return e.errors();
    }

    @Test
    void aRecordConstructorRefusingTheValuesIsABadBody() {
        assertThat(errors(binder(), "{\"type\":\"picky\",\"units\":13}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("body");
                    assertThat(e.message()).contains("13 units are refused by the record itself");
                });
    }

    @Test
    void aLayoutThatCannotCutTheRequestNamesTheWorkUnitsField() {
        assertThat(errors(binder(), "{\"type\":\"picky\",\"units\":100,\"blockUnits\":0}"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("units");
                    assertThat(e.message()).contains("cannot be cut into shards by kind picky");
                });
    }

    @Test
    void aGoodBodyOfTheSameKindBindsAndAStoredRequestReadsBackEqual() {
        var binder = binder();
        var request = binder.bind((ObjectNode) JSON.readTree("{\"type\":\"picky\",\"units\":100}"))
                .withSeed(7);
        assertThat(request.shardCount()).isEqualTo(10);
        assertThat(binder.read(JSON.valueToTree(request))).isEqualTo(request);
    }

    @Test
    void aStoredRequestIsReadWithoutTodaysLimits() {
        var generous = TestJobs.binder();
        var stored = generous.bind((ObjectNode) JSON.readTree("{\"type\":\"pi\",\"samples\":5000,\"seed\":3}"))
                .withSeed(0);
        var strict = new RequestBinder(
                KindRegistry.builtIn(),
                JSON,
                Validation.buildDefaultValidatorFactory().getValidator(),
                1000);
        assertThat(errors(strict, "{\"type\":\"pi\",\"samples\":5000}"))
                .extracting(FieldError::field)
                .containsExactly("samples");
        assertThat(strict.read(JSON.valueToTree(stored)))
                .as("admitted under the old limit, still readable")
                .isEqualTo(stored);
    }
}
