import { useState } from "react";
import type { JournalEntry } from "../../api/types";
import { FetchError } from "../../components/fetch-error";
import { UpdatedAgo } from "../../components/updated-ago";
import { useJournal } from "../../hooks/use-journal";
import { useNow } from "../../hooks/use-now";
import { formatAgo, formatTimestamp } from "../../lib/format";

const PAGE = 50;
/** What the filter offers: every event, or one kind (a type, or every type under a prefix). */
const FILTERS = [
  { type: "", label: "all events" },
  { type: "config.released", label: "config releases" },
  { type: "registry.instance.*", label: "instance changes" },
];
/** The monitor serves at most this many entries at once. */
const MAX = 500;

/** What one entry says, in words: a config release as "v3 by ana — why". */
function describeEntry(e: JournalEntry): string {
  if (e.type === "config.released") {
    const d = e.data as { version: number; author: string; message: string; rollbackOf: number | null };
    const what = d.rollbackOf === null ? `v${d.version}` : `v${d.version} (rollback to v${d.rollbackOf})`;
    return `${what} by ${d.author}${d.message ? ` — ${d.message}` : ""}`;
  }
  if (e.type.startsWith("registry.instance.")) {
    const d = e.data as { service: string; status: string; reason: string };
    return `${d.service} ${d.status}${d.reason ? ` — ${d.reason}` : ""}`;
  }
  return JSON.stringify(e.data);
}

/** The fleet journal: what changed in the fleet and when, as the monitor consumed it from the bus. */
export function JournalPage() {
  const [limit, setLimit] = useState(PAGE);
  const [type, setType] = useState("");
  const journal = useJournal(limit, type || undefined);
  const now = useNow();
  const entries = journal.data ?? [];
  return (
    <section aria-labelledby="journal-title">
      <div className="page-head">
        <h1 id="journal-title">Journal</h1>
        {journal.data && (
          <p className="summary" aria-live="polite">
            {entries.length} {entries.length === 1 ? "event" : "events"}
            <UpdatedAgo at={journal.dataUpdatedAt} now={now} />
          </p>
        )}
      </div>
      <p className="muted">
        Fleet events the monitor consumed from the bus (config releases, instances registered, drained,
        enabled, gone critical or passing again, left), newest first. Each is recorded once, however often it
        was delivered.
      </p>
      <p className="form-inline">
        <label>
          Show{" "}
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setLimit(PAGE);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f.type} value={f.type}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </p>
      {journal.error && <FetchError error={journal.error} dataUpdatedAt={journal.dataUpdatedAt} now={now} />}
      <table className={`journal${journal.isError && journal.data ? " stale" : ""}`}>
        <caption className="visually-hidden">Fleet journal</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Subject</th>
            <th scope="col">What</th>
            <th scope="col">From</th>
            <th scope="col" className="num">
              Delivered after
            </th>
          </tr>
        </thead>
        <tbody aria-busy={journal.isPending}>
          {journal.isPending && !journal.isError && (
            <tr>
              <td colSpan={6} className="muted">
                Loading the journal…
              </td>
            </tr>
          )}
          {journal.data && entries.length === 0 && (
            <tr>
              <td colSpan={6} className="muted" data-testid="journal-empty">
                {type
                  ? "No events of this kind yet."
                  : "Nothing yet: publish a config release and it shows here."}
              </td>
            </tr>
          )}
          {entries.map((e) => (
            <tr key={e.id} data-testid={`journal-${e.id}`}>
              <td>
                <span title={formatTimestamp(e.occurredAt)}>{formatAgo(e.occurredAt, now)}</span>
              </td>
              <td className="mono" data-testid="journal-type">
                {e.type}
              </td>
              <td className="mono" data-testid="journal-subject">
                {e.subject ?? "–"}
              </td>
              <td data-testid="journal-what">{describeEntry(e)}</td>
              <td className="mono muted" title={e.source}>
                {e.source.replace(/^\/services\//, "")}
              </td>
              <td className="num muted">
                {Math.max(0, Date.parse(e.receivedAt) - Date.parse(e.occurredAt))} ms
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === limit && limit < MAX && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setLimit((l) => Math.min(MAX, l + PAGE))}
        >
          Show older
        </button>
      )}
    </section>
  );
}
