// The Slack app manifest, typed against @slack/web-api's manifest types (a misspelled scope or key fails the build) and
// built from the names the code registers. `npm run slack:manifest` writes manifests/slack/manifest.yml from it.
import type { AppsManifestCreateArguments } from "@slack/web-api";
import { stringify } from "yaml";
import { ACTIONS, BOT_SCOPES, EVENTS, SHORTCUTS, SLASH_COMMAND } from "../../connectors/slack/ids.js";

type Manifest = AppsManifestCreateArguments["manifest"];

/** Replaced by your service's public address when you create the app (see the README's Slack section). */
export const PUBLIC_URL = "https://tandem.example.com";

export const slackManifest = {
  _metadata: { major_version: 1, minor_version: 1 },
  display_information: {
    name: "Tandem",
    description: "Escalations with full context: triage, reasons, handoff and a suggested reply.",
    long_description:
      "Tandem decides every customer message: what it is about, how urgent, whether a machine may answer or a person must take over. When a person is needed, Tandem posts the escalation to the right channel with the customer, the reasons, a handoff summary and a suggested reply, and your team claims, answers, snoozes or resolves it from Slack. /tandem triage decides any text, /tandem queue lists open escalations, /tandem stats shows the day's figures.",
    background_color: "#03363d",
  },
  features: {
    app_home: { home_tab_enabled: true, messages_tab_enabled: false, messages_tab_read_only_enabled: false },
    bot_user: { display_name: "Tandem", always_online: true },
    shortcuts: [
      {
        type: "message",
        name: "Triage with Tandem",
        callback_id: SHORTCUTS.triageMessage,
        description: "Decide this message: intent, escalation score, route and a suggested reply",
      },
    ],
    slash_commands: [
      {
        command: SLASH_COMMAND,
        url: `${PUBLIC_URL}/slack/events`,
        description: "Triage a message, see the open queue or today's figures",
        usage_hint: "triage <text> | queue | stats | help",
        should_escape: false,
      },
    ],
  },
  oauth_config: {
    redirect_urls: [`${PUBLIC_URL}/slack/oauth_redirect`],
    scopes: { bot: [...BOT_SCOPES] },
  },
  settings: {
    event_subscriptions: { request_url: `${PUBLIC_URL}/slack/events`, bot_events: [...EVENTS] },
    interactivity: { is_enabled: true, request_url: `${PUBLIC_URL}/slack/events` },
    org_deploy_enabled: false,
    socket_mode_enabled: false,
    token_rotation_enabled: false,
  },
} satisfies Manifest;

/** Every id in the manifest that the code must register, for the test that keeps both in step. */
export function manifestIds() {
  return {
    commands: slackManifest.features.slash_commands.map((command) => command.command),
    shortcuts: slackManifest.features.shortcuts.map((shortcut) => shortcut.callback_id),
    events: [...slackManifest.settings.event_subscriptions.bot_events],
    actions: Object.values(ACTIONS),
  };
}

/** The manifest as YAML, as manifests/slack/manifest.yml holds it. */
export function manifestYaml(): string {
  return `# Generated from manifests/slack/manifest.ts by \`npm run slack:manifest\`; edit that file, not this one.\n# Replace https://tandem.example.com with your service's public address before creating the app.\n${stringify(slackManifest, { lineWidth: 0 })}`;
}
