package broken;

/** Its kernel never returns (past any shard deadline). */
public final class Looper extends BrokenKind {
    @Override
    public String name() {
        return "looper";
    }

    @Override
    protected void misbehave() {
        while (!Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait();
        }
    }
}
