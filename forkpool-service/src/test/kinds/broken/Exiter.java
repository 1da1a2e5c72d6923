package broken;

/** Its kernel calls System.exit. */
public final class Exiter extends BrokenKind {
    @Override
    public String name() {
        return "exiter";
    }

    @Override
    protected void misbehave() {
        System.exit(7);
    }
}
