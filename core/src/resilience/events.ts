/** A subscription; call `dispose()` to stop listening. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener to one typed event. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * One typed event. Policies emit and never log; telemetry subscribes in one place.
 * `size` lets hot paths skip building a payload nobody listens to.
 *
 * @example
 * const changed = new EventEmitter<{ to: string }>();
 * const sub = changed.on((e) => console.log(e.to));
 * changed.emit({ to: "open" });
 * sub.dispose();
 */
export class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];

  get size(): number {
    return this.listeners.length;
  }

  readonly on: Event<T> = (listener) => {
    this.listeners = [...this.listeners, listener];
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  emit(value: T): void {
    // A throwing listener must never break the call it observes.
    for (const l of this.listeners) {
      try {
        l(value);
      } catch {}
    }
  }
}
