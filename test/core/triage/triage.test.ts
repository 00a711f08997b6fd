import { describe, expect, it } from "vitest";
import { TandemError } from "../../../core/errors.js";
import { detectLanguage } from "../../../core/triage/language.js";
import { isShouting } from "../../../core/triage/priority.js";
import { analyseSentiment } from "../../../core/triage/sentiment.js";
import { triage } from "../../../core/triage/triage.js";

describe("triage", () => {
  it("finds the intent of a double charge with its confidence and the next best intents", () => {
    const result = triage("I was charged twice for my card payment");
    expect(result.intent).toBe("billing_dispute");
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.alternatives).toHaveLength(3);
    expect(result.alternatives.map((alternative) => alternative.intent)).not.toContain("billing_dispute");
    expect(result.alternatives[0].score).toBeLessThan(result.confidence);
    expect(result.language.code).toBe("en");
    expect(result.priority).toBe("high");
  });

  it("recognises the starter intents in everyday wording", () => {
    const cases: [string, string][] = [
      ["where is my order 12345?", "order_status"],
      ["I can't log in, it keeps saying my password is wrong", "account_access"],
      ["please cancel my subscription before it renews", "cancel_subscription"],
      ["the app crashes every time I open the settings page", "bug_report"],
      ["I want to talk to a real person, not a bot", "human_agent"],
      ["my package arrived smashed and the glass is broken", "damaged_or_wrong_item"],
    ];
    for (const [message, intent] of cases) expect(triage(message).intent, message).toBe(intent);
  });

  it("reports a message it does not know as unknown, keeping its best guess", () => {
    const result = triage("purple elephants sing opera on tuesdays");
    expect(result.intent).toBe("unknown");
    expect(result.outOfScope).toBe(true);
    expect(result.bestGuess).not.toBe("unknown");
  });

  it("raises priority for fraud, urgency and anger, and says why", () => {
    const fraud = triage("Someone hacked my account and made purchases I never authorised");
    expect(fraud.priority).toBe("urgent");
    expect(fraud.signals.map((signal) => signal.signal)).toContain("security");

    const urgent = triage("I need my invoice urgently for the audit tomorrow");
    expect(urgent.priority).toBe("urgent");
    expect(urgent.signals.find((signal) => signal.signal === "urgent_wording")?.evidence).toBe("urgently");

    const calm = triage("Would be nice to have a dark mode in the app some day");
    expect(calm.priority).toBe("low");
  });

  it("raises priority for a premium customer", () => {
    const normal = triage("how do I change the email on my account?");
    const premium = triage("how do I change the email on my account?", { tier: "Premium" });
    expect(["low", "normal"]).toContain(normal.priority);
    expect(premium.priority).toBe("high");
    expect(premium.signals.at(-1)).toEqual({ signal: "customer_tier", evidence: "Premium", priority: "high" });
  });

  it("refuses an empty or non-text message with a clear error", () => {
    for (const bad of ["", "   ", 42, null, { text: "hi" }]) {
      expect(() => triage(bad)).toThrow(TandemError);
    }
    expect(() => triage("  ")).toThrow("message: the message is empty");
    expect(() => triage(42)).toThrow("message: the message must be text");
  });
});

describe("language", () => {
  it("detects the languages customers write in", () => {
    expect(detectLanguage("Bonjour, je n'ai toujours pas reçu ma commande et personne ne me répond.").code).toBe("fr");
    expect(detectLanguage("Hallo, ich möchte mein Abonnement kündigen, bitte bestätigen Sie das.").code).toBe("de");
    expect(detectLanguage("Hola, quiero hablar con una persona sobre mi factura.").code).toBe("es");
    expect(detectLanguage("Olá, o meu pedido chegou danificado e quero devolver.").code).toBe("pt");
    expect(detectLanguage("Where is my refund? It has been two weeks.").code).toBe("en");
    expect(detectLanguage("???").code).toBe("und");
  });
});

describe("sentiment", () => {
  it("reads anger and praise in real customer wording", () => {
    const angry = analyseSentiment("This is the worst service ever. I am furious, nobody answers and my money is gone.");
    expect(angry.label).toBe("negative");
    expect(angry.score).toBeLessThan(-0.3);
    expect(angry.words).toEqual(expect.arrayContaining(["worst", "furious"]));
    const happy = analyseSentiment("Thank you so much, the support was excellent and really helpful!");
    expect(happy.label).toBe("positive");
    expect(analyseSentiment("I would like to change my delivery address.").label).toBe("neutral");
  });

  it("understands simple negation", () => {
    expect(analyseSentiment("The agent was not helpful at all").score).toBeLessThan(0);
  });
});

describe("shouting", () => {
  it("spots a message written in capitals, but not a short acronym", () => {
    expect(isShouting("WHERE IS MY REFUND I HAVE BEEN WAITING FOR WEEKS")).toBe(true);
    expect(isShouting("Is the API down?")).toBe(false);
    expect(isShouting("OK")).toBe(false);
  });
});
