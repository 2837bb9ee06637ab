import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "./run-git.ts";

export interface BareRepoInput {
  gitDir: string;
  defaultBranch: string;
  files: Record<string, string>;
}

const AUTHOR = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

// GitHub refuses a push by an app without the `workflows` permission when its new commits create,
// change or delete a file under .github/workflows, with these words (as `remote: error: …` and
// `! [remote rejected]`). The fake's git serving says whether the pushing installation has it.
const WORKFLOWS_HOOK = [
  "#!/bin/sh",
  '[ "$FAKE_GITHUB_REFUSE_WORKFLOWS" = "1" ] || exit 0',
  "zero=0000000000000000000000000000000000000000",
  "while read -r old new ref; do",
  '  [ "$new" = "$zero" ] && continue',
  '  if [ "$old" = "$zero" ]; then range="$new --not --all"; else range="$old..$new"; fi',
  "  file=$(git log --format= --name-only $range -- .github/workflows | sed -n '/./{p;q;}')",
  '  if [ -n "$file" ]; then',
  '    echo "error: refusing to allow a GitHub App to create or update workflow \\`$file\\` without \\`workflows\\` permission" >&2',
  "    exit 1",
  "  fi",
  "done",
  "exit 0",
  "",
].join("\n");

// GitHub refuses a push of new commits to a branch whose protection requires signed commits when a
// commit is not verified; git pushes by an app are never signed, so every such push is refused. The
// fake's git serving passes the protected branch globs (space-separated).
const SIGNED_COMMITS_HOOK = [
  "#!/bin/sh",
  '[ -n "$FAKE_GITHUB_SIGNED_BRANCHES" ] || exit 0',
  "set -f",
  "zero=0000000000000000000000000000000000000000",
  "while read -r old new ref; do",
  '  [ "$new" = "$zero" ] && continue',
  '  case "$ref" in refs/heads/*) ;; *) continue ;; esac',
  '  branch=${ref#refs/heads/}',
  "  for pattern in $FAKE_GITHUB_SIGNED_BRANCHES; do",
  '    case "$branch" in',
  "      $pattern)",
  '        if [ "$old" = "$zero" ]; then range="$new --not --all"; else range="$old..$new"; fi',
  '        if [ -n "$(git rev-list $range)" ]; then',
  '          echo "error: GH006: Protected branch update failed for $ref." >&2',
  '          echo "error: Commits must have verified signatures." >&2',
  "          exit 1",
  "        fi ;;",
  "    esac",
  "  done",
  "done",
  "exit 0",
  "",
].join("\n");

// Both checks read the same pushed refs: the hook runs each on a copy of its input.
const PRE_RECEIVE = [
  "#!/bin/sh",
  'input=$(cat)',
  'dir=$(dirname "$0")',
  'printf "%s\\n" "$input" | "$dir/check-workflows" || exit 1',
  'printf "%s\\n" "$input" | "$dir/check-signed-commits" || exit 1',
  "exit 0",
  "",
].join("\n");

// Builds the initial commit with plumbing only (objects, a private index, commit-tree), so no
// work tree is ever created and nothing depends on the caller's git identity.
export async function createBareRepo(input: BareRepoInput): Promise<string> {
  const { gitDir, defaultBranch } = input;
  await mkdir(gitDir, { recursive: true });
  await runGit(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`], { gitDir });
  // http-backend refuses pushes from anonymous users unless the repository opts in.
  await runGit(["config", "http.receivepack", "true"], { gitDir });
  await writeFile(join(gitDir, "hooks", "check-workflows"), WORKFLOWS_HOOK, { mode: 0o755 });
  await writeFile(join(gitDir, "hooks", "check-signed-commits"), SIGNED_COMMITS_HOOK, { mode: 0o755 });
  await writeFile(join(gitDir, "hooks", "pre-receive"), PRE_RECEIVE, { mode: 0o755 });
  const indexFile = join(gitDir, "fake-initial-index");
  const env = { ...AUTHOR, GIT_INDEX_FILE: indexFile };
  for (const [path, content] of Object.entries(input.files)) {
    const blob = (await runGit(["hash-object", "-w", "--stdin"], { gitDir, input: content })).stdout.toString().trim();
    await runGit(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], { gitDir, env });
  }
  const tree = (await runGit(["write-tree"], { gitDir, env })).stdout.toString().trim();
  const commit = (await runGit(["commit-tree", tree, "-m", "Initial commit"], { gitDir, env })).stdout.toString().trim();
  await runGit(["update-ref", `refs/heads/${defaultBranch}`, commit], { gitDir });
  await rm(indexFile, { force: true });
  return commit;
}
