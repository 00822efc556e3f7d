/*
 * modvm test guest kit: boot code.
 *
 * Everything here runs at CPL0, which a software KVM (PVM) emulates at about
 * 1 us per instruction, so the path from the PVH entry to main() is kept to a
 * few hundred instructions: page tables and the GDT are built by the assembler
 * at link time, only the IDT (256 gates) and the per-CPU TSS descriptor are
 * written at run time, by kit_cpu_init() in kit.c.
 *
 * Avoided at CPL0 on purpose (they stop the guest on PVM): INT3/INT n, XSAVE
 * family, RDTSCP, CMPXCHG16B and friends.
 */

#define KIT_MAX_CPUS    8
#define KSTACK_SIZE     16384
#define USTACK_SIZE     65536
#define ISTACK_SIZE     4096

#define SEL_KCODE       0x08
#define SEL_KDATA       0x10
#define SEL_UDATA       0x1b    /* 0x18 | RPL 3 */
#define SEL_UCODE       0x23    /* 0x20 | RPL 3 */
#define SEL_KCODE32     0x28
#define SEL_TSS0        0x30    /* 16-byte TSS descriptors, one per CPU */

#define CR0_PE          0x00000001
#define CR0_MP          0x00000002
#define CR0_PG          0x80000000
#define CR4_PAE         0x00000020
#define CR4_OSFXSR      0x00000200
#define CR4_OSXMMEXCPT  0x00000400
#define MSR_EFER        0xC0000080
#define EFER_LME        0x00000100

/* IOPL=3 lets main() use in/out/cli/sti; IF=0 until the guest says sti. Bit 1 is reserved-one. */
#define USER_RFLAGS     0x3002

/* ------------------------------------------------------------------------ */
/* PVH entry note (Xen ELF note type 18, XEN_ELFNOTE_PHYS32_ENTRY). The
 * descriptor is 8 bytes like Linux's, since QEMU reads a pointer-sized value. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* namesz */
    .long 8                 /* descsz */
    .long 18                /* type */
    .asciz "Xen"
    .balign 4
    .quad kit_pvh_entry

/* ------------------------------------------------------------------------ */
/* Entered in 32-bit protected mode, paging off, flat segments, EBX = start info. */
    .section .text.entry, "ax", @progbits
    .code32
    .globl kit_pvh_entry
    .type kit_pvh_entry, @function
kit_pvh_entry:
    cli
    cld
    movl %ebx, kit_start_info_pa
    /* The VMM's GDTR is unspecified by the PVH ABI: load ours before any segment reload. */
    lgdt kit_gdt_ptr
    movl $SEL_KDATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs

.macro ENTER_LONG_MODE target
    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $kit_pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_MP), %eax
    movl %eax, %cr0
    ljmp $SEL_KCODE, $\target
.endm

    ENTER_LONG_MODE kit_bsp_entry64

    .code64
kit_bsp_entry64:
    leaq kit_kstacks + KSTACK_SIZE(%rip), %rsp
    xorl %edi, %edi
    call kit_boot0              /* CPL0 C: IDT, TSS, serial, kmain0; returns user RSP */
    pushq $SEL_UDATA
    pushq %rax
    pushq $USER_RFLAGS
    pushq $SEL_UCODE
    pushq $kit_user_start
    iretq

/* AP path, continued from the real-mode trampoline below, in the main image. */
    .code32
    .globl kit_ap_pm32
kit_ap_pm32:
    movl $SEL_KDATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    ENTER_LONG_MODE kit_ap_entry64

    .code64
kit_ap_entry64:
    /* The BSP brings APs up one at a time and publishes the stack and id first. */
    movq kit_ap_boot_rsp(%rip), %rsp
    movl kit_ap_boot_cpu(%rip), %ebx
    movl %ebx, %edi
    call kit_ap_boot0           /* CPL0 C: TSS, IDT; returns user RSP */
    movl %ebx, %edi             /* iretq keeps GPRs: cpu number is ap_main's argument */
    pushq $SEL_UDATA
    pushq %rax
    pushq $USER_RFLAGS
    pushq $SEL_UCODE
    pushq $kit_ap_user_start
    iretq

/* CPL3: a hlt here raises #GP, which kit_trap recognises and turns into a CPL0 halt. */
    .globl kit_user_park
kit_user_park:
    hlt
    jmp kit_user_park

/* ------------------------------------------------------------------------ */
/* 256 interrupt stubs, 16 bytes apart so kit.c can compute gate addresses. */
    .text
    .balign 16
    .globl kit_isr_stubs
kit_isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    /* Vectors where the CPU pushes an error code; the others push a 0 to keep one frame layout. */
    .if vec == 13
    jmp kit_gp_entry
    .else
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp kit_isr_common
    .endif
    .set vec, vec + 1
    .endr

/* #GP fast path: port I/O and cli/sti executed at CPL3.
 * With hardware KVM the CPU honours IOPL=3 and this never runs. A software KVM
 * (PVM) runs guest CPL3 code as host user code with the host's IOPL=0, so those
 * instructions fault here instead; emulating them in a few dozen instructions
 * keeps guests portable and the emulated CPL0 path short. Handled: IN/OUT with
 * an imm8 or DX port, byte/word/dword, optional 0x66 prefix; CLI/STI act on the
 * IF that the iretq restores. Anything else goes to the ordinary report. */
kit_gp_entry:
    testb $3, 16(%rsp)          /* error code, RIP, then CS: only CPL3 faults qualify */
    jz 8f
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    /* 0 rdi, 8 rsi, 16 rdx, 24 rcx, 32 rax, 40 error, 48 rip, 56 cs, 64 rflags */
    movq 48(%rsp), %rsi
    xorl %ecx, %ecx
    movzbl (%rsi), %edi
    cmpl $0x66, %edi
    jne 1f
    movl $1, %ecx
    movzbl 1(%rsi), %edi
1:  addq %rcx, %rsi             /* rsi -> opcode */
    cmpl $0xFA, %edi
    je 5f
    cmpl $0xFB, %edi
    je 6f
    movl %edi, %eax
    andl $0xF4, %eax            /* E4-E7 (imm8 port) and EC-EF (DX port) */
    cmpl $0xE4, %eax
    jne 7f
    leaq 1(%rsi), %rax
    testl $8, %edi
    jnz 2f
    movzbl 1(%rsi), %edx
    incq %rax
2:  movq %rax, 48(%rsp)
    movq 32(%rsp), %rax
    testl $2, %edi
    jnz 3f
    testl $1, %edi              /* IN */
    jz 21f
    testl %ecx, %ecx
    jnz 22f
    inl %dx, %eax               /* zero-extends into RAX like the real instruction */
    jmp 23f
21: inb %dx, %al
    jmp 23f
22: inw %dx, %ax
23: movq %rax, 32(%rsp)
    jmp 9f
3:  testl $1, %edi              /* OUT */
    jz 31f
    testl %ecx, %ecx
    jnz 32f
    outl %eax, %dx
    jmp 9f
31: outb %al, %dx
    jmp 9f
32: outw %ax, %dx
    jmp 9f
5:  andq $~0x200, 64(%rsp)      /* CLI */
    jmp 4f
6:  orq $0x200, 64(%rsp)        /* STI */
4:  incq %rsi
    movq %rsi, 48(%rsp)
9:  popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    addq $8, %rsp
    iretq
7:  popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
8:  pushq $13
    jmp kit_isr_common

/* Frame layout must match struct kit_frame in kit.c. The CPU aligned RSP to 16 before
 * pushing, and 15 registers + vector + error + 5-word iret frame keep it aligned. */
kit_isr_common:
    cld
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    call kit_trap
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

/* ------------------------------------------------------------------------ */
/* AP trampoline: its own PT_LOAD segment at 0x8000 (SIPI vector 0x08). The AP starts
 * in real mode with CS=0x0800, IP=0. The code only addresses itself relative to CS,
 * so the same bytes are also kept in .rodata (kit_trampoline_copy): start_aps()
 * restores 0x8000 from there when firmware that ran before the guest (SeaBIOS with
 * QEMU -M pc) has overwritten low memory. */
.macro AP_TRAMPOLINE
.Ltramp_start\@:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    /* 32-bit operand size so the whole 32-bit GDT base is loaded. */
    lgdtl (.Ltramp_gdtr\@ - .Ltramp_start\@)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $SEL_KCODE32, $kit_ap_pm32
    .balign 8, 0                /* explicit fill: both copies must be byte-identical */
.Ltramp_gdtr\@:
    .word kit_gdt_end - kit_gdt - 1
    .long kit_gdt
.endm

    .section .trampoline, "ax", @progbits
    .code16
    .globl kit_ap_trampoline
kit_ap_trampoline:
    AP_TRAMPOLINE

    .section .rodata.kit_trampoline, "a", @progbits
    .balign 8
    .globl kit_trampoline_copy, kit_trampoline_copy_end
kit_trampoline_copy:
    AP_TRAMPOLINE
kit_trampoline_copy_end:
    .code64

/* ------------------------------------------------------------------------ */
    .data
    .balign 16
    .globl kit_gdt
kit_gdt:
    .quad 0
    .quad 0x00AF9B000000FFFF    /* 0x08 kernel code, 64-bit */
    .quad 0x00CF93000000FFFF    /* 0x10 kernel data */
    .quad 0x00CFF3000000FFFF    /* 0x18 user data, DPL3 */
    .quad 0x00AFFB000000FFFF    /* 0x20 user code, 64-bit, DPL3 */
    .quad 0x00CF9B000000FFFF    /* 0x28 kernel code, 32-bit (AP trampoline) */
    .globl kit_gdt_tss
kit_gdt_tss:
    .fill KIT_MAX_CPUS * 2, 8, 0    /* 0x30 + 16*cpu: TSS descriptors, filled per CPU */
kit_gdt_end:

    .balign 8
    .globl kit_gdt_ptr
kit_gdt_ptr:
    .word kit_gdt_end - kit_gdt - 1
    .quad kit_gdt

    .balign 8
    .globl kit_start_info_pa
kit_start_info_pa:
    .quad 0
    .globl kit_ap_boot_rsp
kit_ap_boot_rsp:
    .quad 0
    .globl kit_ap_boot_cpu
kit_ap_boot_cpu:
    .long 0

/* Identity map of 0..4 GiB with 2 MiB pages, present + writable + user (0x87),
 * built by the assembler so no CPL0 loop is needed. The top GiB (LAPIC, IOAPIC,
 * PCI holes) is also cache-disabled (PCD|PWT, 0x9f). */
    .section .data.pagetables, "aw", @progbits
    .balign 4096
    .globl kit_pml4
kit_pml4:
    .quad kit_pdpt + 0x7
    .fill 511, 8, 0
    .globl kit_pdpt
kit_pdpt:
    .quad kit_pd + 0x0000 + 0x7
    .quad kit_pd + 0x1000 + 0x7
    .quad kit_pd + 0x2000 + 0x7
    .quad kit_pd + 0x3000 + 0x7
    .fill 508, 8, 0
    .globl kit_pd
kit_pd:
    .set pg, 0
    .rept 2048
    .if pg >= 1536
    .quad (pg << 21) | 0x9f
    .else
    .quad (pg << 21) | 0x87
    .endif
    .set pg, pg + 1
    .endr

/* ------------------------------------------------------------------------ */
/* Stacks are not loaded from the file and need no zeroing. */
    .section .bss.stacks, "aw", @nobits
    .balign 4096
    .globl kit_kstacks
kit_kstacks:
    .skip KIT_MAX_CPUS * KSTACK_SIZE
    .globl kit_istacks
kit_istacks:
    .skip KIT_MAX_CPUS * ISTACK_SIZE
    .globl kit_ustacks
kit_ustacks:
    .skip KIT_MAX_CPUS * USTACK_SIZE

    .section .note.GNU-stack, "", @progbits
