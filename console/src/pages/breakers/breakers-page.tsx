import { useMemo } from "react";
import type { OwnedBreaker } from "../../api/types";
import { describeFetchError, FetchError } from "../../components/fetch-error";
import { ReadOnlyNote } from "../../components/read-only-note";
import { UpdatedAgo } from "../../components/updated-ago";
import { useBreakers } from "../../hooks/use-breakers";
import { useNow } from "../../hooks/use-now";
import { useServices } from "../../hooks/use-services";
import { DependencyGroup } from "./dependency-group";

/** Breakers without an upstream are listed last, under this heading. */
const NO_UPSTREAM = "other";

export function BreakersPage() {
  const services = useServices();
  const now = useNow();
  const names = useMemo(() => (services.data ?? []).map((s) => s.name), [services.data]);
  const perService = useBreakers(names);

  const all = perService.flatMap((s) => s.breakers ?? []);
  const groups = groupByUpstream(all);

  const failed = perService.filter((s) => s.error);
  const without = perService.filter((s) => !s.error && s.breakers?.length === 0).map((s) => s.service);
  const open = all.filter((b) => b.state === "open" || b.state === "forced-open").length;
  const loaded = perService.filter((s) => s.dataUpdatedAt > 0);
  const updatedAt = loaded.length ? Math.min(...loaded.map((s) => s.dataUpdatedAt)) : 0;

  return (
    <section aria-labelledby="breakers-title">
      <div className="page-head">
        <h1 id="breakers-title">Breakers</h1>
        {loaded.length > 0 && (
          <p className="summary" aria-live="polite">
            {all.length} breakers in {names.length} services
            {open > 0 && <span className="summary-bad"> · {open} open</span>}
            <UpdatedAgo at={updatedAt} now={now} />
          </p>
        )}
      </div>
      <ReadOnlyNote actions="reset, force open, disable and metrics-only" />
      {services.error && (
        <FetchError error={services.error} dataUpdatedAt={services.dataUpdatedAt} now={now} />
      )}
      {failed.length > 0 && (
        <div className="banner banner-error" role="alert">
          <strong>Some services' breakers could not be read</strong> — retrying every 2 s.
          <ul className="plain">
            {failed.map((s) => (
              <li key={s.service}>
                {s.service}: {describeFetchError(s.error!)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {services.isPending && <p className="muted">Loading services…</p>}
      {services.data && loaded.length === 0 && failed.length === 0 && (
        <p className="muted">Loading breakers…</p>
      )}
      {loaded.length > 0 && groups.length === 0 && failed.length === 0 && (
        <p className="muted">No service has a breaker yet.</p>
      )}
      {groups.map(([upstream, breakers]) => (
        <DependencyGroup
          key={upstream}
          upstream={upstream === NO_UPSTREAM ? null : upstream}
          breakers={breakers}
          now={now}
        />
      ))}
      {without.length > 0 && (
        <p className="muted">
          No breakers yet in {without.join(", ")} (a breaker appears with the first call to its dependency).
        </p>
      )}
    </section>
  );
}

/** [upstream, breakers] pairs by upstream name, breakers by holder then name; no upstream last. */
function groupByUpstream(all: OwnedBreaker[]): Array<[string, OwnedBreaker[]]> {
  const map = new Map<string, OwnedBreaker[]>();
  for (const b of all) {
    const key = b.upstream ?? NO_UPSTREAM;
    map.set(key, [...(map.get(key) ?? []), b]);
  }
  for (const list of map.values())
    list.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  return [...map].sort(([a], [b]) => (a === NO_UPSTREAM ? 1 : b === NO_UPSTREAM ? -1 : a.localeCompare(b)));
}
