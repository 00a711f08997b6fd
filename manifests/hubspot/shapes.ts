// HubSpot's documented shapes for a developer project's files (platform 2025.2 and 2026.03), as strict zod schemas: an
// unknown key, a misspelled enum value or a plain-http URL is refused here, since `hs project validate` and
// `hs project upload` check a project only on HubSpot's servers.
// - hsproject.json, app-hsmeta.json: https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration
// - webhooks: https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
// - cards: https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/app-cards/reference
import { z } from "zod";

/** The platform versions that use this layout (src/app/*-hsmeta.json); older projects used app.json and public-app.json. */
export const PLATFORM_VERSIONS = ["2025.2", "2026.03"] as const;

export const CARD_LOCATIONS = ["crm.record.tab", "crm.record.sidebar", "crm.preview", "helpdesk.sidebar"] as const;

/** CRM records an app card can be placed on (plural, as the card reference writes them). */
export const CARD_OBJECT_TYPES = [
  "contacts",
  "companies",
  "deals",
  "tickets",
  "appointments",
  "courses",
  "listings",
  "services",
  "leads",
] as const;

/** Object types for `crmObjects` webhook subscriptions (HubSpot's list for generic webhook subscriptions). */
export const WEBHOOK_OBJECT_TYPES = [
  "appointment", "call", "cart", "commerce_payment", "communication", "company", "contact", "course", "deal", "discount", "email", "fee",
  "feedback_submission", "goal_target", "invoice", "lead", "line_item", "listing", "meeting_event", "note", "order", "partner_client",
  "postal_mail", "product", "quote", "quote_template", "service", "subscription", "task", "tax", "ticket", "user",
] as const; // prettier-ignore

export const CRM_OBJECT_EVENTS = [
  "object.creation",
  "object.deletion",
  "object.propertyChange",
  "object.associationChange",
  "object.merge",
  "object.restore",
] as const;

export const HUB_EVENTS = [
  "contact.privacyDeletion",
  "conversation.creation",
  "conversation.deletion",
  "conversation.newMessage",
  "conversation.privacyDeletion",
  "conversation.propertyChange",
] as const;

/** Letters, digits, `_`, `-` and `.`, up to 64: what HubSpot's examples use (the docs only ask for a stable, unique id). */
const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1 to 64 letters, digits, _, - or .");

function isHttps(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === "https:";
}

const httpsUrl = z.string().refine(isHttps, "must be an https:// URL");

/** OAuth redirect URLs must be https, except http://localhost while developing. */
const redirectUrl = z
  .string()
  .refine(
    (value) => isHttps(value) || (URL.canParse(value) && new URL(value).hostname === "localhost"),
    "must be https:// (or http://localhost)",
  );

const scope = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, "is not a scope's name (e.g. crm.objects.contacts.read)");

export const hsProjectSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_ -]{1,100}$/, "must be letters, digits, spaces, _ or -"),
  srcDir: z.string().min(1),
  platformVersion: z.enum(PLATFORM_VERSIONS, { error: `must be one of ${PLATFORM_VERSIONS.join(", ")}` }),
});

export const appMetaSchema = z.strictObject({
  uid,
  type: z.literal("app"),
  config: z
    .strictObject({
      name: z.string().min(1).max(200),
      description: z.string().min(1).max(1000),
      distribution: z.enum(["marketplace", "private"]),
      auth: z.strictObject({
        type: z.enum(["oauth", "static"]),
        redirectUrls: z.array(redirectUrl).optional(),
        requiredScopes: z.array(scope).min(1, "must list at least one scope"),
        optionalScopes: z.array(scope).optional(),
        conditionallyRequiredScopes: z.array(scope).optional(),
      }),
      permittedUrls: z
        .strictObject({ fetch: z.array(httpsUrl).optional(), iframe: z.array(httpsUrl).optional(), img: z.array(httpsUrl).optional() })
        .optional(),
      support: z
        .strictObject({
          supportEmail: z.email().optional(),
          documentationUrl: httpsUrl.optional(),
          supportUrl: httpsUrl.optional(),
          supportPhone: z.string().optional(),
        })
        .optional(),
    })
    .superRefine((config, context) => {
      const { auth } = config;
      if (auth.type === "oauth" && !auth.redirectUrls?.length)
        context.addIssue({ code: "custom", path: ["auth", "redirectUrls"], message: "an OAuth app needs at least one redirect URL" });
      if (auth.type === "static" && (auth.optionalScopes?.length || auth.conditionallyRequiredScopes?.length))
        context.addIssue({ code: "custom", path: ["auth"], message: "a static-auth app can only have required scopes" });
      if (config.distribution === "marketplace" && auth.type !== "oauth")
        context.addIssue({ code: "custom", path: ["auth", "type"], message: "marketplace distribution needs oauth" });
    }),
});

const crmObjectSubscription = z
  .strictObject({
    subscriptionType: z.enum(CRM_OBJECT_EVENTS),
    objectType: z.enum(WEBHOOK_OBJECT_TYPES),
    propertyName: z.string().min(1).optional(),
    active: z.boolean(),
  })
  .refine((subscription) => (subscription.subscriptionType === "object.propertyChange") === (subscription.propertyName !== undefined), {
    message: "propertyName goes with object.propertyChange, and only with it",
    path: ["propertyName"],
  });

export const webhooksMetaSchema = z.strictObject({
  uid,
  type: z.literal("webhooks"),
  config: z.strictObject({
    settings: z.strictObject({ targetUrl: httpsUrl, maxConcurrentRequests: z.int().min(1) }),
    subscriptions: z.strictObject({
      crmObjects: z.array(crmObjectSubscription).optional(),
      legacyCrmObjects: z
        .array(
          z.strictObject({
            subscriptionType: z.string().regex(/^(contact|company|deal|ticket|product|line_item)\.[a-zA-Z]+$/, "must be <object>.<event>"),
            propertyName: z.string().min(1).optional(),
            active: z.boolean(),
          }),
        )
        .optional(),
      hubEvents: z
        .array(z.strictObject({ subscriptionType: z.enum(HUB_EVENTS), propertyName: z.string().min(1).optional(), active: z.boolean() }))
        .optional(),
    }),
  }),
});

export const cardMetaSchema = z.strictObject({
  uid,
  type: z.literal("card"),
  config: z
    .strictObject({
      name: z.string().min(1).max(200),
      description: z.string().max(1000).optional(),
      location: z.enum(CARD_LOCATIONS),
      entrypoint: z.string().regex(/\.(jsx|tsx)$/, "must be a .jsx or .tsx file"),
      objectTypes: z.array(z.enum(CARD_OBJECT_TYPES)).min(1, "must list at least one object type"),
    })
    .refine((config) => config.location !== "helpdesk.sidebar" || config.objectTypes.every((type) => type === "tickets"), {
      message: "a helpdesk.sidebar card can only be on tickets",
      path: ["objectTypes"],
    }),
});

export type HsProject = z.input<typeof hsProjectSchema>;
export type AppMeta = z.input<typeof appMetaSchema>;
export type WebhooksMeta = z.input<typeof webhooksMetaSchema>;
export type CardMeta = z.input<typeof cardMetaSchema>;

/** Each component type, the folder under src/app its *-hsmeta.json lives in, and its schema. */
export const COMPONENTS = {
  app: { folder: "", schema: appMetaSchema },
  webhooks: { folder: "webhooks", schema: webhooksMetaSchema },
  card: { folder: "cards", schema: cardMetaSchema },
} as const;
