import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { perKeyRateLimit } from "../../../apps/server/auth.js";

describe("the per-key rate limit", () => {
  let clock = 1_000_000;
  let base = "";
  let close: () => void = () => undefined;

  beforeAll(async () => {
    const app = express();
    app.use((request, _response, next) => {
      request.apiKeyId = request.get("x-key");
      next();
    });
    app.use(perKeyRateLimit(3, () => clock));
    app.get("/", (_request, response) => {
      response.json({ ok: true });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    close = () => server.close();
  });
  afterAll(() => close());

  const call = (key: string) => fetch(base, { headers: { "x-key": key } });

  it("counts each key's requests in a window of a minute, says what is left, and refuses the one too many", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await call("alpha"));
      clock += 10_000;
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get("ratelimit"))).toEqual([
      "limit=3, remaining=2, reset=60",
      "limit=3, remaining=1, reset=50",
      "limit=3, remaining=0, reset=40",
      "limit=3, remaining=0, reset=30",
    ]);
    expect(answers[3].headers.get("ratelimit-policy")).toBe("3;w=60");
    expect(answers[3].headers.get("retry-after")).toBe("30");
    expect(answers[3].headers.get("content-type")).toMatch(/^application\/problem\+json/);
    // another key has its own window
    expect((await call("beta")).status).toBe(200);
  });

  it("opens a new window once the last one has passed", async () => {
    clock += 60_000;
    const answer = await call("alpha");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("ratelimit")).toBe("limit=3, remaining=2, reset=60");
  });
});
