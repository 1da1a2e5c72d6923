package broken;

/** Its kernel throws an Error that is no VirtualMachineError (an AssertionError). */
public final class Asserter extends BrokenKind {
    @Override
    public String name() {
        return "asserter";
    }

    @Override
    protected void misbehave() {
        throw new AssertionError("the asserter kind's kernel failed an assertion on purpose");
    }
}
