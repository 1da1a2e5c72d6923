package io.forkpool.kind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The dice kernel is unbiased by construction, not by luck: for every face count it accepts
 * (2 to 1000), each face is the image of exactly {@code floor(2^16 / faces)} of the 65,536 16-bit
 * chunk values, and exactly {@code 2^16 mod faces} are rejected. Checked exhaustively on the
 * kernel's map, which {@link LaneReferenceTest} holds the vector loops to, draw by draw.
 */
class DiceChunkTest {

    /**
     * A 16-bit chunk's face (0-based), or -1 if rejected: the scalar form of the vector loops of
     * {@link DiceKernel}, with the kernel's own {@link DiceKernel#threshold}.
     */
    static int faceOf(int chunk, int faces) {
        int m = chunk * faces;
        return (m & 0xFFFF) >= DiceKernel.threshold(faces) ? m >>> 16 : -1;
    }

    @Test
    void everyFaceCountGivesEachFaceExactlyItsShareOfTheChunks() {
        for (int faces = 2; faces <= 1000; faces++) {
            long[] hits = new long[faces];
            int rejected = 0;
            for (int chunk = 0; chunk < 1 << 16; chunk++) {
                int face = faceOf(chunk, faces);
                if (face < 0) {
                    rejected++;
                } else {
                    hits[face]++;
                }
            }
            long[] share = new long[faces];
            Arrays.fill(share, (1 << 16) / faces);
            assertArrayEquals(share, hits, faces + " faces");
            assertEquals((1 << 16) % faces, rejected, faces + " faces: rejected chunks");
        }
    }

    @Test
    void aDieWithoutRejectionWouldBeBiased() {
        // The check above can fail: with 7 faces and every chunk kept, 65,536 = 7 · 9362 + 2 chunk
        // values fall 9363 on two faces and 9362 on the others.
        long[] hits = new long[7];
        for (int chunk = 0; chunk < 1 << 16; chunk++) {
            hits[(chunk * 7) >>> 16]++;
        }
        assertArrayEquals(new long[] {9363, 9362, 9362, 9363, 9362, 9362, 9362}, hits);
        assertEquals(2, DiceKernel.threshold(7));
    }
}
