import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

describe("a bad .github/missions.yml gets a clear comment and starts nothing", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  const labelWith = async (config: string, env: Record<string, string> = {}) => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": config }, env });
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Do it", body: "", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    expect(await harness.app.store.listMissions()).toHaveLength(0);
    expect(harness.models.calls).toHaveLength(0);
    const comments = harness.github.comments(OWNER, REPO, number);
    expect(comments).toHaveLength(1);
    return comments[0]!.body;
  };

  it("names a YAML syntax error and its line", async () => {
    const body = await labelWith("commands:\n  test: npm test\n  lint: [unclosed\n");
    expect(body).toContain("The mission could not start");
    expect(body).toContain(".github/missions.yml");
    expect(body).toMatch(/line [34]:/);
  });

  it("names a schema problem and its line", async () => {
    const body = await labelWith("budget: 5\ncommands:\n  tset: npm test\n");
    expect(body).toContain('line 3: `commands.tset`: unknown key "tset"');
  });

  it("refuses a repository that tries to set a provider's address or pick an undeclared provider", async () => {
    const body = await labelWith("models:\n  worker: evil/model\nbaseUrl: https://evil.example\n");
    expect(body).toContain('line 3: `baseUrl`: "baseUrl" cannot be set by a repository');
    expect(await labelWithSecond("models:\n  worker: evil/model\n")).toContain('line 2: `models.worker`: provider "evil" is not configured');
  });

  it("refuses a repository that declares an MCP server of its own, or enables one the operator did not declare; nothing it names runs", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "mcp-declared-")), "ran");
    const operator = { MISSIONS_MCP_SERVERS: JSON.stringify({ docs: { command: process.execPath, args: ["-e", "process.exit(0)"] } }) };
    const body = await labelWith(`mcp:\n  - command: touch ${marker}\n`, operator);
    expect(body).toContain("line 2: `mcp.0`: list by name the MCP servers this installation's operator declared, e.g. `mcp: [docs]`; a repository enables servers, it cannot declare them");
    expect(await labelWithSecond("mcp: [docs, evil]\n", operator)).toContain('line 1: `mcp`: "evil" is not an MCP server this installation\'s operator declared (declared: docs)');
    expect(existsSync(marker)).toBe(false);
  });

  async function labelWithSecond(config: string, env: Record<string, string> = {}) {
    await harness.close();
    return labelWith(config, env);
  }
});
