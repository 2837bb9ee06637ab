import type { RepoRef } from "../../github/index.ts";
import type { Mission } from "../../mission/index.ts";
import type { RemoteAccess } from "../../workspace/index.ts";
import type { StepContext } from "../engine-deps.ts";

export function repoRef(mission: Mission): RepoRef {
  return { owner: mission.repo.owner, name: mission.repo.name, installationId: mission.repo.installationId };
}

/** A fresh installation token and the clone URL; the token lives only in memory and git's environment. */
export async function remoteAccess(context: StepContext, mission: Mission, options: { freshToken?: boolean } = {}): Promise<RemoteAccess> {
  const repo = repoRef(mission);
  const [token, info] = await Promise.all([context.github.installationToken(repo, { fresh: options.freshToken }), context.github.repository(repo)]);
  return { url: info.cloneUrl, token };
}
