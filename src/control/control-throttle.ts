/** Starts a timer; returns what cancels it. Injectable so tests decide when time passes. */
export type Schedule = (callback: () => void, ms: number) => () => void;

export interface ControlThrottleOptions {
  /** Least time between two writes of one comment. */
  intervalMs: number;
  now?: () => number;
  schedule?: Schedule;
  /** A write that failed: the comment is a view, so it is reported and the mission goes on. */
  onError?: (error: unknown, key: string) => void;
  /**
   * What the shared store says was last written to the comment, and when, by any instance (several
   * instances on PostgreSQL). A body kept here for later is not written when another instance wrote
   * the comment after the body was offered: that write shows a newer state, and this one would undo it.
   */
  recorded?: (key: string) => Promise<{ body: string; at: number } | undefined>;
}

type Write = (body: string) => Promise<void>;

interface Slot {
  written?: string;
  writtenAt: number;
  pending?: { body: string; write: Write; at: number };
  /** The body this throttle last wrote (a record of it is this instance's own, not another's). */
  landed?: string;
  cancel?: () => void;
  /** Writes of one comment happen one after another, so an older body never lands last. */
  chain: Promise<void>;
}

/**
 * Paces edits of the mission control comments: at most one write per comment every `intervalMs`.
 * What arrives in between is kept (only the newest) and written when the interval is over, or at
 * once on `flush` — so the final state is always written, however busy the mission.
 */
export class ControlThrottle {
  readonly #options: Required<Omit<ControlThrottleOptions, "onError" | "recorded">> & Pick<ControlThrottleOptions, "onError" | "recorded">;
  readonly #slots = new Map<string, Slot>();

  constructor(options: ControlThrottleOptions) {
    this.#options = {
      now: () => Date.now(),
      schedule: (callback, ms) => {
        const timer = setTimeout(callback, ms);
        timer.unref?.();
        return () => clearTimeout(timer);
      },
      ...options,
    };
  }

  /** The body last written or waiting to be: what the comment shows, or is about to. */
  latest(key: string): string | undefined {
    const slot = this.#slots.get(key);
    return slot?.pending?.body ?? slot?.written;
  }

  /** Records a body written by other means (the comment's creation), now. */
  markWritten(key: string, body: string): void {
    const slot = this.#slot(key);
    slot.written = body;
    slot.landed = body;
    slot.writtenAt = this.#options.now();
  }

  /**
   * Takes what another instance says it wrote at `at` (the shared store's last write) as what the
   * comment shows — only when it is newer than this throttle's own last write and nothing waits here
   * to be written: an older record (this instance's own write not yet recorded, or a record that
   * failed) must neither bring an edit forward nor hide the newer body.
   */
  adopt(key: string, body: string, at: number): void {
    const slot = this.#slot(key);
    if (slot.pending || at <= slot.writtenAt) return;
    slot.written = body;
    slot.writtenAt = at;
  }

  /** Writes now when the interval allows (or `urgent`), else keeps the body for the end of the interval. */
  offer(key: string, body: string, write: Write, options: { urgent?: boolean } = {}): Promise<void> {
    const slot = this.#slot(key);
    slot.pending = { body, write, at: this.#options.now() };
    const wait = slot.writtenAt + this.#options.intervalMs - this.#options.now();
    if (options.urgent || wait <= 0) return this.flush(key);
    slot.cancel ??= this.#options.schedule(() => {
      slot.cancel = undefined;
      void this.flush(key);
    }, wait);
    return slot.chain;
  }

  /** Writes what is waiting, now. */
  flush(key: string): Promise<void> {
    const slot = this.#slots.get(key);
    if (!slot) return Promise.resolve();
    slot.cancel?.();
    slot.cancel = undefined;
    const pending = slot.pending;
    slot.pending = undefined;
    if (pending) {
      slot.writtenAt = this.#options.now();
      slot.written = pending.body;
      slot.chain = slot.chain.then(async () => {
        try {
          const record = this.#options.recorded ? await this.#options.recorded(key).catch(() => undefined) : undefined;
          if (record && record.at > pending.at && record.body !== slot.landed) {
            // Another instance wrote the comment since this body was offered: it stays as it is.
            if (slot.written === pending.body) slot.written = record.body;
            return;
          }
          await pending.write(pending.body);
          slot.landed = pending.body;
        } catch (error) {
          // Unknown: whatever comes next must be written, even the same body.
          if (slot.written === pending.body) slot.written = undefined;
          this.#options.onError?.(error, key);
        }
      });
    }
    return slot.chain;
  }

  /** Writes everything waiting (shutdown). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.#slots.keys()].map((key) => this.flush(key)));
  }

  /** Forgets a comment that will not change again. */
  forget(key: string): void {
    this.#slots.get(key)?.cancel?.();
    this.#slots.delete(key);
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { writtenAt: Number.NEGATIVE_INFINITY, chain: Promise.resolve() };
      this.#slots.set(key, slot);
    }
    return slot;
  }
}
