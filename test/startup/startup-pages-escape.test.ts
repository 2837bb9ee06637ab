import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { landingPage } from "../../src/startup/landing-page.ts";
import { NeedsConfigurationApp } from "../../src/startup/needs-configuration-app.ts";

const HOSTILE = `<img src=x onerror="alert(1)"> & 'quotes'`;
const ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;";

/** The page a handler serves at `/`, over a real connection on a port the system picks. */
async function page(handle: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>): Promise<string> {
  const server = createServer((request, response) => void handle(request, response).then((ours) => ours || response.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("the startup pages", () => {
  it("escape the label and the install address on the landing page, in text and in attributes", async () => {
    const markup = await page(landingPage({ label: HOSTILE, installUrl: async () => `https://github.example/apps/x?a="${HOSTILE}`, githubWebUrl: "https://github.example" }));
    expect(markup).not.toContain("<img");
    expect(markup).toContain(`<code>${ESCAPED}</code>`);
    expect(markup).toContain(`href="https://github.example/apps/x?a=&quot;${ESCAPED}"`);
  });

  it("escape each configuration problem and the env file's name, and keep the page's own markup", async () => {
    const app = new NeedsConfigurationApp({ problems: [{ variables: ["X"], message: HOSTILE }, { variables: ["Y"], message: "Set Y." }], envFile: `/srv/${HOSTILE}/.env`, webhookPath: "/api/github/webhooks" });
    const markup = await page(app.handle);
    expect(markup).not.toContain("<img");
    expect(markup).toContain(`<p class="problem">${ESCAPED}</p>`);
    expect(markup).toContain(`<p class="problem">Set Y.</p>`);
    expect(markup).toContain("<code>npm start</code>");
  });
});
