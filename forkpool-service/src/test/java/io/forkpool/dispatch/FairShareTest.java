package io.forkpool.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's core alone: which tenant is served, shard by shard. */
class FairShareTest {

    private static List<String> serve(FairShare share, int shards) {
        var order = new ArrayList<String>();
        for (int i = 0; i < shards; i++) {
            String t = share.pick();
            share.charge(t);
            order.add(t);
        }
        return order;
    }

    @Test
    void weightsTwoToOneServeTwoToOneInAFixedOrder() {
        var share = new FairShare(Map.of("a", 2, "b", 1)::get);
        share.waiting("a");
        share.waiting("b");
        assertThat(serve(share, 9)).containsExactly("a", "b", "a", "a", "b", "a", "a", "b", "a");
    }

    @Test
    void overManyShardsEachGetsItsWeightsShareWithinOneShard() {
        var weights = Map.of("a", 3, "b", 2, "c", 1);
        var share = new FairShare(weights::get);
        weights.keySet().stream().sorted().forEach(share::waiting);
        var order = serve(share, 600);
        for (int n = 6; n <= 600; n += 6) { // every prefix: within one shard of the exact share
            var prefix = order.subList(0, n);
            for (var w : weights.entrySet()) {
                long got = prefix.stream().filter(w.getKey()::equals).count();
                assertThat((double) got).isCloseTo(n * w.getValue() / 6.0, org.assertj.core.data.Offset.offset(1.0));
            }
        }
    }

    @Test
    void anIdleTenantsShareGoesToTheOthersAndIsNotSavedUp() {
        var share = new FairShare(Map.of("a", 1, "b", 1)::get);
        share.waiting("a");
        assertThat(serve(share, 5)).containsOnly("a"); // b idle: a takes every shard
        // b rejoins at the current virtual time, with no credit for its idle time: at once, then in turn
        // (with credit it would take five in a row)
        share.waiting("b");
        assertThat(serve(share, 6)).containsExactly("b", "a", "b", "a", "b", "a");
        share.idle("a");
        assertThat(serve(share, 3)).containsOnly("b");
        assertThat(share.pick()).isEqualTo("b");
        share.idle("b");
        assertThat(share.pick()).isNull();
    }
}
