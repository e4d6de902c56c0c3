import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Where and when a benchmark ran, for the summary block. */
export interface Machine {
  date: string;
  cpus: number;
  model: string;
  bun: string;
}

export function machine(): Machine {
  let model = "unknown";
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? model;
  } catch {}
  return { date: new Date().toISOString(), cpus: availableParallelism(), model, bun: Bun.version };
}

/** A fixed-width summary block: a title, the machine, then aligned rows. */
export function summaryBlock(title: string, rows: Array<[string, string]>): string {
  const m = machine();
  const all: Array<[string, string]> = [
    ["date", m.date],
    ["machine", `${m.cpus} × ${m.model}`],
    ["bun", m.bun],
    ...rows,
  ];
  const width = Math.max(...all.map(([k]) => k.length));
  const bar = "─".repeat(Math.max(title.length, 60));
  return [bar, title, bar, ...all.map(([k, v]) => `${k.padEnd(width)}  ${v}`), bar].join("\n");
}

/** `a / b` as "0.27×", with a pass/miss mark against a goal (lower is better unless `higher`). */
export function ratio(a: number, b: number, goal?: number, higher = false): string {
  const r = a / b;
  const text = `${r.toFixed(2)}×`;
  if (goal === undefined) return text;
  const met = higher ? r >= goal : r <= goal;
  return `${text} (goal ${higher ? "≥" : "≤"} ${goal}× — ${met ? "met" : "missed"})`;
}
