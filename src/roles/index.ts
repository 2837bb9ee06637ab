export { planMission, type PlanningOutcome, type PlanInput } from "./orchestrator.ts";
export { bulletinDigest, implementFeature, workerPrompt, type WorkerInput, type WorkerOutcome } from "./worker.ts";
export { scrutinize, type ScrutinyInput } from "./scrutiny.ts";
export { reviewFeature, FindingSchema, type Finding, type ReviewInput } from "./reviewer.ts";
export { planRepair, type RepairInput } from "./repair-planner.ts";
export { loadPrompt } from "./load-prompt.ts";
export { untrusted } from "./untrusted.ts";
export { loadSkills, parseSkill, type Skill } from "./skills.ts";
export { testAsUser, type UserTestingInput } from "./user-tester.ts";
