package io.modvm.migration.jobs;

import io.modvm.api.monitor.MonitorEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Background jobs as QEMU runs them for {@code snapshot-save}, {@code -load} and {@code -delete}: each has an id,
 * goes created, running, waiting, pending, concluded (announced by JOB_STATUS_CHANGE) and stays listed by
 * {@code query-jobs}, with its error if it failed, until {@code job-dismiss}.
 */
@Component(service = Jobs.class)
public final class Jobs {
    /** The work of a job; a one-line exception message is its error. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private volatile MonitorEvents events;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(MonitorEvents e) {
        events = e;
    }

    void unsetEvents(MonitorEvents e) {
        if (events == e) {
            events = null;
        }
    }

    private final class Job {
        final String id;
        final String type;
        volatile String status = "created";
        volatile String error;
        volatile long progress;

        Job(String id, String type) {
            this.id = id;
            this.type = type;
        }

        void status(String s) {
            status = s;
            MonitorEvents sink = events;
            if (sink != null) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("status", s);
                data.put("id", id);
                sink.emit("JOB_STATUS_CHANGE", data);
            }
        }
    }

    /**
     * Starts {@code work} as job {@code id} of {@code type} on a thread of its own.
     *
     * @throws IllegalArgumentException if the id is empty or in use
     */
    public void start(String id, String type, Work work) {
        Job job;
        synchronized (jobs) {
            if (id.isEmpty()) {
                throw new IllegalArgumentException("Invalid job ID ''");
            }
            if (jobs.containsKey(id)) {
                throw new IllegalArgumentException("Job ID '" + id + "' already in use");
            }
            job = new Job(id, type);
            jobs.put(id, job);
        }
        job.status("created");
        Thread t = new Thread(() -> {
            job.status("running");
            try {
                work.run();
            } catch (Exception e) {
                job.error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            job.progress = 1;
            job.status("waiting");
            job.status("pending");
            job.status("concluded");
        }, "modvm-job-" + id);
        t.setDaemon(true);
        t.start();
    }

    /** {@code query-jobs}. */
    public List<Object> list() {
        List<Object> out = new ArrayList<>();
        synchronized (jobs) {
            for (Job j : jobs.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", j.id);
                m.put("type", j.type);
                m.put("status", j.status);
                m.put("current-progress", j.progress);
                m.put("total-progress", 1L);
                if (j.error != null) {
                    m.put("error", j.error);
                }
                out.add(m);
            }
        }
        return out;
    }

    /**
     * {@code job-dismiss}: forgets a concluded job.
     *
     * @throws IllegalArgumentException no such job, or it has not concluded, with QEMU's messages
     */
    public void dismiss(String id) {
        Job j;
        synchronized (jobs) {
            j = jobs.get(id);
            if (j == null) {
                throw new IllegalArgumentException("Job not found");
            }
            if (!j.status.equals("concluded")) {
                throw new IllegalArgumentException("Job '" + id + "' in state '" + j.status
                        + "' cannot accept command verb 'dismiss'");
            }
            jobs.remove(id);
        }
        j.status("null");
    }
}
