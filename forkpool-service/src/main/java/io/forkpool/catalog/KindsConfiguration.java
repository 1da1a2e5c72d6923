package io.forkpool.catalog;

import io.forkpool.plugin.KindRegistry;
import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** Loads the installed kinds once; a kind that cannot be used stops the start, naming its jar. */
@Configuration(proxyBeanMethods = false)
class KindsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KindsConfiguration.class);

    @Bean
    KindRegistry kindRegistry(KindSettings settings) {
        KindRegistry registry = KindRegistry.load(settings.dir());
        for (var installed : registry.all()) {
            log.info(
                    "job kind {} ({}): {}",
                    installed.kind().name(),
                    installed.source(),
                    installed.kind().description());
        }
        return registry;
    }

    @Bean
    RequestBinder requestBinder(KindRegistry registry, ObjectMapper json, Validator validator, LimitSettings limits) {
        return new RequestBinder(registry, json, validator, limits.maxSamples());
    }

    @Bean
    KindSchemas kindSchemas(LimitSettings limits) {
        return new KindSchemas(limits.maxSamples());
    }
}
