/**
 * A per-instance limit on something heavy (browsers for user testing): `take` resolves with the
 * release once a slot is free; takers wait in order. An aborted wait rejects with the signal's reason.
 */
export class Slots {
  #free: number;
  readonly #waiting: Array<{ grant: () => void }> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error("a limit needs at least one slot");
    this.#free = size;
  }

  /** Takers waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Whether a slot is free now (a `take` would not wait). */
  get available(): boolean {
    return this.#free > 0;
  }

  take(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(this.#release());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.#release());
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Gives the slot to the next taker, or frees it; once, however often it is called. */
  #release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#free++;
    };
  }
}
