import { Elysia } from "elysia";
import type { Tracing } from "./tracing";

/**
 * The kit's HTTP-in span: every request runs inside a server span continuing its `traceparent`,
 * named `<METHOD> <route template>` once the route is known. Added only when the service traces.
 */
export function httpServerTracing(tracing: Tracing) {
  return new Elysia({ name: "diana:tracing" })
    .wrap(
      (fn, request) =>
        // biome-ignore lint/suspicious/noExplicitAny: Elysia's higher-order function passes the handler's own arguments.
        ((...args: any[]) => tracing.withServerSpan(request, () => fn(...args))) as never,
    )
    .onTransform({ as: "global" }, ({ request, route }) => {
      tracing.activeSpan()?.updateName(`${request.method} ${route}`);
      tracing.activeSpan()?.setAttribute("http.route", route);
    });
}
