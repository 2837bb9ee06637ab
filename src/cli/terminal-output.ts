import { LiveProgress, type ProgressSnapshot } from "./live-progress.ts";

/** One machine-readable event of `--json`: a noun-verb name and what it says. */
export interface CliEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * Everything the CLI writes, through the app's redactor: with `--json` one JSON object per line on
 * stdout and nothing else there; otherwise lines for people, with live progress bars when stdout is
 * a terminal, plain lines when it is not (CI logs).
 */
export class TerminalOutput {
  readonly json: boolean;
  readonly #redact: (text: string) => string;
  /** Live progress bars are shown (a terminal, not `--json`). */
  readonly live: boolean;
  #progress: LiveProgress | undefined;

  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(options: { json: boolean; redact: (text: string) => string; interactive: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream }) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    this.#redact = options.redact;
    this.live = !options.json && options.interactive;
  }

  /** A line for people (ignored with `--json`). */
  say(text: string): void {
    if (this.json) return;
    this.#aside(() => this.#stdout.write(`${this.#redact(text)}\n`));
  }

  /** A machine-readable event; with `human`, what people read instead. */
  emit(event: CliEvent, human?: string): void {
    if (this.json) this.#stdout.write(`${this.#redact(JSON.stringify(event))}\n`);
    else if (human !== undefined) this.say(human);
  }

  /** A problem: always on stderr, also with `--json` (where it is an event too). */
  problem(text: string): void {
    this.#aside(() => this.#stderr.write(`${this.#redact(text)}\n`));
    if (this.json) this.#stdout.write(`${this.#redact(JSON.stringify({ event: "problem", message: text }))}\n`);
  }

  /** The live progress (bars, the active role, the latest handoff, spend, elapsed time); nothing without a terminal. */
  status(snapshot: ProgressSnapshot): void {
    if (!this.live) return;
    const safe = { ...snapshot, active: this.#redact(snapshot.active), handoff: snapshot.handoff === undefined ? undefined : this.#redact(snapshot.handoff) };
    if (this.#progress) this.#progress.update(safe);
    else this.#progress = new LiveProgress(this.#stdout as NodeJS.WriteStream, safe);
  }

  /** Takes the live progress off the screen (before a prompt or at the end); the next status draws it again. */
  pause(): void {
    this.#progress?.stop();
    this.#progress = undefined;
  }

  #aside(write: () => void): void {
    if (this.#progress) this.#progress.write(write);
    else write();
  }
}
