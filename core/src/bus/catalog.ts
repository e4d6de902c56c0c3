import { TypeCompiler } from "@sinclair/typebox/compiler";
import { type EventIssue, InvalidEventError, UnknownEventTypeError } from "./errors";
import type { EventSchemas } from "./types";

/** The event types a bus knows, each with a compiled TypeBox checker for its `data`. */
export interface EventCatalog<S extends EventSchemas = EventSchemas> {
  readonly schemas: S;
  has(type: string): boolean;
  /**
   * The problems with `data` for `type`; empty when it is valid.
   * @throws UnknownEventTypeError
   */
  issues(type: string, data: unknown): EventIssue[];
  /** @throws UnknownEventTypeError, InvalidEventError */
  assert(type: string, data: unknown): void;
}

/**
 * Declares the event catalogue: one TypeBox schema per event type for the event's `data`.
 *
 * @example
 * const events = defineEvents({
 *   "order.placed": Type.Object({ orderId: Type.String(), qty: Type.String() }),
 * });
 * const bus = createInProcessBus({ catalog: events, source: "/services/trading" });
 */
export function defineEvents<const S extends EventSchemas>(schemas: S): EventCatalog<S> {
  const checkers = new Map(
    Object.entries(schemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
  );
  const has = (type: string): boolean => checkers.has(type);
  const issues = (type: string, data: unknown): EventIssue[] => {
    const checker = checkers.get(type);
    if (!checker) throw new UnknownEventTypeError(type);
    if (checker.Check(data)) return [];
    // TypeBox reports a missing field twice (required, then its type); the first says it best.
    const byPath = new Map<string, EventIssue>();
    for (const error of checker.Errors(data)) {
      if (!byPath.has(error.path)) byPath.set(error.path, { path: error.path, message: error.message });
    }
    return [...byPath.values()];
  };
  return {
    schemas,
    has,
    issues,
    assert(type, data) {
      const found = issues(type, data);
      if (found.length > 0) throw new InvalidEventError(type, found);
    },
  };
}
