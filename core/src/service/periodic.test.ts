import { expect, test } from "bun:test";
import { waitFor } from "../testing/wait-for";
import { periodic } from "./periodic";

test("runs once ready, then on its interval without overlapping, and not after stop", async () => {
  let runs = 0;
  let inFlight = 0;
  let overlapped = false;
  const errors: unknown[] = [];
  const job = periodic(
    async () => {
      runs++;
      inFlight++;
      overlapped ||= inFlight > 1;
      await Bun.sleep(15); // longer than the interval: the next tick must skip, not overlap
      inFlight--;
      if (runs === 2) throw new Error("one bad run");
    },
    5,
    (e) => errors.push(e),
  );
  job.onReady!({} as never);
  expect(runs).toBe(1);
  await waitFor(() => runs >= 3, { timeoutMs: 2_000 });
  expect(overlapped).toBe(false);
  expect(errors).toHaveLength(1); // reported, and the schedule went on
  await job.onStop!();
  const stoppedAt = runs;
  expect(inFlight).toBe(0); // stop waited for the run under way
  await Bun.sleep(30); // several intervals: none may start
  expect(runs).toBe(stoppedAt);
});
