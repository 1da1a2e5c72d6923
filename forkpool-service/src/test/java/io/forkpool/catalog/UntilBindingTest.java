package io.forkpool.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.FieldError;
import io.forkpool.plugin.InvalidRequestException;
import io.forkpool.plugin.Until;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code until}: one precision field its kind declares and a positive finite target, or a 400 naming it. */
class UntilBindingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<FieldError> errors(String body) {
        var e = catchThrowableOfType(
                InvalidRequestException.class, () -> TestJobs.binder().bind((ObjectNode) JSON.readTree(body)));
        assertThat(e).as(body).isNotNull();
        return e.errors();
    }

    @Test
    void eachBuiltInKindWithAPrecisionFieldTakesIt() {
        for (String body : List.of(
                "{\"type\":\"pi\",\"samples\":1000000,\"until\":{\"stdError\":0.001}}",
                "{\"type\":\"dice\",\"rolls\":1000000,\"until\":{\"maxStdError\":0.001}}",
                "{\"type\":\"projectile\",\"samples\":1000000,\"until\":{\"meanRangeStdError\":0.01}}")) {
            var draft = TestJobs.binder().bind((ObjectNode) JSON.readTree(body));
            var request = draft.withSeed(1);
            assertThat(request.until()).as(body).isNotNull();
            assertThat(JSON.valueToTree(request).get("until"))
                    .as("echoed in the request")
                    .isEqualTo(JSON.readTree(body).get("until"));
            assertThat(TestJobs.binder().read(JSON.valueToTree(request)))
                    .as("a stored request reads back with its target")
                    .isEqualTo(request);
        }
    }

    @Test
    void aRequestWithoutUntilHasNone() {
        var request = TestJobs.binder()
                .bind((ObjectNode) JSON.readTree("{\"type\":\"pi\",\"samples\":1000}"))
                .withSeed(1);
        assertThat(request.until()).isNull();
        assertThat(JSON.valueToTree(request).has("until")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\":\"sine\",\"x\":1.0,\"terms\":10,\"until\":{\"absError\":1e-9}} | until | declares no precision field",
                "{\"type\":\"smallest-multiple\",\"samples\":1000,\"factor\":7,\"until\":{\"multiples\":5}} | until | declares no precision field",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"estimate\":3.14}} | until.estimate | is not a precision field of kind pi (it has stdError)",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"stdError\":0}} | until.stdError | must be a positive finite number",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"stdError\":-1}} | until.stdError | must be a positive finite number",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"stdError\":\"small\"}} | until.stdError | must be a positive finite number",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{\"stdError\":1e999}} | until.stdError | must be a positive finite number",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":0.001} | until | must be an object with one precision field",
                "{\"type\":\"pi\",\"samples\":1000,\"until\":{}} | until | must be an object with one precision field",
                "{\"type\":\"dice\",\"rolls\":1000,\"until\":{\"maxStdError\":0.1,\"chiSquare\":1}} | until | must be an object with one precision field",
            })
    void aBadTargetIsNamed(String body, String field, String message) {
        assertThat(errors(body)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.message()).contains(message);
        });
    }

    @Test
    void aBadTargetIsNamedBesideTheOtherBadFields() {
        assertThat(errors("{\"type\":\"pi\",\"samples\":0,\"until\":{\"stdError\":-1}}"))
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("until.stdError", "samples");
    }

    @Test
    void aTargetIsPositiveAndFinite() {
        assertThat(new Until("stdError", 1e-6).target()).isEqualTo(1e-6);
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new Until("stdError", Double.NaN)))
                .isNotNull();
    }
}
