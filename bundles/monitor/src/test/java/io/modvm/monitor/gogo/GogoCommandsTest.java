package io.modvm.monitor.gogo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GogoCommandsTest {
    private final List<String> lines = new ArrayList<>();
    private final GogoCommands gogo = new GogoCommands(line -> {
        lines.add(line);
        return line.equals("stop") ? "" : "out of " + line + "\r\nsecond\r\n";
    });

    @Test
    void eachVerbRunsTheHmpLineItNames() {
        gogo.info("status");
        gogo.stop();
        gogo.cont();
        gogo.system_reset();
        gogo.system_powerdown();
        gogo.quit();
        gogo.balloon("64");
        gogo.hmp("info", "balloon");
        assertEquals(List.of("info status", "stop", "cont", "system_reset", "system_powerdown", "quit", "balloon 64",
                "info balloon"), lines);
    }

    @Test
    void outputLosesHmpsCrlfAndLastLineEndAndNothingPrintsNothing() {
        assertEquals("out of info status\nsecond", gogo.info("status"));
        assertNull(gogo.stop());
    }
}
