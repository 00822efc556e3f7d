package io.modvm.migration.jobs;

import io.modvm.api.monitor.MonitorCommand;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-jobs}: every job not yet dismissed. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=query-jobs")
public final class QueryJobsCommand implements MonitorCommand {
    private final Jobs jobs;

    @Activate
    public QueryJobsCommand(@Reference Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public String name() {
        return "query-jobs";
    }

    @Override
    public String description() {
        return "Return information about jobs";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return jobs.list();
    }
}
