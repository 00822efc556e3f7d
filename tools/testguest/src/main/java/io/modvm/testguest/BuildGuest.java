package io.modvm.testguest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Command-line entry: {@code BuildGuest WORKDIR NAME SOURCE.c} builds a guest and prints its ELF path. */
public final class BuildGuest {
    private BuildGuest() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: BuildGuest WORKDIR NAME SOURCE.c");
            System.exit(2);
        }
        String source = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
        System.out.println(TestGuestBuilder.build(Path.of(args[0]), args[1], source));
    }
}
