import type { OwnedBreaker } from "../../api/types";
import { BreakerRow } from "./breaker-row";

/** Every breaker guarding calls to one dependency, whichever service holds it. */
export function DependencyGroup({
  upstream,
  breakers,
  now,
}: {
  upstream: string | null;
  breakers: OwnedBreaker[];
  now: number;
}) {
  const open = breakers.filter((b) => b.state === "open" || b.state === "forced-open").length;
  const title = upstream ?? "Other dependencies";
  const id = `dependency-${upstream ?? "other"}`;
  return (
    <section className="group" aria-labelledby={id} data-testid={id}>
      <h2 id={id} className="group-title">
        {upstream ? (
          <>
            Calls to <span className="mono">{upstream}</span>
          </>
        ) : (
          title
        )}
        <span className="muted group-count">
          {" "}
          · {breakers.length} {breakers.length === 1 ? "breaker" : "breakers"}
          {open > 0 && <span className="summary-bad"> · {open} open</span>}
        </span>
      </h2>
      <table className="services breakers">
        <caption className="visually-hidden">Breakers on calls to {title}</caption>
        <colgroup>
          <col className="col-holder" />
          <col className="col-name" />
          <col className="col-state" />
          <col className="col-rate" />
          <col className="col-rate" />
          <col className="col-calls" />
          <col />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Held by</th>
            <th scope="col">Breaker</th>
            <th scope="col">State</th>
            <th scope="col" className="num" title="Failure rate over the window (failed calls)">
              Failures
            </th>
            <th scope="col" className="num" title="Slow-call rate over the window (slow calls)">
              Slow
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col">Last transition</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {breakers.map((b) => (
            <BreakerRow key={`${b.service}/${b.name}`} breaker={b} now={now} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
