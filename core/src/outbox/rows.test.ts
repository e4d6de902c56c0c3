import { expect, test } from "bun:test";
import { deleteInBatches } from "./rows";

/** A table of `rows` old rows, deleted `limit` at a time; records each batch's count. */
const table = (rows: number) => {
  let left = rows;
  const batches: number[] = [];
  const deleteBatch = async (limit: number) => {
    const deleted = Math.min(limit, left);
    left -= deleted;
    batches.push(deleted);
    return deleted;
  };
  return { batches, deleteBatch };
};

test("deleteInBatches runs batches until one deletes fewer than the limit, and sums them", async () => {
  const partial = table(12);
  expect(await deleteInBatches(5, partial.deleteBatch)).toBe(12);
  expect(partial.batches).toEqual([5, 5, 2]);
  // A full last batch takes one more, empty, to know it was the last.
  const exact = table(10);
  expect(await deleteInBatches(5, exact.deleteBatch)).toBe(10);
  expect(exact.batches).toEqual([5, 5, 0]);
});
