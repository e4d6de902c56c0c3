import type { BusEvent } from "./types";

/** The bus's typed event fan-out; a throwing listener never breaks the bus. */
export function createListeners() {
  const listeners = new Set<(event: BusEvent) => void>();
  return {
    on(listener: (event: BusEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: BusEvent): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A listener's failure is its own; the bus goes on.
        }
      }
    },
  };
}
