export { Engine } from "./engine.ts";
export { Intake, type IntakeDeps } from "./intake.ts";
export type { EngineDeps, StepContext } from "./engine-deps.ts";
export { isRetryable } from "./is-retryable.ts";
