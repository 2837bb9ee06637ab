import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

export interface OctokitPolicy {
  /** How often to retry a secondary rate limit (Probot only logs them). */
  secondaryLimitRetries: number;
  /**
   * GitHub asks integrations to pace content-creating requests (Probot: 1 s for writes, 3 s for
   * comments). `false` removes the pacing: only for a local fake GitHub in tests.
   */
  pace: boolean;
  /** Octokit's own retry of 5xx answers waits retryCount² × this many milliseconds (default 1,000). */
  retryBaseMs?: number;
  /** Told of every API call's outcome (metrics): method, route template, status, rate limit left. */
  onRequest?: (call: { method: string; route: string; status: number; rateLimitRemaining?: number; rateLimitResource?: string }) => void;
}

interface RequestOptions {
  method?: string;
  url?: string;
}

interface ResponseLike {
  status?: number;
  headers?: Record<string, string | number | undefined>;
}

type OctokitOptions = ConstructorParameters<typeof ProbotOctokit>[0] & { throttle?: Record<string, unknown> };

/**
 * Probot's Octokit with our throttling policy laid over Probot's own options, which Probot's
 * `defaults()` would otherwise replace.
 */
export function missionsOctokit(policy: OctokitPolicy): typeof ProbotOctokit {
  const unpaced = policy.pace
    ? {}
    : {
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      };
  class MissionsOctokit extends ProbotOctokit {
    constructor(options: OctokitOptions = {}) {
      const throttle = options.throttle ?? {};
      super({
        ...options,
        ...withAuthBaseUrl(options),
        ...(policy.retryBaseMs !== undefined ? { retry: { retryAfterBaseValue: policy.retryBaseMs } } : {}),
        throttle: {
          ...throttle,
          ...unpaced,
          onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
            const retry = retryCount < policy.secondaryLimitRetries;
            (options as { log?: { warn(message: string): void } }).log?.warn(
              `Secondary rate limit on ${request.method} ${request.url}; ${retry ? `retrying in ${retryAfter}s` : "giving up"}`,
            );
            return retry;
          },
        },
      } as OctokitOptions);
      const onRequest = policy.onRequest;
      if (onRequest) {
        const tell = (response: ResponseLike | undefined, request: RequestOptions) => {
          const remaining = response?.headers?.["x-ratelimit-remaining"];
          const resource = response?.headers?.["x-ratelimit-resource"];
          onRequest({
            method: request.method ?? "GET",
            route: routeTemplate(request.url ?? "unknown"),
            status: response?.status ?? 0,
            ...(remaining !== undefined ? { rateLimitRemaining: Number(remaining) } : {}),
            ...(resource !== undefined ? { rateLimitResource: String(resource) } : {}),
          });
        };
        this.hook.after("request", (response, request) => tell(response as ResponseLike, request as RequestOptions));
        this.hook.error("request", (error, request) => {
          tell((error as { response?: ResponseLike; status?: number }).response ?? { status: (error as { status?: number }).status }, request as RequestOptions);
          throw error;
        });
      }
    }
  }
  return MissionsOctokit as unknown as typeof ProbotOctokit;
}

/**
 * A bounded label for a request: Octokit's route template, or — for the absolute next-page URLs
 * pagination follows — the path with owner, repository and numbers replaced as in the templates.
 */
export function routeTemplate(url: string): string {
  if (url.includes("{")) return url.split("?")[0]!;
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, "").replace(/^\/api\/v3(?=\/)/, "").split("?")[0]!;
  return path.replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}").replace(/\/\d+(?=\/|$)/g, "/{number}");
}

/**
 * Probot gives the app's auth strategy a request object of its own, without the base URL: a token
 * asked for outright (`octokit.auth({ type: "installation" })`, which git pushes use) before any API
 * call has cached one — the first thing a restarted app may do — went to api.github.com instead of
 * GitHub Enterprise. The auth's request is pointed at the same API as the client.
 */
function withAuthBaseUrl(options: OctokitOptions): Partial<OctokitOptions> {
  const baseUrl = (options as { baseUrl?: string }).baseUrl;
  const auth = options.auth as { request?: { defaults(options: { baseUrl: string }): unknown } } | undefined;
  if (!baseUrl || !auth || typeof auth !== "object" || typeof auth.request?.defaults !== "function") return {};
  return { auth: { ...auth, request: auth.request.defaults({ baseUrl }) } } as Partial<OctokitOptions>;
}
