export { AppUnderTest, checkBrowser, AppStartError, BrowserUnavailableError, CHROMIUM_FLAGS, type AppSettings, type AppUnderTestOptions } from "./app-under-test.ts";
