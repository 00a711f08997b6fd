// Training from a team's own HubSpot history: closed tickets with a category, through the CRM search API. The search API
// returns at most 10,000 results per query, so pages are taken by ticket id (ascending, id greater than the last one seen)
// rather than by its paging cursor; it also allows only a few calls a second per account, so a 429 waits for HubSpot's
// rate-limit window and tries again.
import { TandemError } from "../../core/errors.js";
import { DeliveryError } from "../../core/store/outbox-worker.js";
import type { LabelledMessage } from "../../core/triage/train-intent-model.js";
import type { HubSpotApi } from "./client.js";

export interface HubSpotExportOptions {
  /** The ticket property holding the category (hs_ticket_category by default; a multi-select gives its first value). */
  labelProperty?: string | undefined;
  /** Tickets closed since (default: a year ago). */
  since?: Date | undefined;
  max?: number | undefined;
  /** Longest single wait for HubSpot's rate limit before giving up, in milliseconds. */
  maxWaitMs?: number | undefined;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
}

const MAX_RETRIES = 8;

export function ticketText(properties: Record<string, string | null>): string | undefined {
  const text = (properties.content ?? "").trim() || (properties.subject ?? "").trim();
  return text === "" ? undefined : text;
}

export function ticketLabel(properties: Record<string, string | null>, property: string): string | undefined {
  const first = properties[property]?.split(";")[0]?.trim();
  return first ? first : undefined;
}

export async function exportClosedTickets(
  api: HubSpotApi,
  options: HubSpotExportOptions = {},
  progress: (line: string) => void = () => {},
): Promise<LabelledMessage[]> {
  const labelProperty = options.labelProperty ?? "hs_ticket_category";
  const since = options.since ?? new Date(Date.now() - 365 * 86_400_000);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
  const examples: LabelledMessage[] = [];
  let lastId = "0";
  for (;;) {
    const request = {
      filterGroups: [
        {
          filters: [
            { propertyName: "closed_date", operator: "GTE", value: String(since.getTime()) },
            { propertyName: labelProperty, operator: "HAS_PROPERTY" },
            { propertyName: "hs_object_id", operator: "GT", value: lastId },
          ],
        },
      ],
      // HubSpot's documented form; the SDK types sorts as strings
      sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
      properties: ["subject", "content", labelProperty],
      limit: options.pageSize ?? 100,
    };
    let page: { results: { id: string; properties: Record<string, string | null> }[] };
    for (let attempt = 1; ; attempt++) {
      try {
        page = await api.call("searching closed tickets", (client) => client.crm.tickets.searchApi.doSearch(request as never));
        break;
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        if (!error.retryable || attempt >= MAX_RETRIES) throw new TandemError("io_error", error.message);
        const wait = error.retryAfterMs ?? Math.min(60_000, 1000 * 2 ** attempt);
        if (wait > maxWaitMs) throw new TandemError("io_error", `HubSpot asks to wait ${Math.round(wait / 1000)} s; try again later`);
        progress(`HubSpot ${error.status === 429 ? "rate limit" : "is unavailable"}: waiting ${Math.round(wait / 1000)} s`);
        await sleep(wait);
      }
    }
    for (const ticket of page.results) {
      lastId = ticket.id;
      const text = ticketText(ticket.properties);
      const label = ticketLabel(ticket.properties, labelProperty);
      if (text === undefined || label === undefined) continue;
      examples.push({ text, label });
      if (options.max !== undefined && examples.length >= options.max) return examples;
    }
    progress(`${examples.length} labelled tickets so far`);
    if (page.results.length < request.limit) return examples;
  }
}
