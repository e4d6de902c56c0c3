const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/**
 * Returns the incoming id when it is well-formed (8–128 characters of `[A-Za-z0-9._:-]`), else a
 * fresh UUIDv7. A client cannot inject log lines or unbounded strings through it.
 */
export function acceptId(incoming: string | null | undefined, mint: () => string = Bun.randomUUIDv7): string {
  return incoming && WELL_FORMED.test(incoming) ? incoming : mint();
}
