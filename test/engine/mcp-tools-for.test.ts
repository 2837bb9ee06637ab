import { mkdtemp, readdir, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMcpServers } from "../../src/agent/mcp/index.ts";
import type { StepContext } from "../../src/engine/engine-deps.ts";
import { withMcpTools } from "../../src/engine/steps/mcp-tools-for.ts";
import type { Mission } from "../../src/mission/index.ts";
import { UnconfinedRunner } from "../../src/workspace/index.ts";

const SERVER = resolve("test/fixtures/mcp/inspect-server.mjs");

describe("a step's MCP servers", () => {
  let root: string;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "missions-mcp-step-")));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("end when what runs with them fails before the agent starts (a model with no price), leaving no process or scratch behind", async () => {
    const scratchRoot = join(root, "scratch");
    const context = {
      settings: { toolPath: process.env.PATH ?? "", mcpServers: parseMcpServers(JSON.stringify({ docs: { command: process.execPath, args: [SERVER], enabled: true } })) },
      runner: new UnconfinedRunner({ scratchRoot }),
      log: pino({ level: "silent" }),
    } as unknown as StepContext;
    const mission = { settings: {} } as unknown as Mission;
    let seen: string[] = [];
    await expect(
      withMcpTools(context, mission, "worker", root, async (tools) => {
        seen = tools.map((tool) => tool.name);
        // The server is running now: its scratch is there.
        expect((await readdir(scratchRoot)).filter((entry) => entry.startsWith("mcp-"))).toHaveLength(1);
        throw new Error("openai/unpriced has no price");
      }),
    ).rejects.toThrow("has no price");
    expect(seen).toEqual(["mcp__docs__inspect", "mcp__docs__fail"]);
    expect((await readdir(scratchRoot)).filter((entry) => entry.startsWith("mcp-"))).toEqual([]);
  });

  it("that does not start is on the mission's timeline, redacted, and the run goes on without it", async () => {
    const events: Array<{ kind: string; data: Record<string, unknown> }> = [];
    const context = {
      settings: {
        toolPath: process.env.PATH ?? "",
        mcpServers: parseMcpServers(JSON.stringify({ broken: { command: process.execPath, args: ["-e", "console.error('token s3cret-value'); process.exit(3)"], enabled: true } })),
      },
      runner: new UnconfinedRunner({ scratchRoot: join(root, "scratch-broken") }),
      log: pino({ level: "silent" }),
      now: () => new Date("2026-01-01T00:00:00Z"),
      redact: (text: string) => text.replaceAll("s3cret-value", "[redacted]"),
      store: { appendEvent: async (event: { kind: string; data: Record<string, unknown> }) => void events.push(event) },
    } as unknown as StepContext;
    const mission = { id: "m1", settings: {} } as unknown as Mission;
    const seen = await withMcpTools(context, mission, "worker", root, async (tools) => tools.map((tool) => tool.name));
    expect(seen).toEqual([]);
    expect(events).toEqual([{ missionId: "m1", kind: "mcp-problem", at: "2026-01-01T00:00:00.000Z", data: { server: "broken", role: "worker", problem: expect.any(String) } }]);
    const problem = String(events[0]!.data.problem);
    expect(problem).not.toContain("s3cret-value");
    expect(problem).toContain("token [redacted]");
  });
});
