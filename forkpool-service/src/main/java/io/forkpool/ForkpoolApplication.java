package io.forkpool;

import io.forkpool.worker.EarlyWorkers;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ForkpoolApplication {

    public static void main(String[] args) {
        var application = new SpringApplication(ForkpoolApplication.class);
        // The worker JVMs start and warm up while the context is built (see EarlyWorkers).
        application.addListeners(new EarlyWorkers());
        application.run(args);
    }
}
