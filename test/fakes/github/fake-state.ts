import { randomBytes, type KeyObject } from "node:crypto";
import { appPermissions } from "./github-json.ts";
import type { Permission, RepoRecord, TokenRecord, UserRecord } from "./records.ts";

export interface FakeStateOptions {
  appId: number;
  appSlug: string;
  publicKey: KeyObject;
  rootDir: string;
}

const TOKEN_TTL_MS = 60 * 60 * 1000;
export const BOT_USER_ID = 9000;

// The in-memory world behind the fake: users, repositories (with their issues, comments, check
// runs) and installation tokens. Ids come from one counter so they are unique across kinds, like
// GitHub's database ids are unique per table.
export class FakeState {
  readonly appId: number;
  readonly appSlug: string;
  readonly botLogin: string;
  readonly bot: UserRecord;
  readonly publicKey: KeyObject;
  readonly rootDir: string;
  baseUrl = "";
  readonly #users = new Map<string, UserRecord>();
  readonly #repos = new Map<string, RepoRecord>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #userTokens = new Map<string, string>();
  readonly #installationPermissions = new Map<number, Record<string, string>>();
  #nextId = 1000;

  constructor(options: FakeStateOptions) {
    this.appId = options.appId;
    this.appSlug = options.appSlug;
    this.botLogin = `${options.appSlug}[bot]`;
    this.publicKey = options.publicKey;
    this.rootDir = options.rootDir;
    this.bot = { login: this.botLogin, id: BOT_USER_ID, type: "Bot" };
    this.#users.set(this.botLogin.toLowerCase(), this.bot);
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api/v3`;
  }

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  // Users spring into existence the first time a test names them, as if they had always existed.
  user(login: string): UserRecord {
    const key = login.toLowerCase();
    let user = this.#users.get(key);
    if (!user) {
      user = { login, id: this.nextId(), type: login.endsWith("[bot]") ? "Bot" : "User" };
      this.#users.set(key, user);
    }
    return user;
  }

  findUser(login: string): UserRecord | undefined {
    return this.#users.get(login.toLowerCase());
  }

  addRepo(repo: RepoRecord): void {
    this.#repos.set(repoKey(repo.owner.login, repo.name), repo);
  }

  // Owner and repository names are case-insensitive on GitHub.
  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.#repos.get(repoKey(owner, name));
  }

  repo(owner: string, name: string): RepoRecord {
    const repo = this.findRepo(owner, name);
    if (!repo) throw new Error(`fake GitHub: no repository ${owner}/${name}`);
    return repo;
  }

  repos(): RepoRecord[] {
    return [...this.#repos.values()];
  }

  installationExists(installationId: number): boolean {
    return this.repos().some((repo) => repo.installationId === installationId);
  }

  // What an installation has accepted: the app's permissions, unless a test set others (an
  // installation made before the app asked for a new permission lacks it until an owner accepts).
  installationPermissions(installationId: number): Record<string, string> {
    return { ...(this.#installationPermissions.get(installationId) ?? appPermissions()) };
  }

  setInstallationPermissions(installationId: number, permissions: Record<string, string>): void {
    this.#installationPermissions.set(installationId, { ...permissions });
  }

  permission(repo: RepoRecord, login: string): Permission {
    if (login.toLowerCase() === repo.owner.login.toLowerCase()) return "admin";
    return repo.permissions.get(login.toLowerCase()) ?? "none";
  }

  issueToken(installationId: number): TokenRecord {
    const record: TokenRecord = {
      token: `ghs_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`,
      installationId,
      expiresAt: Date.now() + TOKEN_TTL_MS,
      // As on GitHub: a token keeps the permissions it was issued with; one accepted later needs a new token.
      permissions: this.installationPermissions(installationId),
    };
    this.#tokens.set(record.token, record);
    return record;
  }

  // A person's user token, as the OAuth flow issues it: acts as that person.
  issueUserToken(login: string): string {
    const token = `ghu_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`;
    this.#userTokens.set(token, this.user(login).login);
    return token;
  }

  userOfToken(token: string): string | undefined {
    return this.#userTokens.get(token);
  }

  // Expired tokens are as unknown as made-up ones, which is how GitHub treats them.
  validToken(token: string): TokenRecord | undefined {
    const record = this.#tokens.get(token);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }
}

function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
