import type { Mission, Step } from "../mission/index.ts";
import type { StepContext } from "./engine-deps.ts";
import { chooseBranchStep } from "./steps/choose-branch-step.ts";
import { finishStep } from "./steps/finish-step.ts";
import { implementStep } from "./steps/implement-step.ts";
import { planRepairStep } from "./steps/plan-repair-step.ts";
import { planStep } from "./steps/plan-step.ts";
import { postContract, postNotice, postQuestions } from "./steps/post-steps.ts";
import { curateBulletinStep, reviewMilestoneStep } from "./steps/review-milestone-step.ts";
import { validateStep } from "./steps/validate-step.ts";

/** A step the engine runs (waiting is not run: the drive stops there). */
export type WorkStep = Exclude<Step, { kind: "wait" }>;

export type StepHandler<K extends WorkStep["kind"]> = (context: StepContext, mission: Mission, step: Extract<WorkStep, { kind: K }>) => Promise<Mission>;

/** One handler per step kind: a kind `nextStep` can return without a handler here does not compile. */
export type StepTable = { readonly [K in WorkStep["kind"]]: StepHandler<K> };

/** The table of every step; posting the control comment belongs to the engine, which keeps its throttle. */
export function stepTable(postControl: StepHandler<"post-control">): StepTable {
  return {
    "post-control": postControl,
    "post-notice": (context, mission, step) => postNotice(context, mission, step.key),
    plan: (context, mission) => planStep(context, mission),
    "post-questions": (context, mission) => postQuestions(context, mission),
    "post-contract": (context, mission, step) => postContract(context, mission, step.version),
    "choose-branch": (context, mission) => chooseBranchStep(context, mission),
    "plan-repair": (context, mission, step) => planRepairStep(context, mission, step.milestoneId),
    implement: (context, mission, step) => implementStep(context, mission, step.featureId),
    validate: (context, mission, step) => validateStep(context, mission, step.milestoneId),
    "review-milestone": (context, mission, step) => reviewMilestoneStep(context, mission, step.milestoneId),
    "curate-bulletin": (context, mission) => curateBulletinStep(context, mission),
    finish: (context, mission) => finishStep(context, mission),
  };
}

/** Runs a step with its kind's handler. */
export function runStep(table: StepTable, context: StepContext, mission: Mission, step: WorkStep): Promise<Mission> {
  // The table pairs each kind with its handler; TypeScript cannot follow that through an indexed access.
  const handler = table[step.kind] as (context: StepContext, mission: Mission, step: WorkStep) => Promise<Mission>;
  return handler(context, mission, step);
}
