package io.modvm.api.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuModelTest {
    private static final int GENU = 0x756E6547;
    private static final int INEI = 0x49656E69;
    private static final int NTEL = 0x6C65746E;
    private static final int AUTH = 0x68747541;
    private static final int ENTI = 0x69746E65;
    private static final int CAMD = 0x444D4163;
    private static final int NX = 1 << 20;
    private static final int LM = 1 << 29;
    private static final int SSE2 = 1 << 26;
    private static final int AVX2 = 1 << 5;
    private static final int OSXSAVE = 1 << 27;

    /** An Intel family 6 model 0xA7 stepping 1 CPU with SSE2, NX and long mode, and AVX2 if asked. */
    private static List<CpuidEntry> intel(boolean avx2, boolean nx) {
        List<CpuidEntry> e = new ArrayList<>();
        e.add(new CpuidEntry(0, 0, 0, 0xD, GENU, NTEL, INEI));
        e.add(new CpuidEntry(1, 0, 0, 0x000A0671, 0, 0, SSE2));
        e.add(new CpuidEntry(7, 0, 1, 0, avx2 ? AVX2 : 0, 0, 0));
        e.add(new CpuidEntry(0x80000000, 0, 0, 0x80000008, 0, 0, 0));
        e.add(new CpuidEntry(0x80000001, 0, 0, 0, 0, 0, LM | (nx ? NX : 0)));
        return e;
    }

    @Test
    void describesVendorFamilyModelSteppingAndFeatures() throws StateException {
        StateRecord r = CpuModel.describe(intel(true, true));
        assertEquals("cpu-model", r.type());
        assertEquals("GenuineIntel", r.getString("vendor"));
        assertEquals(6, r.getLong("family"));
        assertEquals(0xA7, r.getLong("model"));
        assertEquals(1, r.getLong("stepping"));
        assertTrue(r.getBoolean("nx"));
        assertTrue(r.getBoolean("lm"));
        assertEquals("SSE2 AVX2 NX LM", r.getString("features"));
        assertEquals(intel(true, true), CpuModel.entries(r));
        assertEquals(r, StateCodec.decode(StateCodec.encode(r)));
    }

    @Test
    void theSameCpuHasNoDifferences() throws StateException {
        assertEquals(List.of(), CpuModel.differences(CpuModel.describe(intel(true, true)),
                CpuModel.describe(intel(true, true))));
    }

    @Test
    void listsWhatTheSourceHasAndThisHostLacksAndTheOtherWayRound() throws StateException {
        StateRecord source = CpuModel.describe(intel(false, true));
        StateRecord here = CpuModel.describe(intel(true, false));
        assertEquals(List.of("AVX2: here has it, source not", "NX: source has it, here not"),
                CpuModel.differences(source, here));
    }

    @Test
    void vendorAndSignatureDifferencesAreNamed() throws StateException {
        List<CpuidEntry> amd = new ArrayList<>(intel(true, true));
        amd.set(0, new CpuidEntry(0, 0, 0, 0xD, AUTH, CAMD, ENTI));
        amd.set(1, new CpuidEntry(1, 0, 0, 0x00A20F10, 0, 0, SSE2));
        assertEquals(List.of("vendor: source GenuineIntel, here AuthenticAMD",
                "family/model/stepping: source 6/167/1, here 25/33/0"),
                CpuModel.differences(CpuModel.describe(intel(true, true)), CpuModel.describe(amd)));
    }

    @Test
    void bitsThatMirrorTheGuestsControlRegistersAreNotCompared() throws StateException {
        List<CpuidEntry> osxsave = new ArrayList<>(intel(true, true));
        osxsave.set(1, new CpuidEntry(1, 0, 0, 0x000A0671, 0, OSXSAVE | 1 << 16, SSE2));
        assertEquals(List.of("CPUID 0x1 ECX bit 16: here has it, source not"),
                CpuModel.differences(CpuModel.describe(intel(true, true)), CpuModel.describe(osxsave)));
    }

    @Test
    void aRecordOfAnotherTypeOrANewerVersionIsRefusedByName() {
        StateRecord good = CpuModel.describe(intel(true, true));
        StateException other = assertThrows(StateException.class,
                () -> CpuModel.differences(StateRecord.builder("kvm-vcpu", 1).build(), good));
        assertTrue(other.getMessage().contains("state of type kvm-vcpu given where cpu-model is needed"),
                other.getMessage());
        StateException newer = assertThrows(StateException.class,
                () -> CpuModel.differences(good, StateRecord.builder("cpu-model", 2).build()));
        assertTrue(newer.getMessage().contains("cpu-model state version 2 is not readable here"), newer.getMessage());
    }
}
