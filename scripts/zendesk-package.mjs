// `npm run zendesk:package`: puts the built sidebar together with the manifest, translations and logos into the folder
// Zendesk expects (dist/zendesk-app), checks it with the project's validator (Zendesk's rules), and zips it for upload
// (dist/tandem-zendesk-app.zip). TANDEM_PUBLIC_URL sets the service host the app may call (domainWhitelist).
import { cpSync, createWriteStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import yazl from "yazl";
import { validateZendeskApp } from "../dist/apps/zendesk-sidebar/validate.js";

const app = "dist/zendesk-app";
if (!existsSync(join(app, "assets", "iframe.html"))) {
  console.error("zendesk:package: the sidebar is not built (run npm run build)");
  process.exit(1);
}
cpSync("manifests/zendesk/translations", join(app, "translations"), { recursive: true });
for (const logo of ["logo.png", "logo-small.png"]) cpSync(join("manifests/zendesk/assets", logo), join(app, "assets", logo));
const manifest = JSON.parse(readFileSync("manifests/zendesk/manifest.json", "utf8"));
if (process.env.TANDEM_PUBLIC_URL) {
  let host;
  try {
    host = new URL(process.env.TANDEM_PUBLIC_URL).host;
  } catch {
    console.error(`zendesk:package: TANDEM_PUBLIC_URL is not a URL: ${process.env.TANDEM_PUBLIC_URL}`);
    process.exit(1);
  }
  manifest.domainWhitelist = [host];
}
writeFileSync(join(app, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const { errors, warnings } = validateZendeskApp(app);
for (const warning of warnings) console.warn(`warning: ${warning}`);
if (errors.length > 0) {
  for (const error of errors) console.error(`error: ${error}`);
  process.exit(1);
}

const zip = new yazl.ZipFile();
const walk = (folder) => {
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) walk(path);
    else zip.addFile(path, relative(app, path));
  }
};
walk(app);
zip.end();
await new Promise((resolve, reject) =>
  zip.outputStream.pipe(createWriteStream("dist/tandem-zendesk-app.zip")).on("close", resolve).on("error", reject),
);
console.log(
  `dist/tandem-zendesk-app.zip: upload it in Admin Center → Apps and integrations → Zendesk Support apps → Upload private app${manifest.domainWhitelist[0] === "tandem.example.com" ? " (set TANDEM_PUBLIC_URL first so that the app may call your service)" : ""}`,
);
