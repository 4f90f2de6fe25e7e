package cnnlabs.experiments;

/**
 * What a run produced: its summary, a record of the experiment's own that Jackson writes into {@code summary.json}
 * (snake_case keys), and the lab's table as Markdown ({@code table.md}), which the runner also prints at the end.
 */
public record ExperimentResult(Record summary, String table) {
}
