package io.forkpool.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The one Spring configuration of the HTTP-level tests: the whole service on a random port with
 * two real worker JVMs. Every class that uses this annotation (and nothing else that changes the
 * context) shares one cached context, so the workers are forked once for all of them.
 *
 * <p>An {@link Api} parameter of the test's constructor (or of a test method) is the client of
 * that service, ready ({@link ServiceApi}).
 *
 * <p>{@link AutoConfigureMetrics} keeps the Prometheus registry on: Spring Boot tests turn metrics
 * export off by default, and {@code /actuator/prometheus} is part of the contract under test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "forkpool.workers.count=2",
            "forkpool.workers.warmup=0ms",
        })
@AutoConfigureMetrics
@ExtendWith(ServiceApi.class)
public @interface ForkpoolServiceTest {}
