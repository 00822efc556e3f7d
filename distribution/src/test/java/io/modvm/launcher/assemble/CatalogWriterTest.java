package io.modvm.launcher.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogWriterTest {
    @Test
    void aCommandComponentGivesItsQmpNameAndItsHmpSpelling() {
        String xml = """
                <scr:component name="io.modvm.virtio.balloon.monitor.QueryBalloonCommand">
                  <property name="modvm.monitor.command" type="String" value="query-balloon"/>
                  <property name="modvm.monitor.hmp" type="String" value="info balloon"/>
                  <service><provide interface="io.modvm.api.monitor.MonitorCommand"/></service>
                </scr:component>
                """;
        assertEquals(List.of("command query-balloon io.modvm.virtio.balloon",
                "hmp info+balloon io.modvm.virtio.balloon"), CatalogWriter.component(xml, "io.modvm.virtio.balloon"));
    }

    @Test
    void aDeviceAndABackendComponentGiveTheirTypes() {
        String xml = """
                <scr:component name="x">
                  <property name="modvm.device.type" type="String" value="virtio-rng-pci"/>
                </scr:component>
                """;
        assertEquals(List.of("device virtio-rng-pci io.modvm.virtio.rng"),
                CatalogWriter.component(xml, "io.modvm.virtio.rng"));
    }
}
