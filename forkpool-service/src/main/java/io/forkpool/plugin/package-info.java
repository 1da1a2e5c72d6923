/**
 * The installed job kinds as the service and every worker see them: found with {@link
 * java.util.ServiceLoader} on the class path (the five built-in kinds) and in the jars of {@code
 * forkpool.kinds.dir} ({@link io.forkpool.plugin.KindRegistry}), and a job's request bound to its
 * kind ({@link io.forkpool.plugin.JobRequest}). No Spring here: the worker process loads this too.
 */
package io.forkpool.plugin;
