package io.modvm.devices.emulated.rtc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A host clock the test moves by hand. */
final class MutableClock extends Clock {
    private Instant now;

    MutableClock(String instant) {
        now = Instant.parse(instant);
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    void set(String instant) {
        now = Instant.parse(instant);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
