/*
 * modvm test guest kit: everything a tiny freestanding x86-64 guest needs.
 *
 * A guest is one C file that includes this header and defines main().
 * crt0.S boots it through the PVH entry, switches to long mode and runs
 * main() at CPL3 with IOPL=3 (so port I/O, cli and sti work there and loops
 * run natively even on a software KVM). Optional hooks:
 *
 *   int  main(void);          CPL3, BSP. Return value goes to debug_exit().
 *   void kmain0(void);        CPL0, BSP, once, before main (keep it short).
 *   void ap_main(int cpu);    CPL3, on each AP started by start_aps().
 *   void on_irq(int irq);     CPL0, PIC IRQ 0..15 (vectors 0x20..0x2F), EOI done by the kit.
 *   void on_vector(int vec);  CPL0, vectors 0x30..0xFF (MSI, LAPIC), LAPIC EOI done by the kit.
 */
#ifndef MODVM_TESTGUEST_H
#define MODVM_TESTGUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

/* ---- limits and layout constants (mirrored in crt0.S) ---- */
#define KIT_MAX_CPUS        8
#define KIT_TRAMPOLINE_PA   0x8000u     /* AP real-mode entry, SIPI vector 0x08 */
#define KIT_IMAGE_PA        0x100000u   /* kernel image load address */
#define KIT_FREE_PA         0x200000u   /* first byte guests may use freely */
#define KIT_LAPIC_PA        0xFEE00000u
#define KIT_IOAPIC_PA       0xFEC00000u

/* ---- exit codes (debug-exit port 0x501, status becomes (code << 1) | 1) ---- */
#define KIT_EXIT_PORT       0x501
#define KIT_EXIT_EXCEPTION  0x7f        /* unhandled CPU exception: status 255 */

/* ---- entry points provided by the guest ---- */
int main(void);
void kmain0(void) __attribute__((weak));
void ap_main(int cpu) __attribute__((weak));
void on_irq(int irq) __attribute__((weak));
void on_vector(int vector) __attribute__((weak));

/* ---- port I/O (works at CPL3 because the kit runs guests with IOPL=3) ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- MMIO (all of 0..4 GiB is identity mapped and user accessible) ---- */
static inline uint8_t  mmio_read8 (uint64_t a) { return *(volatile uint8_t  *)(uintptr_t)a; }
static inline uint16_t mmio_read16(uint64_t a) { return *(volatile uint16_t *)(uintptr_t)a; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void mmio_write8 (uint64_t a, uint8_t  v) { *(volatile uint8_t  *)(uintptr_t)a = v; }
static inline void mmio_write16(uint64_t a, uint16_t v) { *(volatile uint16_t *)(uintptr_t)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }

/* ---- CPU helpers ---- */
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void mfence(void) { __asm__ volatile("mfence" ::: "memory"); }
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
/* IOPL=3 makes cli/sti legal at CPL3; interrupts are delivered to the kit's CPL0 handlers. */
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline int cpl(void) { uint16_t cs; __asm__ volatile("mov %%cs, %0" : "=r"(cs)); return cs & 3; }
/* Caution: on a software KVM (PVM) CPUID at CPL3 may run natively and describe the host. */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline int atomic_add(volatile int *p, int v) {   /* returns the old value */
    __asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) :: "memory");
    return v;
}

/* Local APIC ID (LAPIC MMIO): the CPU number used by start_aps()/ap_main(). */
int cpu_id(void);

/* ---- exit ---- */
/* Writes code to port 0x501 (QEMU isa-debug-exit: status = (code << 1) | 1).
 * If the VMM has no such device the CPU halts with interrupts off. */
void debug_exit(int code) __attribute__((noreturn));
/* Stop this CPU for good (cli; hlt at CPL0, reached from CPL3 through a #GP the kit expects). */
void halt_forever(void) __attribute__((noreturn));

/* ---- COM1 serial, polled ---- */
#define COM1 0x3F8
void serial_init(void);               /* 115200 8N1, FIFOs on; done by crt0 before kmain0 */
void putc(char c);                    /* "\n" is sent as "\r\n" */
void puts(const char *s);             /* no newline appended */
void put_dec(int64_t v);
void put_udec(uint64_t v);
void put_hex(uint64_t v);             /* 0x-prefixed, no leading zeros */
int  getc(void);                      /* blocks until a byte arrives */
int  getc_nonblock(void);             /* -1 if nothing waiting */
/* %d %i %u %x %X %p %s %c %% with l/ll/z length, '0' flag and width.
 * One call prints atomically with respect to other CPUs. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

/* ---- PVH start info ---- */
#define HVM_START_MAGIC 0x336ec578u
struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;      /* type 1 = RAM, 2 = reserved, 3 = ACPI, 4 = NVS */
};
#define E820_RAM 1
#define KIT_MAX_MEMMAP 64
#define KIT_MAX_CMDLINE 1024

/* NULL if the VMM passed no valid start info. Valid at CPL0 too. */
const struct hvm_start_info *start_info(void);
/* The command line, copied into the image before main (never NULL, "" if none). */
const char *cmdline(void);
/* Value of "key=NUMBER" (decimal, 0x hex, optional k/m/g suffix), dflt if absent or malformed. */
long cmdline_int(const char *key, long dflt);
/* 1 if the command line has "key" or "key=..." as a word. */
int cmdline_has(const char *key);
/* Copies "key=VALUE" into buf (NUL-terminated); returns length or -1 if absent. */
int cmdline_str(const char *key, char *buf, size_t n);
/* E820-style memory map, copied before main; count in *n. */
const struct hvm_memmap_entry *memmap(int *n);
/* Top of the RAM region containing KIT_FREE_PA, capped at 4 GiB: guests own [KIT_FREE_PA, this). */
uint64_t free_mem_end(void);

/* ---- interrupts ---- */
/* Remaps the 8259 pair to vectors 0x20..0x2F and unmasks the IRQs whose bits are set
 * in irq_mask (bit n = IRQ n; the cascade IRQ2 is unmasked as needed). */
void pic_init(uint16_t irq_mask);
void pic_set_mask(uint16_t irq_mask);
/* PIT channel 0 as a periodic IRQ0 source at about hz. */
void pit_periodic(uint32_t hz);
/* TSC ticks per millisecond, measured once against PIT channel 2 (about 10 ms). */
uint64_t tsc_per_ms(void);
/* Busy-wait using the TSC. */
void delay_us(uint64_t us);
/* LAPIC EOI, for guests that handle vectors themselves. */
void lapic_eoi(void);

/* Makes the LAPIC accept interrupts (software enable in the SVR); needed for MSI/MSI-X
 * without a BIOS. Callable at CPL3. */
void lapic_enable(void);
/* Times vector 0x30..0xFE was delivered (counted by the kit before on_vector runs). */
uint32_t vector_count(int vector);

/* ---- guest physical memory for device buffers ---- */
/* Zeroed, identity-mapped memory from a bump allocator starting at KIT_FREE_PA; align is
 * a power of two (0 means 16). Returns 0 when free_mem_end() would be passed. Never freed.
 * The virtio driver takes its rings from here, so a guest that also uses memory from
 * KIT_FREE_PA directly must take it from phys_alloc too. */
void *phys_alloc(size_t size, size_t align);

/* ---- SMP ---- */
/* Enabled local APICs listed in the ACPI MADT, or 1 without ACPI. */
int cpu_count(void);
/* INIT/SIPI/SIPI to APIC IDs 1..count-1, one after the other; each AP runs ap_main(id)
 * at CPL3 on its own stacks. Callable from main (CPL3) or kmain0 (CPL0).
 * Returns the number of CPUs running afterwards, the BSP included. If the command line
 * has "smp_start" (all MADT CPUs) or "smp_start=N", crt0 calls this before main. */
int start_aps(int count);
/* Number of CPUs currently running (BSP included). */
int cpus_online(void);

/* Simple spinlock usable at CPL0 and CPL3. */
typedef struct { volatile int v; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/* ---- PCI (pci.c): configuration mechanism #1 through ports 0xCF8/0xCFC, bus 0 only ---- */
struct pci_dev {
    uint8_t bus, dev, fn;
    uint8_t header_type;            /* without the multifunction bit */
    uint16_t vendor, device, subsys_vendor, subsys_device;
    uint8_t class_code, subclass, prog_if, revision;
};
struct pci_bar {
    uint64_t addr;                  /* 0 if the BAR is not implemented */
    uint64_t size;
    int io, is64, prefetchable;
};
#define PCI_COMMAND          0x04
#define PCI_CMD_IO           0x0001
#define PCI_CMD_MEMORY       0x0002
#define PCI_CMD_MASTER       0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_STATUS           0x06
#define PCI_STATUS_CAPS      0x0010
#define PCI_CAP_PTR          0x34
#define PCI_CAP_MSI          0x05
#define PCI_CAP_VENDOR       0x09
#define PCI_CAP_MSIX         0x11

uint8_t  pci_read8  (const struct pci_dev *d, int off);
uint16_t pci_read16 (const struct pci_dev *d, int off);
uint32_t pci_read32 (const struct pci_dev *d, int off);
void     pci_write8 (const struct pci_dev *d, int off, uint8_t v);
void     pci_write16(const struct pci_dev *d, int off, uint16_t v);
void     pci_write32(const struct pci_dev *d, int off, uint32_t v);
/* Fills out[0..max) with the functions present on bus 0 (header read); returns how many. */
int pci_scan(struct pci_dev *out, int max);
/* The index-th (0-based) function on bus 0 matching vendor and device (0xFFFF: any); 0 or -1. */
int pci_find(uint16_t vendor, uint16_t device, int index, struct pci_dev *out);
/* Reads and sizes BAR n (0..5) of a type-0 header, with decoding off while it probes.
 * A 64-bit BAR fills n and n+1. A memory BAR at or above 4 GiB (outside the kit's identity
 * map) or unassigned (0) is moved into a free window below 4 GiB; the move is printed. */
int pci_bar(const struct pci_dev *d, int n, struct pci_bar *bar);
/* Sets the given PCI_CMD_* bits in the command register (others are kept). */
void pci_enable(const struct pci_dev *d, uint16_t cmd_bits);
/* Offset of the first capability with this ID at or after the one at 'after' (0: from the
 * start of the list), or 0. Bounded against looping lists. */
int pci_find_cap(const struct pci_dev *d, uint8_t id, int after);

/* MSI-X: the table lives in one of the function's memory BARs. */
struct pci_msix {
    int cap;                        /* config offset of the capability, 0 if none */
    int count;                      /* table entries */
    uint64_t table, pba;
};
/* Finds the capability and the table; enables MSI-X with every entry masked. 0 or -1. */
int pci_msix_init(const struct pci_dev *d, struct pci_msix *m);
/* Points entry at vector on the LAPIC with ID apic_id (fixed, edge) and unmasks it. */
void pci_msix_route(const struct pci_msix *m, int entry, int vector, int apic_id);
void pci_msix_mask(const struct pci_msix *m, int entry, int masked);

/* ---- virtio over PCI, modern interface (virtio.c; virtio 1.2 section 4.1) ---- */
#define VIRTIO_ID_NET      1
#define VIRTIO_ID_BLOCK    2
#define VIRTIO_ID_CONSOLE  3
#define VIRTIO_ID_RNG      4
#define VIRTIO_ID_BALLOON  5

#define VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VIRTIO_STATUS_DRIVER             0x02
#define VIRTIO_STATUS_DRIVER_OK          0x04
#define VIRTIO_STATUS_FEATURES_OK        0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

#define VIRTIO_F_INDIRECT_DESC  (1ULL << 28)
#define VIRTIO_F_EVENT_IDX      (1ULL << 29)
#define VIRTIO_F_VERSION_1      (1ULL << 32)

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTIO_NO_VECTOR      0xFFFF
#define VIRTIO_MAX_QUEUES     9     /* four virtio-net queue pairs and the control queue */

struct virtq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct virtq_avail { uint16_t flags, idx, ring[]; };
struct virtq_used_elem { uint32_t id, len; };
struct virtq_used { uint16_t flags, idx; struct virtq_used_elem ring[]; };

struct virtq {
    int index;
    uint16_t size;                  /* 0: not set up */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint64_t notify;                /* address to write the queue index to */
    uint16_t avail_idx;             /* next avail index the driver publishes */
    uint16_t last_used;             /* used index the driver has consumed up to */
    uint16_t next_free;             /* descriptors are handed out round-robin */
    uint16_t msix_vector;           /* MSI-X table entry, VIRTIO_NO_VECTOR if none */
    uint8_t *rings;                 /* the kit's own ring memory, kept across resets */
};

struct virtio_dev {
    struct pci_dev pci;
    int type;                       /* VIRTIO_ID_* */
    uint64_t common, isr, device_cfg, notify_base;
    uint32_t notify_mult;
    uint64_t features;              /* negotiated */
    struct pci_msix msix;
    struct virtq vq[VIRTIO_MAX_QUEUES];
};

/* Buffers of one chain, in order: device-readable ones first, then device-writable ones. */
struct virtq_buf { const volatile void *addr; uint32_t len; int writable; };

/* The index-th virtio device of this type on bus 0 (modern 0x1040+type, or transitional
 * 0x1000..0x103F with that subsystem ID); finds the common/notify/ISR/device capabilities,
 * maps their BARs and enables memory decoding and bus mastering. 0 or -1 (reason printed). */
int virtio_find(int type, int index, struct virtio_dev *v);
/* Reset, ACKNOWLEDGE, DRIVER, features (VERSION_1 is required and always requested; the
 * result is wanted & offered), FEATURES_OK and its check. 0 or -1 (reason printed). */
int virtio_negotiate(struct virtio_dev *v, uint64_t wanted);
/* Queue setup with rings from phys_alloc (the same rings are reused after a reset): size is
 * min(size, the device's maximum); msix_vector is a table entry or VIRTIO_NO_VECTOR. 0 or -1. */
int virtio_queue_setup(struct virtio_dev *v, int q, uint16_t size, uint16_t msix_vector);
/* The same with rings at the given guest physical addresses (may be anything, for tests). */
int virtio_queue_setup_at(struct virtio_dev *v, int q, uint16_t size, uint16_t msix_vector,
                          uint64_t desc, uint64_t driver, uint64_t device);
void virtio_driver_ok(struct virtio_dev *v);
/* queue_enable of queue q as the device reads it back (a device may refuse a queue). */
int virtio_queue_enabled(struct virtio_dev *v, int q);
/* Writes 0 to device_status and waits (bounded) until it reads 0; forgets ring state. 0 or -1. */
int virtio_reset(struct virtio_dev *v);
uint8_t virtio_status(const struct virtio_dev *v);
void virtio_set_status(struct virtio_dev *v, uint8_t status);
uint64_t virtio_device_features(const struct virtio_dev *v);
/* Routes the configuration-change interrupt to an MSI-X entry; returns what the device read back. */
uint16_t virtio_config_vector(struct virtio_dev *v, uint16_t msix_vector);
/* Device-specific configuration (little-endian fields). */
uint8_t  virtio_cfg_read8 (const struct virtio_dev *v, int off);
uint16_t virtio_cfg_read16(const struct virtio_dev *v, int off);
uint32_t virtio_cfg_read32(const struct virtio_dev *v, int off);
uint64_t virtio_cfg_read64(const struct virtio_dev *v, int off);   /* generation-checked */
void     virtio_cfg_write32(const struct virtio_dev *v, int off, uint32_t val);
uint8_t  virtio_isr(const struct virtio_dev *v);                     /* read-to-clear */

/* Everything a test usually wants in one call: virtio_find, virtio_negotiate, then queues
 * 0..nqueues-1 at their maximum size (capped at 1024) and DRIVER_OK. With vector_base
 * nonzero, MSI-X is enabled and queue i interrupts with vector vector_base + i on the BSP
 * (table entry i), and the configuration change with vector_base + nqueues (entry nqueues). */
int virtio_start(struct virtio_dev *v, int type, int index, uint64_t wanted, int nqueues, int vector_base);

/* Puts one chain on the avail ring (does not notify); returns its head or -1 if the ring
 * lacks free descriptors. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, int n);
void virtq_kick(struct virtq *q);
/* Polls the used ring for the next element, up to timeout_ms. Returns 1 and fills *id and
 * *len, or 0 on timeout. */
int virtq_poll(struct virtq *q, uint32_t *id, uint32_t *len, uint64_t timeout_ms);
/* add + kick + poll for one chain: returns the used length, or -1 on a full ring, -2 on a
 * timeout, -3 if the device returned another chain than this one. */
long virtq_submit(struct virtq *q, const struct virtq_buf *bufs, int n, uint64_t timeout_ms);
/* Raw access for malformed-ring tests: write any descriptor, publish any head, set any
 * avail index. None of these checks anything or notifies. */
void virtq_raw_desc(struct virtq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
void virtq_raw_publish(struct virtq *q, uint16_t head);
void virtq_raw_avail_idx(struct virtq *q, uint16_t idx);

/* ---- virtio-blk requests (virtio.c; virtio 1.2 section 5.2.6) ---- */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

struct virtio_blk_req { uint32_t type, reserved; uint64_t sector; };

/* One request on q as Linux's virtio_blk lays it out, waiting up to 10 s for it: the header
 * *req, then len bytes at buf (none if len is 0; device-writable if device_writes), then the
 * status byte *status, set to 0xFF first (no status a device may write, so it shows that the
 * device wrote none). req and status are the caller's, from phys_alloc. Returns the status
 * byte, or virtq_submit's negative error. */
int virtio_blk_request(struct virtq *q, struct virtio_blk_req *req, volatile uint8_t *status,
                       uint32_t type, uint64_t sector, const volatile void *buf, uint32_t len,
                       int device_writes);

/* ---- a tiny network stack for NIC tests (net.c): Ethernet, ARP, IPv4, ICMP echo, UDP, TCP ---- */
#define NET_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
enum { NET_TCP_CLOSED, NET_TCP_LISTEN, NET_TCP_SYN_SENT, NET_TCP_ESTABLISHED, NET_TCP_FIN_WAIT, NET_TCP_DONE };

struct net_tcp {
    volatile int state;             /* NET_TCP_* */
    uint16_t port, peer_port;
    uint32_t peer_ip;
    uint32_t snd_nxt, rcv_nxt, acked;
    uint32_t wnd;                   /* the peer's window in bytes, scaled (the outgoing connection) */
    uint8_t wscale;                 /* the shift the peer's SYN offered; ours is 0 */
    uint64_t bytes;                 /* in order payload received (the listening side) */
    uint32_t largest;               /* largest payload of one received frame */
};

struct net_if;
/* Sends one frame; vnet_hdr is a 12-byte virtio_net_hdr_v1 for drivers that take one (NULL: none). 0 or -1. */
typedef int (*net_tx_fn)(struct net_if *n, const void *vnet_hdr, const void *frame, uint32_t len);
/* Takes the next received frame into buf; returns its length, or 0 if none waits. */
typedef int (*net_rx_fn)(struct net_if *n, uint8_t *buf, uint32_t max);

struct net_if {
    uint8_t mac[6];
    uint32_t ip;                    /* host byte order, NET_IP(10,0,2,15) */
    uint32_t peer_ip;               /* the host end (the tap's address) */
    uint8_t peer_mac[6];
    int peer_known;
    net_tx_fn tx;
    net_rx_fn rx;
    void *driver;
    uint16_t ip_id;
    uint32_t frames_in, arp_answered, echo_answered, echo_replies, last_echo_seq, largest_echo, udp_in, tcp_resets;
    struct net_tcp in;              /* one connection the host opens to us (net_tcp_listen) */
    struct net_tcp out;             /* one connection we open to the host (net_tcp_connect) */
};

/* Handles one received frame: answers ARP for our address and ICMP echo requests, learns the peer's MAC,
 * counts echo replies, runs the TCP connections. */
void net_input(struct net_if *n, const uint8_t *frame, uint32_t len);
/* Handles every frame waiting; returns how many. */
int net_poll(struct net_if *n);
/* Polls until *value == wanted or timeout; 1 or 0. */
int net_poll_until(struct net_if *n, volatile int *value, int wanted, uint64_t timeout_ms);
/* Answers whatever comes for ms milliseconds (being pinged, a TCP stream). */
void net_serve(struct net_if *n, uint64_t ms);
/* ARP for peer_ip until answered; 0 or -1. */
int net_resolve(struct net_if *n, uint64_t timeout_ms);
int net_arp_request(struct net_if *n, uint32_t target);
/* ICMP echo request with seq and payload bytes of a pattern. */
int net_ping(struct net_if *n, uint32_t dst, uint16_t seq, uint32_t payload);
/* One UDP datagram (len <= 1400), with its checksum computed unless vnet_hdr asks the host to (then the field holds
 * whatever the caller's test wants: net_udp_send writes the full checksum, the caller may overwrite it). */
int net_udp_send(struct net_if *n, uint32_t dst, uint16_t sport, uint16_t dport, const void *data, uint32_t len,
                 const void *vnet_hdr);
void net_tcp_listen(struct net_if *n, uint16_t port);
int net_tcp_connect(struct net_if *n, uint32_t dst, uint16_t port, uint64_t timeout_ms);
/* One TCP segment of len bytes (up to 64 KiB with a segmentation-offload vnet_hdr: the host cuts it). */
int net_tcp_write(struct net_if *n, const void *data, uint32_t len, const void *vnet_hdr);
/* Bytes of Ethernet, IPv4 and TCP headers in front of a data segment's payload. */
#define NET_TCP_HEADERS 54
/* For a sender that keeps its segments in buffers of its own, with no copy: writes the Ethernet, IPv4 and TCP headers
 * of the outgoing connection's next segment in front of the len payload bytes already at frame + NET_TCP_HEADERS,
 * with the checksum left to the host (the caller's vnet header must ask for it: NEEDS_CSUM, csum_start 34, offset
 * 16), and advances snd_nxt. The caller keeps within the peer's window (out.wnd from out.acked). Returns the frame's
 * length, or 0 if the connection is not established or len is over 64 KiB. */
uint32_t net_tcp_frame(struct net_if *n, uint8_t *frame, uint32_t len);
/* Sends bytes of the pattern data[k % seg] (k counted from the stream's start) in segments of at most seg bytes,
 * each waiting for its acknowledgement, within the peer's window; a segment not acknowledged within 500 ms is sent
 * again from the first byte the host lacks, as TCP does, so a frame dropped on a busy host costs a retransmission, not
 * the stream. header(h, len) fills the 12-byte vnet header h for a segment of len bytes and returns it (or returns
 * NULL: no header); header itself may be NULL. Returns the retransmissions, or -1 if nothing was acknowledged for
 * stall_ms or the connection is not established. */
long net_tcp_send_pattern(struct net_if *n, const uint8_t *data, uint32_t seg, long bytes,
                          const void *(*header)(uint8_t *h, uint32_t len), uint64_t stall_ms);
/* Sends FIN (again every 500 ms) until the host's FIN closes the connection; 0, or -1 after timeout_ms. */
int net_tcp_close(struct net_if *n, uint64_t timeout_ms);
/* One's-complement sum helpers (RFC 1071), big-endian words. */
uint32_t net_sum(const void *data, size_t len, uint32_t sum);
uint16_t net_fold(uint32_t sum);
uint32_t net_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);
void net_ip_str(uint32_t ip, char *buf);

/* ---- string/memory (freestanding replacements; gcc may emit calls to the mem* ones) ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
long strtol(const char *s, const char **end, int base);

#endif
