// `tandem keys create|list|revoke`: API keys for the service's /api, stored hashed.
import { z } from "zod";
import { loadConfig } from "../../server/config.js";
import { openConfiguredStore } from "../../server/service.js";
import { defineCommand } from "../command.js";

export const keysCommand = defineCommand({
  name: "keys",
  summary: "create, list or revoke API keys for the service",
  usage: "tandem keys create --name NAME | tandem keys list | tandem keys revoke ID",
  flags: [
    ["--name NAME", "what the key is for (e.g. zendesk sidebar)"],
    ["--json", "print JSON"],
  ],
  options: { name: { type: "string" }, json: { type: "boolean" } },
  schema: z.object({
    name: z.string().trim().min(1).max(200).optional(),
    json: z.boolean().optional(),
    positionals: z.union(
      [
        z.tuple([z.literal("create")]),
        z.tuple([z.literal("list")]),
        z.tuple([z.literal("revoke"), z.string().regex(/^[0-9a-f]{12}$/, "the key id is 12 hex digits (see tandem keys list)")]),
      ],
      { error: 'say "create", "list" or "revoke ID"' },
    ),
  }),
  async run(input, { out }) {
    const store = await openConfiguredStore(loadConfig());
    try {
      const [action] = input.positionals;
      if (action === "create") {
        const name = input.name ?? "unnamed";
        const { id, key } = await store.createApiKey(name);
        out(input.json ? JSON.stringify({ id, name, key }) : `Created key ${id} (${name}). It is shown only now:\n${key}`);
      } else if (action === "list") {
        const keys = (await store.listApiKeys()).map(({ id, name, created_at, last_used_at, revoked_at }) => ({
          id,
          name,
          created_at,
          last_used_at,
          revoked_at,
        }));
        if (input.json) out(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) out("No keys yet: tandem keys create --name NAME");
        else
          for (const key of keys)
            out(
              `${key.id}  ${key.name.padEnd(24)} created ${key.created_at.toISOString().slice(0, 16)}  ${key.revoked_at ? "revoked" : key.last_used_at ? `last used ${key.last_used_at.toISOString().slice(0, 16)}` : "never used"}`,
            );
      } else {
        const id = input.positionals[1] ?? "";
        out((await store.revokeApiKey(id)) ? `Revoked key ${id}.` : `No live key ${id}.`);
      }
    } finally {
      await store.close();
    }
  },
});
