// Generated from manifests/hubspot/project.ts by `npm run hubspot:project`; edit that file, not this one.
// The Tandem service the card asks for decisions (HubSpot builds this folder on its own, so the address is copied here).
export interface TandemService {
  url: string;
  cardPath: string;
  /** HubSpot's object type ids, by the names Tandem's card endpoint takes. */
  objectTypes: Record<string, string>;
}

export const TANDEM_SERVICE: TandemService = {
  url: "https://tandem.example.com",
  cardPath: "/hubspot/card",
  objectTypes: { "0-1": "contact", "0-5": "ticket" },
};
