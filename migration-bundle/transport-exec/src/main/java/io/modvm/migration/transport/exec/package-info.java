/** The {@code exec:} migration transport: the stream through a shell command's stdin (source) or stdout (destination). */
package io.modvm.migration.transport.exec;
