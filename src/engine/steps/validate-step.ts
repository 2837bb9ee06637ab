import { cp, lstat, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { AppStartError, AppUnderTest, checkBrowser } from "../../browser/index.ts";
import {
  appUnderTest,
  approvedPlan,
  featuresOf,
  plannedFeature,
  keepFinishedValidation,
  keptFindings,
  keptFor,
  parseCoverage,
  recordValidation,
  renderCheckSummary,
  StepProgressError,
  renderUserTestingSummary,
  scrutinyFailures,
  validatorOf,
  evidenceFolder,
  SCREENSHOT_NAME,
  screenshotsOfVerdict,
  type Assertion,
  type DashboardScreenshots,
  type Milestone,
  type Mission,
  type Verdict,
} from "../../mission/index.ts";
import { missionContext, reviewFeature, scrutinize, testAsUser, type Finding } from "../../roles/index.ts";
import type { Annotation } from "../../github/index.ts";
import { BudgetExceededError, warmFirst, type LanguageModel } from "../../models/index.ts";
import { detectCommands, SandboxedRunner, type CommandResult } from "../../workspace/index.ts";
import { limitsFor } from "../limits-for.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { stopWhenPeopleAsk, stoppedForPeople, StoppedForPeopleError, stoppingIntent, watchForPeople } from "../people-interrupt.ts";
import { dashboardUrl } from "./dashboard-url.ts";
import { recordToolCalls } from "../research-for.ts";
import { withMcpTools } from "./mcp-tools-for.ts";
import { remoteAccess } from "./remote-access.ts";
import { safeEnvironment } from "./safe-environment.ts";
import { readScreenshot } from "../../control/dashboard/screenshots.ts";
import { ValidationChecks } from "./validation-checks.ts";
import { ClaimLostError } from "../../store/index.ts";

const COMMAND_ORDER = ["install", "typecheck", "lint", "test"] as const;

/**
 * Validation of one milestone on its head commit by validators that never see the workers'
 * reasoning: scrutiny (the repository's commands, a verdict per assertion, one code review per new
 * feature) and, when the milestone has user-testing assertions, a QA agent using the running app —
 * each reported as its own check run.
 */
export async function validateStep(context: StepContext, mission: Mission, milestoneId: string): Promise<Mission> {
  const plan = approvedPlan(mission)!;
  const milestone = plan.milestones.find((candidate) => candidate.id === milestoneId)!;
  // A skipped assertion is not validated: the pull request lists it as not verified.
  const assertions = plan.assertions.filter((assertion) => assertion.milestoneId === milestoneId && mission.assertions[assertion.id]?.verdict !== "skipped");
  const scrutinyAssertions = assertions.filter((assertion) => validatorOf(assertion) === "scrutiny");
  const userAssertions = assertions.filter((assertion) => validatorOf(assertion) === "user-testing");
  // Before any work: a host without a sandbox or a browser pauses the mission for the operator, not half-way through.
  await context.runner.ready();
  if (userAssertions.length > 0 && appUnderTest(mission)) await checkBrowser(context.settings.chromiumPath);
  const remote = await remoteAccess(context, mission);
  // The checkout at the pushed head, for the diff only: every worker step has ended (one step of a mission runs at a time).
  // Its dependency folders stay for the next worker: validators install in their own snapshot.
  const { directory: checkout, head } = await context.workspace.prepare(mission.id, remote, mission.branch!, mission.repo.defaultBranch);
  // Validators work on a snapshot of the head commit with no `.git`: the code and nothing else a worker
  // wrote (no commit message, no handoff). Hidden from other missions' commands like the checkouts.
  const snapshots = join(checkout, "..", ".validation", basename(checkout));
  const directory = join(snapshots, "review");
  const name = `Mission scrutiny · ${milestone.title}`.slice(0, 100);
  const title = `Milestone ${milestone.id}: ${milestone.title}`;
  const rerun = mission.milestones[milestoneId]?.rerun === true;
  const checks = new ValidationChecks(context, mission, milestoneId);
  try {
    // What an earlier run of this step left open (cut by a crash) is closed, but for what this run takes up again.
    await checks.closeOrphans(head, rerun ? [] : [name, userTestingCheckName(milestone)]);
    const checkRunId = await checks.open("scrutiny", { name, headSha: head, title, summary: "Running the repository's commands…", reuse: !rerun });
    const validated = await validate(checkRunId);
    await checks.closeLeft();
    return validated;
  } catch (error) {
    // Whatever stopped the validation, no check run it opened stays "in progress". Stopped for people
    // (a pause, an abort): they stay saved as open until the engine has applied what people asked,
    // and are then cancelled saying what became of the mission and what makes it go on.
    // A turn another instance took over leaves them alone: its new owner takes them up again.
    if (!stoppedForPeople(error) && !(error instanceof ClaimLostError)) await checks.stopAll(error);
    throw error;
  } finally {
    await rm(snapshots, { recursive: true, force: true }).catch(() => {});
  }

  async function validate(checkRunId: number): Promise<Mission> {
    await context.workspace.snapshot(checkout, head, directory);
    // The repository's commands run in a copy of their own: what they write (an install, a build, a
    // test that rewrites sources) never reaches the snapshot scrutiny and the reviewers read, which
    // stays the head commit's code. The app under test starts from the commands' copy, built.
    const built = join(snapshots, "commands");
    await copyTree(directory, built);
    const configured = mission.settings.commands;
    const chosen = Object.values(configured).some(Boolean) ? configured : detectCommands(directory);
    const commands: CommandResult[] = [];
    for (const key of COMMAND_ORDER) {
      const command = chosen[key];
      if (!command) continue;
      const result = await context.runner.run(command, { cwd: built, timeoutMs: limitsFor(context, mission).commandTimeoutSeconds * 1000, env: safeEnvironment(context.settings.toolPath), signal: context.signal });
      commands.push(result);
      context.log.info({ command: key, exitCode: result.exitCode, ms: result.durationMs }, "validation command finished");
      const coverage = key === "test" ? parseCoverage(result.output) : undefined;
      if (coverage) await context.store.appendEvent({ missionId: mission.id, kind: "coverage-report", at: context.now().toISOString(), data: { milestone: milestoneId, headSha: head, ...coverage } });
      if (key === "install" && result.exitCode !== 0) break;
    }
    // A feature continued from checkpoints started before its first checkpoint, not at its commit's parent.
    const workStart = (featureId: string) => {
      const state = mission.features[featureId]!;
      return state.from ?? `${state.commitSha}~1`;
    };
    const firstFeature = featuresOf(mission, milestoneId).find((feature) => mission.features[feature.id]?.commitSha);
    const base = firstFeature ? workStart(firstFeature.id) : `origin/${mission.repo.defaultBranch}`;
    // Computed here and given as text: a diff carries no commit message.
    const diff = await context.workspace.diff(checkout, base, head).catch(() => "");
    // One review per feature not reviewed yet, all at once, alongside the scrutiny agent: read-only work runs in parallel.
    const features = featuresOf(mission, milestoneId);
    const toReview = features.filter((feature) => mission.features[feature.id]?.commitSha && !mission.features[feature.id]?.reviewed);
    // Reviews that ended in an earlier run of this step, which did not end: reported now, not paid again.
    const keptReviews = features.filter((feature) => mission.features[feature.id]?.reviewed && mission.features[feature.id]?.findings);
    // When the budget refuses one validator, the others stop at their next model call: the call each
    // has under way (already held against the budget) ends and is recorded, and no new one starts.
    const stop = new AbortController();
    const stopOnBudget = <T>(work: Promise<T>): Promise<Settled<T>> =>
      work.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => {
          // A lost claim stops them too: the turn is another instance's, and nothing more of it is saved.
          if ((error instanceof BudgetExceededError || error instanceof ClaimLostError) && !stop.signal.aborted) stop.abort(error);
          return { ok: false as const, error };
        },
      );
    const stopBeforeNextCall = stop.signal;
    // A person's pause or abort stops them the same way, at their next model call.
    const people = stopWhenPeopleAsk(context.store, mission.id, stop);
    // Asked before any validator starts: the commands may have run a while.
    const waiting = stoppingIntent(await context.store.pendingIntents(mission.id));
    if (waiting) throw new StoppedForPeopleError(waiting);
    // What an interrupted run of this step finished on this same head: reused, not paid for again.
    const earlier = keptFor(mission, milestoneId, head);
    const keptScrutiny = covering(earlier?.scrutiny, scrutinyAssertions);
    const keptUserTesting = earlier?.userTesting && covering(earlier.userTesting.verdicts, userAssertions) ? earlier.userTesting : undefined;
    // Every validator's first message starts with the mission's context; the reviewers share it as one
    // prefix, written once by the first of them before the others start.
    const shared = await missionContext(mission, directory);
    const warm = warmFirst();
    const [scrutinyOutcome, userOutcome, reviewOutcomes] = await Promise.all([
      stopOnBudget(
        scrutinyAssertions.length === 0
          ? Promise.resolve([] as Verdict[])
          : keptScrutiny
            ? Promise.resolve(keptScrutiny)
            : checks.track("scrutiny", { checkRunId }, () =>
                withMcpTools(context, mission, "scrutiny", directory, (mcpTools) => scrutinize({
                  model: people(modelFor(context, mission, "scrutiny", undefined, { stopBeforeNextCall })),
                  missionId: mission.id,
                  milestone,
                  assertions: scrutinyAssertions,
                  commands,
                  diff,
                  directory,
                  context: shared,
                  signal: context.signal,
                  extraTools: mcpTools,
                  onToolCall: recordToolCalls(context, mission, { role: "scrutiny", milestone: milestone.id }),
                })),
              ),
      ),
      stopOnBudget(
        userAssertions.length === 0
          ? Promise.resolve(undefined)
          : keptUserTesting
            ? Promise.resolve(keptUserTesting)
            : userTest(context, checks, mission, milestone, userAssertions, { review: directory, built, app: join(snapshots, "app"), evidence: join(checkout, "..", ".evidence") }, head, rerun, { stopBeforeNextCall, people, watch: () => watchForPeople(context.store, mission.id, stop) }, shared),
      ),
      // Every validator has ended before the step goes on or fails: none goes on running (and paying) in
      // the background, and the snapshot they read is removed only when nobody reads it any more.
      Promise.all(
        toReview.map((feature, index) =>
          stopOnBudget(
            checks.track("reviewer", { feature: feature.id }, async () => {
              const sha = mission.features[feature.id]!.commitSha!;
              const diff = await context.workspace.diff(checkout, workStart(feature.id), sha).catch(() => "");
              return withMcpTools(context, mission, "reviewer", directory, (mcpTools) => reviewFeature({
                // The first feature's reviewer leads: the order does not hang on which reached its call first.
                model: warm(people(modelFor(context, mission, "reviewer", feature.id, { stopBeforeNextCall })), index === 0),
                missionId: mission.id,
                // A `Finish:` follow-up's own description quotes the previous worker: the planned one instead.
                feature: plannedFeature(mission, feature),
                assertions: plan.assertions.filter((assertion) => feature.assertionIds.includes(assertion.id)),
                diff,
                directory,
                context: shared,
                signal: context.signal,
                extraTools: mcpTools,
                onToolCall: recordToolCalls(context, mission, { role: "reviewer", feature: feature.id }),
              }));
              // A leader that ended without a call (its diff or its tools failed) lets the others go.
            }).finally(() => index === 0 && warm.release()),
          ),
        ),
      ),
    ]);
    const outcomes = [scrutinyOutcome, userOutcome, ...reviewOutcomes];
    const lost = outcomes.find((outcome) => !outcome.ok && outcome.error instanceof ClaimLostError);
    if (lost && !lost.ok) throw lost.error;
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed && !failed.ok) {
      // What ended is kept with the mission, whatever stopped the rest.
      const reviews = toReview.flatMap((feature, index) => {
        const outcome = reviewOutcomes[index]!;
        return outcome.ok ? [{ featureId: feature.id, findings: outcome.value }] : [];
      });
      const scrutiny = scrutinyOutcome.ok && scrutinyAssertions.length > 0 ? scrutinyOutcome.value : undefined;
      const userTesting = userOutcome.ok ? userOutcome.value : undefined;
      const ended = [...reviews.map((review) => `the code review of ${review.featureId}`), ...(scrutiny ? ["scrutiny's verdicts"] : []), ...(userTesting ? ["user testing's verdicts"] : [])];
      if (ended.length === 0) throw failed.error;
      throw new StepProgressError(
        failed.error,
        keepFinishedValidation(mission, { milestoneId, headSha: head, reviews, scrutiny, userTesting }),
        `Kept from the validation of milestone ${milestoneId}, as they ended before it stopped: ${ended.join(", ")}. They are not paid for again${reviews.length > 0 ? ", and the reviews' findings are reported when the validation ends" : ""}.`,
      );
    }
    // Every validator ended well.
    const verdicts = valueOf(scrutinyOutcome);
    const userTesting = valueOf(userOutcome);
    const reviews = reviewOutcomes.map(valueOf);
    const findings = [...keptFindings(mission, keptReviews.map((feature) => feature.id)), ...reviews.flat()];
    const failures = scrutinyFailures(commands, findings);
    const passed = failures.length === 0 && verdicts.every((verdict) => verdict.verdict === "pass");
    // With no command to run, a pass rests on reading the code alone: say so with a neutral check.
    const conclusion = !passed ? "failure" : commands.length === 0 ? "neutral" : "success";
    await checks.complete(checkRunId, {
      name,
      headSha: head,
      conclusion,
      title: `${title} — ${passed ? "passed" : "failed"}`,
      summary: renderCheckSummary(commands, verdicts, scrutinyAssertions.map((a) => ({ id: a.id, statement: a.statement })), failures, findings),
      annotations: toAnnotations(findings, new Set([...toReview, ...keptReviews].flatMap((feature) => mission.features[feature.id]?.files ?? []))),
    });
    const recorded = recordValidation(
      mission,
      {
        milestoneId,
        headSha: head,
        checkRunId,
        userTestingCheckRunId: userTesting?.checkRunId,
        verdicts: [...verdicts, ...(userTesting?.verdicts ?? []).map((verdict) => ({ ...verdict, checkRunId: userTesting!.checkRunId }))],
        failures: [...failures, ...(userTesting?.failures ?? [])],
      },
      context.now().toISOString(),
    );
    // Reported: a kept review's findings are not reported again by a later validation.
    const reviewed = Object.fromEntries([...toReview, ...keptReviews].map((feature) => [feature.id, { ...recorded.features[feature.id]!, reviewed: true, findings: undefined }]));
    const milestones = { ...recorded.milestones, [milestoneId]: { ...recorded.milestones[milestoneId]!, rerun: undefined, kept: undefined } };
    // The check runs were completed before the mission's outcome was known: their buttons follow it now.
    await checks.offerActions(recorded);
    return { ...recorded, milestones, features: { ...recorded.features, ...reviewed } };
  }
}

interface UserTestingOutcome {
  checkRunId: number;
  verdicts: Verdict[];
  failures: string[];
}

function userTestingCheckName(milestone: Milestone): string {
  return `Mission user testing · ${milestone.title}`.slice(0, 100);
}

/**
 * The user-testing validator: the app started from the repository's `app:` settings in a sandbox of
 * its own with a headless browser on it, a QA agent driving both, and the check run
 * `Mission user testing · <milestone>`. The app is always stopped afterwards.
 */
async function userTest(
  context: StepContext,
  checks: ValidationChecks,
  mission: Mission,
  milestone: Milestone,
  assertions: Assertion[],
  places: { review: string; built: string; app: string; evidence: string },
  head: string,
  rerun: boolean,
  stopping: { stopBeforeNextCall: AbortSignal; people: (model: LanguageModel) => LanguageModel; watch: () => () => void },
  shared?: string,
): Promise<UserTestingOutcome> {
  const name = userTestingCheckName(milestone);
  const title = `Milestone ${milestone.id}: ${milestone.title}`;
  const checkRunId = await checks.open("user-testing", { name, headSha: head, title, summary: "Starting the app and a browser…", reuse: !rerun });
  return checks.track("user-testing", { checkRunId }, () => testTheApp(checkRunId));

  async function testTheApp(checkRunId: number): Promise<UserTestingOutcome> {
    const settings = appUnderTest(mission);
    // The app and the QA agent's shell write where they run: a copy of their own (with what the commands
    // built), never the snapshot the other validators read.
    const directory = places.app;
    await copyTree(places.built, directory);
    const confinement = context.runner instanceof SandboxedRunner ? await context.runner.confinement([directory]) : undefined;
    // A browser and the app under test are heavy: at most MISSIONS_BROWSERS_AT_ONCE sessions run on this instance; more wait.
    let releaseBrowser: (() => void) | undefined;
    if (settings && context.browsers) {
      if (context.browsers.available) releaseBrowser = await context.browsers.take(context.signal);
      else {
        context.log.info({ waiting: context.browsers.waiting + 1 }, "user testing waits for a free browser (MISSIONS_BROWSERS_AT_ONCE)");
        // No model is called while it waits, so nothing else would notice a person's pause or abort: the
        // store is watched, and the wait ends as the other validators do, before their next call.
        const unwatch = stopping.watch();
        try {
          releaseBrowser = await context.browsers.take(AbortSignal.any([context.signal, stopping.stopBeforeNextCall]));
        } finally {
          unwatch();
        }
      }
    }
    try {
      return await testWithBrowser(checkRunId, settings, directory, confinement);
    } finally {
      releaseBrowser?.();
    }
  }

  async function testWithBrowser(
    checkRunId: number,
    settings: typeof mission.settings.app,
    directory: string,
    confinement: Awaited<ReturnType<SandboxedRunner["confinement"]>> | undefined,
  ): Promise<UserTestingOutcome> {
    let app: AppUnderTest | undefined;
    let appProblem: string | undefined;
    const folder = evidenceFolder(milestone.id, head);
    const evidenceDir = join(places.evidence, mission.id, folder);
    if (settings) {
      // A session on a commit tested before starts its folder again: its check run and the dashboard
      // show what this session took, never an earlier one's leftovers.
      await rm(evidenceDir, { recursive: true, force: true });
      await context.store.deleteEvidence(mission.id, folder);
      try {
        app = await AppUnderTest.start({
          cwd: directory,
          app: settings,
          // The same confinement as every command: hidden secrets and socket directories, Unix sockets allowed.
          sandbox: confinement ? { hidden: confinement.hidden, readable: confinement.readable, denyWrite: confinement.denyWrite } : undefined,
          scratchRoot: context.runner.scratchRoot,
          evidenceDir,
          toolPath: context.settings.toolPath,
          chromiumPath: context.settings.chromiumPath,
        });
        context.log.info({ url: app.url }, "app under test started");
      } catch (error) {
        if (!(error instanceof AppStartError)) throw error;
        appProblem = error.message;
        context.log.warn({ problem: appProblem.split("\n")[0] }, "the app under test did not start");
      }
    }
    let verdicts: Verdict[];
    try {
      verdicts = appProblem
        ? // Nothing to use: every assertion fails for the same, stated reason, and no model is paid to find that out.
          assertions.map((assertion) => ({ assertionId: assertion.id, verdict: "fail" as const, evidence: `Not tested: ${appProblem!.split("\n")[0]}` }))
        : await withMcpTools(context, mission, "user-testing", directory, (mcpTools) => testAsUser({
            model: stopping.people(modelFor(context, mission, "user-testing", undefined, { stopBeforeNextCall: stopping.stopBeforeNextCall })),
            missionId: mission.id,
            milestone,
            assertions,
            features: featuresOf(mission, milestone.id).map((feature) => ({ id: feature.id, title: feature.title })),
            directory,
            context: shared,
            app,
            shell: { runner: context.runner, env: safeEnvironment(context.settings.toolPath), maxTimeoutMs: limitsFor(context, mission).commandTimeoutSeconds * 1000 },
            signal: context.signal,
            extraTools: mcpTools,
            onToolCall: recordToolCalls(context, mission, { role: "user-testing", milestone: milestone.id }),
          }));
    } finally {
      await app?.stop();
    }
    if (app) await keepScreenshots(context, mission.id, folder, evidenceDir);
    // The app's output goes to the repair once, not once per assertion.
    const failures = appProblem ? [`the app did not start for user testing: ${appProblem.slice(0, 4_000)}`] : [];
    const passed = failures.length === 0 && verdicts.every((verdict) => verdict.verdict === "pass");
    await checks.complete(checkRunId, {
      name,
      headSha: head,
      conclusion: passed ? "success" : "failure",
      title: `${title} — ${passed ? "passed" : "failed"}`,
      summary: renderUserTestingSummary(settings, appProblem, verdicts, assertions, await screenshotsOnDashboard(context, mission, folder, verdicts)),
    });
    return { checkRunId, verdicts, failures };
  }
}

/** The largest screenshot kept in the store. */
const MAX_SCREENSHOT_BYTES = 16 * 1024 * 1024;

/**
 * The session's screenshots, into the store: any instance's dashboard serves them, whichever host took
 * them (checkouts and their folders are one host's caches). A failure to keep them is logged: the verdicts stand.
 */
async function keepScreenshots(context: StepContext, missionId: string, folder: string, directory: string): Promise<void> {
  const names = (await readdir(directory).catch(() => [] as string[])).filter((name) => SCREENSHOT_NAME.test(name));
  for (const name of names) {
    const image = await readScreenshot(join(directory, name));
    if (!image || image.length > MAX_SCREENSHOT_BYTES) continue;
    const kept = await context.store.putEvidence(missionId, folder, name, image).catch((error: unknown) => {
      context.log.warn({ err: error, screenshot: name }, "could not keep a screenshot in the store");
      return true;
    });
    if (!kept) context.log.warn({ screenshot: name }, "a screenshot was not kept: the mission has as many screenshots in the store as it keeps");
  }
}

/**
 * Where the check run's reader sees the session's screenshots: the dashboard's addresses of those each
 * verdict cites (else all the session took), when the operator gave the dashboard an address. Only
 * what the store holds for the run: what the dashboard serves, from any instance.
 */
async function screenshotsOnDashboard(context: StepContext, mission: Mission, folder: string, verdicts: Verdict[]): Promise<DashboardScreenshots | undefined> {
  const pageUrl = dashboardUrl(context, mission);
  if (!pageUrl) return undefined;
  const files = (await context.store.listEvidence(mission.id, folder).catch(() => [] as string[])).filter((name) => SCREENSHOT_NAME.test(name));
  if (files.length === 0) return undefined;
  const byAssertion = Object.fromEntries(
    verdicts.map((verdict) => [verdict.assertionId, screenshotsOfVerdict(files, verdict.evidence).map((name) => ({ name, url: `${pageUrl}/evidence/${folder}/${name}` }))]),
  );
  return { pageUrl, byAssertion };
}

/** A copy of a tree: links as links (relative ones still point inside the copy), sockets and pipes left out. */
async function copyTree(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: async (source) => {
      const stat = await lstat(source);
      return stat.isFile() || stat.isDirectory() || stat.isSymbolicLink();
    },
  });
}

const LEVEL = { blocker: "failure", major: "failure", minor: "warning", nit: "notice" } as const;

/** Findings as line annotations — only on files the reviewed commits changed, which GitHub can place. */
export function toAnnotations(findings: Finding[], changed: Set<string>): Annotation[] {
  return findings
    .filter((finding) => changed.has(finding.path))
    .map((finding) => ({
      path: finding.path,
      startLine: finding.line,
      endLine: finding.line,
      level: LEVEL[finding.severity],
      title: `${finding.severity} · review of ${finding.featureId}`,
      // A reviewer's words: the GitHub port defuses their mentions, as in every text it posts.
      message: finding.message,
    }));
}

/** Kept verdicts that still judge exactly these assertions (none was skipped or added since): only those. */
function covering(verdicts: Verdict[] | undefined, assertions: Assertion[]): Verdict[] | undefined {
  if (!verdicts) return undefined;
  const ids = new Set(assertions.map((assertion) => assertion.id));
  const relevant = verdicts.filter((verdict) => ids.has(verdict.assertionId));
  return new Set(relevant.map((verdict) => verdict.assertionId)).size === ids.size ? relevant : undefined;
}

/** A validator's outcome, once it has ended. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function valueOf<T>(outcome: Settled<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
