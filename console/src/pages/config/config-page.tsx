import { useState } from "react";
import { FetchError } from "../../components/fetch-error";
import { ReadOnlyNote } from "../../components/read-only-note";
import { UpdatedAgo } from "../../components/updated-ago";
import { useNamespaces } from "../../hooks/use-namespaces";
import { useNow } from "../../hooks/use-now";
import { NamespacePanel } from "./namespace-panel";

export function ConfigPage() {
  const namespaces = useNamespaces();
  const now = useNow();
  const [chosen, setChosen] = useState<string | null>(null);
  const list = namespaces.data ?? [];
  const selected = list.find((n) => n.name === chosen)?.name ?? list[0]?.name;

  return (
    <section aria-labelledby="config-title">
      <div className="page-head">
        <h1 id="config-title">Config</h1>
        {namespaces.data && (
          <p className="summary" aria-live="polite">
            {list.length} namespaces
            <UpdatedAgo at={namespaces.dataUpdatedAt} now={now} />
          </p>
        )}
      </div>
      <ReadOnlyNote actions="publish and rollback" />
      {namespaces.error && (
        <FetchError error={namespaces.error} dataUpdatedAt={namespaces.dataUpdatedAt} now={now} />
      )}
      {namespaces.isPending && <p className="muted">Loading namespaces…</p>}
      {namespaces.data && list.length === 0 && <p className="muted">No namespace yet.</p>}
      {list.length > 0 && (
        <nav aria-label="Namespaces" className="tabs">
          {list.map((n) => (
            <button
              key={n.name}
              type="button"
              className="tab"
              aria-pressed={n.name === selected}
              data-testid={`namespace-${n.name}`}
              onClick={() => setChosen(n.name)}
            >
              <span className="mono">{n.name}</span>{" "}
              <span className="muted">{n.version === null ? "no release" : `v${n.version}`}</span>
            </button>
          ))}
        </nav>
      )}
      {selected && <NamespacePanel key={selected} namespace={selected} now={now} />}
    </section>
  );
}
