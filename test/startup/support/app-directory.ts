import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A working directory as an operator's: the project's `app.yml` and `package.json`, no `.env`. */
export async function operatorDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "missions-startup-"));
  await copyFile(join(ROOT, "app.yml"), join(dir, "app.yml"));
  await copyFile(join(ROOT, "package.json"), join(dir, "package.json"));
  return dir;
}

/** The manifest fields the tests read. */
export interface PostedManifest {
  name: string;
  hook_attributes: { url: string };
  redirect_url: string;
  callback_urls: string[];
  default_permissions: Record<string, string>;
}

/** The register page's form: where it posts, and the manifest it carries. */
export function registerForm(html: string): { action: string; manifest: PostedManifest } {
  const action = /<form action="([^"]+)" method="post">/.exec(html)?.[1];
  const value = /name="manifest" value="([^"]*)"/.exec(html)?.[1];
  if (!action || value === undefined) throw new Error(`no register form on the page:\n${html}`);
  return { action: unescape(action), manifest: JSON.parse(unescape(value)) as PostedManifest };
}

/** The words a person reads on a page: tags dropped, entities decoded. */
export function pageText(html: string): string {
  return unescape(html.replace(/<style[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
