package broken;

/** A second kind named "pi": the built-in kind has that name. */
public final class Duplicate extends BrokenKind {
    @Override
    public String name() {
        return "pi";
    }

    @Override
    protected void misbehave() {}
}
