/**
 * A small, strict JSON codec for the monitor: RFC 8259 text to ordered maps, lists, strings, {@code Long} or
 * {@code Double}, booleans and null, and back in QEMU's output style; plus the framer that cuts a QMP byte stream
 * into messages.
 */
package io.modvm.monitor.json;
