/** The monitor's HMP verbs as Gogo shell commands, in scope {@code modvm}. */
package io.modvm.monitor.gogo;
