import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { DbConnectionError } from "./errors";
import { createHandle } from "./handle";
import type { Database, DianaDb } from "./types";

/** Options for {@link connectPglite}. */
export interface PgliteOptions {
  /** Directory for Diana's local state; the database lives in `<dataDir>/pgdata`. Defaults to `".diana"`. */
  dataDir?: string;
}

interface Shared {
  pglite: Promise<PGlite>;
  refs: number;
}

// PGlite takes seconds to start and close to a gigabyte of memory: one instance per data directory per
// process, shared by every handle and closed with the last one.
const instances = new Map<string, Shared>();
const closing = new Map<string, Promise<void>>();

async function acquire(dir: string): Promise<PGlite> {
  await closing.get(dir);
  let shared = instances.get(dir);
  if (!shared) {
    mkdirSync(dir, { recursive: true });
    shared = { pglite: PGlite.create(dir), refs: 0 };
    instances.set(dir, shared);
    shared.pglite.catch(() => instances.delete(dir));
  }
  shared.refs++;
  return shared.pglite;
}

async function release(dir: string): Promise<void> {
  const shared = instances.get(dir);
  if (!shared || --shared.refs > 0) return;
  instances.delete(dir);
  const done = shared.pglite.then((p) => p.close()).finally(() => closing.delete(dir));
  closing.set(dir, done);
  await done;
}

/** How many handles hold the shared PGlite of `dataDir` in this process (0 when it is closed). */
export function pgliteRefs(dataDir = ".diana"): number {
  return instances.get(resolve(dataDir, "pgdata"))?.refs ?? 0;
}

/** A {@link Database} over the process's shared embedded PGlite in `<dataDir>/pgdata`, created on first use. */
export async function connectPglite(options: PgliteOptions = {}): Promise<Database> {
  const dir = resolve(options.dataDir ?? ".diana", "pgdata");
  const target = `pglite:${dir}`;
  let pglite: PGlite;
  try {
    pglite = await acquire(dir);
  } catch (error) {
    throw new DbConnectionError(target, `PGlite did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return createHandle({
    kind: "pglite",
    target,
    drizzle: (schema) => drizzle({ client: pglite, schema }) as unknown as DianaDb,
    listen: (channel, onNotify) => pglite.listen(channel, onNotify),
    end: () => release(dir),
  });
}
