import type { JsonObject } from "../body-fields.ts";
import { requiredString } from "../body-fields.ts";
import { resolveCommit } from "../git-reads.ts";
import { checkRunJson } from "../github-json.ts";
import { HttpError, notFound } from "../http-error.ts";
import { paginate } from "../paginate.ts";
import type { CheckRunRecord, RepoRecord } from "../records.ts";
import type { Router } from "../router.ts";
import { timestamp } from "../timestamp.ts";
import { parseCheckRun, type CheckRunInput } from "../validate-check-run.ts";

// Check runs on commits. Updates replace output fields but append annotations, which is how the
// app can post more than 50 annotations in batches.
export function addCheckRunRoutes(router: Router): void {
  router.add("POST", "/repos/:owner/:repo/check-runs", "installation", async ({ world, repo, body }) => {
    const name = requiredString(body, "name");
    const headSha = requiredString(body, "head_sha");
    const input = parseCheckRun(body, "create");
    if (!/^[0-9a-f]{40}$/.test(headSha) || !(await resolveCommit(repo.gitDir, headSha))) {
      throw new HttpError(422, `No commit found for SHA: ${headSha}`);
    }
    const run: CheckRunRecord = {
      id: world.state.nextId(),
      checkSuiteId: world.state.nextId(),
      name,
      headSha,
      status: "queued",
      conclusion: null,
      title: null,
      summary: null,
      text: null,
      annotations: [],
      actions: [],
      detailsUrl: null,
      externalId: null,
      startedAt: timestamp(),
      completedAt: null,
      updates: 0,
    };
    apply(run, input);
    repo.checkRuns.set(run.id, run);
    return { status: 201, body: checkRunJson(world.state, repo, run) };
  });

  router.add("PATCH", "/repos/:owner/:repo/check-runs/:id", "installation", ({ world, repo, params, body }) => {
    const run = checkRun(repo, params.id);
    const input = parseCheckRun(body as JsonObject, "update");
    apply(run, input);
    run.updates += 1;
    return { status: 200, body: checkRunJson(world.state, repo, run) };
  });

  router.add("GET", "/repos/:owner/:repo/check-runs/:id", "installation", ({ world, repo, params }) => ({
    status: 200,
    body: checkRunJson(world.state, repo, checkRun(repo, params.id)),
  }));

  router.add("GET", "/repos/:owner/:repo/check-runs/:id/annotations", "installation", ({ world, repo, params, query }) => {
    const run = checkRun(repo, params.id);
    const page = paginate(run.annotations, query, `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/check-runs/${run.id}/annotations`);
    return { status: 200, body: page.items, headers: page.headers };
  });

  router.add("GET", "/repos/:owner/:repo/commits/*ref/check-runs", "installation", async ({ world, repo, params, query }) => {
    const ref = params.ref ?? "";
    const sha = await resolveCommit(repo.gitDir, ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    const name = query.get("check_name");
    const status = query.get("status");
    let runs = [...repo.checkRuns.values()]
      .filter((run) => run.headSha === sha && (!name || run.name === name) && (!status || run.status === status))
      .sort((a, b) => b.id - a.id);
    // GitHub's default `filter=latest` keeps only the most recent run of each name.
    if (query.get("filter") !== "all") runs = runs.filter((run, i) => runs.findIndex((r) => r.name === run.name) === i);
    const page = paginate(runs, query, `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/commits/${encodeURIComponent(ref)}/check-runs`);
    return {
      status: 200,
      body: { total_count: runs.length, check_runs: page.items.map((run) => checkRunJson(world.state, repo, run)) },
      headers: page.headers,
    };
  });
}

function checkRun(repo: RepoRecord, raw: string | undefined): CheckRunRecord {
  const run = /^\d+$/.test(raw ?? "") ? repo.checkRuns.get(Number(raw)) : undefined;
  if (!run) throw notFound();
  return run;
}

function apply(run: CheckRunRecord, input: CheckRunInput): void {
  if (input.name !== undefined) run.name = input.name;
  if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
  if (input.externalId !== undefined) run.externalId = input.externalId;
  if (input.startedAt !== undefined) run.startedAt = input.startedAt;
  // A conclusion alone implies completion, as GitHub documents.
  if (input.conclusion !== undefined) {
    run.conclusion = input.conclusion;
    run.status = "completed";
  } else if (input.status !== undefined) {
    run.status = input.status;
    if (input.status !== "completed") run.conclusion = null;
  }
  if (run.status === "completed") run.completedAt = input.completedAt ?? run.completedAt ?? timestamp();
  else run.completedAt = null;
  if (input.output) {
    if (input.output.title !== undefined) run.title = input.output.title;
    if (input.output.summary !== undefined) run.summary = input.output.summary;
    if (input.output.text !== undefined) run.text = input.output.text;
    run.annotations.push(...input.output.annotations);
  }
  if (input.actions) run.actions = input.actions;
}
