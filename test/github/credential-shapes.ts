/**
 * One example of every credential shape the sanitiser must remove, each made of parts at run time so
 * that no scanner mistakes this file for a leak. `text` is how it appears; `secret` is the part that
 * must never be posted.
 */
const alnum = (length: number, seed = 7): string => {
  const letters = "aB3cD4eF5gH6iJ7kL8mN9pQ2rS3tU4vW5xY6zA7bC8dE9fG2hK";
  return Array.from({ length }, (_, index) => letters[(index * seed + 3) % letters.length]).join("");
};
const same = (text: string) => ({ text, secret: text });
const pem = (kind: string, body: string[], end: boolean) => [`-----BEGIN ${kind}PRIVATE KEY-----`, ...body, ...(end ? [`-----END ${kind}PRIVATE KEY-----`] : [])].join("\n");
const PEM_BODY = ["MIIEowIBAAKCAQEAx9Rz" + alnum(44, 11), alnum(64, 13), "Q2xvc2luZ0xpbmU="];
const hex = (length: number, seed = 7): string => Array.from({ length }, (_, index) => "0123456789abcdef"[(index * seed + 5) % 16]).join("");
const letters = (length: number): string => alnum(length, 5).replace(/[0-9]/g, "q");
const digits = (length: number): string => Array.from({ length }, (_, index) => String((index * 7 + 3) % 10)).join("");
/** A private key's PEM, base64-encoded whole (as a Kubernetes secret or `base64 key.pem` has it), wrapped at `width`. */
const wrapped = (text: string, width: number): string => Buffer.from(text).toString("base64").match(new RegExp(`.{1,${width}}`, "g"))!.join("\n");
const ENCODED_PEM = pem("RSA ", PEM_BODY, true);

export const CREDENTIALS: Record<string, { text: string; secret: string }> = {
  "AWS access key id": same("AKIA" + "Z7QK2MHT4VXLN3PB"),
  "AWS temporary access key id": same("ASIA" + "QW3ER7TY2UI4OP5A"),
  "AWS secret access key": { text: "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY" },
  "AWS secret in JSON": { text: '{"SecretAccessKey": "' + "je7MtGbClwBF/2Zp9Utk/h3yCo8nvb" + "EXAMPLEKEY" + '"}', secret: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvb" + "EXAMPLEKEY" },
  JWT: same("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
  "npm token": same("npm" + "_" + alnum(36)),
  "Slack bot token": same("xox" + "b-1234567890123-1234567890123-" + alnum(24)),
  "Slack user token": same("xox" + "p-1234567890-1234567890-1234567890-" + alnum(32)),
  "Slack app token": same("xox" + "a-2-" + alnum(24)),
  "Slack legacy token": same("xox" + "s-1234567890-1234567890-1234567890-0a1b2c3d4e"),
  "Slack refresh token": same("xox" + "r-" + alnum(40)),
  "Slack other token": same("xox" + "o-" + alnum(30)),
  "Stripe live key": same("sk" + "_live_" + alnum(24)),
  "Stripe restricted key": same("rk" + "_live_" + alnum(24)),
  "Google API key": same("AIza" + "Sy" + alnum(33)),
  "GitHub personal access token": same("ghp" + "_" + alnum(36)),
  "GitHub OAuth token": same("gho" + "_" + alnum(36)),
  "GitHub installation token": same("ghs" + "_" + alnum(36)),
  "GitHub fine-grained token": same("github" + "_pat_11" + alnum(20) + "_" + alnum(59)),
  "Authorization: Basic": { text: "Authorization: Basic " + Buffer.from("deploy:" + "s3cr3t-Passw0rd").toString("base64"), secret: Buffer.from("deploy:" + "s3cr3t-Passw0rd").toString("base64") },
  "Authorization: Bearer": { text: "authorization: Bearer " + alnum(32, 3), secret: alnum(32, 3) },
  "user:password@ in a URL": { text: "https://deploy:" + "s3cr3tPassw0rd" + "@git.example.com/acme/app.git", secret: "s3cr3tPassw0rd" },
  "PEM private key": { text: pem("RSA ", PEM_BODY, true), secret: PEM_BODY[1]! },
  "PEM private key without its END line": { text: pem("", PEM_BODY, false), secret: PEM_BODY[1]! },
  "PEM private key cut mid-body": { text: pem("EC ", PEM_BODY.slice(0, 1), false), secret: PEM_BODY[0]! },
  "PEM private key without its END line, in a diff": { text: pem("", PEM_BODY, false).split("\n").map((line) => `+${line}`).join("\n"), secret: PEM_BODY[1]! },
  "PEM private key without its END line, quoted": { text: pem("", PEM_BODY, false).split("\n").map((line) => `> ${line}`).join("\n"), secret: PEM_BODY[1]! },
  "PEM private key folded onto one line": { text: pem("", PEM_BODY, false).replace(/\n/g, " "), secret: PEM_BODY[1]! },
  "private key body without BEGIN or END lines": { text: PEM_BODY.join("\n"), secret: PEM_BODY[1]! },
  "PEM private key in base64, wrapped at 76": { text: wrapped(ENCODED_PEM, 76), secret: wrapped(ENCODED_PEM, 76).split("\n")[2]! },
  "PEM private key in base64, wrapped at 64": { text: wrapped(ENCODED_PEM, 64), secret: wrapped(ENCODED_PEM, 64).split("\n")[2]! },
  "PEM private key in base64, on one line": { text: "tls.key: " + Buffer.from(ENCODED_PEM).toString("base64"), secret: Buffer.from(ENCODED_PEM).toString("base64").slice(100, 160) },
  "GitLab personal access token": same("glpat" + "-" + alnum(20)),
  "GitLab runner token": same("glrt" + "-" + alnum(20, 3)),
  "OpenAI project key": same("sk" + "-proj-" + alnum(48, 9)),
  "Anthropic API key": same("sk" + "-ant-api03-" + alnum(40, 9)),
  "Google OAuth client secret": same("GOCSPX" + "-" + alnum(28, 3)),
  "Google OAuth access token": same("ya29" + "." + alnum(60, 11)),
  "Azure storage account key": { text: "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + alnum(86, 13) + "==;EndpointSuffix=core.windows.net", secret: alnum(86, 13) },
  "Azure SAS signature": { text: "https://acme.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=" + alnum(44, 3) + "%3D", secret: alnum(44, 3) },
  "Azure Entra client secret": same("aB3" + "8Q~" + alnum(34, 11)),
  "PyPI token": same("pypi" + "-AgEIcHlwaS5vcmc" + alnum(70, 13)),
  "Twilio API key": same("SK" + hex(32)),
  "SendGrid API key": same("SG" + "." + alnum(22, 3) + "." + alnum(43, 9)),
  "Mailgun API key": same("key" + "-" + hex(32, 3)),
  "Shopify access token": same("shpat" + "_" + hex(32, 5)),
  "Heroku API key": same("HRKU" + "-" + alnum(60, 9)),
  "DigitalOcean token": same("dop" + "_v1_" + hex(64, 9)),
  "Datadog API key": { text: "DD_API_KEY=" + hex(32, 11), secret: hex(32, 11) },
  "Datadog application key": { text: "datadog_app_key: " + hex(40, 13), secret: hex(40, 13) },
  "Doppler token": same("dp" + ".pt." + alnum(43, 3)),
  "HashiCorp Vault token": same("hvs" + "." + alnum(90, 11)),
  "Terraform Cloud token": same(alnum(14, 3) + ".atlas" + "v1." + alnum(67, 9)),
  "Linear API key": same("lin" + "_api_" + alnum(40, 11)),
  "Notion token": same("ntn" + "_" + digits(11) + alnum(35, 3)),
  "Notion legacy token": same("secret" + "_" + alnum(43, 13)),
  "Discord bot token": same("MT" + alnum(24, 9) + "." + alnum(6, 3) + "." + alnum(38, 11)),
  "Discord webhook URL": { text: "https://discord.com/api/webhooks/" + digits(18) + "/" + alnum(68, 13), secret: alnum(68, 13) },
  "Telegram bot token": same(digits(10) + ":AA" + alnum(33, 9)),
  "Hugging Face token": same("hf" + "_" + letters(34)),
  "Groq API key": same("gsk" + "_" + alnum(52, 3)),
  "Grafana service account token": same("glsa" + "_" + alnum(32, 9) + "_" + hex(8)),
  "Docker Hub token": same("dckr" + "_pat_" + alnum(27, 11)),
  "Databricks token": same("dapi" + hex(32, 13)),
  "Figma token": same("figd" + "_" + alnum(40, 3)),
  "Tailscale key": same("tskey" + "-auth-" + alnum(17, 9) + "-" + alnum(33, 11)),
  "Postgres URL with a password": { text: "postgres://app:" + "Wq7rT2xLp9" + "@db.internal:5432/app", secret: "Wq7rT2xLp9" },
  "Authorization: token": { text: "Authorization: token " + alnum(40, 9), secret: alnum(40, 9) },
  "X-API-Key header": { text: "X-API-Key: " + alnum(32, 13), secret: alnum(32, 13) },
  "password= assignment": { text: "password=" + "Zx9!qLm2Vb7Tr4pK8", secret: "Zx9!qLm2Vb7Tr4pK8" },
  "client_secret: assignment": { text: 'client_secret: "' + alnum(30, 11) + '"', secret: alnum(30, 11) },
};

/** The operator's own secrets, as `createRedactor` is given them. */
export const OPERATOR_SECRETS = ["operator-webhook-secret-0123", "Pr0vider-Key-abcdefXYZ987", pem("RSA ", ["MIIEpAIBAAKCAQEA" + alnum(48, 17), alnum(64, 19)], true)];

/** Each operator secret in each encoding a text can carry it in, with the part of that form that must go. */
export function operatorSecretForms(): Array<{ form: string; secret: string }> {
  const forms: Array<{ form: string; secret: string }> = [];
  for (const secret of OPERATOR_SECRETS) {
    for (const [before, after] of [["", ""], ["x", ""], ["x:", "y"], ["ab:", "\n"]]) {
      const base64 = Buffer.from(before + secret + after).toString("base64");
      forms.push({ form: base64, secret: base64.slice(4, -4) });
      const url = Buffer.from(before + secret + after).toString("base64url");
      forms.push({ form: url, secret: url.slice(4, -4) });
    }
    forms.push({ form: Buffer.from(secret).toString("hex"), secret: Buffer.from(secret).toString("hex") });
    forms.push({ form: Buffer.from(secret).toString("hex").toUpperCase(), secret: Buffer.from(secret).toString("hex").toUpperCase() });
    forms.push({ form: JSON.stringify(secret), secret: JSON.stringify(secret).slice(1, -1) });
    forms.push({ form: encodeURIComponent(secret), secret: encodeURIComponent(secret) });
  }
  return forms;
}
