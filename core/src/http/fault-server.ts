/** What the fault server does with each request. */
export type FaultMode = "ok" | "fail" | "hang";

export interface FaultServer {
  url: string;
  mode: FaultMode;
  hits: number;
  stop(): void;
}

/**
 * A local upstream for integration tests: answers 200, 500, or never (until the client goes away).
 *
 * @example
 * const upstream = startFaultServer();
 * upstream.mode = "hang";
 */
export function startFaultServer(initial: FaultMode = "ok"): FaultServer {
  const state: FaultServer = {
    url: "",
    mode: initial,
    hits: 0,
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch(request) {
      state.hits++;
      if (state.mode === "ok") return new Response("ok");
      if (state.mode === "fail") return new Response("boom", { status: 500 });
      return new Promise<Response>((resolve) => {
        request.signal.addEventListener("abort", () => resolve(new Response("late")));
      });
    },
  });
  state.url = `http://127.0.0.1:${server.port}`;
  return state;
}
