package io.forkpool.kind;

/**
 * The analytic ranges of a projectile request, in plain scalar Java: validation and the bin
 * edges run in the service JVM, which must never load the Vector API kernels (a plain
 * {@code java -jar} cannot add the incubator module), so they live here, not in the kernel.
 */
final class ProjectileRange {

    private ProjectileRange() {}

    /** Range on flat ground, no drag; the one formula used for samples and for the bin edges. */
    static double range(double angleDeg, double speed, double gravity) {
        return speed * speed * StrictMath.sin(Math.toRadians(2 * angleDeg)) / gravity;
    }

    /**
     * sin 2θ is largest at θ = 45° and falls off symmetrically, so the smallest range is at the
     * angle farther from 45° and the slowest speed (range grows with speed).
     */
    static double min(ProjectileRequest r) {
        double lo = r.angleMinDeg();
        double hi = r.angleMaxDeg();
        double angle = Math.abs(lo - 45) >= Math.abs(hi - 45) ? lo : hi;
        return range(angle, r.speedMin(), r.gravity());
    }

    /** The largest range: at 45° if the interval holds it, else at the endpoint nearer 45°. */
    static double max(ProjectileRequest r) {
        double lo = r.angleMinDeg();
        double hi = r.angleMaxDeg();
        double angle = lo <= 45 && 45 <= hi ? 45 : Math.abs(lo - 45) <= Math.abs(hi - 45) ? lo : hi;
        return range(angle, r.speedMax(), r.gravity());
    }
}
