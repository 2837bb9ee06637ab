/**
 * A step of the engine, as the timeline says it to people ("posting the mission control comment", not
 * "post-control"). The dashboard's own words: the GitHub side names steps in its own place.
 */
export function stepForPeople(data: Record<string, unknown>): string {
  const feature = typeof data.featureId === "string" ? data.featureId : "";
  const milestone = typeof data.milestoneId === "string" ? data.milestoneId : "";
  switch (data.kind) {
    case "post-control":
      return "posting the mission control comment";
    case "post-notice":
      return "posting a notice on the issue";
    case "plan":
      return "planning the contract";
    case "post-questions":
      return "posting the orchestrator's questions";
    case "post-contract":
      return `posting contract v${String(data.version ?? "")}`.trim();
    case "choose-branch":
      return "creating the mission's branch";
    case "plan-repair":
      return `planning the repair of milestone ${milestone}`;
    case "implement":
      return `worker on ${feature}`;
    case "validate":
      return `validating milestone ${milestone}`;
    case "review-milestone":
      return `reviewing milestone ${milestone}`;
    case "curate-bulletin":
      return "curating the bulletin";
    case "finish":
      return "opening the pull request for review";
    default:
      return String(data.kind ?? "a step").replace(/-/g, " ");
  }
}
