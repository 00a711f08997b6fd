// Every name the Slack app registers: the slash command, shortcuts, action and view ids, events. The manifest is built
// from these, and a test checks that the code registers exactly what the manifest declares.

export const SLASH_COMMAND = "/tandem";

export const SHORTCUTS = {
  /** Message shortcut: decide any message in a channel. */
  triageMessage: "tandem_triage_message",
} as const;

export const ACTIONS = {
  claim: "tandem_claim",
  sendReply: "tandem_send_reply",
  resolve: "tandem_resolve",
  snooze: "tandem_snooze",
  reassign: "tandem_reassign",
} as const;

export const VIEWS = {
  /** The modal where an agent edits the suggested reply before it is sent. */
  reply: "tandem_reply_modal",
} as const;

export const EVENTS = ["app_home_opened"] as const;

/** Bot scopes the code needs, each for a reason. */
export const BOT_SCOPES = [
  "chat:write", // post escalations, thread updates and replies
  "chat:write.public", // post to a public channel the policy names without being invited first
  "commands", // /tandem and the message shortcut
  "channels:read", // resolve a channel name from the policy to its id
  "groups:read", // the same for private channels the app was added to
  "usergroups:read", // mention the on-call user group the policy names
  "users:read", // find the CRM owner of a deal in Slack…
  "users:read.email", // …by their email address
  "im:write", // open a direct message to that owner
  "im:history", // and check it on a retry, so the owner is told once
] as const;
