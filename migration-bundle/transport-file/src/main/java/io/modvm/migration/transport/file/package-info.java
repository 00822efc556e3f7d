/** The {@code file:} migration transport: the stream written to, or read from, a file. */
package io.modvm.migration.transport.file;
