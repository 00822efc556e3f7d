/** Monitor commands that act on the framework's bundles (modvm's downstream QMP extensions). */
package io.modvm.monitor.bundles;
