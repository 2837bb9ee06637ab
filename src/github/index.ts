export type * from "./github-port.ts";
export { OctokitGitHub } from "./octokit-github.ts";
export { toCheckRunRequests, clip, CHECK_OUTPUT_LIMIT } from "./check-run-requests.ts";
export { hasWriteAccess } from "./has-write-access.ts";
export { createRedactor, redactLogLine } from "./redact-secrets.ts";
export { missionsOctokit, type OctokitPolicy } from "./missions-octokit.ts";
export { createOutboundRedactor } from "./outbound-redactor.ts";
export { address, closes, defuseClosingKeywords, defuseMentions } from "./mentions.ts";
