package io.forkpool.redis;

import io.forkpool.kind.Partial;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A shard's partial as the merge script applies it to the job's sum hash: {@code add} (HINCRBY:
 * exact 64-bit sums), {@code min} (smallest non-zero) or {@code put} (one field per shard, for the
 * exact decimal sums of sine, added up in Java when the job completes).
 */
final class PartialFields {

    private PartialFields() {}

    /** The merge script's arguments: op, field, value, op, field, value, ... */
    static List<String> of(Partial partial, int shard) {
        var args = new ArrayList<String>();
        switch (partial) {
            case Partial.PiCount(long inside, long samples) -> {
                add(args, "add", "inside", inside);
                add(args, "add", "samples", samples);
            }
            case Partial.Histogram h -> {
                long[] counts = h.counts();
                for (int i = 0; i < counts.length; i++) {
                    add(args, "add", "h" + i, counts[i]);
                }
            }
            case Partial.TermSum(BigDecimal sum) -> {
                args.add("put");
                args.add("t" + shard);
                args.add(sum.toString());
            }
            case Partial.Multiples(long smallest, long count) -> {
                add(args, "min", "smallest", smallest);
                add(args, "add", "count", count);
            }
        }
        return args;
    }

    /** The merge of every shard, from the sum hash the script built. */
    static Partial read(Map<String, String> sum) {
        if (sum.containsKey("inside")) {
            return new Partial.PiCount(Long.parseLong(sum.get("inside")), Long.parseLong(sum.get("samples")));
        }
        if (sum.containsKey("count")) {
            return new Partial.Multiples(Long.parseLong(sum.getOrDefault("smallest", "0")),
                    Long.parseLong(sum.get("count")));
        }
        if (sum.containsKey("h0")) {
            long[] counts = new long[sum.size()];
            sum.forEach((field, value) -> counts[Integer.parseInt(field.substring(1))] = Long.parseLong(value));
            return new Partial.Histogram(counts);
        }
        BigDecimal total = BigDecimal.ZERO;
        for (String value : sum.values()) {
            total = total.add(new BigDecimal(value));
        }
        return new Partial.TermSum(total);
    }

    private static void add(List<String> args, String op, String field, long value) {
        args.add(op);
        args.add(field);
        args.add(Long.toString(value));
    }
}
