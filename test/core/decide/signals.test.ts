import { describe, expect, it } from "vitest";
import { extractEntities } from "../../../core/decide/entities.js";
import { detectAskForHuman, detectFrustration, detectRepeatContact, detectThreat, withinOneEdit } from "../../../core/decide/signals.js";
import { analyseSentiment } from "../../../core/triage/sentiment.js";

const asks = (text: string) => detectAskForHuman(text.toLowerCase()).strength;

describe("asks for a person", () => {
  it("hears it in many wordings and languages, typos included", () => {
    for (const text of [
      "This is the third time I write, I want a human NOW",
      "can I talkk to someone?",
      "i need help talking with a human agent",
      "Please connect me with a customer service representative",
      "agent",
      "I don't want a bot",
      "Quiero hablar con una persona",
      "Je veux parler à un conseiller",
      "Ich möchte mit einem Mitarbeiter sprechen",
      "Quero falar com um atendente",
      "Vorrei parlare con un operatore",
      "Ik wil met een medewerker spreken",
    ]) {
      expect(asks(text), text).toBe(1);
    }
  });

  it("does not hear it where nobody asks for one", () => {
    for (const text of [
      "where is my order?",
      "how do I contact customer service by email",
      "the agent was very helpful, thanks",
      "I spoke to my bank",
    ]) {
      expect(asks(text), text).toBe(0);
    }
  });

  it("allows exactly one edit", () => {
    expect(withinOneEdit("asisstant", "assistant")).toBe(true);
    expect(withinOneEdit("talkk", "talk")).toBe(true);
    expect(withinOneEdit("operatr", "operator")).toBe(true);
    expect(withinOneEdit("oprtr", "operator")).toBe(false);
  });
});

describe("frustration, threats and repeat contact", () => {
  it("grows with anger, shouting and repeated punctuation", () => {
    const calm = "Could you check my order please?";
    const angry = "This is RIDICULOUS!!! Worst service ever, I am fed up";
    const calmScore = detectFrustration(calm, calm.toLowerCase(), analyseSentiment(calm)).strength;
    const angryResult = detectFrustration(angry, angry.toLowerCase(), analyseSentiment(angry));
    expect(calmScore).toBe(0);
    expect(angryResult.strength).toBeGreaterThan(0.8);
    expect(angryResult.evidence).toEqual(expect.arrayContaining(["ridiculous", "!!!"]));
  });

  it("names the kind of threat", () => {
    expect(detectThreat("i will file a chargeback and talk to my lawyer").kinds).toEqual(["chargeback", "legal"]);
    expect(detectThreat("i'll post a 1-star review on trustpilot").kinds).toEqual(["public"]);
    expect(detectThreat("where is my parcel").strength).toBe(0);
  });

  it("sees repeat contact in the words and in the history", () => {
    expect(detectRepeatContact("this is the third time i write", 0).strength).toBeGreaterThan(0.5);
    expect(detectRepeatContact("hello", 3).evidence).toEqual(["3 earlier contacts"]);
    expect(detectRepeatContact("hello", 0).strength).toBe(0);
  });
});

describe("entities", () => {
  it("extracts order numbers, amounts, dates, tracking numbers and a given name", () => {
    expect(
      extractEntities("My name is Jane Doe. Order #48213 was charged $49.99 twice on 2026-11-02, tracking 1Z999AA10123456784"),
    ).toEqual({
      orderIds: ["48213"],
      amounts: ["$49.99"],
      dates: ["2026-11-02"],
      emails: [],
      trackingNumbers: ["1Z999AA10123456784"],
      name: "Jane Doe",
    });
    expect(extractEntities("Bestellung Nr. 77812: 35,50 € bezahlt").orderIds).toEqual(["77812"]);
    expect(extractEntities("I may need help").dates).toEqual([]);
  });
});
