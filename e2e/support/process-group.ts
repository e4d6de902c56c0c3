import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/** A child started in its own process group, so stopping it stops whatever it started too. */
export interface ProcessGroup {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Whether it is still running. */
  running(): boolean;
  /** Resolves when a line of its output matches; rejects if it exits first or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends `signal` to the whole group; after `graceMs` without exit, SIGKILL. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** The last lines of its output, for error messages. */
  tail(lines?: number): string;
}

export function startGroup(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined>; logFile: string },
): ProcessGroup {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  const log = createWriteStream(options.logFile);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = "";
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      for (const l of listeners) l(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      done = true;
      resolve(code ?? signal ?? "unknown");
    });
  });
  exited.then(() => log.end());
  const tail = (n = 40) => lines.slice(-n).join("\n");

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    name,
    pid,
    exited,
    running: () => !done,
    tail,
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const finish = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(onLine);
          fn();
        };
        const onLine = (line: string) => {
          if (pattern.test(line)) finish(() => resolve(line));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms\n${tail()}`)),
            ),
          timeoutMs,
        );
        listeners.add(onLine);
        exited.then((code) =>
          finish(() => reject(new Error(`${name} exited (${code}) before ${pattern}\n${tail()}`))),
        );
      });
    },
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (done) return;
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the leader started and left behind goes too.
      signalGroup("SIGKILL");
    },
  };
}
