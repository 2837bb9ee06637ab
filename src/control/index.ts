export { describeCheckpoint, renderControl, type ControlLinks, type ControlUsage } from "./render-control.ts";
export { ControlThrottle, type ControlThrottleOptions, type Schedule } from "./control-throttle.ts";
export { Dashboard, DashboardAuth, MissionFeed, escapeHtml, renderPage } from "./dashboard/index.ts";
