// The Tandem ticket sidebar (Zendesk App Framework v2). It reads the ticket through the ZAF client, asks the Tandem
// service for the decision through Zendesk's proxy (client.request with the API key as a secure setting, so the key
// never reaches the browser), shows it, and inserts the suggested reply into the editor.
import "./style.css";

/** The parts of the ZAF client this app uses (Zendesk publishes no types for it). */
interface ZafClient {
  get(paths: string[]): Promise<Record<string, unknown>>;
  metadata(): Promise<{ settings: Record<string, unknown> }>;
  request<T>(options: {
    url: string;
    type: string;
    contentType?: string;
    headers?: Record<string, string>;
    data?: string;
    secure?: boolean;
    cors?: boolean;
  }): Promise<T>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  on(event: string, handler: () => void): void;
}
declare const ZAFClient: { init(): ZafClient | undefined };

interface Comment {
  value?: string;
  public?: boolean;
  author?: { role?: string };
}

interface Decision {
  route: string;
  routeReason: string;
  triage: { intent: string; confidence: number; bestGuess: string; outOfScope: boolean };
  escalation: { score: number; level: string; reasons: { label: string; contribution: number; evidence: string[] }[] };
  suggestion?: { text: string; missing: string[]; sources: { title: string; url?: string }[] };
  handoff?: { summary: string };
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

function status(text: string, error = false): void {
  const element = $("status");
  element.textContent = text;
  element.className = error ? "status error" : "status";
  element.hidden = text === "";
}

/** What the customer last wrote: the newest public comment by an end user, else the ticket's description. */
export function customerText(comments: Comment[] | undefined, description: string | undefined): string {
  const fromCustomer = (comments ?? []).filter((comment) => comment.public !== false && comment.author?.role === "end-user");
  const latest = fromCustomer.at(-1)?.value ?? description ?? "";
  // comments arrive as HTML in the sidebar: keep the text
  const scratch = document.createElement("div");
  scratch.innerHTML = latest;
  return (scratch.textContent ?? "").trim();
}

function render(decision: Decision): void {
  $("decision").hidden = false;
  const route = $("route");
  route.textContent = decision.route;
  route.className = `badge ${decision.route}`;
  $("route-reason").textContent = decision.routeReason;
  const { triage, escalation } = decision;
  $("intent").textContent =
    `${triage.outOfScope ? `unknown (closest: ${triage.bestGuess})` : triage.intent} · ${Math.round(triage.confidence * 100)}%`;
  $("score").textContent = `${escalation.score} / 100 (${escalation.level})`;
  const reasons = $("reasons");
  reasons.replaceChildren(
    ...(escalation.reasons.length > 0
      ? escalation.reasons.map((reason) => {
          const item = document.createElement("li");
          item.textContent = `+${reason.contribution} ${reason.label}${reason.evidence.length > 0 ? `: ${reason.evidence.join(", ")}` : ""}`;
          return item;
        })
      : [Object.assign(document.createElement("li"), { textContent: "Nothing calls for a person." })]),
  );
  $("handoff").hidden = !decision.handoff;
  $("summary").textContent = decision.handoff?.summary ?? "";
  const suggestion = decision.suggestion;
  $("no-suggestion").hidden = suggestion !== undefined;
  $("suggestion").hidden = suggestion === undefined;
  $("suggestion").textContent = suggestion?.text ?? "";
  const sources = $("sources");
  sources.replaceChildren(
    ...(suggestion?.sources ?? []).map((source) => {
      const item = document.createElement("li");
      if (source.url) {
        const link = Object.assign(document.createElement("a"), {
          href: source.url,
          target: "_blank",
          rel: "noopener",
          textContent: source.title,
        });
        item.append(link);
      } else item.textContent = source.title;
      return item;
    }),
  );
  if (suggestion && suggestion.missing.length > 0)
    sources.append(
      Object.assign(document.createElement("li"), { textContent: `Fill in before sending: ${suggestion.missing.join(", ")}` }),
    );
  ($("insert") as HTMLButtonElement).disabled = suggestion === undefined;
}

async function start(): Promise<void> {
  const client = typeof ZAFClient === "undefined" ? undefined : ZAFClient.init();
  if (!client) {
    status("Open this page from a Zendesk ticket: it runs inside Zendesk's sidebar.", true);
    return;
  }
  const resize = () => void client.invoke("resize", { width: "100%", height: `${Math.min(document.body.scrollHeight + 8, 900)}px` });
  let current: Decision | undefined;
  let lastText = "";

  const refresh = async () => {
    status("Asking Tandem…");
    try {
      const [ticket, metadata] = await Promise.all([
        client.get(["ticket.id", "ticket.subject", "ticket.description", "ticket.comments", "ticket.requester"]),
        client.metadata(),
      ]);
      const text = customerText(ticket["ticket.comments"] as Comment[] | undefined, ticket["ticket.description"] as string | undefined);
      if (text === "") {
        status("This ticket has no message from the customer yet.");
        return;
      }
      lastText = text;
      const requester = ticket["ticket.requester"] as { name?: string; email?: string } | undefined;
      const setting = metadata.settings.backend_url;
      const backend = typeof setting === "string" ? setting.replace(/\/+$/, "") : "";
      current = await client.request<Decision>({
        url: `${backend}/api/decide`,
        type: "POST",
        contentType: "application/json",
        // Zendesk's proxy puts the secure setting in; the browser only ever sees the placeholder
        headers: { Authorization: "Bearer {{setting.api_key}}" },
        secure: true,
        cors: false,
        data: JSON.stringify({
          message: text,
          context: {
            channel: "zendesk",
            customer: { ...(requester?.name ? { name: requester.name } : {}), ...(requester?.email ? { email: requester.email } : {}) },
          },
        }),
      });
      status("");
      render(current);
    } catch (error) {
      const code = (error as { status?: number }).status;
      status(
        code === 401
          ? "Tandem did not accept the API key. Ask an admin to check the app's settings."
          : code === 429
            ? "Tandem is busy. Try again in a minute."
            : "Tandem could not be reached. Check the service address in the app's settings.",
        true,
      );
    } finally {
      resize();
    }
  };

  $("insert").addEventListener("click", () => {
    if (current?.suggestion) void client.invoke("ticket.editor.insert", current.suggestion.text);
  });

  // feedback: kept by the service, and an intent correction becomes a training example for the next `tandem train`
  const call = async <T>(path: string, type: string, body?: unknown): Promise<T> => {
    const setting = (await client.metadata()).settings.backend_url;
    const backend = typeof setting === "string" ? setting.replace(/\/+$/, "") : "";
    return client.request<T>({
      url: `${backend}${path}`,
      type,
      contentType: "application/json",
      headers: { Authorization: "Bearer {{setting.api_key}}" },
      secure: true,
      cors: false,
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
  };
  const thanks = (text: string) => {
    const element = $("thanks");
    element.textContent = text;
    element.hidden = false;
    resize();
  };
  const sendFeedback = async (kind: "good_suggestion" | "wrong_intent", correctIntent?: string) => {
    if (!current || !lastText) return;
    try {
      const ticket = await client.get(["ticket.id"]);
      await call("/api/feedback", "POST", {
        kind,
        message: lastText,
        predictedIntent: current.triage.intent,
        ...(correctIntent ? { correctIntent } : {}),
        source: "zendesk",
        ticketId: String(ticket["ticket.id"] as string | number),
      });
      thanks(
        kind === "good_suggestion"
          ? "Thanks: noted as a good suggestion."
          : `Thanks: noted as ${correctIntent ?? ""}; the next training learns from it.`,
      );
    } catch {
      thanks("Tandem could not save the feedback. Try again in a moment.");
    }
  };
  $("escalate").addEventListener("click", () => {
    void (async () => {
      const note = $("escalated");
      note.hidden = false;
      try {
        const ticket = await client.get(["ticket.id", "ticket.subject", "ticket.requester"]);
        const requester = ticket["ticket.requester"] as { id?: number; name?: string; email?: string } | undefined;
        const { escalation, created } = await call<{ escalation: { channel: string }; created: boolean }>("/api/escalations", "POST", {
          source: "zendesk",
          conversationId: String(ticket["ticket.id"]),
          message: lastText,
          subject: ticket["ticket.subject"],
          ...(requester?.id
            ? {
                customer: {
                  id: `zendesk:user:${requester.id}`,
                  ...(requester.name ? { name: requester.name } : {}),
                  ...(requester.email ? { email: requester.email } : {}),
                },
              }
            : {}),
        });
        note.textContent = created ? `Sent to ${escalation.channel} with the handoff.` : `Already escalated in ${escalation.channel}.`;
      } catch {
        note.textContent = "Tandem could not escalate this ticket. Try again in a moment.";
      }
      resize();
    })();
  });

  const select = $("correct-intent") as HTMLSelectElement;
  select.addEventListener("change", () => {
    ($("wrong") as HTMLButtonElement).disabled = select.value === "";
  });
  $("good").addEventListener("click", () => void sendFeedback("good_suggestion"));
  $("wrong").addEventListener("click", () => void sendFeedback("wrong_intent", select.value));
  call<{ intents: string[] }>("/api/intents", "GET").then(
    ({ intents }) =>
      select.append(
        ...intents.map((intent) =>
          Object.assign(document.createElement("option"), { value: intent, textContent: intent.replace(/_/g, " ") }),
        ),
      ),
    () => undefined,
  );
  client.on("ticket.comments.changed", () => void refresh());
  client.on("ticket.requester.changed", () => void refresh());
  await refresh();
}

void start();
