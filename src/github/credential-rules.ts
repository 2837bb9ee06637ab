/** What ends a token (a quote, a backtick, white space, `;`, an escaped newline or the end), not consumed. */
const END = String.raw`(?=[\x60'"\s;,)\]}\\]|$)`;
/** `name = `, `name: `, `"name": "`, `name := `, `name => ` — what stands between a secret's name and its value. */
const ASSIGN = String.raw`\\?["']?\s*(?:=|:=|:|=>)\s*\\?["']?`;

/**
 * One credential shape. `keep` is the number of leading capture groups kept as they are (a header's
 * name, a URL's scheme); the rest of the match is replaced. `entropy` is the least Shannon entropy
 * (bits per character) the last group must have to count, for rules that match on context only.
 */
export interface CredentialRule {
  id: string;
  pattern: RegExp;
  keep?: number;
  entropy?: number;
  /** A value that matches this is not a secret after all. */
  allow?: RegExp;
}

/**
 * A line of a private key's body after its BEGIN line: on a new line (real or escaped, as JSON and env
 * files have them), perhaps behind a quote, diff or comment mark (`> `, `+`, `# `, `// `); or, when the
 * key's newlines were folded into spaces, a long run of base64 on the same line. A line of dashes
 * (another key's BEGIN line, an END line) is never one; a body line already redacted (decoded and
 * found to be a key) is one.
 */
const KEY_LINE = String.raw`(?:(?:\r?\n|(?:\\r)?\\n)(?![ \t>|#*+/-]*-----)[ \t]*(?:[>|#*+-]+[ \t]*|\/\/[ \t]*)?(?:(?:Proc-Type|DEK-Info|Comment):[^\n\\]*|\[redacted\]|[A-Za-z0-9+/=]+)|[ \t]+(?:[>|#*+-]+[ \t]*)?(?:[A-Za-z0-9+/=]{16,}|\[redacted\]))`;

/**
 * Credential shapes. The first group's regexes come from gitleaks' default rule set
 * (config/gitleaks.toml, MIT, Copyright (c) 2019 Zachary Rice), ported to JavaScript; the rest are this
 * app's own, written from each provider's published token format. The library rule set
 * (`outbound-redactor.ts`) adds its own for text posted to GitHub; these apply everywhere, logs included.
 */
const RULES: CredentialRule[] = [
  // A private key, with or without its END line: a truncated log still carries the key's body.
  {
    id: "private-key",
    pattern: new RegExp(String.raw`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|${KEY_LINE}*)`, "gi"),
  },
  { id: "aws-access-token", pattern: new RegExp(String.raw`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`, "g") },
  // An AWS secret key is 40 characters of base64 with no prefix of its own: recognised by the name it is given.
  {
    id: "aws-secret-access-key",
    pattern: new RegExp(String.raw`(\b(?:aws_?)?secret_?access_?key(?:_?id)?${ASSIGN}|\baws[\w.-]{0,20}?(?:secret|key)[\w.-]{0,20}${ASSIGN})[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`, "gi"),
    keep: 1,
  },
  { id: "jwt", pattern: new RegExp(String.raw`\bey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?${END}`, "g") },
  { id: "npm-access-token", pattern: new RegExp(String.raw`\bnpm_[a-z0-9]{36}${END}`, "gi") },
  { id: "slack-app-token", pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/gi },
  { id: "slack-bot-token", pattern: /\bxoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*/g },
  { id: "slack-config-access-token", pattern: /\bxoxe.xox[bp]-\d-[A-Z0-9]{163,166}/gi },
  { id: "slack-config-refresh-token", pattern: /\bxoxe-\d-[A-Z0-9]{146}/gi },
  { id: "slack-legacy-bot-token", pattern: /\bxoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}/g },
  { id: "slack-legacy-token", pattern: /\bxox[os]-\d+-\d+-\d+-[a-fA-F\d]+/g },
  { id: "slack-legacy-workspace-token", pattern: /\bxox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}/g },
  { id: "slack-user-token", pattern: /\bxox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}/g },
  { id: "slack-webhook-url", pattern: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/g },
  { id: "stripe-access-token", pattern: new RegExp(String.raw`\b(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}${END}`, "g") },
  { id: "gcp-api-key", pattern: new RegExp(String.raw`\bAIza[\w-]{35}${END}`, "g") },
  { id: "github-pat", pattern: /\bghp_[0-9a-zA-Z]{36}/g },
  { id: "github-oauth", pattern: /\bgho_[0-9a-zA-Z]{36}/g },
  { id: "github-app-token", pattern: /\b(?:ghu|ghs)_[0-9a-zA-Z]{36}/g },
  { id: "github-refresh-token", pattern: /\bghr_[0-9a-zA-Z]{36}/g },
  { id: "github-fine-grained-pat", pattern: /\bgithub_pat_\w{82}/g },

  // This app's own, from here on.
  // Any other `xox?-` token: Slack has changed their shape before.
  { id: "slack-token-loose", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  // Shorter GitHub tokens (test doubles, older formats) are still tokens.
  { id: "github-token-loose", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g },
  { id: "gitlab-token", pattern: /\bgl(?:pat|dt|rt|ptt|ft|imt|agent|oas|cbt|soat|ffct|wt)-[A-Za-z0-9_-]{20,}/g },
  { id: "gitlab-runner-registration-token", pattern: /\bGR1348941[A-Za-z0-9_-]{20,}/g },
  { id: "anthropic-api-key", pattern: /\bsk-ant-(?:api|admin|oat|ort)\d\d-[A-Za-z0-9_-]{20,}/g },
  // sk-…, sk-proj-…, sk-svcacct-…, sk-admin-… (and any other provider that copied the shape).
  { id: "openai-api-key", pattern: /\bsk-[A-Za-z0-9_-]{20,}/g },
  { id: "google-oauth-client-secret", pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}/g },
  { id: "google-oauth-access-token", pattern: /\bya29\.[A-Za-z0-9_-]{20,}/g },
  // Azure: a storage account's key in a connection string, a SAS signature, an Entra ID client secret.
  { id: "azure-storage-account-key", pattern: /(\bAccountKey=)[A-Za-z0-9+/]{86}==/g, keep: 1 },
  { id: "azure-sas-signature", pattern: /([?&]sig=)[A-Za-z0-9%+/=]{30,}/g, keep: 1 },
  { id: "azure-entra-client-secret", pattern: new RegExp(String.raw`(?:(?<![A-Za-z0-9_~.\\-])|(?<=\\[nrt]))[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}${END}`, "g") },
  { id: "pypi-token", pattern: /\bpypi-Ag[A-Za-z0-9_-]{50,}/g },
  { id: "twilio-api-key", pattern: /\bSK[0-9a-fA-F]{32}\b/g },
  { id: "sendgrid-api-key", pattern: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { id: "mailgun-api-key", pattern: /\bkey-[0-9a-f]{32}\b/g },
  { id: "shopify-token", pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g },
  { id: "heroku-api-key", pattern: /\bHRKU-[A-Za-z0-9_-]{20,}/g },
  { id: "digitalocean-token", pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  // A Datadog API or application key is 32 or 40 hex characters: recognised by the name it is given.
  {
    id: "datadog-key",
    pattern: new RegExp(String.raw`(\b(?:dd|datadog)[\w.-]{0,20}?(?:api|app(?:lication)?)[_-]?key${ASSIGN})[a-f0-9]{32,40}\b`, "gi"),
    keep: 1,
  },
  { id: "doppler-token", pattern: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b/g },
  { id: "hashicorp-vault-token", pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g },
  { id: "terraform-cloud-token", pattern: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}/g },
  { id: "linear-api-key", pattern: /\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b/g },
  { id: "notion-token", pattern: /\b(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})\b/g },
  { id: "discord-bot-token", pattern: /\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b/g },
  { id: "discord-webhook-url", pattern: /(https?:\/\/(?:[\w-]+\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/)[A-Za-z0-9_-]{60,}/g, keep: 1 },
  { id: "telegram-bot-token", pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g },
  { id: "huggingface-token", pattern: /\bhf_[A-Za-z]{34}\b/g },
  { id: "groq-api-key", pattern: /\bgsk_[A-Za-z0-9]{52}\b/g },
  { id: "grafana-token", pattern: /\b(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})/g },
  { id: "postman-api-key", pattern: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/gi },
  { id: "sentry-token", pattern: /\bsntr[ysu]_[A-Za-z0-9+/=_-]{40,}/g },
  { id: "docker-hub-token", pattern: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/g },
  { id: "databricks-token", pattern: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g },
  { id: "figma-token", pattern: /\bfig[dou]_[A-Za-z0-9_-]{30,}/g },
  { id: "tailscale-key", pattern: /\btskey-[a-z]+-[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,}/g },
  { id: "age-secret-key", pattern: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g },
  { id: "planetscale-token", pattern: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}/g },
  { id: "supabase-token", pattern: /\bsb(?:p|_secret)_[A-Za-z0-9_-]{32,}/g },
  { id: "1password-service-account-token", pattern: /\bops_eyJ[A-Za-z0-9+/=_-]{50,}/g },
  // `Authorization: Basic …`, `Bearer …` or `token …` (curl -H, HTTP dumps, JSON): the scheme stays, the credential goes.
  {
    id: "authorization-header",
    pattern: /(\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?(?:basic|bearer|token|digest|negotiate|ntlm)\s+)[A-Za-z0-9+/=._~-]{8,}/gi,
    keep: 1,
  },
  // `Authorization: <credential>` with no scheme: a long, random-looking value.
  {
    id: "authorization-value",
    pattern: /(\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)([A-Za-z0-9+/=._~-]{16,})/gi,
    keep: 1,
    entropy: 3,
  },
  // Other headers that carry a key as it is.
  {
    id: "api-key-header",
    pattern: /(\b(?:x-api-key|api-key|x-auth-token|private-token|x-goog-api-key|ocp-apim-subscription-key|dd-api-key|dd-application-key)\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9+/=._~-]{16,}/gi,
    keep: 1,
  },
  { id: "x-access-token", pattern: /\bx-access-token:[^@\s]+@/g },
  // `scheme://user:password@host` (git, HTTP, databases): the scheme and host stay, the credentials go.
  { id: "url-credentials", pattern: /(\b[a-z][a-z0-9+.-]{1,20}:\/\/)[^\s:/?#@"'<>]+:[^\s/?#@"'<>]+@/gi, keep: 1 },
  // `password = …`, `API_TOKEN: …`: a value given under a secret's name, when it is random enough to be one.
  {
    id: "secret-assignment",
    pattern: new RegExp(
      String.raw`(\b[\w.-]{0,40}?(?:secret|passw(?:or)?d|passphrase|pwd|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|auth[_-]?key|credentials?)[\w.-]{0,20}${ASSIGN})([A-Za-z0-9+/=_.~!@#$%^&*-]{12,200})(?=[\x60'"\s;,)\]}\\]|$)`,
      "gi",
    ),
    keep: 1,
    entropy: 3.5,
    // Words and identifiers (`process.env.API_KEY`) are names, not values.
    allow: /^[a-zA-Z_.-]+$/,
  },
].map((rule: CredentialRule) => ({
  ...rule,
  // A word boundary also after an escaped newline or tab, as JSON and `\n`-joined text have them.
  pattern: new RegExp(rule.pattern.source.replaceAll(String.raw`\b`, String.raw`(?:\b|(?<=\\[nrt]))`), rule.pattern.flags),
}));

export const CREDENTIAL_RULES: readonly CredentialRule[] = RULES;
