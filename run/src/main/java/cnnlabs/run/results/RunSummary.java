package cnnlabs.run.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A run's {@code summary.json}: the experiment, its status, whether it was a smoke run, the error if it failed or
 * diverged, and the experiment's own summary record (or where training diverged), whose components appear beside
 * these at the top level (snake_case).
 *
 * @param result the experiment's summary record, or the divergence's details; null while running or after a failure
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(String experiment, Status status, Boolean smokeRun, String error,
                         @JsonUnwrapped Record result) {

    /** Where a run stands. Written in lower case ({@code "completed"}). */
    public enum Status {
        RUNNING, COMPLETED, FAILED, DIVERGED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static RunSummary running(String experiment, boolean smokeRun) {
        return new RunSummary(experiment, Status.RUNNING, smokeRun, null, null);
    }

    public static RunSummary completed(String experiment, boolean smokeRun, Record result) {
        return new RunSummary(experiment, Status.COMPLETED, smokeRun, null, result);
    }

    /** Training diverged: {@code details} says where (model, epoch, batch, loss). */
    public static RunSummary diverged(String experiment, boolean smokeRun, String message, Record details) {
        return new RunSummary(experiment, Status.DIVERGED, smokeRun, message, details);
    }

    public static RunSummary failed(String experiment, boolean smokeRun, String error) {
        return new RunSummary(experiment, Status.FAILED, smokeRun, error, null);
    }
}
