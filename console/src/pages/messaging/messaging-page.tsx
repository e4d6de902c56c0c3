import { useMemo } from "react";
import { FetchError } from "../../components/fetch-error";
import { ReadOnlyNote } from "../../components/read-only-note";
import { UpdatedAgo } from "../../components/updated-ago";
import { useMessaging } from "../../hooks/use-messaging";
import { useNow } from "../../hooks/use-now";
import { useServices } from "../../hooks/use-services";
import { ServiceMessagingPanel } from "./service-messaging";

export function MessagingPage() {
  const services = useServices();
  const now = useNow();
  const names = useMemo(() => (services.data ?? []).map((s) => s.name).sort(), [services.data]);
  const perService = useMessaging(names);

  const loaded = perService.filter((s) => s.dataUpdatedAt > 0);
  const updatedAt = loaded.length ? Math.min(...loaded.map((s) => s.dataUpdatedAt)) : 0;
  const dlq = perService.reduce((n, s) => n + (s.bus?.queues.reduce((m, q) => m + q.dlqDepth, 0) ?? 0), 0);
  const backlog = perService.reduce((n, s) => n + (s.outbox?.pending ?? 0), 0);
  const dead = perService.reduce((n, s) => n + (s.outbox?.dead ?? 0), 0);

  return (
    <section aria-labelledby="messaging-title">
      <div className="page-head">
        <h1 id="messaging-title">Messaging</h1>
        {loaded.length > 0 && (
          <p className="summary" aria-live="polite">
            {names.length} services · outbox backlog {backlog}
            {dlq > 0 && <span className="summary-bad"> · {dlq} dead letters</span>}
            {dead > 0 && <span className="summary-bad"> · {dead} dead outbox rows</span>}
            <UpdatedAgo at={updatedAt} now={now} />
          </p>
        )}
      </div>
      <ReadOnlyNote actions="replay, purge and requeue" />
      {services.error && (
        <FetchError error={services.error} dataUpdatedAt={services.dataUpdatedAt} now={now} />
      )}
      {services.isPending && <p className="muted">Loading services…</p>}
      {perService.map((s) => (
        <ServiceMessagingPanel key={s.service} messaging={s} now={now} />
      ))}
    </section>
  );
}
