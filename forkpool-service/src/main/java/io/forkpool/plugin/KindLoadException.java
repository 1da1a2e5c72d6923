package io.forkpool.plugin;

/** An installed kind that cannot be used; the message names the jar and the problem. */
final class KindLoadException extends RuntimeException {

    KindLoadException(String message) {
        super(message);
    }

    KindLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
