import { describe, expect, it } from "vitest";
import { isIbanValid, isLuhnValid, redact, restore } from "../../../core/decide/redact.js";

describe("redact", () => {
  it("replaces emails, phone numbers, valid cards and IBANs with numbered placeholders", () => {
    const text = "I'm jane.doe+shop@example.co.uk, call +44 20 7946 0958. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.";
    const result = redact(text);
    expect(result.text).toBe("I'm [email_1], call [phone_1]. Card [card_1], IBAN [iban_1].");
    expect(result.found.map((item) => item.kind)).toEqual(["email", "iban", "card", "phone"]);
    expect(restore(result.text, result.found)).toBe(text);
  });

  it("leaves order numbers, dates, amounts and digit runs that fail the checksums alone", () => {
    for (const text of ["order #123456789", "paid $49.99 on 2026-03-01", "ref 4111 1111 1111 1112", "IBAN GB82WEST12345698765433"]) {
      expect(redact(text).text).toBe(text);
    }
  });

  it("checks Luhn and IBAN mod-97", () => {
    expect(isLuhnValid("4111111111111111")).toBe(true);
    expect(isLuhnValid("4111111111111112")).toBe(false);
    expect(isIbanValid("GB82WEST12345698765432")).toBe(true);
    expect(isIbanValid("GB82WEST12345698765433")).toBe(false);
  });
});
