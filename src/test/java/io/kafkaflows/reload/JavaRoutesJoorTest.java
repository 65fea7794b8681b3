package io.kafkaflows.reload;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * camel-java-joor-dsl 4.18.0 (pinned in pom.xml) in the 4.22 app: a RouteBuilder source is compiled at run time and
 * its route answers; the same class name compiled again with other code replaces it (what a reload of routes/*.java
 * does); a compile error names the file and line.
 */
class JavaRoutesJoorTest {

    private static String route(String answer) {
        return """
                import org.apache.camel.builder.RouteBuilder;

                public class EchoRoute extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("direct:echo").routeId("echo").setBody(simple("%s ${body}"));
                    }
                }
                """.formatted(answer);
    }

    @Test
    void javaRouteSourceIsCompiledLoadedAndReplaced() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("file:routes/EchoRoute.java", route("hello")));
            assertEquals("hello you", context.createProducerTemplate().requestBody("direct:echo", "you", String.class));

            context.getRouteController().stopRoute("echo");
            context.removeRoute("echo");
            PluginHelper.getRoutesLoader(context).updateRoutes(List.of(ResourceHelper.fromString("file:routes/EchoRoute.java", route("bye"))));
            assertEquals("bye you", context.createProducerTemplate().requestBody("direct:echo", "you", String.class));

            Exception error = assertThrows(Exception.class, () -> PluginHelper.getRoutesLoader(context)
                    .loadRoutes(ResourceHelper.fromString("file:routes/EchoRoute.java", route("x").replace("${body}\"));", "${body}\"))"))));
            ReloadFailure failure = ReloadFailure.of(error, List.of("routes/EchoRoute.java"), context);
            assertEquals("routes/EchoRoute.java", failure.file(), failure.describe());
            assertEquals(6, failure.line(), failure.describe());
            assertTrue(failure.problem().startsWith("compile error: "), failure.describe());
        }
    }
}
