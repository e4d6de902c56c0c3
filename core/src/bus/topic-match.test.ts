import { describe, expect, test } from "bun:test";
import { topicMatches } from "./topic-match";

describe("topicMatches", () => {
  test.each([
    ["order.*", "order.placed", true],
    ["order.*", "order", false],
    ["order.*", "order.placed.late", false],
    ["#", "order.placed", true],
    ["#", "", true],
    ["order.#", "order", true],
    ["order.#", "order.placed.late", true],
    ["*.order.*", "venue.order.filled", true],
    ["#.filled", "venue.order.filled", true],
    ["venue.#.filled", "venue.filled", true],
    ["venue.#.filled", "venue.order.placed", false],
    ["order.placed", "order.placed", true],
    ["order.placed", "order.filled", false],
  ])("%p against %p is %p", (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
