package io.forkpool.worker;

import java.util.ArrayList;
import java.util.List;

/** The service's own worker command line, for the benches (io.forkpool.bench) outside this package. */
public final class WorkerCommands {

    private WorkerCommands() {}

    /**
     * The command {@link WorkerLauncher} runs for worker {@code id}, with {@code classPath} as the
     * worker's class path instead of this JVM's (a bench runs with its own classes added, which
     * the worker does not need and which an AOT cache trained on the image's class path refuses).
     */
    public static List<String> of(WorkerSettings settings, int id, String classPath) {
        var command = new ArrayList<>(new WorkerLauncher(settings).command(id));
        command.set(command.indexOf("-cp") + 1, classPath);
        return command;
    }
}
