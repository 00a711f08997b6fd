// Multi-workspace installs: Slack's OAuth library hands us each installation (with its bot token); we keep it in the
// service's store, sealed with AES-256-GCM under a key derived from the app's client secret, so a copy of the database
// alone does not give away a token.
import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import { Sealer } from "../../core/store/sealer.js";
import type { Store } from "../../core/store/store.js";

export { Sealer };

function installationId(query: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string {
  const id = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
  if (!id) throw new Error("the installation names neither a team nor an enterprise");
  return id;
}

export class SlackInstallationStore implements InstallationStore {
  constructor(
    private readonly store: Store,
    private readonly sealer: Sealer,
  ) {}

  async storeInstallation(installation: Installation<"v1" | "v2", boolean>): Promise<void> {
    const id = installationId({
      isEnterpriseInstall: installation.isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    await this.store.saveSlackInstallation({
      id,
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      sealed: this.sealer.seal(JSON.stringify(installation)),
    });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v1" | "v2", boolean>> {
    const row = await this.store.getSlackInstallation(installationId(query));
    if (!row) throw new Error(`Tandem is not installed in ${installationId(query)}`);
    return JSON.parse(this.sealer.open(row.sealed)) as Installation<"v1" | "v2", boolean>;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.store.deleteSlackInstallation(installationId(query));
  }

  /** The bot token of a workspace (the given team, or the latest one installed), for the outbox's deliveries. */
  async botToken(teamId?: string): Promise<string | undefined> {
    const row = teamId ? await this.store.getSlackInstallation(teamId) : await this.store.latestSlackInstallation();
    if (!row) return undefined;
    return (JSON.parse(this.sealer.open(row.sealed)) as Installation<"v1" | "v2", boolean>).bot?.token;
  }
}
