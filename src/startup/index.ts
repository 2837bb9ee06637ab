export { appManifest, readAppYml, webhookUrl, type ManifestAddresses } from "./app-manifest.ts";
export { updateEnvFile, formatEnvValue } from "./env-file.ts";
export { landingPage, type LandingPageOptions } from "./landing-page.ts";
export { NeedsConfigurationApp, type NeedsConfigurationOptions } from "./needs-configuration-app.ts";
export { SetupApp, type SetupAppOptions } from "./setup-app.ts";
export { startNeedsConfiguration, startSetup, type SetupStartOptions, type StartupServer } from "./start-startup-server.ts";
export { createWebhookChannel, type ChannelOptions } from "./webhook-channel.ts";
export { startWebhookRelay, type WebhookRelay } from "./webhook-relay.ts";
