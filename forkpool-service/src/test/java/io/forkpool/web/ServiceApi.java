package io.forkpool.web;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The end-to-end tests' client: an {@link Api} parameter (of the test class's constructor, or of
 * a test or lifecycle method) is the service of the test's Spring context, on its random port,
 * once it is ready. {@link ForkpoolServiceTest} brings it; a test with a context of its own adds
 * {@code @ExtendWith(ServiceApi.class)} after its {@code @SpringBootTest}.
 */
public final class ServiceApi implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Api.class;
    }

    @Override
    public Api resolveParameter(ParameterContext parameter, ExtensionContext context) {
        int port = SpringExtension.getApplicationContext(context)
                .getEnvironment()
                .getRequiredProperty("local.server.port", Integer.class);
        var api = new Api(port);
        api.awaitReady();
        return api;
    }
}
