import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import type { Release } from "./release";

/** The last good release of a namespace on disk, so an instance can start while the config service is down. */
export interface ReleaseCache {
  read(): Promise<Release | null>;
  /** Coalesced: while a write runs, only the newest release waits for the next one. */
  write(release: Release): void;
  /** Resolves once pending writes finished. */
  flush(): Promise<void>;
}

/** A cache file `<dir>/config-cache/<namespace>.json`, written atomically (temp file + rename). */
export function fileReleaseCache(
  dir: string,
  namespace: string,
  onError: (e: unknown) => void,
): ReleaseCache {
  const folder = join(dir, "config-cache");
  const path = join(folder, `${namespace}.json`);
  let next: Release | undefined;
  let running: Promise<void> | undefined;

  const drain = async () => {
    while (next) {
      const release = next;
      next = undefined;
      try {
        await mkdir(folder, { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await Bun.write(tmp, JSON.stringify(release));
        await rename(tmp, path);
      } catch (e) {
        onError(e);
      }
    }
    running = undefined;
  };

  return {
    async read() {
      const file = Bun.file(path);
      if (!(await file.exists())) return null;
      try {
        return (await file.json()) as Release;
      } catch (e) {
        onError(e);
        return null;
      }
    },
    write(release) {
      next = release;
      running ??= drain();
    },
    async flush() {
      await running;
    },
  };
}

/** No cache: nothing read, nothing written. */
export const noReleaseCache: ReleaseCache = {
  read: async () => null,
  write: () => {},
  flush: async () => {},
};
