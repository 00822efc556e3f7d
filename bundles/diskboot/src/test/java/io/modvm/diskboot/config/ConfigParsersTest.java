package io.modvm.diskboot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration readers on text alone: how each picks its default and names its files. */
class ConfigParsersTest {
    private static final DeviceSearch NOTHING = (kind, name) -> null;

    private static final String TWO_ENTRIES = """
            set default="%s"
            menuentry 'Alpha' --id alpha-id {
              linux /vmlinuz-a one
            }
            submenu 'More' {
              menuentry 'Beta' {
                linux (hd0,gpt2)/vmlinuz-b two
                initrd /initrd-1 /initrd-2
              }
              menuentry "Gamma $release" --id gamma {
                set extra=quiet
                linux /vmlinuz-c ${extra} x=$extra
              }
            }
            """;

    private static ConfigMenu grub(String def) {
        return GrubConfig.parse("/boot/grub/grub.cfg", ("set release=6.1\n" + TWO_ENTRIES).formatted(def), NOTHING);
    }

    @Test
    void grubDefaultsByIndexTitleIdAndSubmenuPathAndSavedMeansTheFirst() {
        assertEquals(0, grub("0").defaultIndex());
        assertEquals(1, grub("1>0").defaultIndex());
        assertEquals(2, grub("More>gamma").defaultIndex());
        assertEquals(0, grub("alpha-id").defaultIndex());
        assertEquals(0, grub("saved").defaultIndex());
        assertEquals(0, grub("${saved_entry}").defaultIndex());
        assertEquals(0, grub("7").defaultIndex());
    }

    @Test
    void grubEntriesKeepTheirDevicesInitrdsAndExpandedVariables() {
        List<ConfigEntry> e = grub("0").entries();
        assertEquals(new FileRef(null, "/vmlinuz-a"), e.get(0).kernel());
        assertEquals("More>Beta", e.get(1).title());
        assertEquals(new FileRef("hd0,gpt2", "/vmlinuz-b"), e.get(1).kernel());
        assertEquals(List.of(new FileRef(null, "/initrd-1"), new FileRef(null, "/initrd-2")), e.get(1).initrds());
        assertEquals("More>Gamma 6.1", e.get(2).title());
        assertEquals("quiet x=quiet", e.get(2).cmdline());
    }

    @Test
    void grubSearchSetsRootForTheEntrysPaths() {
        ConfigMenu m = GrubConfig.parse("/grub/grub.cfg", """
                search --no-floppy --label --set=root BOOT
                menuentry 'x' {
                  linux /vmlinuz
                }
                """, (kind, name) -> kind.equals("label") && name.equals("BOOT") ? "hd0,msdos3" : null);
        assertEquals(new FileRef("hd0,msdos3", "/vmlinuz"), m.entries().get(0).kernel());
    }

    @Test
    void extlinuxDefaultLabelAndRelativePaths() {
        ConfigMenu m = ExtlinuxConfig.parse("/boot/extlinux/extlinux.conf", """
                default b
                label a
                  kernel /vmlinuz
                label b
                  menu label Bee
                  linux vmlinuz-b
                  initrd one.img,/two.img
                  append ro quiet
                """);
        assertEquals(1, m.defaultIndex());
        ConfigEntry b = m.entries().get(1);
        assertEquals("Bee", b.title());
        assertEquals(new FileRef(null, "/boot/extlinux/vmlinuz-b"), b.kernel());
        assertEquals(List.of(new FileRef(null, "/boot/extlinux/one.img"), new FileRef(null, "/two.img")), b.initrds());
        assertEquals("ro quiet", b.cmdline());
    }

    @Test
    void blsDefaultIsLoaderConfsGlobElseTheFirst() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("fedora-6.1.conf", "title Fedora 6.1\nlinux /vmlinuz-6.1\noptions a\noptions b\n");
        files.put("fedora-6.2.conf", "title Fedora 6.2\nlinux vmlinuz-6.2\ninitrd /initramfs-6.2.img\n");
        files.put("broken.conf", "title no kernel\n");
        assertEquals(1, BlsConfig.parse("/loader/entries", files, "default fedora-6.2*\n").defaultIndex());
        assertEquals(0, BlsConfig.parse("/loader/entries", files, null).defaultIndex());
        ConfigMenu m = BlsConfig.parse("/loader/entries", files, "default @saved\n");
        assertEquals(2, m.entries().size());
        assertEquals("a b", m.entries().get(0).cmdline());
        assertEquals(new FileRef(null, "/vmlinuz-6.2"), m.entries().get(1).kernel());
    }
}
