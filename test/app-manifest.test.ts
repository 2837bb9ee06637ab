import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WEBHOOK_EVENTS } from "../src/app.ts";
import { appPermissions } from "./fakes/github/github-json.ts";

// app.yml is what GitHub registers the app from: it must ask for what the code uses, and nothing more.
describe("the app's manifest (app.yml)", () => {
  const manifest = parse(readFileSync(new URL("../app.yml", import.meta.url), "utf8")) as { default_events: string[]; default_permissions: Record<string, string> };

  it("subscribes to exactly the events the app handles", () => {
    const handled = [...new Set(WEBHOOK_EVENTS.map((event) => event.split(".")[0]!))].sort();
    expect([...manifest.default_events].sort()).toEqual(handled);
  });

  it("asks for the permissions the fake GitHub grants an installation, workflows included", () => {
    expect(manifest.default_permissions).toEqual(appPermissions());
    expect(manifest.default_permissions.workflows).toBe("write");
  });
});
