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
    // source maps would publish the whole source tree from every node; PANDAFEST_SOURCEMAPS=1 builds them for debugging
    sourcemap: process.env.PANDAFEST_SOURCEMAPS === "1",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    host: "127.0.0.1",
    // the node accepts /api and /sync only from its own origin and Host: the proxy speaks as the node's own page
    proxy: {
      "/api": { target: node, changeOrigin: true, headers: { origin: node } },
      "/festivals": { target: node, changeOrigin: true, headers: { origin: node } },
      "/sync": { target: node.replace(/^http/, "ws"), ws: true, changeOrigin: true, headers: { origin: node } },
    },
  },
  preview: { host: "127.0.0.1" },
});
