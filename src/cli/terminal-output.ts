import { spinner, type SpinnerResult } from "@clack/prompts";

/** One machine-readable event of `--json`: a noun-verb name and what it says. */
export interface CliEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * Everything the CLI writes, through the app's redactor: with `--json` one JSON object per line on
 * stdout and nothing else there; otherwise lines for people, with a live status line (a spinner)
 * when stdout is a terminal, plain lines when it is not (CI logs).
 */
export class TerminalOutput {
  readonly json: boolean;
  readonly #redact: (text: string) => string;
  /** A live status line is shown (a terminal, not `--json`). */
  readonly live: boolean;
  #spinner: SpinnerResult | undefined;
  #status = "";

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

  /** The live status line: the active role and feature, progress, spend, elapsed time (a plain line without a terminal). */
  status(text: string): void {
    if (this.json || text === this.#status) return;
    this.#status = text;
    const safe = this.#redact(text);
    if (!this.live) return;
    if (!this.#spinner) {
      this.#spinner = spinner({ indicator: "timer", output: this.#stdout as NodeJS.WriteStream, withGuide: false });
      this.#spinner.start(safe);
    } else this.#spinner.message(safe);
  }

  /** Stops the live line (before a prompt or at the end). */
  pause(): void {
    this.#spinner?.clear();
    this.#spinner = undefined;
  }

  #aside(write: () => void): void {
    const restart = this.#spinner !== undefined;
    this.pause();
    write();
    if (restart && this.#status) {
      this.#spinner = spinner({ indicator: "timer", output: this.#stdout as NodeJS.WriteStream, withGuide: false });
      this.#spinner.start(this.#redact(this.#status));
    }
  }
}
