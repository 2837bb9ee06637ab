import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import type { MissionLimits, MissionSettings } from "../mission/index.ts";

export const REPOSITORY_CONFIG_PATH = ".github/missions.yml";

/** What `mcp:` says to a repository that tries to declare a server: a command or URL is the operator's to give. */
const ENABLE_ONLY = "list by name the MCP servers this installation's operator declared, e.g. `mcp: [docs]`; a repository enables servers, it cannot declare them (a command or URL is the operator's to give)";
const ROLES = ["orchestrator", "repair-planner", "worker", "researcher", "scrutiny", "reviewer", "user-testing"] as const;
const ModelNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*\/\S+$/i, "name models as provider/model, e.g. anthropic/claude-sonnet-4-5");

/** `.github/missions.yml`. Strict: an unknown key is a mistake worth naming, and keys and URLs are never accepted. */
export const RepositoryConfigSchema = z
  .object({
    models: z.partialRecord(z.enum(ROLES), ModelNameSchema).optional(),
    effort: z.partialRecord(z.enum(ROLES), z.enum(["low", "medium", "high"])).optional(),
    budget: z.number().positive().optional(),
    commands: z
      .strictObject({
        install: z.string().min(1).optional(),
        test: z.string().min(1).optional(),
        typecheck: z.string().min(1).optional(),
        lint: z.string().min(1).optional(),
      })
      .optional(),
    remediation: z.strictObject({ rounds: z.number().int().min(0).max(10) }).optional(),
    app: z
      .strictObject({
        start: z.string().min(1),
        url: z
          .url({ protocol: /^https?$/, hostname: /^(localhost|127\.0\.0\.1)$/ })
          .describe("where the started app listens")
          .refine((url) => new URL(url).port !== "", "give the port the app listens on, e.g. http://localhost:3000"),
        ready: z
          .string()
          .regex(/^\/[A-Za-z0-9\-._~/?=&%+]*$/, "give a path of the app, e.g. /health")
          .optional(),
        timeout: z.number().int().positive().max(600).optional(),
      })
      .optional(),
    skills: z.array(z.string().min(1)).optional(),
    /** MCP servers the operator declared, enabled for this repository by name: never declared here. */
    mcp: z.array(z.string({ error: ENABLE_ONLY }).regex(/^[a-z0-9-]+$/, "name an MCP server the operator declared"), { error: ENABLE_ONLY }).optional(),
    limits: z
      .strictObject({
        worker: z
          .strictObject({
            turns: z.number().int().positive().optional(),
            minutes: z.number().positive().optional(),
            continuations: z.number().int().min(0).optional(),
          })
          .optional(),
        command: z.strictObject({ timeout: z.number().positive().describe("seconds").optional() }).optional(),
      })
      .optional(),
  })
  .strict();
export type RepositoryConfig = z.infer<typeof RepositoryConfigSchema>;

export interface ConfigLimits {
  /** Providers the operator declared; a repository may only choose among them. */
  providers: readonly string[];
  maxBudgetUsd: number;
  /** Whether a model has a price; an unpriced model's spend could not be counted. */
  isPriced?: (model: string) => boolean;
  /** The MCP servers the operator declared, which `mcp:` may enable. */
  mcpServers?: readonly string[];
  /** The operator's ceilings for `limits:` (none: any positive value is accepted). */
  maxLimits?: MissionLimits;
}

export type ConfigResult = { ok: true; settings: MissionSettings } | { ok: false; problems: string[] };

/** Parses and checks the repository's config; every problem comes back as a sentence with its line. */
export function parseRepositoryConfig(text: string | undefined, limits: ConfigLimits): ConfigResult {
  if (text === undefined || text.trim() === "") return { ok: true, settings: toSettings({}) };
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => `line ${lineCounter.linePos(error.pos[0]).line}: ${firstLine(error.message)}`),
    };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return { ok: false, problems: [`the file could not be read: ${firstLine((error as Error).message)}`] };
  }
  if (value === null || value === undefined) return { ok: true, settings: toSettings({}) };
  const parsed = RepositoryConfigSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;
        const line = lineOf(document, lineCounter, path as (string | number)[]);
        const where = path.length > 0 ? `\`${path.join(".")}\`` : "the file";
        const what = issue.code === "unrecognized_keys" ? unknownKeyMessage(issue.keys) : issue.message;
        return `${line ? `line ${line}: ` : ""}${where}: ${what}`;
      }),
    };
  }
  const config = parsed.data;
  const problems: string[] = [];
  for (const [role, model] of Object.entries(config.models ?? {})) {
    const provider = model!.split("/")[0]!;
    const line = lineOf(document, lineCounter, ["models", role]);
    if (!limits.providers.includes(provider)) {
      problems.push(
        `${line ? `line ${line}: ` : ""}\`models.${role}\`: provider "${provider}" is not configured by this installation's operator (available: ${limits.providers.join(", ") || "none"})`,
      );
    } else if (limits.isPriced && !limits.isPriced(model!)) {
      problems.push(`${line ? `line ${line}: ` : ""}\`models.${role}\`: ${model} has no price in this installation, so its spend could not be counted; ask the operator to add it to MISSIONS_PRICES`);
    }
  }
  if (config.budget !== undefined && config.budget > limits.maxBudgetUsd) {
    const line = lineOf(document, lineCounter, ["budget"]);
    problems.push(`${line ? `line ${line}: ` : ""}\`budget\`: $${config.budget} is above the operator's maximum of $${limits.maxBudgetUsd}`);
  }
  for (const [index, name] of (config.mcp ?? []).entries()) {
    if (limits.mcpServers?.includes(name)) continue;
    const line = lineOf(document, lineCounter, ["mcp", index]);
    problems.push(`${line ? `line ${line}: ` : ""}\`mcp\`: "${name}" is not an MCP server this installation's operator declared (declared: ${limits.mcpServers?.join(", ") || "none"}); a repository enables servers, it cannot declare them`);
  }
  const chosen = chosenLimits(config);
  for (const [key, value] of Object.entries(chosen) as Array<[keyof MissionLimits, number]>) {
    const max = limits.maxLimits?.[key];
    if (max === undefined || value <= max) continue;
    const path = LIMIT_PATHS[key];
    const line = lineOf(document, lineCounter, path);
    problems.push(`${line ? `line ${line}: ` : ""}\`${path.join(".")}\`: ${value} is above this installation's maximum of ${max}${LIMIT_UNITS[key]}; ask the operator to raise ${LIMIT_VARIABLES[key]}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: toSettings(config) };
}

const LIMIT_PATHS: Record<keyof MissionLimits, string[]> = {
  workerTurns: ["limits", "worker", "turns"],
  workerMinutes: ["limits", "worker", "minutes"],
  continuations: ["limits", "worker", "continuations"],
  commandTimeoutSeconds: ["limits", "command", "timeout"],
};
const LIMIT_UNITS: Record<keyof MissionLimits, string> = { workerTurns: " turns", workerMinutes: " minutes", continuations: "", commandTimeoutSeconds: " seconds" };
const LIMIT_VARIABLES: Record<keyof MissionLimits, string> = {
  workerTurns: "MISSIONS_WORKER_TURNS_MAX",
  workerMinutes: "MISSIONS_WORKER_MINUTES_MAX",
  continuations: "MISSIONS_CONTINUATIONS_MAX",
  commandTimeoutSeconds: "MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS",
};

function chosenLimits(config: RepositoryConfig): Partial<MissionLimits> {
  const { worker, command } = config.limits ?? {};
  const chosen: Partial<MissionLimits> = {
    workerTurns: worker?.turns,
    workerMinutes: worker?.minutes,
    continuations: worker?.continuations,
    commandTimeoutSeconds: command?.timeout,
  };
  return Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined));
}

function toSettings(config: RepositoryConfig): MissionSettings {
  const limits = chosenLimits(config);
  return {
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    commands: config.commands ?? {},
    models: Object.fromEntries(Object.entries(config.models ?? {}).filter((entry): entry is [string, string] => !!entry[1])),
    ...(config.effort && Object.keys(config.effort).length > 0 ? { effort: Object.fromEntries(Object.entries(config.effort).filter((entry) => !!entry[1])) as Record<string, "low" | "medium" | "high"> } : {}),
    budgetUsd: config.budget,
    maxRemediationRounds: config.remediation?.rounds ?? 3,
    ...(config.mcp && config.mcp.length > 0 ? { mcp: [...new Set(config.mcp)] } : {}),
    ...(config.app ? { app: { start: config.app.start, url: config.app.url, ready: config.app.ready, timeoutSeconds: config.app.timeout ?? 60 } } : {}),
  };
}

function unknownKeyMessage(keys: string[]): string {
  const secretLike = keys.find((key) => /url|key|token|secret|endpoint|host/i.test(key));
  if (secretLike) {
    return `"${secretLike}" cannot be set by a repository: provider addresses and keys belong to the operator`;
  }
  return `unknown key "${keys.join('", "')}"`;
}

function lineOf(document: Document, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const parent = prefix.length > 0 ? document.getIn(prefix.slice(0, -1), true) : undefined;
    // Prefer the key's position: it is where a person looks for the mistake.
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix.at(-1));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    const node = prefix.length > 0 ? document.getIn(prefix, true) : document.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
