// From a HubSpot event to the message Tandem decides: the ticket (subject and description) or the inbox message, and
// what the CRM knows about the customer: the contact, their company's tier, their open deals (amount, stage) and who
// owns them. The open deals' total is the customer's value in the escalation score, and the owner of the largest open
// deal (or else the contact's owner) is who the escalation goes to first.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { CustomerMessage } from "../../core/service/conversations.js";
import type { HubSpotApi } from "./client.js";
import { conversationKey } from "./ids.js";
import { eventKind, HUBSPOT_SOURCE, type HubSpotEvent } from "./webhook.js";

export interface Owner {
  id: string;
  name: string | undefined;
  email: string | undefined;
}

export interface OpenDeal {
  id: string;
  name: string;
  amount: number | undefined;
  stage: string | undefined;
  ownerId: string | undefined;
}

/** What Tandem needs, beyond the decision, to write back and to reach the right person. */
export interface HubSpotMessage {
  message: CustomerMessage;
  portalId: string;
  ticketId: string | undefined;
  threadId: string | undefined;
  contactId: string | undefined;
  /** The owner an escalation goes to: the largest open deal's, else the contact's. */
  owner: Owner | undefined;
  /** True when the owner comes from an open deal (then Slack tells them). */
  dealOwner: boolean;
  /** The ticket already has an owner (Tandem never takes a ticket away from someone). */
  ticketOwnerId: string | undefined;
}

export interface InboundOptions {
  /** The company (or contact) property holding the customer's tier; the contact's lifecycle stage otherwise. */
  tierProperty?: string | undefined;
  /** https://app.hubspot.com, or the account's data-centre host (app-eu1.hubspot.com). */
  appUrl?: string | undefined;
}

const TICKET_PROPERTIES = [
  "subject",
  "content",
  "source_type",
  "hs_ticket_priority",
  "hubspot_owner_id",
  "createdate",
  "hs_conversations_originating_thread_id",
];
const DEAL_PROPERTIES = ["dealname", "amount", "dealstage", "hs_is_closed", "hubspot_owner_id"];
const MAX_DEALS = 20;

/** HubSpot's channel ids in the conversations inbox. */
const CHANNELS: Record<string, string> = {
  "1000": "chat",
  "1001": "messenger",
  "1002": "email",
  "1003": "form",
  "1007": "whatsapp",
};

const threadSchema = z.looseObject({
  id: z.coerce.string(),
  associatedContactId: z.coerce.string().nullish(),
  threadAssociations: z.looseObject({ associatedTicketId: z.coerce.string().nullish() }).nullish(),
  originalChannelId: z.coerce.string().nullish(),
});

const messageSchema = z.looseObject({
  id: z.coerce.string(),
  type: z.string(),
  text: z.string().nullish(),
  subject: z.string().nullish(),
  direction: z.string().nullish(),
  createdAt: z.string().nullish(),
  channelId: z.coerce.string().nullish(),
  senders: z
    .array(
      z.looseObject({
        actorId: z.string().nullish(),
        name: z.string().nullish(),
        deliveryIdentifier: z.looseObject({ type: z.string().nullish(), value: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
});

function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function amount(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

function associated(associations: Record<string, { results?: { id: string }[] }> | undefined, name: string): string[] {
  if (!associations) return [];
  // HubSpot names the key by the object type in the plural, sometimes with the app's prefix (p123_contacts)
  const key = Object.keys(associations).find((candidate) => candidate === name || candidate.endsWith(`_${name}`));
  return [...new Set((key ? associations[key]?.results : undefined)?.map((result) => result.id) ?? [])];
}

const validEmail = z.email();

export class HubSpotInbound {
  constructor(
    private readonly api: (portalId: string) => Promise<HubSpotApi>,
    private readonly options: InboundOptions = {},
  ) {}

  /** The message an event brings, or undefined when there is nothing for Tandem to decide (an agent's reply, an empty ticket). */
  async fromEvent(event: HubSpotEvent): Promise<HubSpotMessage | undefined> {
    const portalId = String(event.portalId);
    const api = await this.api(portalId);
    const kind = eventKind(event);
    if (kind === "ticket") return this.fromTicket(api, portalId, String(event.objectId), new Date(event.occurredAt));
    if (kind === "message" && event.messageId)
      return this.fromThreadMessage(api, portalId, String(event.objectId), event.messageId, new Date(event.occurredAt));
    return undefined;
  }

  private ticketUrl(portalId: string, ticketId: string): string {
    return `${(this.options.appUrl ?? "https://app.hubspot.com").replace(/\/+$/, "")}/contacts/${portalId}/ticket/${ticketId}`;
  }

  async fromTicket(api: HubSpotApi, portalId: string, ticketId: string, at: Date): Promise<HubSpotMessage | undefined> {
    const ticket = await api.call(`reading ticket ${ticketId}`, (client) =>
      client.crm.tickets.basicApi.getById(ticketId, TICKET_PROPERTIES, undefined, ["contacts", "companies", "deals"]),
    );
    const properties = ticket.properties;
    // a ticket the help desk opened from an inbox thread is decided from the thread's messages (their events come too),
    // so that the customer's first message is not decided twice
    if (text(properties.hs_conversations_originating_thread_id)) return undefined;
    const subject = text(properties.subject);
    const body = text(properties.content) ?? subject;
    if (!body) return undefined;
    const associations = ticket.associations as Record<string, { results?: { id: string }[] }> | undefined;
    const contactId = associated(associations, "contacts")[0];
    const customer = await this.customer(api, portalId, contactId, associated(associations, "companies")[0]);
    const source = text(properties.source_type)?.toLowerCase();
    return {
      message: {
        source: HUBSPOT_SOURCE,
        conversationId: conversationKey({ portalId, kind: "ticket", id: ticketId }),
        // the same description is the same message, however many events announce it
        messageId: `content:${createHash("sha256").update(body).digest("hex").slice(0, 24)}`,
        text: body,
        at,
        channel: source ? `hubspot:${source}` : "hubspot",
        subject,
        ticketUrl: this.ticketUrl(portalId, ticketId),
        customer: customer.info,
      },
      portalId,
      ticketId,
      threadId: undefined,
      contactId,
      owner: customer.owner,
      dealOwner: customer.dealOwner,
      ticketOwnerId: text(properties.hubspot_owner_id),
    };
  }

  async fromThreadMessage(
    api: HubSpotApi,
    portalId: string,
    threadId: string,
    messageId: string,
    at: Date,
  ): Promise<HubSpotMessage | undefined> {
    const base = `/conversations/v3/conversations/threads/${encodeURIComponent(threadId)}`;
    const message = messageSchema.parse(
      await api.request(`reading message ${messageId}`, "GET", `${base}/messages/${encodeURIComponent(messageId)}`),
    );
    // only what a customer wrote: not an agent's reply, an internal comment, or Tandem's own note
    if (message.type !== "MESSAGE" || message.direction !== "INCOMING") return undefined;
    const body = text(message.text);
    if (!body) return undefined;
    // threadAssociations (the ticket) comes only when asked for
    const thread = threadSchema.parse(await api.request(`reading thread ${threadId}`, "GET", `${base}?association=TICKET`));
    const ticketId = text(thread.threadAssociations?.associatedTicketId);
    const contactId = text(thread.associatedContactId);
    const sender = message.senders?.[0];
    const customer = await this.customer(api, portalId, contactId, undefined);
    const senderEmail = text(sender?.deliveryIdentifier?.value);
    const info = customer.info ?? {
      id: `hubspot:${portalId}:visitor:${text(sender?.actorId) ?? threadId}`,
      name: text(sender?.name),
      email: senderEmail && validEmail.safeParse(senderEmail).success ? senderEmail : undefined,
    };
    const channelId = message.channelId ?? thread.originalChannelId ?? undefined;
    const ticketOwner = ticketId
      ? text(
          (await api.call(`reading ticket ${ticketId}`, (client) => client.crm.tickets.basicApi.getById(ticketId, ["hubspot_owner_id"])))
            .properties.hubspot_owner_id,
        )
      : undefined;
    return {
      message: {
        source: HUBSPOT_SOURCE,
        // a thread with a ticket is that ticket's conversation
        conversationId: conversationKey(ticketId ? { portalId, kind: "ticket", id: ticketId } : { portalId, kind: "thread", id: threadId }),
        messageId: `message:${messageId}`,
        text: body,
        at: message.createdAt ? new Date(message.createdAt) : at,
        channel: `hubspot:${(channelId && CHANNELS[channelId]) ?? "inbox"}`,
        subject: text(message.subject),
        ticketUrl: ticketId ? this.ticketUrl(portalId, ticketId) : undefined,
        customer: info,
      },
      portalId,
      ticketId,
      threadId,
      contactId,
      owner: customer.owner,
      dealOwner: customer.dealOwner,
      ticketOwnerId: ticketOwner,
    };
  }

  /** The contact, their company's tier and their open deals, and the owner to reach. */
  async customer(
    api: HubSpotApi,
    portalId: string,
    contactId: string | undefined,
    companyId: string | undefined,
  ): Promise<{ info: CustomerMessage["customer"]; owner: Owner | undefined; dealOwner: boolean }> {
    if (!contactId) return { info: undefined, owner: undefined, dealOwner: false };
    const tierProperty = this.options.tierProperty;
    const contact = await api.call(`reading contact ${contactId}`, (client) =>
      client.crm.contacts.basicApi.getById(
        contactId,
        ["email", "firstname", "lastname", "lifecyclestage", "hubspot_owner_id", ...(tierProperty ? [tierProperty] : [])],
        undefined,
        ["deals", "companies"],
      ),
    );
    const contactAssociations = contact.associations as Record<string, { results?: { id: string }[] }> | undefined;
    const dealIds = associated(contactAssociations, "deals").slice(0, MAX_DEALS);
    const company = companyId ?? associated(contactAssociations, "companies")[0];
    let tier = tierProperty ? text(contact.properties[tierProperty]) : undefined;
    if (tierProperty && company) {
      const record = await api.call(`reading company ${company}`, (client) =>
        client.crm.companies.basicApi.getById(company, [tierProperty]),
      );
      tier = text(record.properties[tierProperty]) ?? tier;
    }
    tier ??= text(contact.properties.lifecyclestage);
    const deals: OpenDeal[] = [];
    if (dealIds.length > 0) {
      const batch = await api.call(`reading ${dealIds.length} deals`, (client) =>
        client.crm.deals.batchApi.read({ inputs: dealIds.map((id) => ({ id })), properties: DEAL_PROPERTIES, propertiesWithHistory: [] }),
      );
      for (const deal of batch.results) {
        if (deal.properties.hs_is_closed === "true") continue;
        deals.push({
          id: deal.id,
          name: text(deal.properties.dealname) ?? `Deal ${deal.id}`,
          amount: amount(deal.properties.amount),
          stage: text(deal.properties.dealstage),
          ownerId: text(deal.properties.hubspot_owner_id),
        });
      }
      deals.sort((a, b) => (b.amount ?? 0) - (a.amount ?? 0));
    }
    const dealOwnerId = deals.find((deal) => deal.ownerId)?.ownerId;
    const ownerId = dealOwnerId ?? text(contact.properties.hubspot_owner_id);
    const owner = ownerId ? await this.owner(api, ownerId) : undefined;
    const email = text(contact.properties.email);
    const name = [text(contact.properties.firstname), text(contact.properties.lastname)].filter(Boolean).join(" ");
    const total = deals.reduce((sum, deal) => sum + (deal.amount ?? 0), 0);
    return {
      info: {
        id: `hubspot:${portalId}:contact:${contactId}`,
        name: name || undefined,
        email: email && validEmail.safeParse(email).success ? email : undefined,
        tier: tier?.toLowerCase(),
        revenue: deals.length > 0 ? total : undefined,
        owner: owner ? (owner.name ?? owner.email ?? `owner ${owner.id}`) : undefined,
        deals:
          deals.length > 0 ? deals.map((deal) => ({ name: deal.name.slice(0, 200), amount: deal.amount, stage: deal.stage })) : undefined,
      },
      owner,
      dealOwner: dealOwnerId !== undefined,
    };
  }

  private async owner(api: HubSpotApi, ownerId: string): Promise<Owner> {
    const owner = await api.call(`reading owner ${ownerId}`, (client) => client.crm.owners.ownersApi.getById(Number(ownerId)));
    const name = [text(owner.firstName), text(owner.lastName)].filter(Boolean).join(" ");
    return { id: ownerId, name: name || undefined, email: text(owner.email) };
  }
}
