package io.forkpool.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.forkpool.kind.TestJobs;
import io.forkpool.plugin.KindRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each built-in kind's warm-up request (what the service sends itself thousands of times before
 * readiness) is a valid body, as the service's warm-up writes it, and a job of one shard that is
 * smaller than the kind's example.
 */
class WarmupRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyBuiltInKindsWarmupRequestBindsToOneSmallShard() {
        var binder = TestJobs.binder();
        for (var installed : KindRegistry.builtIn().all()) {
            var kind = installed.kind();
            var request = binder.bind((ObjectNode) JSON.valueToTree(KindSchemas.warmup(kind)))
                    .withSeed(1);
            var exampleRequest = binder.bind((ObjectNode) JSON.valueToTree(KindSchemas.example(kind)))
                    .withSeed(1);

            assertThat(request.shardCount()).as(kind.name()).isEqualTo(1);
            long units = request.shardUnits(0);
            assertThat(units)
                    .as(kind.name())
                    .isLessThanOrEqualTo(exampleRequest.shardUnits(0) * exampleRequest.shardCount());
        }
    }
}
