// The built Zendesk sidebar in headless Chromium. The ZAF SDK's address is served a test double of the ZAF client that
// holds a ticket and records what the app asks of it; its request() goes through a stand-in for Zendesk's proxy, which
// fills in the secure API key on the server side, as Zendesk does, so the key never reaches the page.
import { existsSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";
import { blockOutside, browserRequired, chromiumPath, launchBrowser, screenshotPath } from "../../fixtures/browser.js";

const SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js";
const built = "dist/zendesk-app/assets/iframe.html";

/** The ZAF client double: a ticket, settings, a proxy for request(), and a record of every call. */
function fakeZafClient(ticket: Record<string, unknown>, backendUrl: string): string {
  return `
    window.zafCalls = [];
    const handlers = {};
    window.zafFire = (event) => handlers[event] && handlers[event]();
    window.ZAFClient = { init() { return {
      async get(paths) { zafCalls.push(["get", paths]); const ticket = ${JSON.stringify(ticket)}; return Object.fromEntries(paths.map((path) => [path, ticket[path]])); },
      async metadata() { return { settings: { backend_url: ${JSON.stringify(backendUrl)} } }; },
      async request(options) {
        zafCalls.push(["request", options]);
        const response = await fetch("/zaf-proxy", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options) });
        const body = await response.json();
        if (response.status >= 400) throw { status: response.status, responseJSON: body };
        return body;
      },
      async invoke(name, ...args) { zafCalls.push(["invoke", name, ...args]); return {}; },
      on(event, handler) { zafCalls.push(["on", event]); handlers[event] = handler; },
    }; } };
  `;
}

describe.skipIf((!chromiumPath && !browserRequired) || !existsSync(built))("Zendesk sidebar in Chromium", () => {
  let running: RunningService;
  let appServer: Server;
  let appUrl: string;
  let browser: Browser;
  let apiKey = "";

  beforeAll(async () => {
    running = await startService(loadConfig({ PORT: "0" }), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
      createFirstKey: true,
    });
    apiKey = running.firstKey ?? "";
    const app = express();
    // Zendesk's proxy: secure settings are filled in here, never in the browser
    app.post("/zaf-proxy", express.json(), async (request, response) => {
      const options = request.body as { url: string; type: string; headers: Record<string, string>; data: string; contentType: string };
      const settings: Record<string, string> = { api_key: request.get("x-test-key") ?? apiKey };
      const headers = Object.fromEntries(
        Object.entries(options.headers).map(([name, value]) => [
          name,
          value.replace(/\{\{setting\.(\w+)\}\}/g, (_, key: string) => settings[key] ?? ""),
        ]),
      );
      const answer = await fetch(options.url, {
        method: options.type,
        headers: { ...headers, "content-type": options.contentType },
        body: options.data,
      });
      response
        .status(answer.status)
        .type("application/json")
        .send(await answer.text());
    });
    app.use(express.static("dist/zendesk-app"));
    appServer = await new Promise<Server>((resolve) => {
      const server = app.listen(0, "127.0.0.1", () => resolve(server));
    });
    appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    appServer?.close();
    await running?.close();
  });

  async function openSidebar(ticket: Record<string, unknown>, backendUrl = running.url): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 360, height: 900 } });
    await blockOutside(page, appUrl);
    await page.route(SDK, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: fakeZafClient(ticket, backendUrl) }),
    );
    await page.goto(`${appUrl}/assets/iframe.html`);
    return page;
  }

  const ticket = {
    "ticket.id": 42,
    "ticket.subject": "Refund",
    "ticket.description": "Hello",
    "ticket.requester": { name: "Ada Lovelace", email: "ada@example.com" },
    "ticket.comments": [
      { value: "<p>Hello</p>", public: true, author: { role: "end-user" } },
      { value: "<p>We are looking into it.</p>", public: true, author: { role: "agent" } },
      { value: "<p>This is the third time I write, I want a human NOW</p>", public: true, author: { role: "end-user" } },
    ],
  };

  it("shows the decision for the ticket, inserts the suggested reply, and never sees the API key", async () => {
    const page = await openSidebar(ticket);
    await page.locator("#decision").waitFor({ state: "visible" });
    expect(await page.locator("#route").textContent()).toMatch(/^(human|urgent)$/);
    expect(await page.locator("#route-reason").textContent()).toBe("The customer asked for a person, and always gets one.");
    expect((await page.locator("#reasons li").allTextContents())[0]).toBe("+60 The customer asks for a person: human now");
    expect(await page.locator("#summary").textContent()).toMatch(/^Ada Lovelace writes about human agent/);
    const suggestion = await page.locator("#suggestion").textContent();
    expect(suggestion).toMatch(/^Hi Ada,/);

    await page.locator("#insert").click();
    const calls = await page.evaluate(() => (globalThis as unknown as { zafCalls: unknown[][] }).zafCalls);
    expect(calls).toContainEqual(["invoke", "ticket.editor.insert", suggestion]);
    expect(calls.some((call) => call[0] === "invoke" && call[1] === "resize")).toBe(true);
    expect(calls).toContainEqual(["on", "ticket.comments.changed"]);
    const request = calls.find((call) => call[0] === "request" && (call[1] as { url: string }).url.endsWith("/api/decide"))?.[1] as {
      headers: Record<string, string>;
      secure: boolean;
      url: string;
      data: string;
    };
    expect(request).toMatchObject({
      secure: true,
      url: `${running.url}/api/decide`,
      headers: { Authorization: "Bearer {{setting.api_key}}" },
    });
    expect((JSON.parse(request.data) as { message: string }).message).toBe("This is the third time I write, I want a human NOW");
    expect(await page.content()).not.toContain(apiKey);
    expect(JSON.stringify(calls)).not.toContain(apiKey);

    const file = screenshotPath("zendesk-sidebar.png");
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(5_000);
  }, 60_000);

  it("keeps agents' feedback: a good suggestion, and a wrong intent corrected from the model's list", async () => {
    const page = await openSidebar({
      ...ticket,
      "ticket.comments": [{ value: "my card got declined at checkout", public: true, author: { role: "end-user" } }],
    });
    await page.locator("#decision").waitFor({ state: "visible" });
    await expect.poll(() => page.locator("#correct-intent option").count()).toBeGreaterThan(20);
    await page.locator("#good").click();
    await expect.poll(() => page.locator("#thanks").textContent()).toBe("Thanks: noted as a good suggestion.");
    expect(await page.locator("#wrong").isDisabled()).toBe(true);
    await page.locator("#correct-intent").selectOption("billing_dispute");
    await page.locator("#wrong").click();
    await expect
      .poll(() => page.locator("#thanks").textContent())
      .toBe("Thanks: noted as billing_dispute; the next training learns from it.");
    expect(await running.store.countFeedback()).toEqual({ good_suggestion: 1, wrong_intent: 1 });
    expect(await running.store.correctedExamples()).toEqual([{ text: "my card got declined at checkout", label: "billing_dispute" }]);
  }, 60_000);

  it("escalates the ticket to Slack's channel from the sidebar, once", async () => {
    const page = await openSidebar({
      ...ticket,
      "ticket.id": 77,
      "ticket.requester": { id: 5150, name: "Grace Hopper", email: "grace@example.com" },
      "ticket.comments": [{ value: "where is my order 12345?", public: true, author: { role: "end-user" } }],
    });
    await page.locator("#decision").waitFor({ state: "visible" });
    expect(await page.locator("#route").textContent()).toBe("automate");
    await page.locator("#escalate").click();
    await expect.poll(() => page.locator("#escalated").textContent()).toBe("Sent to #support-escalations with the handoff.");
    await page.locator("#escalate").click();
    await expect.poll(() => page.locator("#escalated").textContent()).toBe("Already escalated in #support-escalations.");
    const conversation = await running.store.findConversation("zendesk", "77");
    const escalation = await running.store.activeEscalation(conversation?.id ?? 0);
    expect(escalation).toMatchObject({ route: "human", state: "open", intent: "order_status" });
    expect((await running.store.recentMessages(conversation?.id ?? 0)).map((message) => message.text)).toEqual([
      "where is my order 12345?",
    ]);
  }, 60_000);

  it("refreshes when the ticket's comments change", async () => {
    const page = await openSidebar({
      ...ticket,
      "ticket.comments": [{ value: "where is my order 12345?", public: true, author: { role: "end-user" } }],
    });
    await page.locator("#decision").waitFor({ state: "visible" });
    expect(await page.locator("#route").textContent()).toBe("automate");
    await page.evaluate(() => (globalThis as unknown as { zafFire: (event: string) => void }).zafFire("ticket.comments.changed"));
    await expect
      .poll(
        async () =>
          (await page.evaluate(() => (globalThis as unknown as { zafCalls: unknown[][] }).zafCalls)).filter(
            (call) => call[0] === "request" && (call[1] as { url: string }).url.endsWith("/api/decide"),
          ).length,
      )
      .toBe(2);
  }, 60_000);

  it("says in words an agent understands when the service refuses the key or cannot be reached", async () => {
    const refused = await browser.newPage();
    await blockOutside(refused, appUrl);
    await refused.route(SDK, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: fakeZafClient(ticket, running.url) }),
    );
    await refused.setExtraHTTPHeaders({ "x-test-key": "tdm_000000000000_wrongwrongwrongwrongwrongwrongwron" });
    await refused.goto(`${appUrl}/assets/iframe.html`);
    await expect
      .poll(() => refused.locator("#status").textContent())
      .toBe("Tandem did not accept the API key. Ask an admin to check the app's settings.");

    const down = await openSidebar(ticket, "http://127.0.0.1:9");
    await expect
      .poll(() => down.locator("#status").textContent())
      .toBe("Tandem could not be reached. Check the service address in the app's settings.");
    expect(await down.locator("#status").getAttribute("class")).toBe("status error");
  }, 60_000);
});
