import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { editFileTool, globTool, grepTool, listFilesTool, readFileTool, ToolError, writeFileTool, type ToolContext } from "../../src/agent/index.ts";
import { prepareScratchRoot, removeScratchRoot, SandboxedRunner } from "../../src/workspace/index.ts";

/**
 * The attack of issue #13 against the real sandbox: a command in the checkout flips a file (or a
 * directory) between a real one and a symbolic link to the app's secrets, as fast as it can, while the
 * host-side file tools are called in a loop. Bounded by counts, not by time: the host makes a fixed
 * number of calls once the flipper has started, and the flipper runs until told to stop (or its own
 * iteration cap). Whatever the machine's speed, nothing outside the checkout may be read or made.
 */
const CALLS = 5_000;
const READS = 15_000;
const SECRET = "WEBHOOK_SECRET=ENV-FILE-SECRET-13";

describe("host-side file tools raced by a sandboxed command", () => {
  let work: string;
  let data: string;
  let app: string;
  let checkout: string;
  let runner: SandboxedRunner;
  let context: ToolContext;
  let failures: string[] = [];

  beforeAll(async () => {
    work = realpathSync(mkdtempSync(join(tmpdir(), "file-races-")));
    data = join(work, "data");
    app = join(data, "app");
    checkout = join(data, "workspaces", "m1");
    mkdirSync(checkout, { recursive: true });
    mkdirSync(app);
    writeFileSync(join(data, ".env"), `${SECRET}\n`);
    writeFileSync(join(app, ".env"), `${SECRET}\n`);
    writeFileSync(join(app, "private-key-13.pem"), `${SECRET}\n`);
    const scratchRoot = prepareScratchRoot(join(data, "missions.db"));
    // As server.ts hides them: the checkouts, the data directory (.env, the store), the scratch root, the app's directory.
    runner = new SandboxedRunner({ allowedDomains: [], hidden: [join(data, "workspaces"), data, scratchRoot, app], scratchRoot });
    await runner.ready();
  }, 120_000);
  afterAll(async () => {
    await SandboxedRunner.stop();
    if (runner) removeScratchRoot(runner.scratchRoot);
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const name of readdirSync(checkout)) rmSync(join(checkout, name), { recursive: true, force: true });
    context = { root: checkout, readFiles: new Set() };
    failures = [];
  });

  /**
   * Starts `flip` in a loop inside the sandbox and resolves once it has begun; `stop` ends it and
   * resolves with how many rounds it made.
   */
  async function flipper(flip: string): Promise<{ stop(): Promise<number> }> {
    const script = `i=0; touch started; while [ ! -e stop ] && [ $i -lt 1000000 ]; do ${flip}; i=$((i+1)); done; echo "rounds=$i"`;
    const running = runner.run(script, { cwd: checkout, timeoutMs: 300_000, env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    for (let waited = 0; !existsSync(join(checkout, "started")); waited++) {
      if (waited > 6_000) throw new Error(`the flipper did not start: ${(await running).output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return {
      async stop() {
        writeFileSync(join(checkout, "stop"), "");
        const result = await running;
        const rounds = Number(/rounds=(\d+)/.exec(result.output)?.[1] ?? Number.NaN);
        expect(result.output, "the flipper ran in the sandbox").toMatch(/rounds=\d+/);
        return rounds;
      },
    };
  }

  /** Calls a tool; a ToolError (a refusal) is an answer too. Any other failure is counted, and must not happen. */
  async function attempt(call: () => Promise<string>): Promise<string> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ToolError) return `refused: ${error.message}`;
      failures.push(String(error));
      return `failed: ${String(error)}`;
    }
  }

  it("read_file, grep and edit_file never read or change a secret that a file keeps turning into a link to", async () => {
    const target = join(data, ".env");
    // A rename swaps the name between the real file and the link in one step, so it is always one of them.
    const flip = await flipper(`printf 'harmless\\n' > n.tmp && mv -f n.tmp notes.txt; ln -sfn ${target} l.tmp && mv -f l.tmp notes.txt`);
    const answers = new Map<string, number>();
    let leaks = 0;
    for (let call = 0; call < READS; call++) {
      const answer = await attempt(() => readFileTool.execute({ path: "notes.txt" }, context));
      if (answer.includes("ENV-FILE-SECRET")) leaks++;
      const kind = answer.startsWith("refused") ? answer.replace(/"[^"]*"/g, "…") : answer;
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    }
    for (let call = 0; call < CALLS / 25; call++) {
      const answer = await attempt(() => grepTool.execute({ pattern: "SECRET|harmless" }, context));
      if (answer.includes("ENV-FILE-SECRET")) leaks++;
    }
    context.readFiles.add(join(checkout, "notes.txt"));
    for (let call = 0; call < CALLS / 3; call++) {
      await attempt(() => editFileTool.execute({ path: "notes.txt", old_string: "ENV-FILE-SECRET-13", new_string: "CHANGED", replace_all: true }, context));
      await attempt(() => editFileTool.execute({ path: "notes.txt", old_string: "harmless", new_string: "harmless", replace_all: true }, context));
    }
    const rounds = await flip.stop();
    expect(rounds).toBeGreaterThan(0);
    expect(leaks).toBe(0);
    // Every answer is the checkout's own file or a refusal.
    for (const kind of answers.keys()) expect(kind).toMatch(/^(1\tharmless|refused: .*)$/);
    expect(readFileSync(target, "utf8")).toBe(`${SECRET}\n`);
    expect(failures).toEqual([]);
  }, 300_000);

  it("write_file never creates or changes a file outside the checkout through a directory that keeps turning into a link", async () => {
    const flip = await flipper(`rm -rf dir; ln -s ${app} dir; rm -f dir; mkdir dir`);
    for (let call = 0; call < CALLS; call++) {
      const path = call % 3 === 0 ? "dir/.env" : call % 3 === 1 ? `dir/planted-${call}.txt` : `dir/deeper/planted-${call}.txt`;
      await attempt(() => writeFileTool.execute({ path, content: "PLANTED\n" }, context));
    }
    const rounds = await flip.stop();
    expect(rounds).toBeGreaterThan(0);
    expect(readdirSync(app).sort()).toEqual([".env", "private-key-13.pem"]);
    expect(readFileSync(join(app, ".env"), "utf8")).toBe(`${SECRET}\n`);
    expect(readdirSync(data).sort()).toEqual([".env", "app", "workspaces"]);
    expect(failures).toEqual([]);
  }, 300_000);

  it("list_files, glob and grep never list or search a directory outside the checkout that a directory keeps turning into a link to", async () => {
    const flip = await flipper(`rm -rf dir; ln -s ${app} dir; rm -f dir; mkdir dir; : > dir/inside.txt`);
    const answers: string[] = [];
    for (let call = 0; call < CALLS / 2; call++) {
      answers.push(await attempt(() => listFilesTool.execute({}, context)));
      answers.push(await attempt(() => globTool.execute({ pattern: call % 2 === 0 ? "**" : "dir/*" }, context)));
      if (call % 20 === 0) answers.push(await attempt(() => grepTool.execute({ pattern: "SECRET", path: call % 40 === 0 ? "dir" : "." }, context)));
    }
    const rounds = await flip.stop();
    expect(rounds).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.includes("private-key-13") || answer.includes("ENV-FILE-SECRET"))).toEqual([]);
    expect(failures).toEqual([]);
  }, 300_000);
});
