package io.modvm.api.accel;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The record that says what a guest's CPUs look like, and the comparison a migration's destination makes before it
 * accepts a guest. The record (type {@value #TYPE}, version {@value #VERSION}) has the fields {@code vendor} (the
 * 12-character vendor string), {@code family}, {@code model} and {@code stepping} (as CPUID leaf 1 encodes them,
 * extended fields folded in), {@code max_leaf} and {@code max_extended_leaf}, the feature registers
 * {@code leaf1.ecx}, {@code leaf1.edx}, {@code leaf7.ebx}, {@code leaf7.ecx}, {@code leaf7.edx},
 * {@code leaf80000001.ecx} and {@code leaf80000001.edx}, the flags {@code nx} and {@code lm} (no-execute and long
 * mode, from leaf 0x80000001 EDX), {@code features} (the named feature bits that are set, space-separated, for a
 * reader of a dump), and {@code entries}: every CPUID entry as a {@code cpuid-entry} record ({@code function},
 * {@code index}, {@code flags}, {@code eax}, {@code ebx}, {@code ecx}, {@code edx}).
 *
 * @since 1.4
 */
public final class CpuModel {
    /** The record's type name. */
    public static final String TYPE = "cpu-model";
    /** The record's layout version. */
    public static final int VERSION = 1;
    private static final String ENTRY_TYPE = "cpuid-entry";

    /** A feature register: where it is in CPUID and the names of its bits (null where a bit has no name here). */
    private record Register(String field, int function, String reg, String[] names) {
    }

    private static final List<Register> REGISTERS = List.of(
            new Register("leaf1.edx", 1, "EDX", names(0, "FPU", 1, "VME", 2, "DE", 3, "PSE", 4, "TSC", 5, "MSR",
                    6, "PAE", 7, "MCE", 8, "CX8", 9, "APIC", 11, "SEP", 12, "MTRR", 13, "PGE", 14, "MCA", 15, "CMOV",
                    16, "PAT", 17, "PSE36", 18, "PSN", 19, "CLFSH", 21, "DS", 22, "ACPI", 23, "MMX", 24, "FXSR",
                    25, "SSE", 26, "SSE2", 27, "SS", 28, "HTT", 29, "TM", 31, "PBE")),
            new Register("leaf1.ecx", 1, "ECX", names(0, "SSE3", 1, "PCLMULQDQ", 2, "DTES64", 3, "MONITOR",
                    4, "DS-CPL", 5, "VMX", 6, "SMX", 7, "EST", 8, "TM2", 9, "SSSE3", 10, "CNXT-ID", 11, "SDBG",
                    12, "FMA", 13, "CX16", 14, "XTPR", 15, "PDCM", 17, "PCID", 18, "DCA", 19, "SSE4.1", 20, "SSE4.2",
                    21, "X2APIC", 22, "MOVBE", 23, "POPCNT", 24, "TSC-DEADLINE", 25, "AES", 26, "XSAVE",
                    28, "AVX", 29, "F16C", 30, "RDRAND", 31, "HYPERVISOR")),
            new Register("leaf7.ebx", 7, "EBX", names(0, "FSGSBASE", 1, "TSC_ADJUST", 2, "SGX", 3, "BMI1", 4, "HLE",
                    5, "AVX2", 7, "SMEP", 8, "BMI2", 9, "ERMS", 10, "INVPCID", 11, "RTM", 14, "MPX", 16, "AVX512F",
                    17, "AVX512DQ", 18, "RDSEED", 19, "ADX", 20, "SMAP", 21, "AVX512IFMA", 23, "CLFLUSHOPT",
                    24, "CLWB", 26, "AVX512PF", 27, "AVX512ER", 28, "AVX512CD", 29, "SHA", 30, "AVX512BW",
                    31, "AVX512VL")),
            new Register("leaf7.ecx", 7, "ECX", names(1, "AVX512VBMI", 2, "UMIP", 3, "PKU", 5, "WAITPKG",
                    6, "AVX512VBMI2", 8, "GFNI", 9, "VAES", 10, "VPCLMULQDQ", 11, "AVX512VNNI", 12, "AVX512BITALG",
                    14, "AVX512VPOPCNTDQ", 16, "LA57", 22, "RDPID", 25, "CLDEMOTE", 27, "MOVDIRI", 28, "MOVDIR64B",
                    30, "SGX_LC")),
            new Register("leaf7.edx", 7, "EDX", names(2, "AVX512_4VNNIW", 3, "AVX512_4FMAPS", 4, "FSRM",
                    8, "AVX512_VP2INTERSECT", 10, "MD_CLEAR", 14, "SERIALIZE", 16, "TSXLDTRK", 18, "PCONFIG",
                    20, "CET_IBT", 22, "AMX_BF16", 23, "AVX512_FP16", 24, "AMX_TILE", 25, "AMX_INT8",
                    26, "SPEC_CTRL", 27, "STIBP", 28, "FLUSH_L1D", 29, "ARCH_CAPABILITIES", 30, "CORE_CAPABILITIES",
                    31, "SSBD")),
            new Register("leaf80000001.ecx", 0x80000001, "ECX", names(0, "LAHF_LM", 1, "CMP_LEGACY", 2, "SVM",
                    3, "EXTAPIC", 4, "CR8_LEGACY", 5, "ABM", 6, "SSE4A", 7, "MISALIGNSSE", 8, "3DNOWPREFETCH",
                    9, "OSVW", 10, "IBS", 11, "XOP", 12, "SKINIT", 13, "WDT", 15, "LWP", 16, "FMA4", 17, "TCE",
                    21, "TBM", 22, "TOPOEXT", 23, "PERFCTR_CORE", 24, "PERFCTR_NB", 26, "DBX", 27, "PERFTSC",
                    28, "PCX_L2I", 29, "MWAITX")),
            new Register("leaf80000001.edx", 0x80000001, "EDX", names(11, "SYSCALL", 20, "NX", 26, "PDPE1GB",
                    27, "RDTSCP", 29, "LM")));

    /** Bits that mirror the guest's own control registers (CR4.OSXSAVE, CR4.PKE), not what the CPU offers. */
    private static final java.util.Set<String> DYNAMIC = java.util.Set.of("leaf1.ecx:27", "leaf7.ecx:4");

    private CpuModel() {
    }

    private static String[] names(Object... pairs) {
        String[] names = new String[32];
        for (int i = 0; i < pairs.length; i += 2) {
            names[(Integer) pairs[i]] = (String) pairs[i + 1];
        }
        return names;
    }

    /** The record describing CPUs that are given {@code entries}. */
    public static StateRecord describe(List<CpuidEntry> entries) {
        CpuidEntry leaf0 = find(entries, 0);
        CpuidEntry leaf1 = find(entries, 1);
        CpuidEntry ext0 = find(entries, 0x80000000);
        int signature = leaf1.eax();
        int baseFamily = signature >>> 8 & 0xF;
        int family = baseFamily == 0xF ? baseFamily + (signature >>> 20 & 0xFF) : baseFamily;
        int model = signature >>> 4 & 0xF;
        if (baseFamily == 6 || baseFamily == 0xF) {
            model |= (signature >>> 16 & 0xF) << 4;
        }
        StateRecord.Builder b = StateRecord.builder(TYPE, VERSION)
                .put("vendor", vendor(leaf0))
                .put("family", family)
                .put("model", model)
                .put("stepping", signature & 0xF)
                .put("max_leaf", Integer.toUnsignedLong(leaf0.eax()))
                .put("max_extended_leaf", Integer.toUnsignedLong(ext0.eax()));
        StringBuilder features = new StringBuilder();
        for (Register r : REGISTERS) {
            int value = value(find(entries, r.function()), r.reg());
            b.put(r.field(), Integer.toUnsignedLong(value));
            for (int bit = 0; bit < 32; bit++) {
                if ((value >>> bit & 1) != 0 && r.names()[bit] != null) {
                    features.append(features.length() == 0 ? "" : " ").append(r.names()[bit]);
                }
            }
        }
        int extEdx = value(find(entries, 0x80000001), "EDX");
        b.put("nx", (extEdx >>> 20 & 1) != 0).put("lm", (extEdx >>> 29 & 1) != 0);
        b.put("features", features.toString());
        List<StateRecord> list = new ArrayList<>();
        for (CpuidEntry e : entries) {
            list.add(StateRecord.builder(ENTRY_TYPE, 1).put("function", Integer.toUnsignedLong(e.function()))
                    .put("index", Integer.toUnsignedLong(e.index())).put("flags", Integer.toUnsignedLong(e.flags()))
                    .put("eax", Integer.toUnsignedLong(e.eax())).put("ebx", Integer.toUnsignedLong(e.ebx()))
                    .put("ecx", Integer.toUnsignedLong(e.ecx())).put("edx", Integer.toUnsignedLong(e.edx()))
                    .build());
        }
        return b.put("entries", list).build();
    }

    /** The CPUID entries of a record made by {@link #describe}. */
    public static List<CpuidEntry> entries(StateRecord model) throws StateException {
        model.require(TYPE, 1, VERSION);
        List<CpuidEntry> entries = new ArrayList<>();
        for (StateRecord e : model.getRecords("entries")) {
            e.require(ENTRY_TYPE, 1, 1);
            entries.add(new CpuidEntry((int) e.getLong("function"), (int) e.getLong("index"), (int) e.getLong("flags"),
                    (int) e.getLong("eax"), (int) e.getLong("ebx"), (int) e.getLong("ecx"), (int) e.getLong("edx")));
        }
        return entries;
    }

    /**
     * What differs between the CPUs a guest had on the {@code source} and those it would have {@code here}, one line
     * each, such as {@code NX: source has it, here not} or {@code vendor: source GenuineIntel, here AuthenticAMD};
     * empty when they agree on vendor, family, model, stepping and every feature bit of leaves 1, 7 and 0x80000001
     * (bits that mirror the guest's control registers, OSXSAVE and OSPKE, are not compared). A feature the source
     * has and this host lacks is one the guest may already use; one only this host has is harmless but listed.
     *
     * @throws StateException if either record is not a readable cpu-model record (the message names it)
     */
    public static List<String> differences(StateRecord source, StateRecord here) throws StateException {
        source.require(TYPE, 1, VERSION);
        here.require(TYPE, 1, VERSION);
        List<String> out = new ArrayList<>();
        if (!source.getString("vendor").equals(here.getString("vendor"))) {
            out.add("vendor: source " + source.getString("vendor") + ", here " + here.getString("vendor"));
        }
        String fmsSource = fms(source);
        String fmsHere = fms(here);
        if (!fmsSource.equals(fmsHere)) {
            out.add("family/model/stepping: source " + fmsSource + ", here " + fmsHere);
        }
        for (Register r : REGISTERS) {
            long a = source.getLong(r.field());
            long b = here.getLong(r.field());
            for (int bit = 0; bit < 32; bit++) {
                if (dynamic(r, bit) || (a >>> bit & 1) == (b >>> bit & 1)) {
                    continue;
                }
                String name = r.names()[bit] != null ? r.names()[bit]
                        : String.format("CPUID 0x%x %s bit %d", r.function(), r.reg(), bit);
                out.add(name + ((a >>> bit & 1) != 0 ? ": source has it, here not" : ": here has it, source not"));
            }
        }
        return out;
    }

    private static boolean dynamic(Register r, int bit) {
        return DYNAMIC.contains(r.field() + ":" + bit);
    }

    private static String fms(StateRecord r) throws StateException {
        return r.getLong("family") + "/" + r.getLong("model") + "/" + r.getLong("stepping");
    }

    private static CpuidEntry find(List<CpuidEntry> entries, int function) {
        for (CpuidEntry e : entries) {
            if (e.function() == function && e.index() == 0) {
                return e;
            }
        }
        return new CpuidEntry(function, 0, 0, 0, 0, 0, 0);
    }

    private static int value(CpuidEntry e, String reg) {
        return switch (reg) {
            case "EAX" -> e.eax();
            case "EBX" -> e.ebx();
            case "ECX" -> e.ecx();
            default -> e.edx();
        };
    }

    private static String vendor(CpuidEntry leaf0) {
        byte[] b = new byte[12];
        int[] regs = {leaf0.ebx(), leaf0.edx(), leaf0.ecx()};
        for (int i = 0; i < 12; i++) {
            b[i] = (byte) (regs[i / 4] >>> (8 * (i % 4)));
        }
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace('\0', ' ').trim();
    }
}
