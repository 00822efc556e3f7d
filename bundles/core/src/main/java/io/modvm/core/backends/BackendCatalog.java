package io.modvm.core.backends;

import io.modvm.api.backend.BackendFactory;
import java.util.List;

/** The backend factories the registry holds right now. */
public interface BackendCatalog {
    /** The factory for backends of {@code kind} and {@code type}, or null. */
    BackendFactory find(String kind, String type);

    /** The types of {@code kind} there are factories for, sorted. */
    List<String> types(String kind);
}
