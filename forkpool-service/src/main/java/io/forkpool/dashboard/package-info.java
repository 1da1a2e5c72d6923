/**
 * The dashboard at {@code /}: the single page (static ES modules under {@code /ui}, libraries as
 * webjars), the routes that reload into it, its security headers, and the JSON it reads that the
 * rest of the API did not already serve: the overview's counts and rates.
 */
package io.forkpool.dashboard;
