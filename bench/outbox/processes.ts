/**
 * The processes around a relay under test, shared by `outbox.ts` and `outbox-drain.ts`: the consumer in
 * a process of its own, Postgres backends found by `application_name`, and the CPU line they print.
 */
import type postgres from "postgres";

const CONSUMER_SCRIPT = new URL("./consumer.ts", import.meta.url).pathname;

/**
 * Each group's CPU seconds and share of the machine's busy time, then `steal` (what the hypervisor gave
 * to other machines while ours wanted to run) and `other`, what neither claims.
 */
export function cpuLine({ machine = Number.NaN, steal = 0, ...groups }: Record<string, number>): string {
  const claimed = Object.values(groups).reduce((sum, s) => sum + s, 0);
  return Object.entries({ ...groups, steal, other: machine - claimed - steal })
    .map(([group, s]) => `${group} ${s.toFixed(1)} s (${((100 * s) / machine).toFixed(0)} %)`)
    .join(", ");
}

/** The consumer process (`outbox/consumer.ts`), subscribed before this resolves. */
export async function startConsumer(amqpUrl: string) {
  let consumed = 0;
  let ready: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const proc = Bun.spawn(["bun", CONSUMER_SCRIPT, amqpUrl], {
    stdout: "inherit",
    stderr: "inherit",
    ipc(message: { ready?: boolean; consumed?: number }) {
      if (message.ready) ready();
      if (message.consumed !== undefined) consumed = message.consumed;
    },
  });
  const deadline = setTimeout(() => proc.kill(), 30_000);
  await Promise.race([
    subscribed,
    proc.exited.then(() => {
      throw new Error("the bench consumer exited before it subscribed");
    }),
  ]);
  clearTimeout(deadline);
  return {
    pid: proc.pid,
    consumed: () => consumed,
    async stop() {
      proc.send("stop");
      const killer = setTimeout(() => proc.kill(), 5_000);
      await proc.exited;
      clearTimeout(killer);
    },
  };
}

/** Postgres backend pids by `application_name`, read at most every 400 ms. */
export function backendPids(sql: postgres.Sql) {
  let read: Promise<Map<string, number[]>> | undefined;
  let at = 0;
  return {
    async of(app: string): Promise<number[]> {
      if (!read || performance.now() - at > 400) {
        at = performance.now();
        read = sql<{ pid: number; app: string }[]>`
          select pid, application_name as app from pg_stat_activity where datname = current_database()`.then(
          (rows) => {
            const byApp = new Map<string, number[]>();
            for (const r of rows) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r.pid]);
            return byApp;
          },
        );
      }
      return (await read).get(app) ?? [];
    },
  };
}
