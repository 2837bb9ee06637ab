import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { AppIdentity, CheckRunInput, GitHubPort, Permission, PullRequest, RepoRef, ReviewComment } from "../github/index.ts";
import { contractMarker, controlMarker, questionsMarker } from "../mission/index.ts";
import { localizeCheckLinks, localizeRepositoryLinks, localizeText } from "./localize-text.ts";
import { renderCheckReport } from "./render-check-report.ts";

const exec = promisify(execFile);

/** What the terminal is told when the app would have commented on the issue. */
export type CommentKind = "control" | "contract" | "questions" | "notice";

export interface LocalGitHubOptions {
  /** The local repository: the "remote" every checkout clones from and pushes to. */
  repositoryPath: string;
  /** `.missions/` in that repository. */
  missionsDirectory: string;
  /** Where the user-testing validator saves screenshots (`<workspaces>/.evidence/<mission>/<milestone>-<commit>/`). */
  evidenceDirectory?: string;
  /** The mission a local issue number belongs to (one issue per mission). */
  missionIdFor(issue: number): Promise<string | undefined>;
  /** The sanitiser of every text that leaves the app: nothing reaches a file unredacted. */
  redact: (text: string) => string;
  /** Told of every comment posted or edited, after its file is written. */
  onComment?: (event: { missionId: string; kind: CommentKind; body: string; edited: boolean }) => void;
  /** Told of every completed check run, after its report is written. */
  onCheckRun?: (event: { missionId: string; input: CheckRunInput; markdownPath: string; jsonPath: string }) => void;
}

/** What the port keeps between runs, so a resumed mission finds its comments, check runs and "pull request". */
interface LocalState {
  nextId: number;
  comments: Record<string, { missionId: string; issue: number; kind: CommentKind }>;
  checkRuns: Record<string, { missionId: string; name: string; headSha: string; file: string }>;
  pulls: Record<string, { missionId: string; branch: string; draft: boolean; title: string }>;
}

const IDENTITY: AppIdentity = { appId: 0, slug: "missions", botLogin: "missions", botEmail: "missions@localhost" };

/**
 * The GitHub port for a local repository and a person at the terminal (`missions run`): the issue is
 * the brief, comments are files under `.missions/<id>/` (and lines on the terminal), check runs are
 * Markdown and JSON reports under `.missions/<id>/checks/`, the pull request is the local branch plus
 * `.missions/<id>/summary.md`. Commits reach the repository by git push (the engine runs with
 * `commits: "push"`), so the Git Data API is never asked for.
 */
export class LocalGitHub implements GitHubPort {
  readonly #options: LocalGitHubOptions;
  readonly #stateFile: string;
  readonly #token = `local-${randomBytes(12).toString("hex")}`;
  #state: LocalState;

  constructor(options: LocalGitHubOptions) {
    this.#options = options;
    this.#stateFile = join(options.missionsDirectory, "local-github.json");
    this.#state = existsSync(this.#stateFile)
      ? (JSON.parse(readFileSync(this.#stateFile, "utf8")) as LocalState)
      : { nextId: 1, comments: {}, checkRuns: {}, pulls: {} };
  }

  /** The folder of a mission's files: `.missions/<id>/`. */
  missionDirectory(missionId: string): string {
    return join(this.#options.missionsDirectory, missionId.replace(/[^A-Za-z0-9_-]/g, "_"));
  }

  async identity(): Promise<AppIdentity> {
    return IDENTITY;
  }

  /** The person at the terminal owns the repository. */
  async permission(_repo?: RepoRef, _login?: string): Promise<Permission> {
    return "write";
  }

  async repository(_repo?: RepoRef): Promise<{ defaultBranch: string; cloneUrl: string; htmlUrl: string }> {
    const defaultBranch = (await this.#git(["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "main")).trim() || "main";
    return { defaultBranch, cloneUrl: this.#options.repositoryPath, htmlUrl: this.#options.repositoryPath };
  }

  async branchExists(_repo: RepoRef, branch: string): Promise<boolean> {
    return this.#git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]).then(() => true, () => false);
  }

  async readFile(_repo: RepoRef, path: string, ref = "HEAD"): Promise<string | undefined> {
    return this.#git(["show", `${ref}:${path}`]).catch(() => undefined);
  }

  /** The brief is saved with the mission when it starts; this is only asked for when it was not. */
  async issueBody(_repo: RepoRef, issue: number): Promise<{ title: string; body: string }> {
    const missionId = await this.#options.missionIdFor(issue);
    const body = missionId ? readFileSync(join(this.missionDirectory(missionId), "brief.md"), "utf8") : "";
    return { title: /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? "Local mission", body };
  }

  async postComment(_repo: RepoRef, issue: number, body: string): Promise<number> {
    const missionId = await this.#options.missionIdFor(issue);
    if (!missionId) throw new Error(`no local mission has the number ${issue}`);
    const id = this.#nextId();
    const kind = commentKind(missionId, body);
    this.#state.comments[id] = { missionId, issue, kind };
    this.#writeComment(id, missionId, kind, body, false);
    this.#save();
    return id;
  }

  async updateComment(_repo: RepoRef, commentId: number, body: string): Promise<void> {
    const comment = this.#state.comments[commentId];
    if (!comment) throw Object.assign(new Error(`no comment ${commentId}`), { status: 404 });
    this.#writeComment(commentId, comment.missionId, comment.kind, body, true);
  }

  async findOwnComment(_repo: RepoRef, issue: number, marker: string): Promise<{ id: number; body: string } | undefined> {
    for (const [id, comment] of Object.entries(this.#state.comments)) {
      if (comment.issue !== issue) continue;
      const file = join(this.missionDirectory(comment.missionId), "comments", `${id}.md`);
      const body = existsSync(file) ? readFileSync(file, "utf8") : "";
      if (body.includes(marker)) return { id: Number(id), body };
    }
    return undefined;
  }

  async react(): Promise<void> {}

  async reviewComments(): Promise<ReviewComment[]> {
    return [];
  }

  /** Nothing to authenticate: git reads and writes the repository's own folder. */
  async installationToken(): Promise<string> {
    return this.#token;
  }

  async installationSettingsUrl(): Promise<string> {
    return this.#options.repositoryPath;
  }

  async createCommit(_repo?: RepoRef): Promise<{ sha: string; tree: string }> {
    throw new Error("local missions publish commits with git push (commits: push)");
  }

  async updateBranch(): Promise<void> {
    throw new Error("local missions publish commits with git push (commits: push)");
  }

  async findOpenPull(_repo: RepoRef, branch: string): Promise<PullRequest | undefined> {
    const found = Object.entries(this.#state.pulls).find(([, pull]) => pull.branch === branch);
    return found ? toPull(Number(found[0]), found[1].draft, branch) : undefined;
  }

  async createPull(_repo: RepoRef, input: { title: string; head: string; base: string; body: string; draft: boolean }): Promise<PullRequest> {
    const missionId = await this.#missionOfBranch(input.head);
    const number = this.#nextId();
    this.#state.pulls[number] = { missionId, branch: input.head, draft: input.draft, title: input.title };
    this.#writeSummary(missionId, input.body);
    this.#save();
    return toPull(number, input.draft, input.head);
  }

  async updatePull(_repo: RepoRef, number: number, input: { body?: string; title?: string }): Promise<void> {
    const pull = this.#state.pulls[number];
    if (!pull) throw Object.assign(new Error(`no pull request ${number}`), { status: 404 });
    if (input.title) pull.title = input.title;
    if (input.body !== undefined) this.#writeSummary(pull.missionId, input.body);
    this.#save();
  }

  async markReadyForReview(_repo: RepoRef, pull: PullRequest): Promise<void> {
    const state = this.#state.pulls[pull.number];
    if (state) state.draft = false;
    this.#save();
  }

  async findCheckRun(_repo: RepoRef, headSha: string, name: string): Promise<number | undefined> {
    const found = Object.entries(this.#state.checkRuns).find(([, run]) => run.headSha === headSha && run.name === name);
    return found ? Number(found[0]) : undefined;
  }

  async createCheckRun(_repo: RepoRef, input: CheckRunInput): Promise<number> {
    const missionId = input.externalId;
    if (!missionId) throw new Error("a local check run needs its mission (externalId)");
    const id = this.#nextId();
    const file = `${slug(input.name)}-${id}`;
    this.#state.checkRuns[id] = { missionId, name: input.name, headSha: input.headSha, file };
    this.#save();
    this.#writeCheckRun(id, input);
    return id;
  }

  /** A local check run is a file: it has no buttons to take away. */
  async clearCheckRunActions(): Promise<void> {}

  async updateCheckRun(_repo: RepoRef, id: number, input: CheckRunInput): Promise<void> {
    this.#writeCheckRun(id, input);
  }

  #writeCheckRun(id: number, input: CheckRunInput): void {
    const run = this.#state.checkRuns[id];
    if (!run) throw Object.assign(new Error(`no check run ${id}`), { status: 404 });
    const directory = join(this.missionDirectory(run.missionId), "checks");
    const redact = this.#options.redact;
    const markdownPath = join(directory, `${run.file}.md`);
    const jsonPath = join(directory, `${run.file}.json`);
    const screenshots = input.status === "completed" ? this.#copyScreenshots(run, directory) : [];
    const report = {
      id,
      ...input,
      summary: redact(input.summary),
      text: input.text === undefined ? undefined : redact(input.text),
      title: redact(input.title),
      annotations: input.annotations?.map((annotation) => ({ ...annotation, message: redact(annotation.message), title: annotation.title === undefined ? undefined : redact(annotation.title) })),
      ...(screenshots.length > 0 ? { screenshots } : {}),
    };
    writeAtomically(jsonPath, redact(`${JSON.stringify(report, null, 2)}\n`));
    writeAtomically(markdownPath, redact(renderCheckReport(report)));
    if (input.status === "completed") this.#options.onCheckRun?.({ missionId: run.missionId, input: report, markdownPath, jsonPath });
  }

  /**
   * The screenshots the user-testing validator saved for this check run's commit, copied beside its
   * report (`checks/<report>/…png`): the workspaces are a cache, the reports are kept.
   */
  #copyScreenshots(run: LocalState["checkRuns"][string], directory: string): string[] {
    const evidence = this.#options.evidenceDirectory && join(this.#options.evidenceDirectory, run.missionId);
    if (!evidence || !/user testing/i.test(run.name) || !existsSync(evidence)) return [];
    const copied: string[] = [];
    for (const folder of readdirSync(evidence).filter((name) => name.endsWith(`-${run.headSha.slice(0, 12)}`))) {
      for (const image of readdirSync(join(evidence, folder)).filter((name) => /\.(png|jpe?g)$/i.test(name)).sort()) {
        mkdirSync(join(directory, run.file), { recursive: true });
        copyFileSync(join(evidence, folder, image), join(directory, run.file, image));
        copied.push(`${run.file}/${image}`);
      }
    }
    return copied;
  }

  #writeComment(id: number, missionId: string, kind: CommentKind, body: string, edited: boolean): void {
    const safe = this.#options.redact(body);
    const directory = this.missionDirectory(missionId);
    // As posted, markers and all: what `findOwnComment` reads back.
    writeAtomically(join(directory, "comments", `${id}.md`), safe);
    // The files a person opens: the latest of each, under a name that says what it is, in local words.
    const local = this.#localize(safe);
    if (kind === "control") writeAtomically(join(directory, "status.md"), local);
    if (kind === "contract") writeAtomically(join(directory, "contract.md"), local);
    if (kind === "questions") writeAtomically(join(directory, "questions.md"), local);
    this.#options.onComment?.({ missionId, kind, body: local, edited });
  }

  #writeSummary(missionId: string, body: string): void {
    writeAtomically(join(this.missionDirectory(missionId), "summary.md"), this.#localize(this.#options.redact(body)));
  }

  #localize(body: string): string {
    const checks = localizeCheckLinks(localizeText(body), (id) => {
      const run = this.#state.checkRuns[id];
      return run ? `checks/${run.file}.md` : undefined;
    });
    return localizeRepositoryLinks(checks);
  }

  async #missionOfBranch(branch: string): Promise<string> {
    // A mission's first comment (its control comment) comes before any branch: its mission is found by number.
    const match = /(\d+)(?:-[^/]*)?$/.exec(branch);
    const missionId = match ? await this.#options.missionIdFor(Number(match[1])) : undefined;
    if (!missionId) throw new Error(`no local mission owns the branch ${branch}`);
    return missionId;
  }

  #nextId(): number {
    return this.#state.nextId++;
  }

  #save(): void {
    writeAtomically(this.#stateFile, `${JSON.stringify(this.#state, null, 2)}\n`);
  }

  async #git(args: string[]): Promise<string> {
    const { stdout } = await exec("git", args, { cwd: this.#options.repositoryPath, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }
}

function commentKind(missionId: string, body: string): CommentKind {
  if (body.includes(controlMarker(missionId))) return "control";
  if (body.includes(contractMarker(missionId, 0).split(" v=")[0]!) && /<!-- missions:contract v=\d+ /.test(body)) return "contract";
  if (body.includes(questionsMarker(missionId, 0).split(" m=")[0]!)) return "questions";
  return "notice";
}

function toPull(number: number, draft: boolean, branch: string): PullRequest {
  return { number, nodeId: `local-pull-${number}`, draft, htmlUrl: branch };
}

function slug(text: string): string {
  return text.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "check";
}

/** Written whole or not at all: a reader (or a crash) never sees half a report. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
