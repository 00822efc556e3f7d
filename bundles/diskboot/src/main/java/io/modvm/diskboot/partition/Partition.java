package io.modvm.diskboot.partition;

/**
 * One partition as its table gives it.
 *
 * @param number as Linux and GRUB count: MBR primaries 1-4, logical partitions from 5; GPT entries from 1
 * @param scheme {@code msdos} or {@code gpt}, as GRUB names a partition ({@code hd0,msdos1})
 * @param offset bytes from the start of the disk
 * @param length bytes
 * @param type the MBR type byte as two hex digits, or the GPT type GUID
 */
public record Partition(int number, String scheme, long offset, long length, String type) {
    /** The EFI system partition's GPT type and MBR type. */
    public boolean isEsp() {
        return type.equalsIgnoreCase("c12a7328-f81f-11d2-ba4b-00a0c93ec93b") || type.equalsIgnoreCase("ef");
    }
}
