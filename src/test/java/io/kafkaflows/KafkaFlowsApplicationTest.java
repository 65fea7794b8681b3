package io.kafkaflows;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where configuration comes from, in precedence order (earlier wins in Camel's properties component). */
class KafkaFlowsApplicationTest {

    @Test
    void profileFilesComeFirstAndTheWorkingDirectoryBeatsTheJar() {
        assertEquals("file:application-prod.properties;optional=true,classpath:application-prod.properties;optional=true,"
                + "file:application.properties;optional=true,classpath:application.properties;optional=true",
                KafkaFlowsApplication.propertyLocations("prod"));
        assertEquals("file:application.properties;optional=true,classpath:application.properties;optional=true",
                KafkaFlowsApplication.propertyLocations(null));
        assertEquals("file:routes/*.camel.yaml,file:routes/*.java", KafkaFlowsApplication.routesLocation(), "tests run from the repo");
    }
}
