import { parse } from "yaml";
import { z } from "zod";

/**
 * The roles that can get MCP tools, as the operator declares: the orchestrator, the worker and the validators.
 * A validator reads: an MCP server may read the checkout it works on, never write it.
 */
const ROLES = ["orchestrator", "worker", "scrutiny", "reviewer", "user-testing"] as const;

/** What every MCP server declaration shares: which roles get its tools, and where it is on. */
const Common = {
  /** Roles whose agents get the server's tools (default: the worker). */
  roles: z.array(z.enum(ROLES)).min(1).default(["worker"]),
  /** On in every repository; otherwise only where `.github/missions.yml` enables it (`mcp: [name]`). */
  enabled: z.boolean().default(false),
  /** Seconds one tool call may take. */
  timeout: z.number().positive().max(3_600).default(120),
};

const StdioServer = z.strictObject({
  ...Common,
  /**
   * The program, run inside the sandbox with its own HOME and TMPDIR, working there (or in `cwd`),
   * never in the mission's checkout, which it may read but not write. Name it by an absolute path or a
   * package (`npx -y <package>`), and give its files by absolute paths.
   */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Where it works instead of its scratch: an absolute path of the operator's, outside every checkout; read-only to it. */
  cwd: z.string().startsWith("/", { message: "give an absolute path" }).optional(),
  /** Its environment besides the commands' own (PATH and the like): the operator's, and never the model's to read (every value of 8 characters or more is redacted). */
  env: z.record(z.string(), z.string()).default({}),
  /** Paths it alone may read inside the sandbox's hidden ones (its own files, when they live there). */
  readable: z.array(z.string().min(1)).default([]),
});

const HttpServer = z.strictObject({
  ...Common,
  /** A Streamable HTTP endpoint, reached by the app itself (its host is not on the sandbox's allowlist: commands do not need it). */
  url: z.url({ protocol: /^https?$/ }),
  /** Sent with every request (an `Authorization` header): the operator's, never the model's to read (every value is redacted). */
  headers: z.record(z.string(), z.string()).default({}),
});

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export type McpServerConfig = { name: string } & (
  | ({ transport: "stdio" } & z.infer<typeof StdioServer>)
  | ({ transport: "http" } & z.infer<typeof HttpServer>)
);

/**
 * `MISSIONS_MCP_SERVERS`: the operator's MCP servers, as JSON or YAML, by name —
 * `{"docs": {"command": "npx", "args": ["-y", "some-mcp-server"], "roles": ["worker"]}, "tracker": {"url": "https://…/mcp", "headers": {…}}}`.
 * Names are lower-case letters, digits and dashes (a tool is `mcp__<name>__<tool>`).
 */
export function parseMcpServers(text: string | undefined): McpServerConfig[] {
  if (!text?.trim()) return [];
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new Error(`Invalid configuration: MISSIONS_MCP_SERVERS is not JSON or YAML: ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("Invalid configuration: MISSIONS_MCP_SERVERS: expected an object of servers by name");
  }
  return Object.entries(value as Record<string, unknown>).map(([name, declaration]): McpServerConfig => {
    if (!NAME.test(name)) throw new Error(`Invalid configuration: MISSIONS_MCP_SERVERS: "${name}": name servers with lower-case letters, digits and dashes (at most 32)`);
    const isHttp = typeof declaration === "object" && declaration !== null && "url" in declaration;
    const parsed = (isHttp ? HttpServer : StdioServer).safeParse(declaration);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${[name, ...issue.path].join(".")}: ${issue.message}`);
      throw new Error(`Invalid configuration: MISSIONS_MCP_SERVERS: ${problems.join("; ")}`);
    }
    return isHttp ? { name, transport: "http", ...(parsed.data as z.infer<typeof HttpServer>) } : { name, transport: "stdio", ...(parsed.data as z.infer<typeof StdioServer>) };
  });
}

/** The servers a role gets in a mission: the operator's, on everywhere or enabled by the repository. */
export function serversFor(servers: readonly McpServerConfig[], role: string, enabledByRepository: readonly string[] = []): McpServerConfig[] {
  return servers.filter((server) => (server.roles as readonly string[]).includes(role) && (server.enabled || enabledByRepository.includes(server.name)));
}

/** Shorter values are not treated as secrets: they would redact ordinary words everywhere. */
const MIN_SECRET = 8;

/**
 * What an MCP server's declaration holds that no text may show: every value of its environment and
 * of its headers (whatever the name: the operator put them there for the server alone), the token of
 * an `Authorization: Bearer <token>` (or `Basic`, `Token`) alone as well, and the credentials in its
 * URL (user, password, query values). Values shorter than 8 characters are left out.
 */
export function mcpSecrets(servers: readonly McpServerConfig[]): string[] {
  const secrets = servers.flatMap((server) => {
    if (server.transport === "stdio") return Object.values(server.env);
    return [...Object.values(server.headers).flatMap(headerSecrets), ...urlSecrets(server.url)];
  });
  return [...new Set(secrets.filter((value) => value.length >= MIN_SECRET))];
}

function headerSecrets(value: string): string[] {
  const scheme = /^\s*(?:bearer|basic|token|apikey|api-key)\s+(\S.*?)\s*$/i.exec(value);
  if (!scheme) return [value];
  const token = scheme[1]!;
  const decoded = /^basic/i.test(value.trim()) ? Buffer.from(token, "base64").toString("utf8") : "";
  // `Basic base64(user:password)`: the password too, as it would appear decoded.
  const password = decoded.includes(":") ? [decoded.slice(decoded.indexOf(":") + 1)] : [];
  return [value, token, ...password];
}

function urlSecrets(url: string): string[] {
  const parsed = new URL(url);
  return [decodeURIComponent(parsed.username), decodeURIComponent(parsed.password), ...[...parsed.searchParams.values()]].filter(Boolean);
}
