package broken;

/** Its kernel prints to System.out (which a worker sends to its log, not to the frame channel). */
public final class Printer extends BrokenKind {
    @Override
    public String name() {
        return "printer";
    }

    @Override
    protected void misbehave() {
        for (int i = 0; i < 1000; i++) {
            System.out.println("printer kind writing to System.out, line " + i);
        }
    }
}
