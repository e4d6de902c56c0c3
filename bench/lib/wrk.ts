/** One bounded wrk run; returns requests per second. */
export interface WrkOptions {
  url: string;
  /** Defaults to 5 s. */
  durationS?: number;
  /** Defaults to 64. */
  connections?: number;
  /** Defaults to 2. */
  threads?: number;
}

export async function wrk(o: WrkOptions): Promise<{ rps: number; errors: number; raw: string }> {
  const durationS = o.durationS ?? 5;
  const proc = Bun.spawn(
    ["wrk", `-t${o.threads ?? 2}`, `-c${o.connections ?? 64}`, `-d${durationS}s`, "--timeout", "2s", o.url],
    { stdout: "pipe", stderr: "pipe" },
  );
  // Never let a load run outlive its budget.
  const kill = setTimeout(() => proc.kill(), (durationS + 10) * 1_000);
  const raw = await new Response(proc.stdout).text();
  await proc.exited;
  clearTimeout(kill);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(raw)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  return { rps, errors, raw };
}

export function hasWrk(): boolean {
  return Bun.which("wrk") !== null;
}
