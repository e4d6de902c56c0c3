import { contentHash, type Release } from "@diana/core/config";
import type { SqlExecutor } from "@diana/core/outbox";
import type { Database } from "@diana/db";
import { applied, audit, namespaces, releases } from "@diana/db/schema/config";
import { and, asc, desc, eq, gt, lt, lte, max, sql } from "drizzle-orm";
import { InvalidConfigError, NamespaceNotFoundError, ReleaseNotFoundError } from "./errors";
import { contentIssues, schemaIssues } from "./schema-check";

/** The Postgres channel every config instance listens on; payload `{"namespace","version"}`. */
export const RELEASED_CHANNEL = "config_released";

/** A namespace's schema until an admin sets one: any JSON object. */
export const OPEN_SCHEMA = { type: "object" } as const;

type ReleaseRow = typeof releases.$inferSelect;
type AuditRow = typeof audit.$inferSelect;
type AppliedRow = typeof applied.$inferSelect;

export interface PublishInput {
  content: Record<string, unknown>;
  author: string;
  message: string;
}

export interface AuditEntry {
  id: number;
  namespace: string;
  action: string;
  actor: string;
  version: number | null;
  reason: string | null;
  detail: unknown;
  at: string;
}

export interface InstanceAck {
  instanceId: string;
  version: number;
  status: "applied" | "rejected";
  reason: string | null;
  runningVersion: number | null;
  at: string;
}

const toRelease = (r: ReleaseRow): Release => ({
  namespace: r.namespace,
  version: r.version,
  content: r.content as Record<string, unknown>,
  hash: r.hash,
  author: r.author,
  message: r.message,
  rollbackOf: r.rollbackOf,
  createdAt: r.createdAt.toISOString(),
});

const toAudit = (a: AuditRow): AuditEntry => ({ ...a, detail: a.detail ?? null, at: a.at.toISOString() });
const toAck = (a: AppliedRow): InstanceAck => ({
  instanceId: a.instanceId,
  version: a.version,
  status: a.status,
  reason: a.reason,
  runningVersion: a.runningVersion,
  at: a.at.toISOString(),
});

const UNIQUE_VIOLATION = "23505";
const isUniqueViolation = (e: unknown) =>
  (e as { code?: string; cause?: { code?: string } })?.cause?.code === UNIQUE_VIOLATION ||
  (e as { code?: string })?.code === UNIQUE_VIOLATION;

/**
 * Namespaces, releases, audit and applied acks in the `config` schema. A publish takes the
 * namespace row's lock, so concurrent publishes get consecutive versions; the unique
 * (namespace, version) constraint is the backstop.
 */
export function createReleaseStore(
  database: Database,
  options: {
    seed?: readonly string[];
    /**
     * Runs inside each release's transaction, after its rows are written: the service enqueues
     * `config.released` in its outbox here, so the event exists exactly when the release does.
     */
    announce?: (tx: SqlExecutor, release: Release) => Promise<unknown>;
  } = {},
) {
  const db = database.forService("config");
  let seeded: Promise<void> | undefined;

  /** Creates the well-known namespaces (open schema) on first use; idempotent across instances. */
  const ready = () => {
    seeded ??= (async () => {
      const names = options.seed ?? [];
      if (names.length === 0) return;
      await db
        .insert(namespaces)
        .values(names.map((name) => ({ name, jsonSchema: OPEN_SCHEMA, updatedBy: "system" })))
        .onConflictDoNothing();
    })().catch((e) => {
      seeded = undefined;
      throw e;
    });
    return seeded;
  };

  // Namespaces are never deleted: once seen, existence needs no query (acks and streams ask often).
  const known = new Set<string>();

  async function namespace(name: string) {
    await ready();
    const [row] = await db.select().from(namespaces).where(eq(namespaces.name, name));
    if (!row) throw new NamespaceNotFoundError(name);
    known.add(name);
    return row;
  }

  async function exists(name: string) {
    if (!known.has(name)) await namespace(name);
  }

  async function current(name: string): Promise<Release | null> {
    const [row] = await db
      .select()
      .from(releases)
      .where(eq(releases.namespace, name))
      .orderBy(desc(releases.version))
      .limit(1);
    return row ? toRelease(row) : null;
  }

  async function version(name: string, v: number): Promise<Release> {
    const [row] = await db
      .select()
      .from(releases)
      .where(and(eq(releases.namespace, name), eq(releases.version, v)));
    if (!row) throw new ReleaseNotFoundError(name, v);
    return toRelease(row);
  }

  async function write(
    name: string,
    input: PublishInput,
    action: "publish" | "rollback",
    rollbackOf: number | null,
  ) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(async (tx) => {
          // The namespace row's lock serialises its publishes.
          const [ns] = await tx
            .select({ schema: namespaces.jsonSchema })
            .from(namespaces)
            .where(eq(namespaces.name, name))
            .for("update");
          if (!ns) throw new NamespaceNotFoundError(name);
          const errors = contentIssues(ns.schema as Record<string, unknown>, input.content);
          if (errors.length > 0)
            throw new InvalidConfigError(
              "RELEASE_INVALID",
              `the release does not match the ${name} schema`,
              errors,
            );
          // The next version is read by the insert itself: a statement after the lock sees the publishes
          // committed while it waited (a subquery in the locking statement would still see its old snapshot).
          const [row] = await tx
            .insert(releases)
            .values({
              id: Bun.randomUUIDv7(),
              namespace: name,
              version: sql`(select coalesce(max(r.version), 0) + 1 from config.releases r where r.namespace = ${name})`,
              content: input.content,
              hash: contentHash(input.content),
              author: input.author,
              message: input.message,
              rollbackOf,
            })
            .returning();
          const next = row!.version;
          // The audit row and the notification (sent on commit, for other config instances) in one statement.
          const detail = rollbackOf === null ? null : JSON.stringify({ rollbackOf });
          await tx.execute(sql`with entry as (
              insert into ${audit} (namespace, action, actor, version, reason, detail)
              values (${name}, ${action}, ${input.author}, ${next}, ${input.message}, ${detail}::jsonb)
            )
            select pg_notify(${RELEASED_CHANNEL}, ${JSON.stringify({ namespace: name, version: next })})`);
          const release = toRelease(row!);
          await options.announce?.(tx, release);
          return release;
        });
      } catch (e) {
        if (attempt < 5 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  return {
    ready,
    namespace,
    exists,
    current,
    version,

    async listNamespaces() {
      await ready();
      const heads = db
        .select({ namespace: releases.namespace, version: max(releases.version).as("version") })
        .from(releases)
        .groupBy(releases.namespace)
        .as("heads");
      const rows = await db
        .select({ name: namespaces.name, updatedAt: namespaces.updatedAt, version: heads.version })
        .from(namespaces)
        .leftJoin(heads, eq(heads.namespace, namespaces.name))
        .orderBy(asc(namespaces.name));
      return rows.map((r) => ({
        name: r.name,
        version: r.version ?? null,
        schemaUpdatedAt: r.updatedAt.toISOString(),
      }));
    },

    /** Validates and writes a new release; throws InvalidConfigError with every problem, writing nothing. */
    async publish(name: string, input: PublishInput): Promise<Release> {
      await ready();
      return write(name, input, "publish", null);
    },

    /** A new release whose content equals version `to`'s. */
    async rollback(name: string, to: number, input: Omit<PublishInput, "content">): Promise<Release> {
      const old = await version(name, to);
      return write(name, { ...input, content: old.content }, "rollback", to);
    },

    /** Releases newest first; `before` pages back from a version. */
    async history(name: string, options: { limit: number; before?: number }): Promise<Release[]> {
      await exists(name);
      const rows = await db
        .select()
        .from(releases)
        .where(
          and(
            eq(releases.namespace, name),
            options.before === undefined ? undefined : lt(releases.version, options.before),
          ),
        )
        .orderBy(desc(releases.version))
        .limit(options.limit);
      return rows.map(toRelease);
    },

    /** Releases with `after < version <= upTo`, oldest first. */
    async range(name: string, after: number, upTo?: number): Promise<Release[]> {
      const rows = await db
        .select()
        .from(releases)
        .where(
          and(
            eq(releases.namespace, name),
            gt(releases.version, after),
            upTo === undefined ? undefined : lte(releases.version, upTo),
          ),
        )
        .orderBy(asc(releases.version));
      return rows.map(toRelease);
    },

    /** Replaces the namespace's schema (creating the namespace if new); the current release must still conform. */
    async setSchema(name: string, schema: Record<string, unknown>, actor: string, reason: string) {
      await ready();
      const problems = schemaIssues(schema);
      if (problems.length > 0)
        throw new InvalidConfigError("SCHEMA_INVALID", "the schema does not compile", problems);
      return db.transaction(async (tx) => {
        await tx
          .insert(namespaces)
          .values({ name, jsonSchema: schema, updatedBy: actor })
          .onConflictDoUpdate({
            target: namespaces.name,
            set: { jsonSchema: schema, updatedBy: actor, updatedAt: new Date() },
          });
        const [head] = await tx
          .select()
          .from(releases)
          .where(eq(releases.namespace, name))
          .orderBy(desc(releases.version))
          .limit(1);
        if (head) {
          const errors = contentIssues(schema, head.content, "/current/content");
          if (errors.length > 0)
            throw new InvalidConfigError(
              "SCHEMA_INVALID",
              `the current release (version ${head.version}) does not match the new schema`,
              errors,
            );
        }
        await tx
          .insert(audit)
          .values({ namespace: name, action: "schema", actor, reason, detail: { schema } });
        const [row] = await tx.select().from(namespaces).where(eq(namespaces.name, name));
        return {
          name,
          schema: row!.jsonSchema as Record<string, unknown>,
          updatedBy: row!.updatedBy,
          updatedAt: row!.updatedAt.toISOString(),
        };
      });
    },

    async audit(name: string, limit: number): Promise<AuditEntry[]> {
      await exists(name);
      const rows = await db
        .select()
        .from(audit)
        .where(eq(audit.namespace, name))
        .orderBy(desc(audit.id))
        .limit(limit);
      return rows.map(toAudit);
    },

    /** Records what an instance reported; the latest report per instance wins. */
    async recordApplied(
      name: string,
      instanceId: string,
      report: { version: number; status: "applied" | "rejected"; reason?: string; runningVersion?: number },
    ): Promise<InstanceAck> {
      await exists(name);
      const values = {
        namespace: name,
        instanceId,
        version: report.version,
        status: report.status,
        reason: report.reason ?? null,
        runningVersion: report.runningVersion ?? (report.status === "applied" ? report.version : null),
        at: new Date(),
      };
      const [row] = await db
        .insert(applied)
        .values(values)
        .onConflictDoUpdate({ target: [applied.namespace, applied.instanceId], set: values })
        .returning();
      return toAck(row!);
    },

    async acks(name: string): Promise<InstanceAck[]> {
      await exists(name);
      const rows = await db
        .select()
        .from(applied)
        .where(eq(applied.namespace, name))
        .orderBy(asc(applied.instanceId));
      return rows.map(toAck);
    },
  };
}

export type ReleaseStore = ReturnType<typeof createReleaseStore>;
