import { createHash } from "node:crypto";
import type { Mission } from "./mission.ts";

/** The owner every local mission's repository has (`missions run`): there is no account behind it. */
export const LOCAL_OWNER = "local";

/**
 * A local mission's stand-in for an installation id: negative (no GitHub installation is), derived from
 * the repository's absolute path, so two repositories with the same folder name sharing one database
 * (PostgreSQL) each see only their own missions. Missions of earlier releases have 0.
 */
export function localRepositoryId(repositoryPath: string): number {
  return -(1 + (createHash("sha256").update(repositoryPath).digest().readUInt32BE(0) % 0x7ffffffe));
}

/**
 * A mission the local CLI drives (`missions run` on a shared PostgreSQL database): the app leaves it
 * alone. Real repositories always have an installation (a positive id); local ones have none.
 */
export function isLocalMission(mission: Pick<Mission, "repo">): boolean {
  return mission.repo.owner === LOCAL_OWNER && mission.repo.installationId <= 0;
}

/** A local mission of the repository at `repositoryPath` (by its path; an earlier release's by its folder name). */
export function isLocalMissionOf(mission: Pick<Mission, "repo">, repositoryPath: string, folderName: string): boolean {
  if (!isLocalMission(mission)) return false;
  return mission.repo.installationId === localRepositoryId(repositoryPath) || (mission.repo.installationId === 0 && mission.repo.name === folderName);
}
