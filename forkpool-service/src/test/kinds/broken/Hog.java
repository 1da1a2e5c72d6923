package broken;

import java.util.ArrayList;

/** Its kernel allocates until the worker's heap runs out. */
public final class Hog extends BrokenKind {
    @Override
    public String name() {
        return "hog";
    }

    @Override
    protected void misbehave() {
        var hoard = new ArrayList<long[]>();
        while (true) {
            hoard.add(new long[1 << 20]);
        }
    }
}
