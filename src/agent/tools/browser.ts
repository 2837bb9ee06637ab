import { z } from "zod";
import { defineTool, ToolError, type AppDriver, type ToolContext, toolDescription } from "../tool.ts";

const SELECTOR = z
  .string()
  .min(1)
  .describe('Which element: role=button[name="Save"], label=Email, placeholder=Search, text=Sign in, or a CSS selector');

/** Runs one browser action; a failed action (no such element, a timeout) is the model's to act on. */
async function drive(context: ToolContext, action: (app: AppDriver) => Promise<string>): Promise<string> {
  if (!context.app) throw new ToolError("No app is running: `.github/missions.yml` has no `app:` section. Test through the shell instead.");
  try {
    return await action(context.app);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError((error as Error).message.split("\n").slice(0, 3).join("\n"));
  }
}

export const browserNavigateTool = defineTool({
  name: "browser_navigate",
  description: toolDescription("browser_navigate"),
  parameters: z.object({ url: z.string().min(1).describe("A path of the app, or its full URL") }),
  execute: ({ url }, context) => drive(context, (app) => app.navigate(url)),
});

export const browserClickTool = defineTool({
  name: "browser_click",
  description: toolDescription("browser_click"),
  parameters: z.object({ selector: SELECTOR }),
  execute: ({ selector }, context) => drive(context, (app) => app.click(selector)),
});

export const browserFillTool = defineTool({
  name: "browser_fill",
  description: toolDescription("browser_fill"),
  parameters: z.object({ selector: SELECTOR, value: z.string().describe("The text to enter") }),
  execute: ({ selector, value }, context) => drive(context, (app) => app.fill(selector, value)),
});

export const browserPressTool = defineTool({
  name: "browser_press",
  description: toolDescription("browser_press"),
  parameters: z.object({ key: z.string().min(1).describe("The key, in Playwright's names: Enter, Tab, Escape, ArrowDown, Control+A"), selector: SELECTOR.optional() }),
  execute: ({ key, selector }, context) => drive(context, (app) => app.press(key, selector)),
});

export const browserSnapshotTool = defineTool({
  name: "browser_snapshot",
  description: toolDescription("browser_snapshot"),
  parameters: z.object({}),
  execute: (_args, context) => drive(context, (app) => app.snapshot()),
});

export const browserScreenshotTool = defineTool({
  name: "browser_screenshot",
  description: toolDescription("browser_screenshot"),
  parameters: z.object({}),
  execute: (_args, context) => drive(context, (app) => app.screenshot()),
});

export const httpRequestTool = defineTool({
  name: "http_request",
  description: toolDescription("http_request"),
  parameters: z.object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    url: z.string().min(1).describe("A path of the app, or its full URL"),
    headers: z.record(z.string(), z.string()).optional().describe("Request headers, e.g. content-type"),
    body: z.string().optional().describe("The request body"),
  }),
  execute: ({ method, url, headers, body }, context) => drive(context, (app) => app.request(method, url, headers ?? {}, body)),
});

export const appLogsTool = defineTool({
  name: "app_logs",
  description: toolDescription("app_logs"),
  parameters: z.object({}),
  execute: (_args, context) => drive(context, (app) => app.logs()),
});

export const BROWSER_TOOLS = [browserNavigateTool, browserClickTool, browserFillTool, browserPressTool, browserSnapshotTool, browserScreenshotTool, httpRequestTool, appLogsTool];
