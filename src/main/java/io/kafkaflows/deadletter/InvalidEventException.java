package io.kafkaflows.deadletter;

/** A record that parsed but is not what the flow accepts (wrong type, missing field): never worth a retry. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }
}
