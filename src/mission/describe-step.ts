/** A step as the engine and the timeline record it: its kind and, for some, what it works on. */
export interface StepLike {
  readonly kind?: unknown;
  readonly [key: string]: unknown;
}

/**
 * A step in words for people — "implementing F1", "validating milestone M1", "choosing the branch" —
 * never the engine's internal name (`choose-branch`, `post-notice`). Reads as the object of "started",
 * "finished" and the subject of "… failed". Takes a `Step` or a timeline event's data.
 */
export function describeStep(step: StepLike): string {
  const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");
  const feature = text(step.featureId);
  const milestone = text(step.milestoneId);
  const of = (thing: string, id: string) => (id ? `${thing} ${id}` : thing);
  switch (step.kind) {
    case "post-control":
      return "posting the control comment";
    case "post-notice":
      return "posting a notice";
    case "plan":
      return "planning";
    case "post-questions":
      return "posting the orchestrator's questions";
    case "post-contract":
      return step.version === undefined ? "posting the contract" : `posting contract v${text(step.version)}`;
    case "choose-branch":
      return "choosing the branch";
    case "plan-repair":
      return `planning the repair of ${of("milestone", milestone)}`;
    case "implement":
      return of("implementing", feature);
    case "validate":
      return `validating ${of("milestone", milestone)}`;
    case "review-milestone":
      return `reviewing ${of("milestone", milestone)} before the next one`;
    case "curate-bulletin":
      return "curating the bulletin";
    case "finish":
      return "opening the pull request for review";
    case "wait":
      return step.reason ? `waiting (${text(step.reason)})` : "waiting";
    default:
      // A kind this function does not know yet (an older or newer app's timeline): its words, unhyphenated.
      return text(step.kind).replaceAll("-", " ") || "a step";
  }
}
