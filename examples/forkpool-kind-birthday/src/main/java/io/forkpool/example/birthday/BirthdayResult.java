package io.forkpool.example.birthday;

/**
 * The answer: the share of rooms with a shared birthday, its standard error and 95% interval, and
 * the exact probability to compare with.
 *
 * @param probability rooms with a shared birthday over rooms simulated
 * @param shared rooms with a shared birthday
 * @param trials rooms simulated
 * @param stdError standard error of {@code probability} (binomial)
 * @param ci95 95% confidence interval of the probability (normal approximation)
 * @param exact 1 - days!/((days - people)! · days^people)
 */
public record BirthdayResult(
        double probability, long shared, long trials, double stdError, double[] ci95, double exact) {}
