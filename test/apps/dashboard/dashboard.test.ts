// The dashboard in a real browser: headless Chromium signs in with the link `tandem serve` prints, types a message into
// the playground and reads the decision, with a screenshot saved to test-results/.
import { statSync } from "node:fs";
import { pino } from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";
import { blockOutside, browserRequired, chromiumPath, launchBrowser, screenshotPath } from "../../fixtures/browser.js";

describe.skipIf(!chromiumPath && !browserRequired)("dashboard in Chromium", () => {
  let running: RunningService;
  let browser: Browser;
  beforeAll(async () => {
    running = await startService(loadConfig({ PORT: "0" }), {
      logger: pino({ level: "silent" }),
      store: await Store.open(),
      createFirstKey: true,
    });
    await running.store.enqueue({ idempotencyKey: "dead-demo", kind: "webhook", payload: { url: "https://example.invalid", body: {} } });
    const [action] = await running.store.listActions();
    await running.store.markDead(action.id, "HTTP 400: invalid_blocks");
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it("signs in from the first-start link, decides a typed message and shows the whole decision", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const blocked = await blockOutside(page, running.url);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${running.url}/dashboard/#key=${running.firstKey ?? ""}`);
    await page.locator("#main").waitFor({ state: "visible" });
    // the key leaves the address bar at once
    expect(page.url()).toBe(`${running.url}/dashboard/`);

    await page.locator("#message").fill("This is the third time I write, I want a human NOW");
    await page.locator("#customer-tier").fill("premium");
    await page.locator("#decide").click();
    await page.locator("#decision").waitFor({ state: "visible" });
    // urgent once the after-hours points push the score over 85, human in office hours: the reason is the same
    expect(await page.locator("#route").textContent()).toMatch(/^(human|urgent)$/);
    expect(await page.locator("#route-reason").textContent()).toBe("The customer asked for a person, and always gets one.");
    const reasons = await page.locator("#reasons li").allTextContents();
    expect(reasons[0]).toBe("+60 The customer asks for a person: human now");
    expect(reasons.some((reason) => reason.includes("A high-value customer: tier premium"))).toBe(true);
    expect(await page.locator("#handoff-summary").textContent()).toContain('"This is the third time I write, I want a human NOW"');
    expect(await page.locator("#suggestion").textContent()).toContain("a member of our support team will take over");

    await page.locator("#message").fill("where is my order 12345?");
    await page.locator("#customer-tier").fill("");
    await page.locator("#decide").click();
    await expect.poll(() => page.locator("#route").textContent()).toBe("automate");
    expect(await page.locator("#sources li a").first().getAttribute("href")).toBe(
      "https://help.northwind.example/articles/track-your-order",
    );
    expect(await page.locator("#handoff-block").isHidden()).toBe(true);

    // the dead-letter queue shows the failed action and retries it
    expect(await page.locator("#dead-rows tr td").nth(3).textContent()).toBe("HTTP 400: invalid_blocks");
    await page.locator("#dead-rows button").click();
    await expect.poll(() => page.locator("#dead-empty").isVisible()).toBe(true);
    expect((await running.store.countActions()).dead).toBe(0);

    // charts are drawn by Chart.js from the served copy
    expect(await page.evaluate(() => typeof (globalThis as { Chart?: unknown }).Chart)).toBe("function");
    expect(await page.locator("#cards .card").count()).toBe(11);

    const file = screenshotPath("dashboard.png");
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
  }, 60_000);

  it("asks for a key when there is none, and says when a key is wrong", async () => {
    const page = await browser.newPage();
    await blockOutside(page, running.url);
    await page.goto(`${running.url}/dashboard/`);
    await page.locator("#sign-in").waitFor({ state: "visible" });
    await page.locator("#api-key").fill("tdm_000000000000_wrongwrongwrongwrongwrongwrongwron");
    await page.locator("#sign-in-form button").click();
    await expect.poll(() => page.locator("#sign-in-error").textContent()).toBe("That API key is not valid or was revoked.");
    await page.locator("#api-key").fill(running.firstKey ?? "");
    await page.locator("#sign-in-form button").click();
    await page.locator("#main").waitFor({ state: "visible" });
  }, 60_000);
});
