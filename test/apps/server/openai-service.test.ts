// The service with an OpenAI key: suggestions rewritten by the model when its draft passes the checks, the local one
// otherwise, and every call's tokens, cost and outcome kept for the dashboard (never its text).
import nock from "nock";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../apps/server/config.js";
import { type RunningService, startService } from "../../../apps/server/service.js";
import { Store } from "../../../core/store/store.js";

describe("the service with an OpenAI key", () => {
  let running: RunningService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    running = await startService(
      loadConfig({ PORT: "0", OPENAI_API_KEY: "sk-test", OPENAI_PRICE_INPUT: "0.15", OPENAI_PRICE_OUTPUT: "0.6" }),
      {
        logger: pino({ level: "silent" }),
        store: await Store.open(),
        createFirstKey: true,
      },
    );
  }, 30_000);
  afterAll(async () => {
    await running?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const suggest = async (message: string) => {
    const response = await fetch(`${running.url}/api/suggest`, {
      method: "POST",
      headers: { authorization: `Bearer ${running.firstKey ?? ""}`, "content-type": "application/json" },
      body: JSON.stringify({ message, context: { now: "2026-11-23T10:00:00Z" } }),
    });
    return (await response.json()) as { suggestion: { kind: string; text: string } };
  };

  it("uses the model's grounded draft, keeps the local one when the model fails, and records both calls", async () => {
    nock("https://api.openai.com")
      .post("/v1/chat/completions")
      .reply(200, (_uri, body) => {
        // the model rewrites the local suggestion it was given
        const passages = (
          JSON.parse((body as { messages: { content: string }[] }).messages[1]?.content ?? "{}") as {
            passages: { id: string; text: string }[];
          }
        ).passages;
        const local = passages.find((passage) => passage.id === "local-suggestion");
        return {
          id: "c1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              finish_reason: "stop",
              message: {
                role: "assistant",
                refusal: null,
                content: JSON.stringify({ reply: `Hello! ${local?.text ?? ""}`, citations: ["local-suggestion"] }),
              },
            },
          ],
          usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
        };
      });
    const improved = await suggest("where is my order 12345?");
    expect(improved.suggestion.kind).toBe("model");
    expect(improved.suggestion.text).toMatch(/^Hello! Hi there,/);

    nock("https://api.openai.com")
      .post("/v1/chat/completions")
      .reply(500, { error: { message: "down" } });
    const local = await suggest("where is my order 12345?");
    expect(local.suggestion.kind).toBe("macro");

    await new Promise((resolve) => setTimeout(resolve, 50));
    const metrics = (await (
      await fetch(`${running.url}/api/metrics?days=1`, { headers: { authorization: `Bearer ${running.firstKey ?? ""}` } })
    ).json()) as { model: { calls: number; used: number; fallbacks: Record<string, number>; promptTokens: number; cost: number } };
    expect(metrics.model).toEqual({
      calls: 2,
      used: 1,
      fallbacks: { server_error: 1 },
      promptTokens: 1000,
      completionTokens: 200,
      cost: (1000 * 0.15 + 200 * 0.6) / 1_000_000,
    });
  });
});
