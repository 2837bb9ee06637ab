export { AppUnderTest, AppStartError, CHROMIUM_FLAGS, type AppSettings, type AppUnderTestOptions } from "./app-under-test.ts";
