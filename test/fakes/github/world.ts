import type { FakeState } from "./fake-state.ts";
import type { WebhookSender } from "./webhook-sender.ts";

// What every route handler may touch: the state and the webhook sender (to announce changes).
export interface World {
  state: FakeState;
  webhooks: WebhookSender;
}
