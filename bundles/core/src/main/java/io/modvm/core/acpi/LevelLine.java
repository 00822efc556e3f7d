package io.modvm.core.acpi;

/** A level-triggered interrupt input, such as the SCI: high while an event is pending. */
@FunctionalInterface
public interface LevelLine {
    void set(boolean level);
}
