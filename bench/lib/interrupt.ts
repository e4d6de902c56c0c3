/**
 * Scratch databases, vhosts and key prefixes removed even when a benchmark is interrupted (Ctrl-C, a
 * `timeout`, the parent's kill): each is registered here while it exists, and SIGINT, SIGTERM or SIGHUP
 * drop whatever is registered before the process exits.
 */
const drops = new Set<() => Promise<unknown>>();
let installed = false;
/** Set by the first signal: a second one (a parent forwarding it) leaves that clean-up to finish. */
let leaving = false;

function install() {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, async () => {
      if (leaving) return;
      leaving = true;
      console.error(`\n${signal}: removing this benchmark's scratch resources…`);
      await Promise.allSettled([...drops].map((drop) => drop()));
      process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
    });
  }
}

/**
 * Registers `drop` to run if the process is interrupted; returns `drop` wrapped so that calling it
 * also unregisters it (and runs it at most once).
 *
 * @example
 * const testDb = await createTestDatabase();
 * const dropDb = dropOnInterrupt(() => testDb.drop());
 * try { … } finally { await dropDb(); }
 */
export function dropOnInterrupt(drop: () => Promise<unknown>): () => Promise<void> {
  install();
  let dropped: Promise<unknown> | undefined;
  const once = async () => {
    drops.delete(once);
    dropped ??= drop();
    await dropped;
  };
  drops.add(once);
  return once;
}
