import { existsSync } from "node:fs";
import { eld as eldModule } from "eld/medium";
import { describe, expect, it } from "vitest";
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

  it("loads ELD's tables from the JSON the build writes, with the same answers as ELD's own module", () => {
    expect(existsSync(eldTablesPath)).toBe(true);
    for (const [text] of [...samples, ["hi", ""], ["refund please", ""], ["Kann ich meine Bestellung stornieren?", ""]]) {
      const own = eldModule.detect(text);
      expect(detectLanguage(text), text).toEqual(
        own.language === "" ? { code: "und", reliable: false } : { code: own.language, reliable: own.isReliable() },
      );
    }
  });
});
