import type { Change } from "../../api/types";

const show = (v: unknown) => (v === undefined ? "" : JSON.stringify(v));

/** JSON changes, one per line: "+ /path value", "- /path old", "~ /path old → new". */
export function ChangesList({ changes, label }: { changes: Change[]; label: string }) {
  if (changes.length === 0) return <p className="muted">No changes.</p>;
  return (
    <ul className="plain changes" aria-label={label}>
      {changes.map((c) => (
        <li key={`${c.op}${c.path}`} className={`change change-${c.op}`}>
          <span className="mono">
            {c.op === "add" ? "+" : c.op === "remove" ? "−" : "~"} {c.path || "/"}
          </span>{" "}
          <span className="mono">
            {c.op === "add" && show(c.value)}
            {c.op === "remove" && show(c.from)}
            {c.op === "replace" && `${show(c.from)} → ${show(c.value)}`}
          </span>
        </li>
      ))}
    </ul>
  );
}
