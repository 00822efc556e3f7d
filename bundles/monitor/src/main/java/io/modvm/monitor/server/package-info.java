/** Where monitors listen: the QEMU-style endpoint specs, the unix socket server, and stdio. */
package io.modvm.monitor.server;
