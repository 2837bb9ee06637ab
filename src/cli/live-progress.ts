import cliProgress from "cli-progress";

/** Where a mission stands, as the terminal shows it. */
export interface ProgressSnapshot {
  /** The role at work and on what: `worker on F2 Add the farewell file`. */
  active: string;
  milestones: { done: number; total: number };
  features: { done: number; total: number };
  /** The latest handoff: `F1 done: Implemented F1: wrote greeting.txt.` */
  handoff?: string;
  /** Spent so far (unknown before the first step ends). */
  usd?: number;
  budgetUsd?: number;
  /** The share of the input tokens read from the prompt cache, 0–1. */
  cacheShare: number;
  /** When this run started (ms since the epoch): elapsed time counts from it. */
  startedAt: number;
}

/** `12s`, `3m 05s`, `1h 02m`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** `$0.42 of $20 (cache 61%)`, or nothing before the first step has been paid for. */
export function formatSpend(snapshot: ProgressSnapshot): string {
  if (snapshot.usd === undefined) return "";
  return `$${snapshot.usd.toFixed(2)} of $${snapshot.budgetUsd ?? "?"} (cache ${Math.round(snapshot.cacheShare * 100)}%)`;
}

/** The progress as one plain line (logs, CI): active role · milestones · features · spend · elapsed. */
export function plainLine(snapshot: ProgressSnapshot, now = Date.now()): string {
  const counts = [
    snapshot.milestones.total > 0 ? `${snapshot.milestones.done}/${snapshot.milestones.total} milestones` : "",
    snapshot.features.total > 0 ? `${snapshot.features.done}/${snapshot.features.total} features` : "",
  ];
  return [snapshot.active, ...counts, formatSpend(snapshot), formatElapsed(now - snapshot.startedAt)].filter(Boolean).join(" · ");
}

type Row = "milestones" | "features" | "handoff";

/**
 * The live progress at a terminal, drawn by cli-progress: a milestones bar beside the active role and
 * feature, a features bar beside the spend against the budget, the cache share and the elapsed time,
 * and the latest handoff line under them. Redrawn a few times a second (the clock moves).
 */
export class LiveProgress {
  readonly #stream: NodeJS.WriteStream;
  #snapshot: ProgressSnapshot;
  #bars: cliProgress.MultiBar | undefined;
  #rows = new Map<Row, cliProgress.SingleBar>();

  constructor(stream: NodeJS.WriteStream, snapshot: ProgressSnapshot) {
    this.#stream = stream;
    this.#snapshot = snapshot;
    this.#start();
  }

  update(snapshot: ProgressSnapshot): void {
    this.#snapshot = snapshot;
    if (!this.#bars) this.#start();
    this.#rows.get("milestones")?.setTotal(snapshot.milestones.total);
    this.#rows.get("milestones")?.update(snapshot.milestones.done);
    this.#rows.get("features")?.setTotal(snapshot.features.total);
    this.#rows.get("features")?.update(snapshot.features.done);
    this.#bars?.update();
  }

  /** Lines written above the bars: the bars are taken down, the text written, the bars drawn again. */
  write(write: () => void): void {
    this.stop();
    write();
    this.#start();
  }

  /** Takes the bars off the screen (before a prompt, at the end). */
  stop(): void {
    this.#bars?.stop();
    this.#bars = undefined;
    this.#rows.clear();
  }

  #start(): void {
    const bars = new cliProgress.MultiBar({
      stream: this.#stream,
      format: (options, params, payload: { row: Row }) => this.#render(payload.row, options, params),
      barsize: 24,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      clearOnComplete: true,
      // Lines are redrawn whole at every tick: the elapsed time moves, and nothing stale stays behind.
      forceRedraw: true,
      fps: 4,
      emptyOnZero: true,
      gracefulExit: false,
    });
    this.#bars = bars;
    const { milestones, features } = this.#snapshot;
    this.#rows.set("milestones", bars.create(milestones.total, milestones.done, { row: "milestones" }));
    this.#rows.set("features", bars.create(features.total, features.done, { row: "features" }));
    this.#rows.set("handoff", bars.create(0, 0, { row: "handoff" }));
    bars.update();
  }

  #render(row: Row, options: cliProgress.Options, params: cliProgress.Params): string {
    const snapshot = this.#snapshot;
    const bar = () => cliProgress.Format.BarFormat(params.total > 0 ? params.progress : 0, options);
    const count = (total: number) => (total > 0 ? `${params.value}/${total}` : "–").padEnd(5);
    let line: string;
    if (row === "milestones") line = `milestones ${bar()} ${count(params.total)} ${snapshot.active}`;
    else if (row === "features") line = `features   ${bar()} ${count(params.total)} ${[formatSpend(snapshot), formatElapsed(Date.now() - snapshot.startedAt)].filter(Boolean).join(" · ")}`;
    else line = snapshot.handoff ? `last handoff: ${snapshot.handoff}` : "";
    // One screen line each: a wrapped line would throw the redraw off.
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  }
}
