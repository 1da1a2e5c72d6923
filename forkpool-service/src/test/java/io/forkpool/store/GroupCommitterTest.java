package io.forkpool.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's writer against a real SQLite file: a write that throws fails alone and leaves no transaction open. */
class GroupCommitterTest {

    @TempDir
    Path dir;

    @Test
    void aWriteThatThrowsFailsAloneAndTheNextOnesCommit() throws Exception {
        try (var db = JobDatabase.open(dir, 1);
                var writes = new GroupCommitter(db.writer())) {
            var broken = writes.write(
                    c -> {
                        c.createStatement()
                                .executeUpdate("INSERT INTO idempotency (key, body, job_id) VALUES ('a', 'b', 'c')");
                        throw new IllegalStateException("a bug in a write");
                    },
                    true,
                    () -> {});
            assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("a bug in a write");
            writes.write(
                            c -> c.createStatement()
                                    .executeUpdate(
                                            "INSERT INTO idempotency (key, body, job_id) VALUES ('k', 'b', 'j')"),
                            true,
                            () -> {})
                    .get(10, TimeUnit.SECONDS);
            assertThat(writes.refusal()).isNull();
            var keys = db.read(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT key FROM idempotency ORDER BY key")) {
                    var all = new java.util.ArrayList<String>();
                    while (rs.next()) {
                        all.add(rs.getString(1));
                    }
                    return all;
                }
            });
            assertThat(keys)
                    .as("the broken write rolled back, the next committed")
                    .containsExactly("k");
        }
    }
}
