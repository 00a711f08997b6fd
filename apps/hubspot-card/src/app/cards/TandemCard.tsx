// The Tandem card on HubSpot ticket and contact records (and in the help desk's sidebar): it asks the Tandem service for
// the record's latest decision with hubspot.fetch (HubSpot signs the request) and shows it, or why it cannot.
import { useEffect, useState } from "react";
import { Button, EmptyState, ErrorState, hubspot, LoadingSpinner, Text, type CrmContext } from "@hubspot/ui-extensions";
import type { CardResponse } from "./contract";
import { DecisionView } from "./decision-view";
import { TANDEM_SERVICE } from "./tandem-service";

hubspot.extend<"crm.record.sidebar">(({ context }) => <TandemCard context={context} />);

type Load = { state: "loading" } | { state: "failed"; message: string } | { state: "loaded"; card: CardResponse };

/** A failure the card explains in words an agent or admin can act on. */
class CardProblem extends Error {}

/** The query Tandem reads: the record's type by name where Tandem knows it (ticket, contact), else HubSpot's type id. */
export function cardUrl(record: CrmContext["crm"]): string {
  const objectType = TANDEM_SERVICE.objectTypes[record.objectTypeId] ?? record.objectTypeId;
  const query = `objectType=${encodeURIComponent(objectType)}&objectId=${encodeURIComponent(String(record.objectId))}`;
  return `${TANDEM_SERVICE.url}${TANDEM_SERVICE.cardPath}?${query}`;
}

function isCardResponse(body: unknown): body is CardResponse {
  if (!body || typeof body !== "object") return false;
  const { status, decision } = body as Partial<CardResponse>;
  if (status === "none") return true;
  return status === "decided" && typeof decision === "object" && decision !== null && Array.isArray(decision.reasons);
}

/** The `detail` of an application/problem+json answer, when Tandem sent one. */
async function problemDetail(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    return typeof body.detail === "string" ? body.detail : undefined;
  } catch {
    return undefined;
  }
}

async function explainRefusal(response: Response): Promise<string> {
  const detail = await problemDetail(response);
  if (response.status === 401)
    return `Tandem did not accept HubSpot's signature${detail ? ` (${detail})` : ""}. Check that HUBSPOT_CLIENT_SECRET on the Tandem service is this app's client secret, and that TANDEM_PUBLIC_URL is ${TANDEM_SERVICE.url}.`;
  if (response.status === 403) return detail ?? "Tandem is not installed in this HubSpot account yet.";
  if (response.status === 404) return `Tandem at ${TANDEM_SERVICE.url} has no HubSpot card endpoint: is the HubSpot connector turned on?`;
  return `Tandem answered ${response.status}${detail ? `: ${detail}` : ""}.`;
}

async function fetchCard(record: CrmContext["crm"]): Promise<CardResponse> {
  let response: Response;
  try {
    response = await hubspot.fetch(cardUrl(record), { method: "GET", timeout: 10_000 });
  } catch (error) {
    const reason = error instanceof Error && error.message ? ` (${error.message})` : "";
    throw new CardProblem(
      `Could not reach Tandem at ${TANDEM_SERVICE.url}${reason}. Is the service running, and is its address in the app's permitted URLs?`,
    );
  }
  if (!response.ok) throw new CardProblem(await explainRefusal(response));
  const body: unknown = await response.json().catch(() => undefined);
  if (!isCardResponse(body)) throw new CardProblem("Tandem's answer was not a card this version understands: update the app card.");
  return body;
}

export function TandemCard({ context }: { context: CrmContext }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const { objectId, objectTypeId } = context.crm;

  useEffect(() => {
    let current = true;
    setLoad({ state: "loading" });
    fetchCard({ objectId, objectTypeId }).then(
      (card) => current && setLoad({ state: "loaded", card }),
      (error: unknown) =>
        current &&
        setLoad({ state: "failed", message: error instanceof CardProblem ? error.message : `Unexpected error: ${String(error)}` }),
    );
    return () => {
      current = false;
    };
  }, [objectId, objectTypeId, attempt]);

  if (load.state === "loading") return <LoadingSpinner label="Loading Tandem's decision" layout="centered" />;
  if (load.state === "failed")
    return (
      <ErrorState title="Tandem's decision could not be loaded">
        <Text>{load.message}</Text>
        <Button onClick={() => setAttempt((count) => count + 1)}>Try again</Button>
      </ErrorState>
    );
  if (load.card.status === "none" || !load.card.decision)
    return (
      <EmptyState title="No decision yet" layout="vertical" imageName="tickets">
        <Text>Tandem decides each new ticket and customer message; this record has none yet.</Text>
      </EmptyState>
    );
  return <DecisionView decision={load.card.decision} escalation={load.card.escalation} ticketUrl={load.card.ticketUrl} />;
}
