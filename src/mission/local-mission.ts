import type { Mission } from "./mission.ts";

/** The owner every local mission's repository has (`missions run`): there is no account behind it. */
export const LOCAL_OWNER = "local";

/**
 * A mission the local CLI drives (`missions run` on a shared PostgreSQL database): the app leaves it
 * alone. Real repositories always have an installation; local ones have none (0).
 */
export function isLocalMission(mission: Pick<Mission, "repo">): boolean {
  return mission.repo.owner === LOCAL_OWNER && mission.repo.installationId === 0;
}
