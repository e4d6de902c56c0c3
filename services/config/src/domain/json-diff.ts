/** One change between two JSON documents, shaped like a JSON Patch (RFC 6902) operation plus the old value. */
export interface Change {
  op: "add" | "remove" | "replace";
  /** JSON Pointer (RFC 6901) into the document. */
  path: string;
  /** The new value, for `add` and `replace`. */
  value?: unknown;
  /** The old value, for `remove` and `replace`. */
  from?: unknown;
}

const pointerToken = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The changes that turn `before` into `after`: objects compared key by key (sorted), arrays index by
 * index, anything else replaced whole. Empty when the two are deeply equal.
 */
export function jsonDiff(before: unknown, after: unknown, path = ""): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const at = `${path}/${pointerToken(k)}`;
      if (!(k in after)) return [{ op: "remove" as const, path: at, from: before[k] }];
      if (!(k in before)) return [{ op: "add" as const, path: at, value: after[k] }];
      return jsonDiff(before[k], after[k], at);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = [];
    const shared = Math.min(before.length, after.length);
    for (let i = 0; i < shared; i++) out.push(...jsonDiff(before[i], after[i], `${path}/${i}`));
    for (let i = shared; i < after.length; i++)
      out.push({ op: "add", path: `${path}/${i}`, value: after[i] });
    // Remove from the end so each pointer is valid when applied in order.
    for (let i = before.length - 1; i >= shared; i--)
      out.push({ op: "remove", path: `${path}/${i}`, from: before[i] });
    return out;
  }
  if (Object.is(before, after)) return [];
  if (before === undefined) return [{ op: "add", path, value: after }];
  if (after === undefined) return [{ op: "remove", path, from: before }];
  return [{ op: "replace", path, value: after, from: before }];
}
