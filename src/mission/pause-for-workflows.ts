import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";

export interface WorkflowsRefusal {
  featureId: string;
  /** The workflow files GitHub named in its refusal. */
  files: string[];
  /** The installation's settings page, where an owner accepts the new permission; unknown when GitHub did not say. */
  installationSettingsUrl?: string;
}

/**
 * GitHub refused to take a feature's commit because it changes `.github/workflows/`, and the app has
 * no `workflows` permission. The commit is kept; the mission waits for a person to grant the
 * permission and say `/mission resume`, which pushes it.
 */
export function pauseForWorkflows(mission: Mission, refusal: WorkflowsRefusal): Mission {
  const title = allFeatures(mission).find((feature) => feature.id === refusal.featureId)?.title;
  const files = refusal.files.map((file) => `\`${file}\``).join(", ");
  const settings = refusal.installationSettingsUrl
    ? `the app's installation settings (${refusal.installationSettingsUrl})`
    : "the app's installation settings (Settings → GitHub Apps → Configure, on the account or organisation that installed it)";
  return {
    ...mission,
    status: "paused",
    pausedFrom: mission.status,
    pauseCause: "permission",
    reason: "GitHub refused the push: the app lacks the workflows permission",
    notices: [
      ...mission.notices,
      {
        key: `workflows-${refusal.featureId}-${mission.notices.length}`,
        body: [
          "### ⏸️ Mission paused: GitHub refused the push",
          "",
          `GitHub refused the push of ${refusal.featureId}${title ? ` (${escapeCell(title)})` : ""} because the feature changes ${files}; ` +
            "the app needs the `workflows` permission to push changes to workflow files. The commit is kept: nothing is lost.",
          "",
          `To continue, accept the new permission in ${settings}, then comment \`/mission resume\`: the commit is pushed as it is and the mission moves on.`,
          "",
          "If no request to accept shows there, the app's registration does not ask for **Workflows: Read and write** yet: " +
            "the app's owner adds it under the app's *Permissions & events* first.",
          "",
          "Or leave the workflows alone: comment `/mission resume <guidance>` (e.g. `/mission resume do not change the CI workflow`) to drop the commit and have the feature done again with your guidance, or `/mission abort` to stop the mission.",
        ].join("\n"),
      },
    ],
  };
}
