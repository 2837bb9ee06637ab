export { readFileTool } from "./read-file.ts";
export { writeFileTool } from "./write-file.ts";
export { editFileTool } from "./edit-file.ts";
export { listFilesTool } from "./list-files.ts";
export { resolveInRoot } from "./resolve-in-root.ts";
export { readFileInRoot } from "./open-in-root.ts";
export { bashTool } from "./bash.ts";
export { globTool } from "./glob.ts";
export { grepTool } from "./grep.ts";
export { researchTool, type Researcher } from "./research.ts";

import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";

/** What roles that must not change the checkout get: looking and searching, nothing else. */
export const READ_ONLY_TOOLS = [listFilesTool, globTool, grepTool, readFileTool];
export { BROWSER_TOOLS, appLogsTool, browserClickTool, browserFillTool, browserNavigateTool, browserPressTool, browserScreenshotTool, browserSnapshotTool, httpRequestTool } from "./browser.ts";
