package io.modvm.testguest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestGuestBuilderTest {

    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    /** The tiny i386 bzImage: a setup header that offers only the 32-bit entry, and code linked at 1 MiB. */
    private static final String BZIMAGE32_GUEST = "#include \"bzimage32.h\"\n"
            + "void main32(const uint8_t *bp) { puts(\"hi\\n\"); debug_exit(1); }\n";

    @TempDir
    Path work;

    @BeforeAll
    static void needGcc() {
        assumeTrue(TestGuestBuilder.gccAvailable(), "gcc for x86_64 not available: test guests cannot be built");
    }

    @Test
    void helloIsAnElf64WithThePvhNotePointingAtTheEntry() throws IOException {
        ElfImage elf = new ElfImage(TestGuestBuilder.build(work, "guests/hello.c"));
        assertEquals(2, elf.elfClass, "ELFCLASS64");
        assertEquals(1, elf.dataEncoding, "little endian");
        assertEquals(2, elf.type, "ET_EXEC");
        assertEquals(62, elf.machine, "EM_X86_64");

        List<ElfImage.Segment> notes = elf.segments(ElfImage.PT_NOTE);
        assertEquals(1, notes.size(), "one PT_NOTE");
        List<ElfImage.Note> pvh = elf.notes(notes.get(0)).stream()
                .filter(n -> n.name().equals("Xen") && n.type() == XEN_ELFNOTE_PHYS32_ENTRY).toList();
        assertEquals(1, pvh.size(), "one Xen PHYS32_ENTRY note");
        long entry = pvh.get(0).descAsLong();
        assertEquals(8, pvh.get(0).desc().length, "pointer-sized descriptor, as QEMU and Linux use");
        assertEquals(elf.entry, entry, "PVH entry is the ELF entry");

        ElfImage.Segment text = elf.segments(ElfImage.PT_LOAD).stream()
                .filter(s -> s.paddr() == TestGuestBuilder.IMAGE_ADDRESS).findFirst().orElseThrow();
        assertTrue(text.contains(entry), "entry inside the 1 MiB segment");
        assertEquals(ElfImage.PF_R | ElfImage.PF_X, text.flags());
        assertEquals(TestGuestBuilder.IMAGE_ADDRESS, entry, "the 32-bit entry starts the image");
        // First instructions of the 32-bit entry: cli; cld.
        assertArrayEquals(new byte[] {(byte) 0xfa, (byte) 0xfc}, elf.read(entry, 2));
    }

    @Test
    void segmentsAreTrampolineTextAndDataBelowTwoMiB() throws IOException {
        ElfImage elf = new ElfImage(TestGuestBuilder.build(work, "guests/hello.c"));
        List<ElfImage.Segment> loads = elf.segments(ElfImage.PT_LOAD);
        assertEquals(3, loads.size(), "trampoline, text, data: " + loads);

        ElfImage.Segment tramp = loads.get(0);
        assertEquals(TestGuestBuilder.TRAMPOLINE_ADDRESS, tramp.paddr());
        assertEquals(tramp.paddr(), tramp.vaddr());
        assertEquals(0, tramp.paddr() & 0xfff, "SIPI needs a page-aligned start");
        assertTrue(tramp.filesz() > 0 && tramp.memsz() <= 0x1000, "trampoline fits its page: " + tramp);
        assertEquals(ElfImage.PF_R | ElfImage.PF_X, tramp.flags());
        assertEquals((byte) 0xfa, elf.read(tramp.paddr(), 1)[0], "trampoline starts with cli");

        ElfImage.Segment text = loads.get(1);
        assertEquals(TestGuestBuilder.IMAGE_ADDRESS, text.paddr());
        ElfImage.Segment data = loads.get(2);
        assertEquals(ElfImage.PF_R | ElfImage.PF_W, data.flags());
        assertTrue(data.paddr() >= text.paddr() + text.memsz());
        assertTrue(data.memsz() > data.filesz(), "stacks and bss are zero-filled, not stored");
        for (ElfImage.Segment s : loads) {
            assertEquals(s.paddr(), s.vaddr(), "identity linked");
            assertTrue(s.paddr() + s.memsz() <= 0x200000, "image stays below 2 MiB: " + s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "count", "fault", "smp", "timer"})
    void everyExampleGuestBuilds(String guest) throws IOException {
        Path elf = TestGuestBuilder.build(work, "guests/" + guest + ".c");
        assertTrue(elf.getFileName().toString().startsWith(guest + "-"));
        ElfImage image = new ElfImage(elf);
        assertEquals(1, image.segments(ElfImage.PT_NOTE).size());
        assertEquals(3, image.segments(ElfImage.PT_LOAD).size());
    }

    @Test
    void sameSourceIsServedFromTheCache() throws IOException {
        String src = "#include \"testguest.h\"\nint main(void) { puts(\"cached\\n\"); return 3; }\n";
        Path first = TestGuestBuilder.build(work, "cached", src);
        Files.setLastModifiedTime(first, FileTime.fromMillis(1_000_000_000L));
        long t0 = System.nanoTime();
        Path second = TestGuestBuilder.build(work, "cached", src);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(first, second);
        assertEquals(1_000_000_000L, Files.getLastModifiedTime(second).toMillis(), "not rebuilt");
        assertTrue(ms < 500, "cache hit took " + ms + " ms");

        Path other = TestGuestBuilder.build(work, "cached", src.replace("return 3", "return 4"));
        assertNotEquals(first, other, "a different source is a different guest");
        try (var files = Files.list(work)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("-build-")),
                    "temporary build directories are removed");
        }
    }

    @Test
    void compileErrorsCarryGccOutput() {
        String src = "#include \"testguest.h\"\nint main(void) { return no_such_variable; }\n";
        var e = assertThrows(TestGuestBuilder.GuestBuildException.class,
                () -> TestGuestBuilder.build(work, "broken", src));
        assertTrue(e.getMessage().contains("no_such_variable"), e.getMessage());
        assertTrue(e.getMessage().contains("error"), e.getMessage());
        assertTrue(e.compilerOutput().contains("no_such_variable"));
    }

    @Test
    void aGuestWithoutMainDoesNotLink() {
        var e = assertThrows(TestGuestBuilder.GuestBuildException.class,
                () -> TestGuestBuilder.build(work, "nomain", "#include \"testguest.h\"\nvoid ap_main(int c) { }\n"));
        assertTrue(e.getMessage().contains("main"), e.getMessage());
    }

    @Test
    void badNamesAndMissingResourcesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TestGuestBuilder.build(work, "../evil", "int main(void){return 0;}"));
        assertThrows(IllegalArgumentException.class, () -> TestGuestBuilder.build(work, "guests/does-not-exist.c"));
    }

    /** A guest named like a kit source would overwrite it in the build folder and fail to link, or link the wrong code. */
    @Test
    void aGuestNamedLikeAKitSourceIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TestGuestBuilder.build(work, "net", "#include \"testguest.h\"\nint main(void) { return 0; }\n"));
        assertTrue(e.getMessage().contains("kit's net.c"), e.getMessage());
    }

    @Test
    void flagsKeepGuestsFreestandingAndSseFree() {
        List<String> flags = TestGuestBuilder.compilerFlags();
        for (String f : List.of("-ffreestanding", "-fno-pic", "-no-pie", "-nostdlib", "-static", "-mno-red-zone",
                "-mgeneral-regs-only", "-O2", "-fno-stack-protector", "-fcf-protection=none")) {
            assertTrue(flags.contains(f), f + " missing from " + flags);
        }
    }

    @Test
    void aBzImage32HeaderSaysProtocol215WithoutA64BitEntry() throws IOException {
        Path image = TestGuestBuilder.buildBzImage32(work, "tiny32", BZIMAGE32_GUEST);
        assertTrue(image.getFileName().toString().endsWith(".bzImage"), image.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.get(0x1F1), "setup_sects: the setup is the boot sector and one more");
        assertEquals((short) 0xAA55, b.getShort(0x1FE));
        assertEquals(0x53726448, b.getInt(0x202), "HdrS");
        assertEquals(0x020F, b.getShort(0x206));
        assertEquals(1, b.get(0x211) & 1, "LOADED_HIGH: a bzImage");
        assertEquals(0x100000, b.getInt(0x214), "code32_start");
        assertEquals(0, b.getShort(0x236) & 1, "no XLF_KERNEL_64: only the 32-bit entry");
        assertEquals(0x100000L, b.getLong(0x258), "pref_address");
        int kernel = b.limit() - 0x400;
        assertTrue(kernel > 0, "protected-mode code follows the setup");
        assertTrue(b.getInt(0x260) >= kernel, "init_size covers the code and its bss");
        assertTrue(b.getInt(0x1F4) * 16 >= kernel, "syssize counts the code in paragraphs");
        assertEquals(0x66, b.get(0x201), "the jump at 0x200 skips the header up to 0x268");
        assertEquals(image, TestGuestBuilder.buildBzImage32(work, "tiny32", BZIMAGE32_GUEST),
                "built once, then cached");
    }
}
