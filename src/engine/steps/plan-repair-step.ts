import { applyRepair, approvedPlan, featuresOf, type Mission } from "../../mission/index.ts";
import { planRepair } from "../../roles/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { remoteAccess } from "./remote-access.ts";

/** What failed goes to the repair planner (its own role, prompt and ledger line), which plans targeted follow-up features on the branch as it is. */
export async function planRepairStep(context: StepContext, mission: Mission, milestoneId: string): Promise<Mission> {
  const plan = approvedPlan(mission)!;
  const milestone = plan.milestones.find((candidate) => candidate.id === milestoneId)!;
  const state = mission.milestones[milestoneId]!;
  const { directory } = await context.workspace.prepare(mission.id, await remoteAccess(context, mission), mission.branch!, mission.repo.defaultBranch);
  const features = await planRepair({
    model: modelFor(context, mission, "repair-planner"),
    missionId: mission.id,
    milestone,
    assertions: plan.assertions.filter((assertion) => assertion.milestoneId === milestoneId),
    failedAssertions: state.repair!.failedAssertions,
    problems: state.repair!.problems,
    earlier: featuresOf(mission, milestoneId),
    round: state.round,
    directory,
    signal: context.signal,
  });
  return applyRepair(mission, milestoneId, features);
}
