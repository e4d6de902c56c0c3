import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { session } from "./auth/session";
import "./styles.css";

// Fleet views poll every 2 s, so the next poll is the retry: a failed request shows at once.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });

// Nothing read under one user is shown to the next.
session.subscribe(() => {
  if (session.get().status === "signed-out") queryClient.clear();
});
void session.restore();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
