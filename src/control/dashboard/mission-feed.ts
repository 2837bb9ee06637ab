import { EventEmitter } from "node:events";

/** Which mission just changed, for the live pages: a nudge, never the data itself. */
export class MissionFeed {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open dashboard page listens; their number is not a leak.
    this.#emitter.setMaxListeners(0);
  }

  publish(missionId: string): void {
    this.#emitter.emit("change", missionId);
  }

  /** Returns what unsubscribes. */
  subscribe(listener: (missionId: string) => void): () => void {
    this.#emitter.on("change", listener);
    return () => this.#emitter.off("change", listener);
  }
}
