import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

// The gateway serves dist/ at `/`. In dev, `/api` and `/auth` go to the gateway on 8080, or to
// DIANA_GATEWAY_URL (e.g. the fake in dev/fake-gateway.ts).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, ".", "DIANA_");
  return {
    plugins: [react()],
    build: { outDir: "dist", emptyOutDir: true },
    server: {
      proxy: Object.fromEntries(
        ["/api", "/auth"].map((path) => [
          path,
          { target: env.DIANA_GATEWAY_URL ?? "http://127.0.0.1:8080", changeOrigin: true },
        ]),
      ),
    },
  };
});
