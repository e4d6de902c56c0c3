import type { ServiceInfo } from "@diana/core/service";

/** The table `bun start` prints once every service is ready. */
export function readyTable(
  services: readonly ServiceInfo[],
  startupMs: number,
  consoleUrl: string | undefined,
): string {
  const rows = services.map((s) => [s.name, s.url, `${s.url}/docs`]);
  const header = ["service", "url", "docs"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("   ")
      .trimEnd();
  const infra = services[0]?.infra ?? "embedded";
  return [
    "",
    line(header),
    line(widths.map((w) => "─".repeat(w))),
    ...rows.map(line),
    "",
    `${services.length} services ready in ${(startupMs / 1000).toFixed(2)} s on ${infra} infrastructure`,
    consoleUrl ? `console: ${consoleUrl}` : "console: not started (gateway left out)",
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}
