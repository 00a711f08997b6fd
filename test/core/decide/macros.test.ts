import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractEntities } from "../../../core/decide/entities.js";
import { loadKnowledgeBase } from "../../../core/decide/knowledge-base.js";
import {
  checkMacroSources,
  fillMacro,
  loadMacros,
  MacroLibrary,
  parseMacros,
  placeholderValues,
  starterMacrosPath,
} from "../../../core/decide/macros.js";
import { starterIntentsPath } from "../../../core/triage/starter-model.js";
import { errorOf } from "../../fixtures/error-of.js";

const macro = (overrides: Record<string, unknown> = {}) => ({
  id: "refund-timing",
  title: "When will my refund arrive",
  intents: ["refund_status"],
  body: "Hi {{customer_name}}, the refund of {{amount}} for order {{order_id}} was issued.",
  sources: ["refund-timing"],
  ...overrides,
});

describe("macros", () => {
  it("fills placeholders from the ticket and greets without a name", () => {
    const values = placeholderValues(extractEntities("Where is the refund of $25.00 for order #48213?"));
    expect(values).toEqual({ order_id: "48213", amount: "$25.00" });
    expect(fillMacro(macro().body, values)).toEqual({
      text: "Hi there, the refund of $25.00 for order 48213 was issued.",
      missing: [],
    });
    expect(fillMacro(macro().body, { ...values, customer_name: "Ada" }).text).toBe(
      "Hi Ada, the refund of $25.00 for order 48213 was issued.",
    );
  });

  it("never sends a raw placeholder: a missing fact is shown in brackets and listed", () => {
    const filled = fillMacro(macro().body, { amount: "€12" });
    expect(filled.text).toBe("Hi there, the refund of €12 for order [order number] was issued.");
    expect(filled.text).not.toContain("{{");
    expect(filled.missing).toEqual(["order_id"]);
  });

  it("takes the customer's first name and email from the connector over the message", () => {
    const values = placeholderValues(extractEntities("my name is Bob Stone, mail me at bob@example.com"), {
      name: "Roberta Stone",
      email: "roberta@example.com",
    });
    expect(values.customer_name).toBe("Roberta");
    expect(values.email).toBe("roberta@example.com");
  });

  it("prefers a macro it can fill completely, then the one closest to the message", () => {
    const library = new MacroLibrary(
      parseMacros([
        macro({ id: "with-tracking", title: "Where is my parcel", intents: ["order_status"], body: "Track {{tracking_number}}." }),
        macro({ id: "general", title: "Order status", intents: ["order_status"], body: "Order {{order_id}} ships in 1 day." }),
        macro({ id: "late", title: "Late parcel", intents: ["shipping_delay", "order_status"], body: "Sorry order {{order_id}} is late." }),
      ]),
    );
    expect(library.choose("order_status", "status of order 5531", { order_id: "5531" })?.macro.id).toBe("general");
    expect(library.choose("order_status", "where is my parcel", { order_id: "5531", tracking_number: "1Z999" })?.macro.id).toBe(
      "with-tracking",
    );
    expect(library.choose("order_status", "my parcel is late", { order_id: "5531" })?.macro.id).toBe("late");
    const incomplete = library.choose("order_status", "where is my parcel", {});
    expect(incomplete?.filled.missing.length).toBeGreaterThan(0);
    expect(library.choose("refund_status", "refund", {})).toBeUndefined();
  });

  it("names the exact place of a mistake in a macros file", () => {
    expect(errorOf(() => parseMacros([macro(), macro({ id: "x", body: "Hello {{first_name}}" })], "macros.yaml")).message).toBe(
      "macros.yaml, at [1].body: unknown placeholder {{first_name}} (known: customer_name, order_id, amount, date, tracking_number, email)",
    );
    expect(errorOf(() => parseMacros([macro(), macro()], "macros.yaml")).message).toBe(
      'macros.yaml, at [1].id: duplicate id "refund-timing" (first at [0])',
    );
    expect(errorOf(() => parseMacros([macro({ intents: [] })], "macros.yaml")).message).toBe(
      "macros.yaml, at [0].intents: name at least one intent",
    );
    expect(errorOf(() => parseMacros({ id: "x" }, "m.json")).message).toContain("m.json, at (top level)");
    const folder = mkdtempSync(join(tmpdir(), "tandem-macros-"));
    writeFileSync(join(folder, "bad.yaml"), "- id: a\n  title: [unclosed\n");
    expect(errorOf(() => loadMacros(join(folder, "bad.yaml"))).message).toMatch(/bad\.yaml, line \d+: not valid YAML/);
    expect(errorOf(() => loadMacros(join(folder, "none.yaml"))).message).toContain("macros file not found");
  });

  it("rejects a source that is not an article of the knowledge base", () => {
    const library = new MacroLibrary(parseMacros([macro({ sources: ["refund-timing", "no-such-article"] })]));
    expect(errorOf(() => checkMacroSources(library, loadKnowledgeBase().articles(), "macros.yaml")).message).toBe(
      'macros.yaml, at [0].sources[1]: source "no-such-article" is not an article of the knowledge base',
    );
  });

  it("ships starter macros for every starter intent, each citing real articles", () => {
    const library = loadMacros();
    checkMacroSources(library, loadKnowledgeBase().articles(), starterMacrosPath);
    const intents = new Set(
      readFileSync(starterIntentsPath, "utf8")
        .split("\n")
        .slice(1)
        .map((line) => line.slice(line.lastIndexOf(",") + 1).trim())
        .filter((label) => label !== "" && label !== "out_of_scope"),
    );
    expect(intents.size).toBe(26);
    for (const intent of intents) expect(library.forIntent(intent).length, intent).toBeGreaterThan(0);
    for (const each of library.macros) {
      expect(each.sources.length, each.id).toBeGreaterThan(0);
      for (const intent of each.intents) expect(intents.has(intent), `${each.id}: ${intent}`).toBe(true);
    }
  });
});
