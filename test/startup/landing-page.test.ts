import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../e2e/harness.ts";
import { pageText } from "./support/app-directory.ts";

describe("the landing page of a running app", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n" } });
  });
  afterEach(async () => {
    await harness.close();
  });

  it("links to the app's installation page, asked of GitHub once", async () => {
    for (let visit = 0; visit < 2; visit++) {
      const html = await (await fetch(`${harness.app.url}/`)).text();
      expect(html).toContain(`href="${harness.github.url}/apps/missions/installations/new"`);
    }
    expect(harness.github.requests.filter((request) => request.path === "/app")).toHaveLength(1);
  });

  it("points at GitHub's app settings when GitHub does not say, and asks again next time", async () => {
    harness.github.failNext({ path: /^\/app$/, status: 404 });
    const text = pageText(await (await fetch(`${harness.app.url}/`)).text());
    expect(text).toContain("Missions is running");
    expect(await (await fetch(`${harness.app.url}/`)).text()).toContain(`href="${harness.github.url}/apps/missions/installations/new"`);
    expect(text).toContain("your GitHub App settings");
  });
});
