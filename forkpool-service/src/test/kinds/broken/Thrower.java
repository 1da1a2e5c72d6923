package broken;

/** Its kernel throws. */
public final class Thrower extends BrokenKind {
    @Override
    public String name() {
        return "thrower";
    }

    @Override
    protected void misbehave() {
        throw new IllegalStateException("the thrower kind's kernel failed on purpose");
    }
}
