/** Whether `ip` is one of `trusted` (exact addresses, or IPv4 CIDRs like `10.0.0.0/8`). */
export function isTrusted(ip: string, trusted: readonly string[]): boolean {
  const bare = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  for (const entry of trusted) {
    if (!entry.includes("/")) {
      if (entry === ip || entry === bare) return true;
      continue;
    }
    const [base, bits] = entry.split("/") as [string, string];
    const a = ipv4(bare);
    const b = ipv4(base);
    if (a === undefined || b === undefined) continue;
    const n = Number(bits);
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    if ((a & mask) >>> 0 === (b & mask) >>> 0) return true;
  }
  return false;
}

function ipv4(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy — then the right-most
 * `X-Forwarded-For` entry that is not itself trusted. A client cannot spoof it by sending the header.
 */
export function clientIp(
  peer: string | undefined,
  forwardedFor: string | null,
  trusted: readonly string[],
): string {
  const socket = peer ?? "unknown";
  if (!forwardedFor || !isTrusted(socket, trusted)) return socket;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i]!, trusted)) return hops[i]!;
  return hops[0] ?? socket;
}
