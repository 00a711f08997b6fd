// The names Tandem shares with HubSpot: the scopes the app asks for, the webhook subscriptions, the ticket properties
// Tandem writes (and their group), and the paths the service serves. The project files (apps/hubspot-card) are generated
// from these, so the code and the app HubSpot installs cannot drift apart.

/** Where HubSpot sends webhooks, the OAuth install and callback, and what the app card fetches, on Tandem's public URL. */
export const PATHS = {
  webhook: "/hubspot/webhook",
  install: "/hubspot/install",
  oauthCallback: "/hubspot/oauth-callback",
  card: "/hubspot/card",
} as const;

/**
 * OAuth scopes: tickets (read, write, and their properties), the contact, company and deal records behind a ticket, the
 * owners to assign, and the conversations inbox (threads and their messages, internal comments).
 */
export const REQUIRED_SCOPES = [
  "oauth",
  "tickets",
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.objects.companies.read",
  "crm.objects.deals.read",
  "crm.objects.owners.read",
  "conversations.read",
  "conversations.write",
] as const;

/** The ticket property group `tandem hubspot setup` creates, and the properties in it. */
export const PROPERTY_GROUP = { name: "tandem", label: "Tandem" } as const;

export const ROUTES = ["automate", "assist", "human", "urgent"] as const;

export const TICKET_PROPERTIES = [
  {
    name: "tandem_intent",
    label: "Tandem intent",
    type: "string",
    fieldType: "text",
    description: "What the customer's latest message is about, as Tandem's model reads it.",
  },
  {
    name: "tandem_confidence",
    label: "Tandem confidence",
    type: "number",
    fieldType: "number",
    description: "How sure Tandem is of the intent, from 0 to 1.",
  },
  {
    name: "tandem_escalation_score",
    label: "Tandem escalation score",
    type: "number",
    fieldType: "number",
    description: "0 to 100: how much this ticket needs a person (the reasons are in Tandem's note).",
  },
  {
    name: "tandem_route",
    label: "Tandem route",
    type: "enumeration",
    fieldType: "select",
    description: "automate: Tandem may answer; assist: a person sends Tandem's draft; human or urgent: a person takes it.",
    options: ROUTES.map((route, index) => ({ label: route[0]?.toUpperCase() + route.slice(1), value: route, displayOrder: index })),
  },
] as const;

/** Webhook subscriptions (object types and events) the app asks HubSpot for. */
export const WEBHOOK_SUBSCRIPTIONS = {
  /** A ticket was created, or its description changed. */
  crmObjects: [
    { subscriptionType: "object.creation", objectType: "ticket", active: true },
    { subscriptionType: "object.propertyChange", objectType: "ticket", propertyName: "content", active: true },
  ],
  /** A new message in the conversations inbox (chat, email, forms). */
  hubEvents: [{ subscriptionType: "conversation.newMessage", active: true }],
} as const;

/** HubSpot's object type ids (webhook payloads name objects by them). */
export const OBJECT_TYPE_IDS = { contact: "0-1", company: "0-2", deal: "0-3", ticket: "0-5" } as const;

/** HubSpot-defined association type ids used when Tandem creates a note. */
export const ASSOCIATION_TYPES = { noteToTicket: 228, noteToContact: 202 } as const;

/** How Tandem names a HubSpot conversation: the account, then the ticket or the inbox thread. */
export interface HubSpotRef {
  portalId: string;
  kind: "ticket" | "thread";
  id: string;
}

export function conversationKey(ref: HubSpotRef): string {
  return `${ref.portalId}/${ref.kind}/${ref.id}`;
}

export function parseConversationKey(key: string): HubSpotRef | undefined {
  const match = /^(\d+)\/(ticket|thread)\/(\d+)$/.exec(key);
  if (!match?.[1] || !match[3]) return undefined;
  return { portalId: match[1], kind: match[2] as HubSpotRef["kind"], id: match[3] };
}
