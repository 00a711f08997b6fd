// `tandem hubspot setup`: creates the Tandem ticket properties in a HubSpot account; `tandem hubspot accounts` lists the
// accounts installed through OAuth. The account's token comes from HUBSPOT_ACCESS_TOKEN (a private app) or, with
// --portal ID, from that account's OAuth install in the service's store.
import { z } from "zod";
import { defineCommand, UsageError } from "../command.js";

/** API access for one account, from the environment: a private app's token, or an OAuth install in the store. */
export async function hubspotApiFromEnv(portal: string | undefined) {
  const env = z
    .object({
      HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
      HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
      HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
      HUBSPOT_API_URL: z.url("must be a URL like https://api.hubapi.com").optional(),
      TANDEM_PUBLIC_URL: z.url("must be a URL like https://tandem.example.com").optional(),
    })
    .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));
  if (!env.success) {
    const issue = env.error.issues[0];
    throw new UsageError(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  const settings = env.data;
  const { HubSpotApi, staticToken } = await import("../../../connectors/hubspot/client.js");
  if (settings.HUBSPOT_ACCESS_TOKEN && !portal)
    return {
      api: new HubSpotApi({ tokens: staticToken(settings.HUBSPOT_ACCESS_TOKEN), basePath: settings.HUBSPOT_API_URL }),
      close: async () => {},
    };
  if (!portal)
    throw new UsageError("set HUBSPOT_ACCESS_TOKEN (a private app's token), or give --portal ID for an account installed with OAuth");
  if (!settings.HUBSPOT_CLIENT_ID || !settings.HUBSPOT_CLIENT_SECRET || !settings.TANDEM_PUBLIC_URL)
    throw new UsageError("--portal: HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and TANDEM_PUBLIC_URL are needed to use an OAuth install");
  const [{ loadConfig }, { openConfiguredStore }, { HubSpotInstallations }] = await Promise.all([
    import("../../server/config.js"),
    import("../../server/service.js"),
    import("../../../connectors/hubspot/oauth.js"),
  ]);
  const store = await openConfiguredStore(loadConfig());
  const installations = new HubSpotInstallations({
    clientId: settings.HUBSPOT_CLIENT_ID,
    clientSecret: settings.HUBSPOT_CLIENT_SECRET,
    publicUrl: settings.TANDEM_PUBLIC_URL,
    store,
    basePath: settings.HUBSPOT_API_URL,
  });
  if (!(await installations.isInstalled(portal))) {
    await store.close();
    throw new UsageError(`--portal: Tandem is not installed in HubSpot account ${portal} (see tandem hubspot accounts)`);
  }
  return { api: new HubSpotApi({ tokens: installations.tokens(portal), basePath: settings.HUBSPOT_API_URL }), close: () => store.close() };
}

export const hubspotCommand = defineCommand({
  name: "hubspot",
  summary: "set up a HubSpot account for Tandem, or list the accounts installed",
  usage: "tandem hubspot setup [--portal ID] | tandem hubspot accounts",
  flags: [
    ["--portal ID", "the account (hub id) to use, when it was installed with OAuth (else HUBSPOT_ACCESS_TOKEN)"],
    ["--json", "print JSON"],
  ],
  options: { portal: { type: "string" }, json: { type: "boolean" } },
  schema: z.object({
    portal: z.string().regex(/^\d+$/, "must be the account's hub id (digits)").optional(),
    json: z.boolean().optional(),
    positionals: z.union([z.tuple([z.literal("setup")]), z.tuple([z.literal("accounts")])], {
      error: 'say "setup" or "accounts"',
    }),
  }),
  async run(input, { out }) {
    if (input.positionals[0] === "accounts") {
      const [{ loadConfig }, { openConfiguredStore }] = await Promise.all([
        import("../../server/config.js"),
        import("../../server/service.js"),
      ]);
      const store = await openConfiguredStore(loadConfig());
      try {
        const accounts = await store.listHubSpotInstallations();
        if (input.json) out(JSON.stringify(accounts, null, 2));
        else if (accounts.length === 0) out("No HubSpot account installed yet: open /hubspot/install on the service.");
        else for (const account of accounts) out(`${account.portal_id}  installed ${account.installed_at.toISOString().slice(0, 16)}`);
      } finally {
        await store.close();
      }
      return;
    }
    const { setupHubSpotProperties } = await import("../../../connectors/hubspot/setup.js");
    const { DeliveryError } = await import("../../../core/store/outbox-worker.js");
    const { TandemError } = await import("../../../core/errors.js");
    const { api, close } = await hubspotApiFromEnv(input.portal);
    try {
      const report = await setupHubSpotProperties(api);
      if (input.json) out(JSON.stringify(report, null, 2));
      else {
        out(`Property group "Tandem" on tickets: ${report.group}.`);
        for (const property of report.properties) out(`  ${property.name}: ${property.outcome}`);
      }
    } catch (error) {
      if (error instanceof DeliveryError) throw new TandemError("io_error", error.message);
      throw error;
    } finally {
      await close();
    }
  },
});
