import type { FakeState } from "../fake-state.ts";
import { commitInfo, readPath, resolveCommit, type PathEntry } from "../git-reads.ts";
import { repoJson, userJson } from "../github-json.ts";
import { HttpError, notFound } from "../http-error.ts";
import type { Permission, RepoRecord } from "../records.ts";
import type { RouteContext, Router } from "../router.ts";
import { nodeId } from "../node-id.ts";

// The REST `permission` field still speaks the legacy roles; the fine role is in `role_name`.
const LEGACY_PERMISSION: Record<Permission, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

// Repository metadata, permissions, and what git holds: file contents, refs and branches.
export function addRepoRoutes(router: Router): void {
  router.add("GET", "/repos/:owner/:repo", "installation", ({ world, repo }) => ({
    status: 200,
    body: repoJson(world.state, repo),
  }));

  router.add("GET", "/repos/:owner/:repo/collaborators/:login/permission", "installation", ({ world, repo, params }) => {
    const user = world.state.user(params.login ?? "");
    const role = world.state.permission(repo, user.login);
    return {
      status: 200,
      body: {
        permission: LEGACY_PERMISSION[role],
        role_name: role,
        user: { ...userJson(world.state, user), permissions: permissionFlags(role), role_name: role },
      },
    };
  });

  router.add("GET", "/repos/:owner/:repo/contents", "installation", (ctx) => contents(ctx, ""));
  router.add("GET", "/repos/:owner/:repo/contents/*path", "installation", (ctx) => contents(ctx, ctx.params.path ?? ""));

  router.add("GET", "/repos/:owner/:repo/git/ref/*ref", "installation", async ({ world, repo, params }) => {
    const ref = `refs/${params.ref ?? ""}`;
    const sha = await resolveCommit(repo.gitDir, ref);
    if (!sha) throw notFound();
    const url = `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/git/${ref}`;
    return {
      status: 200,
      body: {
        ref,
        node_id: nodeId("REF", ref),
        url,
        object: { sha, type: "commit", url: `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}/git/commits/${sha}` },
      },
    };
  });

  router.add("GET", "/repos/:owner/:repo/branches/*branch", "installation", async ({ world, repo, params }) => {
    const branch = params.branch ?? "";
    const sha = await resolveCommit(repo.gitDir, `refs/heads/${branch}`);
    if (!sha) throw new HttpError(404, "Branch not found");
    const info = await commitInfo(repo.gitDir, sha);
    const api = `${world.state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
    return {
      status: 200,
      body: {
        name: branch,
        commit: {
          sha,
          node_id: nodeId("C", sha),
          url: `${api}/commits/${sha}`,
          commit: {
            message: info.message,
            tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
            author: { name: info.authorName, email: info.authorEmail, date: info.authorDate },
            committer: { name: info.committerName, email: info.committerEmail, date: info.committerDate },
          },
          parents: info.parents.map((parent) => ({ sha: parent, url: `${api}/commits/${parent}` })),
        },
        protected: false,
        _links: { self: `${api}/branches/${branch}`, html: `${world.state.baseUrl}/${repo.owner.login}/${repo.name}/tree/${branch}` },
      },
    };
  });
}

async function contents(ctx: RouteContext, path: string) {
  const { repo, world } = ctx;
  const ref = ctx.query.get("ref") || repo.defaultBranch;
  const commit = await resolveCommit(repo.gitDir, ref);
  if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const entry = await readPath(repo.gitDir, commit, path);
  if (!entry) throw notFound();
  const accept = String(ctx.headers.accept ?? "");
  if (entry.type === "file" && accept.includes("application/vnd.github.raw")) {
    return { status: 200, raw: entry.content, headers: { "content-type": "application/vnd.github.raw" } };
  }
  return { status: 200, body: contentJson(world.state, repo, ref, entry) };
}

function contentJson(state: FakeState, repo: RepoRecord, ref: string, entry: PathEntry): unknown {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const describe = (type: string, path: string, sha: string, size: number) => ({
    type,
    name: path.split("/").at(-1) ?? path,
    path,
    sha,
    size,
    url: `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`,
    git_url: `${api}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`,
    html_url: `${state.baseUrl}/${repo.owner.login}/${repo.name}/${type === "dir" ? "tree" : "blob"}/${ref}/${path}`,
    download_url: type === "file" ? `${state.baseUrl}/${repo.owner.login}/${repo.name}/raw/${ref}/${path}` : null,
  });
  if (entry.type === "dir") {
    return entry.entries.map((e) => describe(e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : "file", e.path, e.sha, e.size));
  }
  // GitHub wraps the base64 at 60 columns; decoders must cope with the newlines.
  const content = (entry.content.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n";
  return { ...describe("file", entry.path, entry.sha, entry.size), encoding: "base64", content };
}

function permissionFlags(role: Permission): Record<string, boolean> {
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}
