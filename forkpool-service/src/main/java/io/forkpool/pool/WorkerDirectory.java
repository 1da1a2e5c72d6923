package io.forkpool.pool;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the replicas of one service tell each other about their worker processes, for the
 * dashboard's Workers panel and the overview. The embedded backend is one replica: it has no
 * directory ({@link #NONE}). The redis backend's ({@code redis.WorkerBeats}) keeps each replica's
 * last word under a key that expires a few heartbeats after the replica stops refreshing it.
 */
public interface WorkerDirectory {

    /** No other replicas to know of: the embedded backend. */
    WorkerDirectory NONE = new WorkerDirectory() {
        @Override
        public String replica() {
            return null;
        }

        @Override
        public void publish(Supplier<String> workers) {
            // one replica: nobody to tell
        }

        @Override
        public Map<String, String> live() {
            return Map.of();
        }
    };

    /** This replica's id (its consumer name in the redis backend), or null with no directory. */
    String replica();

    /** From now on, once a heartbeat, publishes what {@code workers} gives (this replica's workers as JSON). */
    void publish(Supplier<String> workers);

    /**
     * The last JSON each live replica published, by replica id (this one's included, in id order);
     * empty with no directory or while the directory cannot be read.
     */
    Map<String, String> live();
}
