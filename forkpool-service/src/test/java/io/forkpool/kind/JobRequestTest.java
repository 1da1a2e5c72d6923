package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobRequestTest {

    @Test
    void typeMatchesTheJsonDiscriminator() throws ReflectiveOperationException {
        // The API's "type" comes from @JsonSubTypes, type() from the records: they must agree.
        var subTypes = JobRequest.class.getAnnotation(JsonSubTypes.class).value();
        assertEquals(JobRequest.class.getPermittedSubclasses().length, subTypes.length);
        for (var subType : subTypes) {
            Class<?> record = subType.value();
            Class<?>[] parameters = Arrays.stream(record.getRecordComponents())
                    .map(RecordComponent::getType).toArray(Class<?>[]::new);
            var request = (JobRequest) record.getDeclaredConstructor(parameters)
                    .newInstance(new Object[parameters.length]);
            assertEquals(subType.name(), request.type());
        }
    }
}
