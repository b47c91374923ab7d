// The web app's build: vite bundles ui/src into ui/dist, the folder `pandafest serve` serves at `/`, with the service
// worker (ui/sw) as dist/sw.js. Automerge runs from its slim entry; its WebAssembly is a separate file (src/main.ts).
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin, type Rollup } from "vite";

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

const uiRoot = fileURLToPath(new URL(".", import.meta.url));
/** During `vite` development, the running `pandafest serve` that answers /api, /festivals and /sync. */
const node = process.env.PANDAFEST_NODE ?? "http://127.0.0.1:4321";

const SERVICE_WORKER_FILE = "sw.js";

/** The entry chunk of an HTML page of the build (its `<script type="module">`). */
function entryChunk(bundle: OutputBundle, name: string): OutputChunk {
  const chunk = Object.values(bundle).find((item): item is OutputChunk => item.type === "chunk" && item.isEntry && item.name === name);
  if (!chunk) throw new Error(`the build has no entry "${name}"`);
  return chunk;
}

/**
 * The files a page's entry loads: its chunk, the chunks it imports (`dynamic`: also those it may import later),
 * their styles, and (`assets`) the files their code names, such as a wasm fetched by URL.
 */
function filesOf(bundle: OutputBundle, entry: OutputChunk, options: { dynamic: boolean; assets: boolean }): string[] {
  const found = new Set<string>();
  const pending = [entry.fileName];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const chunk = bundle[name];
    if (found.has(name) || !chunk || chunk.type !== "chunk") continue;
    found.add(name);
    for (const css of chunk.viteMetadata?.importedCss ?? []) found.add(css);
    if (options.assets) for (const asset of chunk.viteMetadata?.importedAssets ?? []) found.add(asset);
    pending.push(...chunk.imports, ...(options.dynamic ? chunk.dynamicImports : []));
  }
  return [...found];
}

/**
 * What an attendee's visit needs offline: the attendee view (attend.html and all it loads), and the start of
 * index.html, which sends a shared link to it before it loads the organiser's app, its Automerge and its wasm.
 */
function attendeeFiles(bundle: OutputBundle): string[] {
  return [
    "attend.html",
    ...filesOf(bundle, entryChunk(bundle, "attend"), { dynamic: true, assets: true }),
    "index.html",
    ...filesOf(bundle, entryChunk(bundle, "index"), { dynamic: false, assets: false }),
  ];
}

/**
 * Writes the build's manifest into sw.js where the worker reads PANDAFEST_BUILD: every other file of the build, those
 * an attendee's visit needs, and a version hashed from all of them. Any change to the app changes sw.js, which is how browsers learn of a new build.
 */
function serviceWorkerManifest(): Plugin {
  return {
    name: "pandafest-service-worker-manifest",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const worker = bundle[SERVICE_WORKER_FILE];
      if (!worker || worker.type !== "chunk") throw new Error(`the build has no ${SERVICE_WORKER_FILE}`);
      if (worker.imports.length > 0 || worker.dynamicImports.length > 0) throw new Error(`${SERVICE_WORKER_FILE} must import nothing`);
      const files = Object.keys(bundle)
        .filter((name) => name !== SERVICE_WORKER_FILE && !name.endsWith(".map"))
        .sort();
      const hash = createHash("sha256");
      for (const name of files) {
        const item = bundle[name];
        hash.update(name).update("\0").update(item.type === "chunk" ? item.code : item.source).update("\0");
      }
      const attendee = [...new Set(attendeeFiles(bundle))].sort();
      const strays = attendee.filter((name) => !files.includes(name));
      if (strays.length > 0) throw new Error(`the attendee view's files are not all in the build: ${strays.join(", ")}`);
      const manifest = JSON.stringify({ version: hash.digest("hex").slice(0, 16), files, attendee });
      if (!/\bPANDAFEST_BUILD\b/.test(worker.code)) throw new Error(`${SERVICE_WORKER_FILE} does not read PANDAFEST_BUILD`);
      worker.code = worker.code.replace(/\bPANDAFEST_BUILD\b/g, `(${manifest})`);
    },
  };
}

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
  plugins: [serviceWorkerManifest()],
  esbuild: { target: "es2022" },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // source maps would publish the whole source tree from every node; PANDAFEST_SOURCEMAPS=1 builds them for debugging
    sourcemap: process.env.PANDAFEST_SOURCEMAPS === "1",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        // the attendee view: a page of its own, sharing no Automerge with the organiser's app
        attend: fileURLToPath(new URL("./attend.html", import.meta.url)),
        sw: fileURLToPath(new URL("./sw/service-worker.ts", import.meta.url)),
      },
      // the worker keeps a fixed name at the root: its address is what browsers check for a new build
      output: { entryFileNames: (chunk) => (chunk.name === "sw" ? SERVICE_WORKER_FILE : "assets/[name]-[hash].js") },
    },
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
