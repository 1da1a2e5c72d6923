package io.forkpool.worker.protocol;

import java.io.IOException;

/** The peer sent bytes that are not a valid frame: the worker must not be trusted again. */
public class ProtocolException extends IOException {

    public ProtocolException(String message) {
        super(message);
    }
}
