// Builds the sidebar into the folder layout Zendesk expects: dist/zendesk-app/assets/iframe.html and its files.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/zendesk-app/assets", import.meta.url)),
    emptyOutDir: true,
    assetsDir: ".",
    rollupOptions: { input: fileURLToPath(new URL("iframe.html", import.meta.url)) },
  },
});
