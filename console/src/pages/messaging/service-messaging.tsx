import type { ServiceMessaging } from "../../hooks/use-messaging";
import { formatRate } from "../../lib/format";
import { OutboxPanel } from "./outbox-panel";
import { QueueRow } from "./queue-row";
import { Unavailable } from "./unavailable";

/** One service: its queues (with dead letters and retry stages) and its outbox. */
export function ServiceMessagingPanel({ messaging: m, now }: { messaging: ServiceMessaging; now: number }) {
  const id = `messaging-${m.service}`;
  const dlq = m.bus?.queues.reduce((n, q) => n + q.dlqDepth, 0) ?? 0;
  return (
    <section className="group" aria-labelledby={id} data-testid={id}>
      <h2 id={id} className="group-title">
        <span className="mono">{m.service}</span>
        <span className="muted group-count">
          {m.bus &&
            ` · ${m.bus.kind} bus · ${m.bus.queues.length} ${m.bus.queues.length === 1 ? "queue" : "queues"} · publishing ${formatRate(m.bus.rates.publishedPerSecond)}/s`}
          {dlq > 0 && <span className="summary-bad"> · {dlq} dead letters</span>}
        </span>
      </h2>
      <OutboxPanel service={m.service} outbox={m.outbox} error={m.outboxError} now={now} />
      {m.busError ? (
        <Unavailable what="Queues" error={m.busError} />
      ) : !m.bus ? (
        <p className="muted">Loading queues…</p>
      ) : m.bus.queues.length === 0 ? (
        <p className="muted" data-testid="no-consumers">
          Queues: no consumers.
        </p>
      ) : (
        <table className="services messaging">
          <caption className="visually-hidden">Queues of {m.service}</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col" className="num">
                Depth
              </th>
              <th scope="col" className="num" title="Consumers attached to the queue, every instance's">
                Consumers
              </th>
              <th scope="col" className="num">
                DLQ
              </th>
              <th scope="col">Retry stages</th>
              <th
                scope="col"
                className="num"
                title={`This instance's, over the last ${m.bus.rates.windowSeconds} s`}
              >
                Consumed / failed per s
              </th>
              <th scope="col" className="num" title="Since this instance started">
                Consumed / failed / redelivered
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {m.bus.queues.map((q) => (
              <QueueRow key={q.consumer} service={m.service} queue={q} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
