/**
 * The outbox benches' peer: the minimal relay a team writes first — poll, claim 500 pending rows in
 * insertion order with `FOR UPDATE SKIP LOCKED`, publish them all at once with confirms (no per-aggregate
 * order), mark them sent, commit; sleep 5 ms when there is nothing to do.
 */
import { EVENTS_EXCHANGE } from "@diana/core/bus";
import type postgres from "postgres";
import type { Connection } from "rabbitmq-client";

export function referenceRelay(sql: postgres.Sql, connection: Connection, onPublished: (id: string) => void) {
  const publisher = connection.createPublisher({ confirm: true });
  let running = false;
  let loop: Promise<void> | undefined;
  const round = () =>
    sql.begin(async (tx) => {
      const rows = await tx<{ id: string; payload: { type: string } }[]>`
        select id, payload from trading.outbox where status = 'pending'
        order by seq limit 500 for update skip locked`;
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map(async (row) => {
          await publisher.send(
            {
              exchange: EVENTS_EXCHANGE,
              routingKey: row.payload.type,
              messageId: row.id,
              mandatory: true,
              durable: true,
              contentType: "application/cloudevents+json",
            },
            Buffer.from(JSON.stringify(row.payload)),
          );
          onPublished(row.id);
        }),
      );
      await tx`update trading.outbox set status = 'sent', sent_at = now()
        where id = any(string_to_array(${rows.map((r) => r.id).join(",")}, ',')::uuid[])`;
      return rows.length;
    });
  return {
    start() {
      running = true;
      loop = (async () => {
        while (running) if ((await round()) === 0) await Bun.sleep(5);
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
    close: () => publisher.close(),
  };
}
