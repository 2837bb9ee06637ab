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
