// Training from a team's own Zendesk history: solved and closed tickets through the Incremental Export API (cursor
// pagination), each ticket's first message labelled by a custom field or by a tag with a given prefix. Zendesk allows
// few export calls a minute; a 429 waits as long as its Retry-After says.
import { TandemError } from "../../core/errors.js";
import type { LabelledMessage } from "../../core/triage/train-intent-model.js";
import { zendeskAuthorization, type ZendeskApiOptions } from "./writeback.js";

export interface ExportOptions extends ZendeskApiOptions {
  /** Label from this custom field's value. */
  labelField?: number | undefined;
  /** Or from the first tag starting with this prefix (the prefix removed), e.g. "category_". */
  labelTagPrefix?: string | undefined;
  /** Tickets updated since (default: a year ago). */
  since?: Date | undefined;
  /** Stop after this many labelled tickets. */
  max?: number | undefined;
  /** Longest wait for a Retry-After before giving up, in milliseconds. */
  maxWaitMs?: number | undefined;
  sleep?: (ms: number) => Promise<void>;
}

interface ExportedTicket {
  id: number;
  status: string;
  description?: string | null;
  subject?: string | null;
  tags?: string[];
  custom_fields?: { id: number; value: unknown }[];
}

interface ExportPage {
  tickets: ExportedTicket[];
  after_cursor?: string | null;
  end_of_stream?: boolean;
}

const DONE = new Set(["solved", "closed"]);

export function labelOf(ticket: ExportedTicket, options: Pick<ExportOptions, "labelField" | "labelTagPrefix">): string | undefined {
  if (options.labelField !== undefined) {
    const value = ticket.custom_fields?.find((field) => field.id === options.labelField)?.value;
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  }
  const prefix = options.labelTagPrefix ?? "";
  const tag = ticket.tags?.find((candidate) => candidate.startsWith(prefix) && candidate.length > prefix.length);
  return tag?.slice(prefix.length);
}

export async function exportLabelledTickets(
  options: ExportOptions,
  progress: (line: string) => void = () => {},
): Promise<LabelledMessage[]> {
  if (options.labelField === undefined && options.labelTagPrefix === undefined)
    throw new TandemError("invalid_input", "say where the label is: --label-field ID or --label-tag-prefix PREFIX");
  const fetchImpl = options.fetchImpl ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const since = Math.floor((options.since?.getTime() ?? Date.now() - 365 * 86_400_000) / 1000);
  const base = `https://${options.subdomain}.zendesk.com/api/v2/incremental/tickets/cursor.json`;
  let url = `${base}?start_time=${since}`;
  const examples: LabelledMessage[] = [];
  for (let pages = 0; pages < 100_000; pages++) {
    const response = await fetchImpl(url, { headers: { authorization: zendeskAuthorization(options), accept: "application/json" } });
    if (response.status === 429) {
      const wait = Number(response.headers.get("retry-after") ?? 60) * 1000;
      if (wait > (options.maxWaitMs ?? 5 * 60_000))
        throw new TandemError("io_error", `Zendesk asks to wait ${wait / 1000} s before the next export call; try again later`);
      progress(`Zendesk rate limit: waiting ${wait / 1000} s`);
      await sleep(wait);
      pages--;
      continue;
    }
    if (response.status === 401 || response.status === 403)
      throw new TandemError(
        "invalid_input",
        `Zendesk refused the credentials (${response.status}): check ZENDESK_EMAIL and ZENDESK_API_TOKEN`,
      );
    if (!response.ok) throw new TandemError("io_error", `Zendesk's export answered HTTP ${response.status}`);
    const page = (await response.json()) as ExportPage;
    for (const ticket of page.tickets) {
      if (!DONE.has(ticket.status)) continue;
      const text = (ticket.description ?? ticket.subject ?? "").trim();
      const label = labelOf(ticket, options);
      if (text === "" || label === undefined) continue;
      examples.push({ text, label });
      if (options.max !== undefined && examples.length >= options.max) return examples;
    }
    progress(`${examples.length} labelled tickets so far`);
    if (page.end_of_stream || !page.after_cursor) return examples;
    url = `${base}?cursor=${encodeURIComponent(page.after_cursor)}`;
  }
  return examples;
}
