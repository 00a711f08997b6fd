// The project's own check of the Zendesk app folder, against the rules of Zendesk's validator: the shipped manifest,
// translations and logos pass, and a planted mistake of each kind fails with a message that names it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pngSize, validateZendeskApp } from "../../../apps/zendesk-sidebar/validate.js";

/** A copy of manifests/zendesk with the sidebar page the location names (the build puts the real one there). */
function appFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "tandem-zendesk-app-"));
  cpSync("manifests/zendesk", folder, { recursive: true });
  writeFileSync(join(folder, "assets", "iframe.html"), "<!doctype html><title>Tandem</title>");
  return folder;
}

function edit(folder: string, file: string, change: (json: Record<string, unknown>) => void) {
  const path = join(folder, file);
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  change(json);
  writeFileSync(path, JSON.stringify(json));
}

type Parameter = { name: string; type: string; secure?: boolean; scopes?: string[]; default?: unknown };
const parameters = (json: Record<string, unknown>) => json.parameters as Parameter[];

describe("Zendesk app validation", () => {
  it("passes the shipped manifest, translations and logos", () => {
    expect(validateZendeskApp(appFolder())).toEqual({ errors: [], warnings: [] });
    expect(pngSize(readFileSync("manifests/zendesk/assets/logo.png"))).toEqual({ width: 320, height: 320 });
  });

  it.each<[string, (folder: string) => void, string]>([
    [
      "a parameter type Zendesk refuses",
      (folder) => edit(folder, "manifest.json", (json) => void (parameters(json)[1].type = "password")),
      'manifest.json parameter "api_key": type "password" is not one Zendesk accepts (text, checkbox, url, number, multiline, hidden, oauth)',
    ],
    [
      "a secure parameter without scopes",
      (folder) => edit(folder, "manifest.json", (json) => void delete parameters(json)[1].scopes),
      'manifest.json parameter "api_key": a secure parameter needs scopes (header, body, url, jwt_secret_key, jwt_claim, basic_auth_username, basic_auth_password)',
    ],
    [
      "an unknown scope",
      (folder) => edit(folder, "manifest.json", (json) => void (parameters(json)[1].scopes = ["cookie"])),
      'manifest.json parameter "api_key": scope "cookie" is not one Zendesk accepts',
    ],
    [
      "a relative location URL outside assets/",
      (folder) =>
        edit(
          folder,
          "manifest.json",
          (json) => void ((json.location as { support: { ticket_sidebar: { url: string } } }).support.ticket_sidebar.url = "index.html"),
        ),
      'manifest.json location support.ticket_sidebar: a relative URL must start with assets/ (got "index.html")',
    ],
    [
      "a location page that does not exist",
      (folder) => rmSync(join(folder, "assets", "iframe.html")),
      "manifest.json location support.ticket_sidebar: assets/iframe.html does not exist",
    ],
    [
      "a logo of the wrong size",
      (folder) => cpSync(join(folder, "assets", "logo-small.png"), join(folder, "assets", "logo.png")),
      "assets/logo.png is 128x128; Zendesk wants 320x320",
    ],
    ["a missing small logo", (folder) => rmSync(join(folder, "assets", "logo-small.png")), "assets/logo-small.png is missing"],
    [
      "a parameter without its label",
      (folder) =>
        edit(
          folder,
          "translations/en.json",
          (json) => void delete (json.app as { parameters: Record<string, unknown> }).parameters.api_key,
        ),
      "translations/en.json: app.parameters.api_key.label is missing",
    ],
    [
      "a public app without its descriptions",
      (folder) => {
        edit(folder, "manifest.json", (json) => void (json.private = false));
        edit(folder, "translations/en.json", (json) => void delete (json.app as Record<string, unknown>).long_description);
      },
      "translations/en.json: app.long_description is missing (a public app needs it)",
    ],
    [
      "the wrong framework version",
      (folder) => edit(folder, "manifest.json", (json) => void (json.frameworkVersion = "1.0")),
      'manifest.json frameworkVersion: must be "2.0"',
    ],
  ])("fails on %s", (_name, plant, message) => {
    const folder = appFolder();
    plant(folder);
    expect(validateZendeskApp(folder).errors).toContain(message);
  });

  it("warns where Zendesk warns: a default on a secure parameter, a secret-looking name that is not secure", () => {
    const folder = appFolder();
    edit(folder, "manifest.json", (json) => {
      parameters(json)[1].default = "tdm_x";
      parameters(json).push({ name: "webhook_token", type: "text" });
    });
    edit(folder, "translations/en.json", (json) => {
      (json.app as { parameters: Record<string, unknown> }).parameters.webhook_token = { label: "Token" };
    });
    expect(validateZendeskApp(folder)).toEqual({
      errors: [],
      warnings: [
        'manifest.json parameter "api_key": a secure parameter should have no default',
        'manifest.json parameter "webhook_token": looks like a secret but is not secure',
      ],
    });
  });
});
