package cnnlabs.experiments;

import java.util.Map;

/**
 * What a run produced: the values written to {@code summary.json} and the lab's table as Markdown
 * ({@code table.md}), which the runner also prints at the end.
 */
public record ExperimentResult(Map<String, Object> summary, String table) {
}
