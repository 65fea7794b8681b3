package io.kafkaflows.javaroutes;

import org.apache.camel.builder.RouteBuilder;

/** A user's Java route: a RouteBuilder class under io.kafkaflows, found by Camel Main's package scan. */
public class DiscoveredJavaRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:java-route-check").routeId("java-route-check").transform().simple("java route got ${body}");
    }
}
