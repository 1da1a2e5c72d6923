package io.forkpool.plugin;

import io.forkpool.kind.api.Codec;
import io.forkpool.kind.api.JobKind;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The installed kinds by name: the built-in ones on the class path, then those in the jars of a
 * kinds directory ({@code forkpool.kinds.dir}). The service and every worker process build the same
 * registry from the same directory.
 *
 * <p>A kind that cannot be used stops the start ({@link KindLoadException}, naming the jar and
 * the problem): a jar without a kind, two kinds with one name, a name that is not a JSON type, a
 * request or partial that forkpool cannot encode. An operator who installed a kind wants it to
 * run, and a service that starts without it would answer its jobs with "unknown type" instead;
 * failing fast puts the reason in the one place the operator looks, the start log
 * (docs/design.md, "Job kinds are plugins").
 */
public final class KindRegistry {

    /** The interface's service file that a kind jar must carry. */
    static final String SERVICE_FILE = "META-INF/services/" + JobKind.class.getName();

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final Map<String, Installed> kinds;

    /** One kind and where it came from. */
    public record Installed(JobKind<?, ?, ?> kind, String source) {}

    private KindRegistry(Map<String, Installed> kinds) {
        this.kinds = kinds;
    }

    /** The built-in kinds and those of {@code dir} (null or absent: built-in only). */
    public static KindRegistry load(Path dir) {
        var kinds = new LinkedHashMap<String, Installed>();
        ClassLoader base = KindRegistry.class.getClassLoader();
        addAll(kinds, ServiceLoader.load(JobKind.class, base), "built-in");
        if (dir != null) {
            for (Path jar : jars(dir)) {
                var loader = new URLClassLoader(new URL[] {url(jar)}, base);
                var found = new ArrayList<JobKind<?, ?, ?>>();
                try {
                    for (JobKind<?, ?, ?> kind : ServiceLoader.load(JobKind.class, loader)) {
                        // ServiceLoader also sees the parent's (built-in) providers: keep this jar's own.
                        if (kind.getClass().getClassLoader() == loader) {
                            found.add(kind);
                        }
                    }
                } catch (ServiceConfigurationError | LinkageError e) {
                    throw new KindLoadException(jar.getFileName() + ": cannot load its kind: " + e.getMessage(), e);
                }
                if (found.isEmpty()) {
                    throw new KindLoadException(jar.getFileName() + " is not a forkpool kind: it lists no "
                            + "implementation of " + JobKind.class.getName() + " in " + SERVICE_FILE);
                }
                for (JobKind<?, ?, ?> kind : found) {
                    add(kinds, kind, jar.getFileName().toString());
                }
            }
        }
        return new KindRegistry(Map.copyOf(kinds));
    }

    /** The built-in kinds only. */
    public static KindRegistry builtIn() {
        return load(null);
    }

    public Optional<JobKind<?, ?, ?>> find(String name) {
        Installed installed = kinds.get(name);
        return installed == null ? Optional.empty() : Optional.of(installed.kind());
    }

    public Optional<Installed> installed(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    /** Every kind, sorted by name. */
    public List<Installed> all() {
        return kinds.values().stream()
                .sorted(java.util.Comparator.comparing(i -> i.kind().name()))
                .toList();
    }

    /** The names, sorted. */
    public List<String> names() {
        return all().stream().map(i -> i.kind().name()).toList();
    }

    private static void addAll(Map<String, Installed> kinds, Iterable<JobKind> found, String source) {
        try {
            for (JobKind<?, ?, ?> kind : found) {
                add(kinds, kind, source);
            }
        } catch (ServiceConfigurationError e) {
            throw new KindLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static void add(Map<String, Installed> kinds, JobKind<?, ?, ?> kind, String source) {
        String name;
        try {
            name = kind.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new KindLoadException(source + ": kind " + kind.getClass().getName() + " has the name \"" + name
                        + "\"; a kind's name is 1-40 lower-case letters, digits and dashes, starting with a letter");
            }
            Class<? extends Record> request = kind.requestType();
            if (request == null || !request.isRecord()) {
                throw new KindLoadException(source + ": kind " + name + ": its request type must be a record");
            }
            if (kind.resultType() == null || !kind.resultType().isRecord()) {
                throw new KindLoadException(source + ": kind " + name + ": its result type must be a record");
            }
            if (kind.partialCodec() == null) {
                throw new KindLoadException(source + ": kind " + name + " has no partial codec");
            }
            try {
                RequestFields.check(request);
            } catch (KindLoadException e) {
                throw new KindLoadException(source + ": kind " + name + ": " + e.getMessage(), e);
            }
            Codec.ofRecord(
                    request); // a request that cannot cross the worker pipe is refused here, not at its first job
            if (kind.example() == null) {
                throw new KindLoadException(source + ": kind " + name + " has no example request");
            }
        } catch (KindLoadException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new KindLoadException(
                    source + ": kind " + kind.getClass().getName() + " is not usable: " + e.getMessage(), e);
        }
        Installed earlier = kinds.get(name);
        if (earlier != null) {
            throw new KindLoadException("two kinds are named \"" + name + "\": "
                    + earlier.kind().getClass().getName() + " (" + earlier.source() + ") and "
                    + kind.getClass().getName() + " (" + source + ")");
        }
        kinds.put(name, new Installed(kind, source));
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new KindLoadException("forkpool.kinds.dir " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
            for (Path jar : jars) {
                try (var file = new JarFile(jar.toFile())) {
                    if (file.getEntry(SERVICE_FILE) == null) {
                        throw new KindLoadException(
                                jar.getFileName() + " is not a forkpool kind: it has no " + SERVICE_FILE);
                    }
                } catch (IOException e) {
                    throw new KindLoadException(jar.getFileName() + " is not a readable jar: " + e.getMessage(), e);
                }
            }
            return jars;
        } catch (IOException e) {
            throw new KindLoadException("cannot list forkpool.kinds.dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new KindLoadException(jar + ": " + e.getMessage(), e);
        }
    }

    Collection<Installed> values() {
        return kinds.values();
    }
}
