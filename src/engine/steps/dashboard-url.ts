import type { Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";

/** The mission's page on the dashboard, when the operator configured where people reach the app (`MISSIONS_PUBLIC_URL`). */
export function dashboardUrl(context: Pick<StepContext, "settings">, mission: Pick<Mission, "id">): string | undefined {
  return context.settings.publicUrl ? `${context.settings.publicUrl}/missions/${mission.id}` : undefined;
}
