import { readFile } from "node:fs/promises";
import { parse } from "yaml";

export interface ManifestAddresses {
  /** Where the operator reached the setup page: GitHub returns the browser there. */
  baseUrl: string;
  /** Where GitHub can reach the app (`MISSIONS_PUBLIC_URL`), when it differs from `baseUrl`. */
  publicUrl?: string;
  /** The relay channel GitHub posts webhooks to instead (`WEBHOOK_PROXY_URL`). */
  webhookProxyUrl?: string;
  webhookPath: string;
}

/** `app.yml`: the app's name, description, permissions and events, as GitHub's manifest fields. */
export async function readAppYml(path: string): Promise<Record<string, unknown>> {
  const parsed: unknown = parse(await readFile(path, "utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${path} is not a YAML mapping of GitHub App manifest fields`);
  return parsed as Record<string, unknown>;
}

/** Where GitHub sends webhooks: the relay when there is one, else the app's own webhook path. */
export function webhookUrl(addresses: ManifestAddresses): string {
  return addresses.webhookProxyUrl ?? `${addresses.publicUrl ?? addresses.baseUrl}${addresses.webhookPath}`;
}

/**
 * The manifest GitHub registers the app from. Probot's spreads `app.yml` over a hook URL of
 * `${baseUrl}/`, where nothing listens; here the URLs are the app's own, and `app.yml` gives the rest.
 */
export function appManifest(appYml: Record<string, unknown>, addresses: ManifestAddresses): Record<string, unknown> {
  const hook = typeof appYml.hook_attributes === "object" && appYml.hook_attributes ? appYml.hook_attributes : {};
  const reachable = addresses.publicUrl ?? addresses.baseUrl;
  return {
    public: false,
    // "Sign in with GitHub" on the dashboard returns here.
    callback_urls: [`${reachable}/missions/auth/callback`],
    ...appYml,
    hook_attributes: { ...hook, url: webhookUrl(addresses) },
    redirect_url: `${addresses.baseUrl}/probot/setup`,
  };
}
