import type { Mission } from "./mission.ts";
import type { Plan } from "./schemas.ts";

/** What the orchestrator's planning came to: questions for people, or a plan for a new contract. */
export type PlanningOutcome = { kind: "questions"; questions: string[] } | { kind: "plan"; plan: Plan };

/** Open questions wait for answers; a plan becomes the next contract version, waiting for approval. */
export function recordPlan(mission: Mission, outcome: PlanningOutcome, now: string): Mission {
  if (outcome.kind === "questions") {
    return {
      ...mission,
      status: "questions",
      questions: { items: outcome.questions },
      conversation: [
        ...mission.conversation,
        ...outcome.questions.map((text) => ({ kind: "question" as const, author: "orchestrator", text, at: now })),
      ],
    };
  }
  const version = (mission.contracts.at(-1)?.version ?? 0) + 1;
  return {
    ...mission,
    status: "awaiting-approval",
    contracts: [...mission.contracts, { version, plan: outcome.plan, createdAt: now }],
  };
}
