package cnnlabs.run;

/**
 * What a run produced: its summary, a record of the experiment's own that Jackson writes into {@code summary.json}
 * (snake_case keys), and the lab's table as Markdown ({@code table.md}), which the runner also prints at the end.
 *
 * @param page a page that stays up after the run (a sweep in Arbiter's UI), as "what it is at address"; null for none
 */
public record ExperimentResult(Record summary, String table, String page) {

    public ExperimentResult(Record summary, String table) {
        this(summary, table, null);
    }
}
