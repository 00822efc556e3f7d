package io.modvm.testguest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BuildGuest as a user runs it: output folder and source given relative to the current directory. */
class BuildGuestTest {
    @TempDir
    Path work;

    @BeforeAll
    static void needGcc() {
        assumeTrue(TestGuestBuilder.gccAvailable(), "gcc for x86_64 not available: test guests cannot be built");
    }

    @Test
    void aRelativeOutputFolderAndSourceBuildAGuest() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        Path source = work.resolve("hello.c");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("guests/hello.c")) {
            Files.write(source, in.readAllBytes());
        }
        Path relativeOut = cwd.relativize(work.resolve("guests"));
        Path relativeSource = cwd.relativize(source);
        assertFalse(relativeOut.isAbsolute(), "the test must hand over a relative folder: " + relativeOut);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            BuildGuest.main(new String[] {relativeOut.toString(), "hello", relativeSource.toString()});
        } finally {
            System.setOut(stdout);
        }

        Path elf = Path.of(printed.toString(StandardCharsets.UTF_8).strip());
        assertTrue(elf.isAbsolute(), "BuildGuest prints where the ELF is, whatever the current directory: " + elf);
        assertTrue(Files.isRegularFile(elf), "the ELF exists: " + elf);
        assertEquals(work.resolve("guests").toRealPath(), elf.getParent().toRealPath());
    }
}
