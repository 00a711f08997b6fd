import { existsSync } from "node:fs";
import { eld as eldModule } from "eld/medium";
import { describe, expect, it } from "vitest";
import { loadPassages } from "../../../core/decide/knowledge-base.js";
import { readLabelledFile } from "../../../core/triage/labelled-data.js";
import { detectLanguage, eldTablesPath } from "../../../core/triage/language.js";

describe("language detection", () => {
  const samples: [string, string][] = [
    ["where is my order 12345?", "en"],
    ["Mi pedido no ha llegado y nadie me responde", "es"],
    ["Je veux parler à un humain, pas à un robot", "fr"],
    ["Ich möchte mit einem Mitarbeiter sprechen", "de"],
    ["Quero falar com uma pessoa sobre a minha encomenda", "pt"],
    ["Voglio fare un reclamo per il mio ordine", "it"],
    ["Ik wil een klacht indienen over mijn bestelling", "nl"],
  ];

  it("names the language of short helpdesk messages", () => {
    for (const [text, code] of samples) expect(detectLanguage(text).code, text).toBe(code);
    expect(detectLanguage("12345 ???")).toEqual({ code: "und", reliable: false });
  });

  it("loads ELD's tables from the binary file the build writes, and answers as ELD's own module on every text", () => {
    expect(existsSync(eldTablesPath)).toBe(true);
    const texts = [
      ...samples.map(([text]) => text),
      "hi",
      "refund please",
      "Kann ich meine Bestellung stornieren?",
      "我的订单在哪里？我等了两个星期了",
      "Где мой заказ? Жду уже две недели",
      "注文した商品がまだ届きません 🙁📦",
      "ok 👍🏽👍🏽 thanks!!!",
      "a".repeat(5000),
      // words past 70 bytes end in n-grams longer than any in the tables, counted once each
      `${"x".repeat(75)} ${"y".repeat(3)}${"x".repeat(75)} ${"x".repeat(80)} hello ${"é".repeat(40)} ${"é".repeat(41)}`,
      `${"abcdefghij".repeat(8)} ${"zabcdefghij".repeat(8)} ${"abcdefghij".repeat(8)}`,
      `${"Mi pedido no ha llegado ".repeat(60)} where is it`,
      "x1 y2 z3 4444 55555 Ab-Cd O'Neil l'adresse",
      ...readLabelledFile("core/data/starter-intents.csv").map((example) => example.text),
      ...loadPassages().map((passage) => passage.text),
    ];
    const differences = texts.filter((text) => {
      const own = eldModule.detect(text);
      const expected = own.language === "" ? { code: "und", reliable: false } : { code: own.language, reliable: own.isReliable() };
      const actual = detectLanguage(text);
      return actual.code !== expected.code || actual.reliable !== expected.reliable;
    });
    expect(texts.length).toBeGreaterThan(900);
    expect(differences).toEqual([]);
  });
});
