import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { GREETER_FILES, FIXED_GREET } from "../fixtures/greeter/index.ts";
import { freePort } from "../helpers/free-port.ts";
import type { ScriptedPlan } from "./mission-script.ts";

/** The greeter form mission: one scrutiny and one user-testing assertion, and a QA agent's session. */
/**
 * The repository's `app:` settings on a port free on this host: the app under test listens inside its
 * sandbox's own network, but with the sandbox off it would take a host port another program may hold.
 */
export async function appConfig(): Promise<string> {
  const port = await freePort();
  return `app:\n  start: PORT=${port} node server.js\n  url: http://localhost:${port}\n  ready: /health\n  timeout: 30\n`;
}
export const FORM_PLAN: ScriptedPlan = {
  summary: "A form that greets people by name.",
  milestones: [{ id: "M1", title: "Greeting form" }],
  features: [{ id: "F1", milestoneId: "M1", title: "Serve the greeting form", description: "server.js serves a form; submitting it greets by name.", assertionIds: ["VAL-FORM-001", "VAL-FORM-002"] }],
  assertions: [
    { id: "VAL-FORM-001", milestoneId: "M1", statement: "server.js serves the form and answers its submission", verification: "read server.js" },
    { id: "VAL-FORM-002", milestoneId: "M1", statement: 'Submitting the form with the name Ada shows "Hello, Ada!"', verification: "open /, type Ada in Name, press Greet, read the page", validator: "user-testing" },
  ],
};
export const BUGGY = GREETER_FILES["server.js"]!;
export const FIXED = BUGGY.replace(/function greet\(name\) \{[\s\S]*?\n\}/, FIXED_GREET);

export const text = (message: NormalizedRequest["messages"][number] | undefined) => (message?.role === "user" ? message.text : "");
export const isUserTesting = (request: NormalizedRequest) => text(request.messages[0]).includes("## Assertions to check by using the product");

/** A QA engineer's session, one action per turn; the verdict rests on what the real browser showed. */
export function qa(request: NormalizedRequest): Reply {
  const turn = request.messages.filter((message) => message.role === "assistant").length;
  const steps: Reply[] = [
    { toolCalls: [{ name: "browser_navigate", arguments: { url: "/" } }] },
    { toolCalls: [{ name: "browser_fill", arguments: { selector: "label=Name", value: "Ada" } }] },
    { toolCalls: [{ name: "browser_click", arguments: { selector: 'role=button[name="Greet"]' } }] },
    { toolCalls: [{ name: "browser_screenshot", arguments: {} }] },
  ];
  if (turn < steps.length) return steps[turn]!;
  const results = request.messages.flatMap((message) => (message.role === "user" ? message.toolResults : []));
  const afterClick = results.find((result) => result.content.startsWith("Clicked."))?.content ?? "";
  const shown = /paragraph: (.*)/.exec(afterClick)?.[1] ?? "(nothing)";
  return {
    toolCalls: [
      {
        name: "submit_verdicts",
        arguments: {
          verdicts: [
            {
              assertionId: "VAL-FORM-002",
              verdict: shown.includes("Hello, Ada!") ? "pass" : "fail",
              steps: ["Opened /", "Typed Ada into Name", "Pressed Greet"],
              observed: `The page shows: ${shown}`,
            },
          ],
        },
      },
    ],
  };
}

