// The web app's build: vite bundles ui/src into ui/dist, the folder `pandafest serve` serves at `/`.
// Automerge runs from its slim entry; its WebAssembly is a separate file the page loads once (see src/main.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const uiRoot = fileURLToPath(new URL(".", import.meta.url));
/** During `vite` development, the running `pandafest serve` that answers /api, /festivals and /sync. */
const node = process.env.PANDAFEST_NODE ?? "http://127.0.0.1:4321";

export default defineConfig({
  root: uiRoot,
  base: "./",
  publicDir: false,
  resolve: {
    alias: [
      // Every module (engine included) shares the slim builds, initialised once with the wasm URL.
      { find: /^@automerge\/automerge$/, replacement: "@automerge/automerge/slim" },
      { find: /^@automerge\/automerge-repo$/, replacement: "@automerge/automerge-repo/slim" },
    ],
  },
  esbuild: { target: "es2022" },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api": node,
      "/festivals": node,
      "/sync": { target: node.replace(/^http/, "ws"), ws: true },
    },
  },
  preview: { host: "127.0.0.1" },
});
