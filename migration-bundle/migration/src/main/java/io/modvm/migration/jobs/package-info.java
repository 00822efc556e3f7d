/** QEMU's job interface (query-jobs, job-dismiss, JOB_STATUS_CHANGE) for the snapshot jobs. */
package io.modvm.migration.jobs;
