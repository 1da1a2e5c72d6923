package io.forkpool.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The API keys in the OpenAPI document: the two ways {@link ApiKeyFilter} takes a key ({@code
 * X-API-Key}, {@code Authorization: Bearer}), required by every operation on a path the filter does
 * not leave open, each with the 401 it answers without one. The document is the same whether keys
 * are configured or not, so a client generated from it works against both: a service without keys
 * ignores the header. Swagger UI's Authorize button takes a key.
 */
@Component
final class OpenApiSecurity implements OpenApiCustomizer {

    static final String API_KEY = "apiKey";
    static final String BEARER = "bearer";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        String when = " Needed only when the service has API keys (forkpool.security.api-keys); without them "
                + "(the default, for local use) every request is let through.";
        openApi.getComponents()
                .addSecuritySchemes(
                        API_KEY,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name(ApiKeyFilter.HEADER)
                                .description("One of the service's API keys." + when))
                .addSecuritySchemes(
                        BEARER,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description("An API key as Authorization: Bearer <key>." + when));
        // either scheme: two requirements, each of one scheme
        var eitherKey = List.of(new SecurityRequirement().addList(API_KEY), new SecurityRequirement().addList(BEARER));
        openApi.getPaths().forEach((path, item) -> {
            if (ApiKeyFilter.open(path)) {
                return;
            }
            for (var operation : item.readOperations()) {
                operation.setSecurity(eitherKey);
                OpenApiConfiguration.problems(
                        operation.getResponses(), "401", "no valid API key (only when the service has API keys)");
            }
        });
    }
}
