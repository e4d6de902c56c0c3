// The config service's side of the fake gateway: a namespace per service with a schema check
// (`policies` must be an object; `limits.*` must be numbers), releases with history, diff, preview,
// publish (422 with every error), rollback, and the fleet's acks (one instance of trading lags a while
// after each release; kucoin's instance rejected v2).

import { instances } from "./fake-fleet";

interface Release {
  namespace: string;
  version: number;
  content: Record<string, unknown>;
  hash: string;
  author: string;
  message: string;
  rollbackOf: number | null;
  createdAt: string;
}
type Change = { op: "add" | "remove" | "replace"; path: string; value?: unknown; from?: unknown };

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const hash = (content: unknown) =>
  new Bun.CryptoHasher("sha256").update(JSON.stringify(content)).digest("hex");

const releases = new Map<string, Release[]>();
const released = new Map<string, number>();
const NAMESPACES = [...new Set(instances().instances.map((i) => i.service))].sort();
for (const [n, ns] of NAMESPACES.entries()) {
  const v1 = { policies: { upstreams: {} } };
  const v2 = { policies: { upstreams: { "risk-guard": { timeoutMs: 800 } } }, limits: { maxOrders: 100 } };
  const list: Release[] = [
    {
      namespace: ns,
      version: 1,
      content: v1,
      hash: hash(v1),
      author: "admin",
      message: "first release",
      rollbackOf: null,
      createdAt: ago(86_400_000 + n * 1000),
    },
  ];
  if (ns === "trading" || ns === "kucoin")
    list.unshift({
      namespace: ns,
      version: 2,
      content: v2,
      hash: hash(v2),
      author: "operator",
      message: "tighter risk-guard timeout",
      rollbackOf: null,
      createdAt: ago(3_600_000),
    });
  releases.set(ns, list);
  released.set(ns, Date.now() - 3_600_000);
}

type Outcome = { status: number; body: unknown };
const missing = (ns: string): Outcome => ({
  status: 404,
  body: { code: "NAMESPACE_NOT_FOUND", detail: `no namespace ${ns}` },
});

export const namespaces = () => ({
  namespaces: NAMESPACES.map((name) => ({
    name,
    version: releases.get(name)?.[0]?.version ?? null,
    schemaUpdatedAt: ago(86_400_000 * 2),
  })),
});

export function history(ns: string, limit: number): Outcome {
  const list = releases.get(ns);
  return list ? { status: 200, body: { releases: list.slice(0, limit) } } : missing(ns);
}

function errorsOf(content: Record<string, unknown>) {
  const errors: Array<{ pointer: string; detail: string }> = [];
  const p = content.policies;
  if (p !== undefined && (p === null || typeof p !== "object" || Array.isArray(p)))
    errors.push({ pointer: "/policies", detail: "must be object" });
  const limits = content.limits;
  if (limits && typeof limits === "object")
    for (const [k, v] of Object.entries(limits))
      if (typeof v !== "number") errors.push({ pointer: `/limits/${k}`, detail: "must be number" });
  return errors;
}

function diff(a: unknown, b: unknown, path = ""): Change[] {
  const obj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (obj(a) && obj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => {
      const p = `${path}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (!(k in a)) return [{ op: "add" as const, path: p, value: b[k] }];
      if (!(k in b)) return [{ op: "remove" as const, path: p, from: a[k] }];
      return diff(a[k], b[k], p);
    });
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ op: "replace", path, value: b, from: a }];
}

export function diffOf(ns: string, from: number, to: number): Outcome {
  const list = releases.get(ns);
  if (!list) return missing(ns);
  const a = list.find((r) => r.version === from);
  const b = list.find((r) => r.version === to);
  if (!a || !b)
    return {
      status: 404,
      body: { code: "RELEASE_NOT_FOUND", detail: `no version ${a ? to : from} of ${ns}` },
    };
  return { status: 200, body: { from, to, changes: diff(a.content, b.content) } };
}

export function preview(ns: string, content: Record<string, unknown>): Outcome {
  const list = releases.get(ns);
  if (!list) return missing(ns);
  return {
    status: 200,
    body: {
      baseVersion: list[0]?.version ?? null,
      errors: errorsOf(content),
      changes: diff(list[0]?.content ?? {}, content),
    },
  };
}

function add(
  ns: string,
  content: Record<string, unknown>,
  message: string,
  author: string,
  rollbackOf: number | null,
) {
  const list = releases.get(ns)!;
  const release = {
    namespace: ns,
    version: (list[0]?.version ?? 0) + 1,
    content,
    hash: hash(content),
    author,
    message,
    rollbackOf,
    createdAt: new Date().toISOString(),
  };
  list.unshift(release);
  released.set(ns, Date.now());
  record(release);
  return { status: 201, body: release };
}

export function publish(ns: string, body: { content?: unknown; message?: unknown }, author: string): Outcome {
  if (!releases.has(ns)) return missing(ns);
  if (!body.content || typeof body.content !== "object" || typeof body.message !== "string")
    return {
      status: 400,
      body: { code: "VALIDATION_FAILED", detail: "give content (an object) and message" },
    };
  const content = body.content as Record<string, unknown>;
  const errors = errorsOf(content);
  if (errors.length)
    return {
      status: 422,
      body: {
        code: "RELEASE_INVALID",
        detail: `the release breaks the schema of ${ns} in ${errors.length} places`,
        errors,
      },
    };
  return add(ns, content, body.message, author, null);
}

export function rollback(
  ns: string,
  body: { version?: unknown; message?: unknown },
  author: string,
): Outcome {
  const list = releases.get(ns);
  if (!list) return missing(ns);
  const old = list.find((r) => r.version === body.version);
  if (!old)
    return {
      status: 404,
      body: { code: "RELEASE_NOT_FOUND", detail: `no version ${String(body.version)} of ${ns}` },
    };
  return add(ns, old.content, String(body.message ?? ""), author, old.version);
}

/** Instances apply a release 4 s after it (the drained trading canary 20 s after); kucoin rejected v2. */
export function acks(ns: string): Outcome {
  const list = releases.get(ns);
  if (!list) return missing(ns);
  const head = list[0]?.version ?? 0;
  const since = Date.now() - (released.get(ns) ?? 0);
  const rows = instances()
    .instances.filter((i) => i.service === ns && i.status !== "left")
    .map((i) => {
      const delay = i.drained ? 20_000 : 4_000;
      const caughtUp = since >= delay;
      const rejected = ns === "kucoin" && head === 2;
      const running = rejected ? 1 : caughtUp ? head : head - 1;
      return {
        instanceId: i.id,
        version: rejected || caughtUp ? head : head - 1,
        status: rejected ? ("rejected" as const) : ("applied" as const),
        reason: rejected ? "/policies/upstreams/risk-guard/timeoutMs: must be ≥ 1000" : null,
        runningVersion: running,
        at: new Date(Date.now() - (caughtUp ? since - delay : 3_600_000)).toISOString(),
        lagging: running < head,
      };
    });
  return { status: 200, body: { namespace: ns, current: head || null, instances: rows } };
}

/** The monitor's journal as the fake keeps it: one `config.released` per release, newest first. */
const entries: Array<Record<string, unknown>> = [];
function record(release: Release) {
  const { content: _, ...data } = release;
  entries.unshift({
    id: Bun.randomUUIDv7(),
    type: "config.released",
    subject: release.namespace,
    source: "/services/config",
    data,
    occurredAt: release.createdAt,
    receivedAt: new Date(Date.parse(release.createdAt) + 12).toISOString(),
  });
}
for (const r of [...releases.values()].flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
  record(r);

export function journal(limit: number, type: string | null): Outcome {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    return { status: 400, body: { code: "VALIDATION_FAILED", detail: "limit must be 1–500" } };
  const matches = (t: unknown) =>
    !type || (type.endsWith(".*") ? String(t).startsWith(type.slice(0, -1)) : t === type);
  return { status: 200, body: { entries: entries.filter((e) => matches(e.type)).slice(0, limit) } };
}
