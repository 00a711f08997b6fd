// The routing policy: what may be automated, score thresholds, tiers, business hours, SLAs and who takes what. One file, checked with zod.
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseWith, readDataFile } from "../data-file.js";

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "08:30"');
const day = z.union([z.tuple([time, time]), z.null()]);
const weights = z.object({
  asksForHuman: z.number().min(0).max(100),
  frustration: z.number().min(0).max(100),
  threat: z.number().min(0).max(100),
  repeatContact: z.number().min(0).max(100),
  slaRisk: z.number().min(0).max(100),
  customerValue: z.number().min(0).max(100),
  sensitiveIntent: z.number().min(0).max(100),
  lowConfidence: z.number().min(0).max(100),
  afterHours: z.number().min(0).max(100),
});

export const policySchema = z
  .object({
    version: z.literal(1),
    intents: z.strictObject({
      /** The machine may answer these alone when it is sure and nothing else calls for a person. */
      automate: z.array(z.string().min(1)),
      /** A person sends the machine's draft. */
      assist: z.array(z.string().min(1)),
      /** A person takes over. */
      human: z.array(z.string().min(1)),
      /** Route for an intent the lists do not name. */
      default: z.enum(["automate", "assist", "human"]),
    }),
    sensitiveIntents: z.array(z.string().min(1)),
    automation: z.strictObject({
      /** Lowest intent confidence at which the machine answers alone. */
      minConfidence: z.number().min(0).max(1),
    }),
    thresholds: z
      .strictObject({ assist: z.number().min(0).max(100), human: z.number().min(0).max(100), urgent: z.number().min(0).max(100) })
      .refine((value) => value.assist <= value.human && value.human <= value.urgent, "must rise: assist ≤ human ≤ urgent"),
    weights: weights.strict(),
    tiers: z.record(
      z.string().min(1),
      z.strictObject({
        /** Added to the score for this tier's customers (0 to 100). */
        weight: z.number().min(0).max(100),
        /** This tier always reaches a person. */
        alwaysHuman: z.boolean().default(false),
      }),
    ),
    /** Lifetime or open-deal revenue at which a customer counts as high value. */
    highValueRevenue: z.number().min(0),
    businessHours: z.strictObject({
      timezone: z.string().refine(isTimeZone, "is not a known IANA time zone (e.g. Europe/Berlin)"),
      days: z.strictObject({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }),
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-12-25")),
      /** What the customer is told when a person is needed outside business hours. */
      afterHoursMessage: z.string().min(1),
    }),
    /** Minutes to a first human response, per priority. */
    sla: z.strictObject({
      urgent: z.number().positive(),
      high: z.number().positive(),
      normal: z.number().positive(),
      low: z.number().positive(),
    }),
    /** Minutes before a breach at which to warn (e.g. [180, 60, 15]). */
    slaWarnings: z.array(z.number().positive()),
    routing: z.strictObject({
      default: z.strictObject({ team: z.string().min(1), channel: z.string().min(1) }),
      rules: z.array(z.strictObject({ intents: z.array(z.string().min(1)).min(1), team: z.string().min(1), channel: z.string().min(1) })),
      /** Slack user group mentioned on urgent escalations and SLA breaches (e.g. "S0123ABC"). */
      onCallGroup: z.string().optional(),
    }),
    /** Appended to every suggestion so that a customer always knows how to reach a person. */
    humanContact: z.string().min(1),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const defaultPolicyPath = fileURLToPath(new URL("../data/policy.yaml", import.meta.url));

/** Checks a parsed policy and names the exact path of the first mistake. */
export function parsePolicy(value: unknown, file = "policy"): Policy {
  return parseWith(policySchema, value, "invalid_policy", file);
}

export function loadPolicy(path: string = defaultPolicyPath): Policy {
  return parsePolicy(readDataFile(path, "policy file", "invalid_policy"), path);
}

let cachedDefault: Policy | undefined;
export function defaultPolicy(): Policy {
  cachedDefault ??= loadPolicy(defaultPolicyPath);
  return cachedDefault;
}
