/**
 * A response's JSON body, typed loosely for assertions (`Response.json()` is `unknown` under Bun's
 * types). Tests only.
 */
// biome-ignore lint/suspicious/noExplicitAny: assertions read arbitrary JSON shapes.
export async function json<T = any>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}
