#!/usr/bin/env node
// The `missions` command. In a clone it runs the TypeScript source, as `npm start` runs the app, by
// Node's own type stripping (on by default from Node 22.18; Missions needs Node 22.20 or later, as package.json's engines say). Installed as a package
// it runs the JavaScript built into lib/ when the package was packed (`npm pack` runs `npm run build`):
// Node does not strip types under node_modules.
import { existsSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath, URL } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 20)) {
  console.error(`missions needs Node 22.20 or later (this is Node ${process.versions.node}): run it with the project's Node, e.g. npm exec missions -- --help`);
  process.exit(2);
}
const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../lib/cli/main.js", import.meta.url);
const installed = fileURLToPath(import.meta.url).split(sep).includes("node_modules");
const entry = existsSync(fileURLToPath(built)) && (installed || !existsSync(fileURLToPath(source))) ? built : source;
try {
  await import(entry.href);
} catch (error) {
  if (error?.code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") {
    console.error("This copy of Missions has no built JavaScript (lib/) and Node does not run TypeScript from node_modules: install it from a packed tarball (npm pack runs the build), or link a clone with `npm link`.");
    process.exit(2);
  }
  throw error;
}
