export { readFileTool } from "./read-file.ts";
export { writeFileTool } from "./write-file.ts";
export { editFileTool } from "./edit-file.ts";
export { listFilesTool } from "./list-files.ts";
export { resolveInRoot } from "./resolve-in-root.ts";
export { bashTool } from "./bash.ts";
export { globTool } from "./glob.ts";
export { grepTool } from "./grep.ts";
