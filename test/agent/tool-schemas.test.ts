import { describe, expect, it } from "vitest";
import { appLogsTool, bashTool, browserClickTool, browserFillTool, browserNavigateTool, browserPressTool, browserScreenshotTool, browserSnapshotTool, editFileTool, globTool, grepTool, httpRequestTool, listFilesTool, readFileTool, researchTool, toToolSpec, writeFileTool } from "../../src/agent/index.ts";

// The JSON schema the model sees. A change here changes the model's behaviour: review the diff of
// the snapshot, then update it with `vitest -u` on purpose.
describe("tool schemas the model sees", () => {
  it.each([
    ["read_file", readFileTool],
    ["write_file", writeFileTool],
    ["edit_file", editFileTool],
    ["list_files", listFilesTool],
    ["glob", globTool],
    ["grep", grepTool],
    ["bash", bashTool],
    ["browser_navigate", browserNavigateTool],
    ["browser_click", browserClickTool],
    ["browser_fill", browserFillTool],
    ["browser_press", browserPressTool],
    ["browser_snapshot", browserSnapshotTool],
    ["browser_screenshot", browserScreenshotTool],
    ["http_request", httpRequestTool],
    ["app_logs", appLogsTool],
    ["research", researchTool(async () => "")],
  ] as const)("%s", (name, tool) => {
    const spec = toToolSpec(tool);
    expect(spec.name).toBe(name);
    expect(spec.parameters).not.toHaveProperty("$schema");
    expect(spec).toMatchSnapshot();
  });
});
