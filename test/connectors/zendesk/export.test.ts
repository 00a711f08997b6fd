// Training from Zendesk history: the Incremental Export API (cursor pages, a 429 in between) faked with nock.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../apps/cli/main.js";
import { exportLabelledTickets, labelOf } from "../../../connectors/zendesk/export.js";
import { loadModel } from "../../../core/triage/model-file.js";
import { tinyExamples } from "../../fixtures/tiny-intents.js";

const ZENDESK = "https://acme.zendesk.com";
const since = new Date("2026-01-01T00:00:00Z");
const auth = `Basic ${Buffer.from("tandem@acme.com/token:zd-token").toString("base64")}`;

/** Tickets built from the tiny fixture: solved ones carry their category in a tag and in field 360001. */
const tickets = tinyExamples.map((example, index) => ({
  id: 1000 + index,
  status: index % 10 === 9 ? "open" : index % 2 === 0 ? "solved" : "closed",
  description: example.text,
  tags: ["vip", `category_${example.label}`],
  custom_fields: [{ id: 360001, value: example.label }],
}));

describe("training from Zendesk", () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  it("follows the export's cursor, waits out a 429, and keeps solved and closed tickets with their label", async () => {
    const waits: number[] = [];
    const api = nock(ZENDESK, { reqheaders: { authorization: auth } })
      .get("/api/v2/incremental/tickets/cursor.json")
      .query({ start_time: String(since.getTime() / 1000) })
      .reply(200, { tickets: tickets.slice(0, 15), after_cursor: "c2", end_of_stream: false })
      .get("/api/v2/incremental/tickets/cursor.json")
      .query({ cursor: "c2" })
      .reply(429, {}, { "Retry-After": "7" })
      .get("/api/v2/incremental/tickets/cursor.json")
      .query({ cursor: "c2" })
      .reply(200, { tickets: tickets.slice(15), after_cursor: "c3", end_of_stream: true });
    const examples = await exportLabelledTickets({
      subdomain: "acme",
      email: "tandem@acme.com",
      apiToken: "zd-token",
      labelTagPrefix: "category_",
      since,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(api.isDone()).toBe(true);
    expect(waits).toEqual([7000]);
    expect(examples).toHaveLength(27); // 30 tickets, 3 still open
    expect(examples[0]).toEqual({ text: tinyExamples[0].text, label: tinyExamples[0].label });
    expect(labelOf(tickets[0], { labelField: 360001 })).toBe(tinyExamples[0].label);
    expect(labelOf({ ...tickets[0], tags: ["vip"] }, { labelTagPrefix: "category_" })).toBeUndefined();
  });

  it("trains a model from it with tandem train --from zendesk, and says what is missing otherwise", async () => {
    nock(ZENDESK).get("/api/v2/incremental/tickets/cursor.json").query(true).reply(200, { tickets, end_of_stream: true });
    const out: string[] = [];
    const err: string[] = [];
    const output = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
    const saved = { ...process.env };
    Object.assign(process.env, { ZENDESK_SUBDOMAIN: "acme", ZENDESK_EMAIL: "tandem@acme.com", ZENDESK_API_TOKEN: "zd-token" });
    const model = join(mkdtempSync(join(tmpdir(), "tandem-zd-train-")), "zendesk.tdm");
    try {
      expect(await runCli(["train", "--from", "zendesk", "--label-field", "360001", "--since", "2026-01-01", "--out", model], output)).toBe(
        0,
      );
      expect(out).toContain("Read 27 solved tickets with a label from Zendesk.");
      expect([...loadModel(model).labels].sort()).toEqual(["login", "order_status", "refund"]);
      delete process.env.ZENDESK_API_TOKEN;
      expect(await runCli(["train", "--from", "zendesk", "--label-field", "1", "--out", model], output)).toBe(2);
      expect(err.join("\n")).toContain("--from zendesk: ZENDESK_EMAIL: is needed with ZENDESK_API_TOKEN (or set ZENDESK_OAUTH_TOKEN)");
      expect(await runCli(["train", "--out", model], output)).toBe(2);
      expect(err.join("\n")).toContain("--data: give --data FILE or --from zendesk|hubspot (one of them)");
    } finally {
      for (const name of ["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"])
        if (saved[name] === undefined) delete process.env[name];
    }
  }, 30_000);
});
