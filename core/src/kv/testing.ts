import type { RedisClient } from "bun";
import { escapeGlob } from "./redis";

export { type KvConformanceOptions, runKvConformance } from "./conformance";

/**
 * Deletes every key under `prefix` (glob characters in it match themselves), for tests and benches
 * that clean up the keys of their run; resolves with how many were deleted.
 *
 * @example
 * afterAll(() => deleteRedisKeys(admin, runPrefix));
 */
export async function deleteRedisKeys(redis: RedisClient, prefix: string): Promise<number> {
  const match = `${escapeGlob(prefix)}*`;
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = (await redis.send("SCAN", [cursor, "MATCH", match, "COUNT", "1000"])) as [
      string,
      string[],
    ];
    if (keys.length > 0) deleted += Number(await redis.send("DEL", keys));
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}
