import type { RelayEvent } from "./types";

/** The relay's typed event fan-out; a throwing listener never breaks the relay. */
export function relayListeners() {
  const listeners = new Set<(event: RelayEvent) => void>();
  return {
    on(listener: (event: RelayEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: RelayEvent): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A listener's failure is its own; the relay goes on.
        }
      }
    },
  };
}
