package broken;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Its kernel writes garbage straight to file descriptor 1, the worker's frame channel. */
public final class RawWriter extends BrokenKind {
    @Override
    public String name() {
        return "raw-writer";
    }

    @Override
    protected void misbehave() {
        try {
            var out = new FileOutputStream(FileDescriptor.out);
            out.write("garbage on the frame channel\n".getBytes());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
