package io.forkpool.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code forkpool.security.*} bound as the service binds it: tenants, their keys, and the starts that must fail. */
@ExtendWith(OutputCaptureExtension.class)
class TenantsTest {

    @Configuration
    @EnableConfigurationProperties(SecuritySettings.class)
    @Import(Tenants.class)
    static class Config {}

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void namedTenantsAndApiKeysAreFoundByTheirKeys() {
        context.withPropertyValues(
                        "forkpool.security.api-keys=k1,k2",
                        "forkpool.security.tenants.alice.key=alice-secret",
                        "forkpool.security.tenants.alice.weight=2",
                        "forkpool.security.tenants.alice.max-jobs=100",
                        "forkpool.security.tenants.alice.max-running-samples=5000",
                        "forkpool.security.tenants.root.key=root-secret",
                        "forkpool.security.tenants.root.admin=true")
                .run(c -> {
                    assertThat(c).hasNotFailed();
                    var tenants = c.getBean(Tenants.class);
                    assertThat(tenants.keyed()).isTrue();
                    assertThat(tenants.withKey("alice-secret")).isEqualTo(new Tenant("alice", 2, 100, 5000, false));
                    assertThat(tenants.withKey("root-secret").admin()).isTrue();
                    assertThat(tenants.withKey("k1")).isEqualTo(new Tenant("api-key-1", 1, 0, 0, false));
                    assertThat(tenants.withKey("k2").name()).isEqualTo("api-key-2");
                    assertThat(tenants.withKey("alice-secreT")).isNull();
                    assertThat(tenants.withKey("")).isNull();
                    assertThat(tenants.withKey(null)).isNull();
                    assertThat(tenants.weight("alice")).isEqualTo(2);
                    assertThat(tenants.weight("gone")).isEqualTo(1);
                    assertThat(tenants.byName()).containsOnlyKeys("alice", "root", "api-key-1", "api-key-2");
                });
    }

    @Test
    void withoutKeysThereIsOneTenantThatSeesAll() {
        context.run(c -> {
            var tenants = c.getBean(Tenants.class);
            assertThat(tenants.keyed()).isFalse();
            assertThat(tenants.byName()).containsOnlyKeys("default");
            assertThat(tenants.withKey("anything")).isNull();
            assertThat(Tenant.DEFAULT.mayAccess("bob")).isTrue();
        });
    }

    @Test
    void aKeyFileHoldsTheKeyWithoutItsNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alice.key");
        Files.writeString(file, "from-a-secret\n");
        context.withPropertyValues("forkpool.security.tenants.alice.key-file=" + file)
                .run(c -> assertThat(c.getBean(Tenants.class)
                                .withKey("from-a-secret")
                                .name())
                        .isEqualTo("alice"));
    }

    @Test
    void aMissingKeyFileFailsTheStartNamingIt(@TempDir Path dir) {
        context.withPropertyValues("forkpool.security.tenants.alice.key-file=" + dir.resolve("absent"))
                .run(c -> assertThat(c)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("forkpool.security.tenants.alice.key-file"));
    }

    @Test
    void aDuplicateKeyFailsTheStartNamingBothWithoutTheKey(CapturedOutput output) {
        context.withPropertyValues(
                        "forkpool.security.api-keys=shared-secret", "forkpool.security.tenants.alice.key=shared-secret")
                .run(c -> assertThat(c)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("forkpool.security.api-keys[0]")
                        .hasMessageContaining("forkpool.security.tenants.alice.key")
                        .hasMessageNotContaining("shared-secret"));
        assertThat(output.getAll()).doesNotContain("shared-secret");
    }

    @Test
    void weightZeroFailsTheStartNamingIt() {
        context.withPropertyValues("forkpool.security.tenants.alice.key=a", "forkpool.security.tenants.alice.weight=0")
                .run(c -> assertThat(c)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("forkpool.security.tenants.alice.weight"));
    }

    @Test
    void anUnknownPropertyUnderATenantFailsTheStartNamingIt() {
        context.withPropertyValues("forkpool.security.tenants.alice.key=a", "forkpool.security.tenants.alice.wieght=2")
                .run(c -> assertThat(c)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("forkpool.security.tenants.alice.wieght"));
    }

    @Test
    void aTenantNamedDefaultFailsTheStart() {
        context.withPropertyValues("forkpool.security.tenants.default.key=a")
                .run(c -> assertThat(c)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("forkpool.security.tenants.default")
                        .hasMessageContaining("name it otherwise"));
    }

    /**
     * A misspelt key property fails the start with an analysis that names it without its value
     * (Spring Boot's own prints each unbound property's value: measured on the packaged jar, it
     * printed the key of {@code tenants.alice.kye}).
     */
    @Test
    void theFailureAnalysisOfAMisspeltKeyNamesItWithoutTheKey() {
        context.withPropertyValues(
                        "forkpool.security.tenants.alice.key=a", "forkpool.security.tenants.alice.kye=s3cret-key-value")
                .run(c -> {
                    var analysis = new UnknownSecurityPropertyAnalyzer().analyze(c.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription() + analysis.getAction())
                            .contains("forkpool.security.tenants.alice.kye")
                            .doesNotContain("s3cret-key-value");
                });
        var unrelated = new org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException(
                java.util.Set.of(new org.springframework.boot.context.properties.source.ConfigurationProperty(
                        org.springframework.boot.context.properties.source.ConfigurationPropertyName.of(
                                "forkpool.workers.cuont"),
                        "2",
                        null)));
        assertThat(new UnknownSecurityPropertyAnalyzer().analyze(unrelated))
                .as("another prefix: Spring Boot's own analysis")
                .isNull();
    }

    @Test
    void aTenantWithoutAKeyFailsTheStart() {
        context.withPropertyValues("forkpool.security.tenants.alice.weight=2")
                .run(c ->
                        assertThat(c).getFailure().rootCause().hasMessageContaining("forkpool.security.tenants.alice"));
    }

    @Test
    void keysNeverReachTheLog(CapturedOutput output) {
        context.withPropertyValues(
                        "forkpool.security.api-keys=key-one-secret", "forkpool.security.tenants.bob.key=bob-secret")
                .run(c -> assertThat(c).hasNotFailed());
        assertThat(output.getAll()).contains("bob").doesNotContain("bob-secret").doesNotContain("key-one-secret");
    }
}
