import { useMemo, useState } from "react";
import type { Instance } from "../../api/types";
import { FetchError } from "../../components/fetch-error";
import { ReadOnlyNote } from "../../components/read-only-note";
import { UpdatedAgo } from "../../components/updated-ago";
import { useInstances } from "../../hooks/use-instances";
import { useNow } from "../../hooks/use-now";
import { DrainDialog } from "./drain-dialog";
import { GuardBanner } from "./guard-banner";
import { INSTANCE_COLUMNS, InstanceRow } from "./instance-row";

const byServiceThenId = (a: Instance, b: Instance) =>
  a.service.localeCompare(b.service) || a.id.localeCompare(b.id);

export function InstancesPage() {
  const fleet = useInstances();
  const now = useNow();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [draining, setDraining] = useState<Instance | null>(null);

  const list = useMemo(() => [...(fleet.data?.instances ?? [])].sort(byServiceThenId), [fleet.data]);
  const routable = list.filter((i) => i.routable).length;
  const drained = list.filter((i) => i.drained && i.status !== "left").length;
  const critical = list.filter((i) => i.status === "critical").length;

  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section aria-labelledby="instances-title">
      <div className="page-head">
        <h1 id="instances-title">Instances</h1>
        {fleet.data && (
          <p className="summary" aria-live="polite">
            {list.length} instances · {routable} routable
            {drained > 0 && <span className="summary-warn"> · {drained} drained</span>}
            {critical > 0 && <span className="summary-bad"> · {critical} critical</span>}
            <UpdatedAgo at={fleet.dataUpdatedAt} now={now} />
          </p>
        )}
      </div>
      <ReadOnlyNote actions="drain and enable" />
      {fleet.error && <FetchError error={fleet.error} dataUpdatedAt={fleet.dataUpdatedAt} now={now} />}
      {fleet.data?.guard.engaged && <GuardBanner held={fleet.data.guard.held} />}
      <table className={`services${fleet.isError && fleet.data ? " stale" : ""}`}>
        <caption className="visually-hidden">Registered instances</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Service</th>
            <th scope="col">Status</th>
            <th scope="col">Last check</th>
            <th scope="col">Version</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody aria-busy={fleet.isPending}>
          {fleet.isPending && !fleet.isError && (
            <tr>
              <td colSpan={INSTANCE_COLUMNS} className="muted">
                Loading instances…
              </td>
            </tr>
          )}
          {fleet.data && list.length === 0 && (
            <tr>
              <td colSpan={INSTANCE_COLUMNS} className="muted">
                No instance has registered yet.
              </td>
            </tr>
          )}
          {list.map((i) => (
            <InstanceRow
              key={i.id}
              instance={i}
              now={now}
              open={open.has(i.id)}
              onToggle={() => toggle(i.id)}
              onDrain={() => setDraining(i)}
            />
          ))}
        </tbody>
      </table>
      {draining && (
        <DrainDialog
          instance={draining}
          otherRoutable={
            list.filter((i) => i.service === draining.service && i.routable && i.id !== draining.id).length
          }
          onClose={() => setDraining(null)}
        />
      )}
    </section>
  );
}
