/**
 * CPU time of processes by `/proc` (Linux), for benchmarks whose peers run as other processes: nginx's
 * workers, Postgres backends, the RabbitMQ node. Elsewhere every reading is NaN and the benches print it.
 */
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS_PER_S = 100;

/** User + system CPU seconds of one process (all its threads), NaN when it is gone or unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/**
 * The first line of `/proc/stat` in seconds: every core's busy time (all but idle and iowait) and, within
 * it, steal — time the hypervisor ran someone else while this machine's cores wanted to run. On a VM whose
 * host is contended, a step can look CPU-bound on time it never had. NaN off Linux.
 */
function machineSeconds(): { busy: number; steal: number } {
  try {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
    return {
      busy: (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S,
      steal: steal / CLOCK_TICKS_PER_S,
    };
  } catch {
    return { busy: Number.NaN, steal: Number.NaN };
  }
}

/** A process and its direct children (nginx's master and workers), in CPU seconds. */
export function processTreeCpuSeconds(pid: number): number {
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {}
  return [pid, ...children.map(Number)].reduce((sum, p) => sum + processCpuSeconds(p), 0);
}

/** Pids of the processes whose command name (`/proc/<pid>/comm`) is `name`, e.g. `beam.smp`. Reads all of `/proc`: look once, not per poll. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/**
 * CPU seconds spent by groups of processes that come and go (producer processes, a Postgres backend per
 * connection) from `start()` to `stop()`: every poll reads each group's current pids and adds what each
 * spent since it was last seen, so a process that exits between polls loses at most one interval.
 * Processes alive at `start()` count from then; later ones from their own start.
 *
 * @example
 * const cpu = cpuAccount({ broker: () => pidsNamed("beam.smp") });
 * await cpu.start();
 * … the run …
 * const { broker } = await cpu.stop();
 */
export function cpuAccount(groups: Record<string, () => number[] | Promise<number[]>>) {
  const last = new Map<number, number>();
  const totals: Record<string, number> = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
  let machineAtStart = { busy: Number.NaN, steal: Number.NaN };
  let timer: Timer | undefined;
  let polling: Promise<void> | undefined;
  async function pollOnce(count: boolean) {
    for (const [group, pidsOf] of Object.entries(groups)) {
      for (const pid of await pidsOf()) {
        const now = processCpuSeconds(pid);
        if (!Number.isFinite(now)) continue;
        if (count) totals[group]! += now - (last.get(pid) ?? 0);
        last.set(pid, now);
      }
    }
  }
  const poll = () => {
    polling ??= pollOnce(true).finally(() => {
      polling = undefined;
    });
    return polling;
  };
  return {
    async start(intervalMs = 500) {
      machineAtStart = machineSeconds();
      await pollOnce(false);
      timer = setInterval(() => void poll(), intervalMs);
    },
    /**
     * CPU seconds per group so far (polls first); `machine`, every core's busy time since `start()`, and
     * `steal`, the part of it the hypervisor gave to others.
     */
    async read(): Promise<Record<string, number>> {
      await poll();
      const now = machineSeconds();
      return { ...totals, machine: now.busy - machineAtStart.busy, steal: now.steal - machineAtStart.steal };
    },
    /** Stops the timer; then as `read()`. */
    async stop(): Promise<Record<string, number>> {
      clearInterval(timer);
      await polling;
      return this.read();
    },
  };
}
