package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.forkpool.kind.JobResult.SineResult;
import io.forkpool.kind.Partial.TermSum;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SineRequestTest {

    private static SineResult run(double x, int terms) {
        return (SineResult) Shards.run(TestJobs.sine(x, terms));
    }

    @Test
    void threeTermsOfOneHalfAreTheTutorialsValue() {
        // 0.5 - 0.5³/3! + 0.5⁵/5! = 0.479427083333..., correctly rounded.
        var result = run(0.5, 3);
        assertEquals(0.47942708333333334, result.approximation());
        assertEquals(Math.sin(0.5), result.exact());
        assertEquals(Math.abs(result.approximation() - Math.sin(0.5)), result.absError());
        assertEquals(3, result.terms());
    }

    @Test
    void fiveTermsAtPi() {
        assertEquals(0.006925270707504924, run(Math.PI, 5).approximation());
    }

    @Test
    void manyTermsConvergeDespiteHugeCancellingTerms() {
        // At x = 30 the terms reach 30^29/29! ≈ 2.3e11 and cancel to |sin 30| < 1: a double sum
        // loses ~5 digits; the exact decimal sum must not.
        var result = run(30, 100);
        assertEquals(Math.sin(30), result.approximation(), 1e-9);
        assertTrue(result.absError() < 1e-9);
    }

    @Test
    void theLargestAllowedXStillConverges() {
        // x = 1000: terms up to ~10^432; 1600 terms are enough (term 1599 is ~10^-228), so the
        // partial sum is sin(1000) to double precision. 200 shards of 8 terms.
        var request = TestJobs.sine(1000.0, 1600);
        assertEquals(200, request.shardCount());
        var result = (SineResult) Shards.run(request);
        assertEquals(Math.sin(1000), result.approximation(), 1e-15);
        // The contract: precision at least (decimal magnitude of the largest term) + 40 digits.
        assertTrue(new SineKernel(1000, 1600).precision() >= 432 + 40);
    }

    @Test
    void tinyXKeepsItsOwnDigits() {
        // All terms below 1: the quantum follows the largest term down, so x itself survives
        // (x³/6 is hundreds of orders of magnitude below x's last digit).
        assertEquals(1e-300, run(1e-300, 5).approximation());
        assertEquals(Double.MIN_VALUE, run(Double.MIN_VALUE, 3).approximation());
        assertEquals(Math.sin(1e-5), run(1e-5, 4).approximation());
    }

    @Test
    void negativeXGivesTheNegatedSumAndZeroGivesZero() {
        assertEquals(-run(2.5, 7).approximation(), run(-2.5, 7).approximation());
        assertEquals(0.0, run(0.0, 20).approximation());
    }

    @Test
    void termsAreSplitAcrossShardsAndMergeExactlyInAnyOrder() {
        var request = TestJobs.sine(12.75, 30);
        assertEquals(4, request.shardCount());
        assertEquals(8, request.shardUnits(0));
        assertEquals(6, request.shardUnits(3));
        assertEquals(30, Shards.totalShardUnits(request));
        var partials = Shards.computeAll(request);
        Partial inOrder = Shards.mergeInOrder(partials);
        for (long order = 0; order < 5; order++) {
            assertEquals(inOrder, Shards.mergeShuffled(partials, order));
        }
        // The whole series in one kernel call is the same exact sum.
        BigDecimal whole = new SineKernel(12.75, 30).sum(0, 30);
        assertEquals(new TermSum(whole), inOrder);
    }

    @Test
    void hasNoSeedAndNoDefaults() {
        var request = TestJobs.sine(1.0, 5);
        assertEquals("sine", request.type());
        assertEquals(5, request.units());
    }
}
