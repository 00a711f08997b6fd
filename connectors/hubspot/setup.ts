// `tandem hubspot setup`: creates (or brings up to date) the "Tandem" ticket property group and the four properties Tandem
// writes, so that they show on the ticket record, in views, filters and reports. Safe to run again.
import type { HubSpotApi } from "./client.js";
import { PROPERTY_GROUP, TICKET_PROPERTIES } from "./ids.js";

export interface SetupReport {
  group: "created" | "exists";
  properties: { name: string; outcome: "created" | "updated" }[];
}

function isStatus(error: unknown, status: number): boolean {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === status;
}

export async function setupHubSpotProperties(api: HubSpotApi): Promise<SetupReport> {
  let group: SetupReport["group"] = "created";
  try {
    await api.call("creating the Tandem property group", (client) =>
      client.crm.properties.groupsApi.create("tickets", { name: PROPERTY_GROUP.name, label: PROPERTY_GROUP.label, displayOrder: -1 }),
    );
  } catch (error) {
    // 409: the group is there from an earlier run
    if (!isStatus(error, 409)) throw error;
    group = "exists";
  }
  const properties: SetupReport["properties"] = [];
  for (const property of TICKET_PROPERTIES) {
    const definition = {
      label: property.label,
      type: property.type,
      fieldType: property.fieldType,
      groupName: PROPERTY_GROUP.name,
      description: property.description,
      ...("options" in property ? { options: property.options.map((option) => ({ ...option, hidden: false })) } : {}),
    };
    try {
      await api.call(`creating ticket property ${property.name}`, (client) =>
        client.crm.properties.coreApi.create("tickets", { name: property.name, ...definition } as never),
      );
      properties.push({ name: property.name, outcome: "created" });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      await api.call(`updating ticket property ${property.name}`, (client) =>
        client.crm.properties.coreApi.update("tickets", property.name, definition as never),
      );
      properties.push({ name: property.name, outcome: "updated" });
    }
  }
  return { group, properties };
}
