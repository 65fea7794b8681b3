package io.kafkaflows.config;

/**
 * A setting the app refuses to start with. Its message is the one line the user sees: the key, the value and what
 * to set instead (KafkaFlowsApplication prints it without a stack trace).
 */
public class ConfigurationRefusedException extends RuntimeException {

    public ConfigurationRefusedException(String message) {
        super(message);
    }
}
