#!/usr/bin/env node
// The `missions` command. The source is TypeScript, run as `npm start` runs the app: by Node's own
// type stripping (Node 22.18 or later, on by default from Node 23.6).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`missions needs Node 22.18 or later (this is Node ${process.versions.node}): run it with the project's Node, e.g. npm exec missions -- --help`);
  process.exit(2);
}
try {
  await import("../src/cli/main.ts");
} catch (error) {
  if (error?.code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") {
    console.error("Node does not run TypeScript from node_modules: install Missions from a clone with `npm link` (or run it there with `npm exec missions -- …`).");
    process.exit(2);
  }
  throw error;
}
