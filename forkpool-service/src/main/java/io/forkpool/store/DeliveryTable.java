package io.forkpool.store;

import io.forkpool.webhook.DeliveryLog;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.ObjectMapper;

/** The attempts in the data folder's {@code deliveries} table, deleted with their job. */
final class DeliveryTable implements DeliveryLog {

    private final JobDatabase db;
    private final GroupCommitter writes;
    private final ObjectMapper json;

    DeliveryTable(JobDatabase db, GroupCommitter writes, ObjectMapper json) {
        this.db = db;
        this.writes = writes;
        this.json = json;
    }

    @Override
    public void record(String jobId, Attempt attempt) {
        String entry = json.writeValueAsString(attempt);
        writes.write(
                c -> {
                    try (var q = c.prepareStatement(
                            "INSERT OR REPLACE INTO deliveries (job_id, attempt, entry) VALUES (?, ?, ?)")) {
                        q.setString(1, jobId);
                        q.setInt(2, attempt.attempt());
                        q.setString(3, entry);
                        q.executeUpdate();
                    }
                },
                true,
                () -> {});
    }

    @Override
    public List<String> undelivered(java.time.Instant since) {
        return db.read(c -> {
            var out = new ArrayList<String>();
            try (var q = c.prepareStatement("SELECT id FROM jobs WHERE notify IS NOT NULL AND finished_at > ?"
                    + " AND id NOT IN (SELECT job_id FROM deliveries WHERE entry LIKE '%\"outcome\":\"delivered\"%'"
                    + " OR entry LIKE '%\"outcome\":\"gave_up\"%') ORDER BY finished_at")) {
                q.setLong(1, DurableJobStore.nanos(since));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Attempt> attempts(String jobId) {
        return db.read(c -> {
            var out = new ArrayList<Attempt>();
            try (var q = c.prepareStatement("SELECT entry FROM deliveries WHERE job_id = ? ORDER BY attempt")) {
                q.setString(1, jobId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(json.readValue(rs.getString(1), Attempt.class));
                    }
                }
            }
            return out;
        });
    }
}
