import { useMemo, useState } from "react";
import type { Instance } from "../../api/types";
import { FetchError } from "../../components/fetch-error";
import { UpdatedAgo } from "../../components/updated-ago";
import { useInstances } from "../../hooks/use-instances";
import { useNow } from "../../hooks/use-now";
import { useServices } from "../../hooks/use-services";
import { ServiceRow } from "./service-row";

export function ServicesPage() {
  const services = useServices();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const instances = useInstances(open.size > 0);
  const now = useNow();

  const byService = useMemo(() => {
    const map = new Map<string, Instance[]>();
    for (const i of instances.data?.instances ?? []) map.set(i.service, [...(map.get(i.service) ?? []), i]);
    return map;
  }, [instances.data]);

  const toggle = (name: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(name)) next.add(name);
      return next;
    });

  const list = services.data ?? [];
  const unhealthy = list.filter((s) => s.status === "unhealthy").length;

  return (
    <section aria-labelledby="services-title">
      <div className="page-head">
        <h1 id="services-title">Services</h1>
        {services.data && (
          <p className="summary" aria-live="polite">
            {list.length} services · {list.length - unhealthy} healthy
            {unhealthy > 0 && <span className="summary-bad"> · {unhealthy} unhealthy</span>}
            <UpdatedAgo at={services.dataUpdatedAt} now={now} />
          </p>
        )}
      </div>
      {services.error && (
        <FetchError error={services.error} dataUpdatedAt={services.dataUpdatedAt} now={now} />
      )}
      <table className={`services${services.isError && services.data ? " stale" : ""}`}>
        <caption className="visually-hidden">Services in the registry</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Routable / instances
            </th>
            <th scope="col" className="num">
              Drained
            </th>
            <th scope="col">Version</th>
            <th scope="col">Uptime</th>
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody aria-busy={services.isPending}>
          {services.isPending && !services.isError && (
            <tr>
              <td colSpan={7} className="muted">
                Loading services…
              </td>
            </tr>
          )}
          {services.data && list.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No service has registered yet.
              </td>
            </tr>
          )}
          {list.map((s) => (
            <ServiceRow
              key={s.name}
              service={s}
              now={now}
              open={open.has(s.name)}
              onToggle={() => toggle(s.name)}
              instances={instances.data ? (byService.get(s.name) ?? []) : undefined}
              instancesError={instances.error}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}
