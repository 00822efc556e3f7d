/** The {@code tcp:} and {@code unix:} migration transports: a stream socket, with a way back to the source. */
package io.modvm.migration.transport.socket;
