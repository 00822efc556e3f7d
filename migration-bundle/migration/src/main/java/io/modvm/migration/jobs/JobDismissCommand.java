package io.modvm.migration.jobs;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code job-dismiss id}: forgets a concluded job. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=job-dismiss")
public final class JobDismissCommand implements MonitorCommand {
    private final Jobs jobs;

    @Activate
    public JobDismissCommand(@Reference Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public String name() {
        return "job-dismiss";
    }

    @Override
    public String description() {
        return "Deletes the job from the job list";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        if (!(arguments.get("id") instanceof String id)) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'id' is missing");
        }
        try {
            jobs.dismiss(id);
        } catch (IllegalArgumentException e) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, e.getMessage());
        }
        return Map.of();
    }
}
