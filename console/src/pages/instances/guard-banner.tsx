/** Mass-eviction protection is keeping instances whose TTL ran out: say so above everything else. */
export function GuardBanner({ held }: { held: string[] }) {
  const n = held.length;
  return (
    <div className="banner banner-warn" role="status" data-testid="guard-banner">
      <strong>
        Mass-eviction protection is holding {n} {n === 1 ? "instance" : "instances"}
      </strong>{" "}
      — too many heartbeats stopped at once, so the registry keeps them listed as passing rather than evicting
      them (marked <em>protected</em>): <span className="mono">{held.join(", ")}</span>
    </div>
  );
}
