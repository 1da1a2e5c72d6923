package io.forkpool;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ForkpoolApplication {

    public static void main(String[] args) {
        SpringApplication.run(ForkpoolApplication.class, args);
    }
}
