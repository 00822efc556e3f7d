/*
 * A minimal bzImage for the Linux 32-bit boot protocol (Documentation/arch/x86/boot.rst): a boot sector and one
 * setup sector holding only the setup header, then the protected-mode code, linked at 1 MiB (code32_start). The
 * header says protocol 2.15 and leaves XLF_KERNEL_64 out of xloadflags, so a loader must enter at code32_start in
 * 32-bit protected mode. No real-mode code: a loader that runs the 16-bit setup finds nothing there.
 *
 * The entry records the registers the protocol fixes (segments, CR0, EFLAGS, ESI, EBX, EBP, EDI) before it touches
 * any of them, sets up a stack and calls main32(boot_params); the guest's C code judges what was recorded.
 */
    .section .setup, "a"
    .code16
    .org 0x1f1
    .byte 1                         /* 0x1f1 setup_sects: the boot sector plus this one */
    .word 0                         /* 0x1f2 root_flags */
    .long _syssize                  /* 0x1f4 syssize, in 16-byte paragraphs */
    .word 0                         /* 0x1f8 ram_size */
    .word 0xffff                    /* 0x1fa vid_mode: normal */
    .word 0                         /* 0x1fc root_dev */
    .word 0xaa55                    /* 0x1fe boot_flag */
    .byte 0xeb, header_end - 0x202  /* 0x200 jump over the header: its length is the second byte */
    .ascii "HdrS"                   /* 0x202 header */
    .word 0x020f                    /* 0x206 version 2.15 */
    .long 0                         /* 0x208 realmode_swtch */
    .word 0                         /* 0x20c start_sys_seg */
    .word 0                         /* 0x20e kernel_version */
    .byte 0                         /* 0x210 type_of_loader */
    .byte 0x01                      /* 0x211 loadflags: LOADED_HIGH */
    .word 0                         /* 0x212 setup_move_size */
    .long 0x100000                  /* 0x214 code32_start */
    .long 0                         /* 0x218 ramdisk_image */
    .long 0                         /* 0x21c ramdisk_size */
    .long 0                         /* 0x220 bootsect_kludge */
    .word 0                         /* 0x224 heap_end_ptr */
    .byte 0                         /* 0x226 ext_loader_ver */
    .byte 0                         /* 0x227 ext_loader_type */
    .long 0                         /* 0x228 cmd_line_ptr */
    .long 0x7fffffff                /* 0x22c initrd_addr_max */
    .long 0x100000                  /* 0x230 kernel_alignment */
    .byte 0                         /* 0x234 relocatable_kernel: no */
    .byte 0                         /* 0x235 min_alignment */
    .word 0                         /* 0x236 xloadflags: no XLF_KERNEL_64, 32-bit entry only */
    .long 255                       /* 0x238 cmdline_size */
    .long 0                         /* 0x23c hardware_subarch: PC */
    .long 0, 0                      /* 0x240 hardware_subarch_data */
    .long 0                         /* 0x248 payload_offset */
    .long 0                         /* 0x24c payload_length */
    .long 0, 0                      /* 0x250 setup_data */
    .long 0x100000, 0               /* 0x258 pref_address */
    .long _init_size                /* 0x260 init_size */
    .long 0                         /* 0x264 handover_offset */
header_end:
    .org 0x400

    .section .text.entry, "ax"
    .code32
    .globl _start32
_start32:
    movl %eax, entry_eax
    movl %esi, entry_esi
    movl %ebx, entry_ebx
    movl %ebp, entry_ebp
    movl %edi, entry_edi
    movl %cs, %eax
    movl %eax, entry_cs
    movl %ds, %eax
    movl %eax, entry_ds
    movl %es, %eax
    movl %eax, entry_es
    movl %ss, %eax
    movl %eax, entry_ss
    movl %cr0, %eax
    movl %eax, entry_cr0
    pushfl
    popl %eax
    movl %eax, entry_eflags
    movl $stack_top, %esp
    pushl %esi
    call main32
    /* main32 does not return: it leaves through isa-debug-exit, or halts */
1:  cli
    hlt
    jmp 1b

    .section .bss
    .align 16
stack:
    .space 8192
stack_top:

    .section .data
    .globl entry_eax, entry_esi, entry_ebx, entry_ebp, entry_edi
    .globl entry_cs, entry_ds, entry_es, entry_ss, entry_cr0, entry_eflags
entry_eax: .long 0
entry_esi: .long 0
entry_ebx: .long 0
entry_ebp: .long 0
entry_edi: .long 0
entry_cs: .long 0
entry_ds: .long 0
entry_es: .long 0
entry_ss: .long 0
entry_cr0: .long 0
entry_eflags: .long 0
