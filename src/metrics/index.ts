export { MissionsMetrics, type GitHubCall } from "./missions-metrics.ts";
