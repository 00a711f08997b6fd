// One place that turns the HubSpot settings into API access per account: a private app's token for its one account, or
// the OAuth installs kept in the store (any number of accounts).
import type { Store } from "../../core/store/store.js";
import { HubSpotApi, staticToken } from "./client.js";
import { HubSpotInstallations } from "./oauth.js";

export interface HubSpotSettings {
  clientSecret: string;
  /** A private app's access token (one account). */
  accessToken?: string | undefined;
  /** OAuth installs (any number of accounts). */
  clientId?: string | undefined;
  /** With a private app's token: the account it belongs to; events from other accounts are refused. */
  portalId?: string | undefined;
  publicUrl?: string | undefined;
  apiUrl?: string | undefined;
}

export interface HubSpotAccess {
  api: (portalId: string) => Promise<HubSpotApi>;
  acceptsPortal: (portalId: number) => Promise<boolean>;
  installations: HubSpotInstallations | undefined;
}

export function hubspotAccess(settings: HubSpotSettings, store: Store): HubSpotAccess {
  if (settings.accessToken) {
    const api = new HubSpotApi({ tokens: staticToken(settings.accessToken), basePath: settings.apiUrl });
    return {
      api: () => Promise.resolve(api),
      acceptsPortal: (portalId) => Promise.resolve(settings.portalId === undefined || String(portalId) === settings.portalId),
      installations: undefined,
    };
  }
  if (!settings.clientId || !settings.publicUrl)
    throw new Error("HubSpot needs HUBSPOT_ACCESS_TOKEN, or HUBSPOT_CLIENT_ID with TANDEM_PUBLIC_URL for OAuth installs");
  const installations = new HubSpotInstallations({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    publicUrl: settings.publicUrl,
    store,
    basePath: settings.apiUrl,
  });
  const apis = new Map<string, HubSpotApi>();
  return {
    api: (portalId) => {
      let api = apis.get(portalId);
      if (!api) apis.set(portalId, (api = new HubSpotApi({ tokens: installations.tokens(portalId), basePath: settings.apiUrl })));
      return Promise.resolve(api);
    },
    acceptsPortal: (portalId) => installations.isInstalled(String(portalId)),
    installations,
  };
}
