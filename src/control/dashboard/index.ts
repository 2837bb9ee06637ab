export { Dashboard, type DashboardDeps } from "./dashboard.ts";
export { DashboardAuth, type DashboardAuthOptions, type Session, type Viewer } from "./dashboard-auth.ts";
export { MissionFeed } from "./mission-feed.ts";
export { escapeHtml, renderPage } from "./html.ts";
