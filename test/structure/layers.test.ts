// The layers a newcomer sees in the folder names hold: browser-safe code never reaches Node, the web app imports
// only the browser-safe layers, and no layer imports one above it (so no cycles between top-level folders).
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as engine from "../../engine/index.js";
import * as core from "../../engine/core/index.js";
import { repoRoot } from "../helpers/cli.js";

/**
 * Each layer with the layers it may import (itself included). Lower layers come first, except that a folder
 * inside another layer's folder is listed before it (engine/internals/node before engine/internals).
 * engine/internals holds every reach into Automerge's and automerge-repo's internals (docs/INTERNALS.md).
 */
const LAYERS: Record<string, readonly string[]> = {
  "engine/internals/node": ["engine/internals", "engine/core", "engine/internals/node"],
  "engine/internals": ["engine/internals"],
  "engine/core": ["engine/internals", "engine/core"],
  "engine/sync": ["engine/internals", "engine/core", "engine/sync"],
  "engine/browser": ["engine/internals", "engine/core", "engine/sync", "engine/browser"],
  "bundles/format": ["engine/internals", "engine/core", "bundles/format"],
  "engine/node": ["engine/internals", "engine/internals/node", "engine/core", "engine/sync", "engine/node"],
  "bundles/datadir": ["engine/internals", "engine/core", "engine/node", "bundles/format", "bundles/datadir"],
  "bundles/stick": ["engine/core", "engine/node", "bundles/format", "bundles/datadir", "bundles/stick"],
  "apps/server": ["engine/internals", "engine/internals/node", "engine/core", "engine/sync", "engine/node", "bundles/format", "apps/server"],
  "apps/cli": ["engine/core", "engine/sync", "engine/node", "bundles/format", "bundles/datadir", "bundles/stick", "apps/server", "apps/cli"],
  ui: ["engine/core", "engine/browser", "engine/sync", "bundles/format", "ui"],
};
/** Where code must run in a browser: no Node built-in, no Node-only package, no `process`. */
const BROWSER_SAFE = ["engine/internals", "engine/core", "engine/browser", "engine/sync", "bundles/format", "ui"];
/** What only code in engine/internals may touch: Automerge's backend and automerge-repo's private parts. */
const INTERNAL_ACCESS = /\bgetBackend\b|\.networkSubsystem\b|_am_meta|wasm_bindgen_output|\.emit\(\s*["']change["']/;
const NODE_ONLY_PACKAGES = ["ws", "@automerge/automerge-repo-storage-nodefs", "bonjour-service", "cli-progress", "commander"];
const ENTRY_FILES = ["engine/index.ts"];

const IMPORT = /(?:^|[;\s])(?:import|export)\s(?:[^;"'`]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

interface SourceFile {
  file: string;
  layer: string;
  imports: string[];
  source: string;
}

function layerOf(file: string): string | undefined {
  if (file.startsWith("ui/src/")) return "ui";
  return Object.keys(LAYERS).find((layer) => file.startsWith(`${layer}/`));
}

function sourceFiles(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const top of ["engine", "bundles", "apps", "ui/src"]) {
    for (const entry of fs.readdirSync(path.join(repoRoot, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const file = path.relative(repoRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      if (ENTRY_FILES.includes(file)) continue;
      const layer = layerOf(file);
      if (layer === undefined) throw new Error(`${file} lies in no layer: put it in one of ${Object.keys(LAYERS).join(", ")}`);
      const source = fs.readFileSync(path.join(repoRoot, file), "utf8");
      const imports = [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2]);
      files.push({ file, layer, imports, source });
    }
  }
  return files;
}

function resolveRelative(from: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, ".ts");
}

const isNodeBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
const isNodeOnlyPackage = (specifier: string) => NODE_ONLY_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));

describe("the layers", () => {
  const files = sourceFiles();

  it("finds the source files and their imports", () => {
    expect(files.length).toBeGreaterThan(150);
    expect(files.find((file) => file.file === "engine/node/store.ts")?.imports).toContain("../core/schema.js");
  });

  it("keep browser-safe code away from Node: no built-in, no Node-only package, no process", () => {
    const problems: string[] = [];
    for (const { file, layer, imports, source } of files) {
      if (!BROWSER_SAFE.includes(layer)) continue;
      for (const specifier of imports) {
        if (isNodeBuiltin(specifier) || isNodeOnlyPackage(specifier)) problems.push(`${file} imports ${specifier}`);
      }
      if (/\bprocess\.(env|pid|kill|exit|argv|on)\b/.test(source.replace(/\/\/.*$/gm, ""))) problems.push(`${file} uses process`);
    }
    expect(problems).toEqual([]);
  });

  it("import only their own layer and the layers below it (the web app only the browser-safe ones)", () => {
    const problems: string[] = [];
    for (const { file, layer, imports } of files) {
      for (const specifier of imports) {
        if (!specifier.startsWith(".")) continue;
        const target = resolveRelative(file, specifier);
        const targetLayer = layerOf(target);
        if (targetLayer === undefined) problems.push(`${file} imports ${target}, which lies in no layer`);
        else if (!LAYERS[layer].includes(targetLayer)) problems.push(`${file} (${layer}) imports ${target} (${targetLayer})`);
        else if (!fs.existsSync(path.join(repoRoot, target))) problems.push(`${file} imports ${target}, which does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("reach into Automerge's and automerge-repo's internals only from engine/internals", () => {
    const reaching = files
      .filter(({ layer, source }) => !layer.startsWith("engine/internals") && INTERNAL_ACCESS.test(source.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "")))
      .map(({ file }) => file);
    expect(reaching).toEqual([]);
    expect(files.filter(({ layer, source }) => layer.startsWith("engine/internals") && INTERNAL_ACCESS.test(source)).length).toBeGreaterThan(3);
  });

  it("give the engine a public face: package.json exports point at the entry files", () => {
    expect(typeof engine.FestivalStore.open).toBe("function");
    expect(typeof core.addEvent).toBe("function");
    expect(typeof core.verifyHistory).toBe("function");
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { exports: Record<string, string> };
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const source = target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts").replace(/^package\.ts$/, "package.json");
      expect(fs.existsSync(path.join(repoRoot, source)), `${entry} -> ${source}`).toBe(true);
    }
  });

  it("have no cycles between top-level folders", () => {
    const top = (file: string) => (file.startsWith("ui/") ? "ui" : file.split("/")[0]);
    const edges = new Set<string>();
    for (const { file, imports } of files) {
      for (const specifier of imports.filter((candidate) => candidate.startsWith("."))) {
        const from = top(file);
        const to = top(resolveRelative(file, specifier));
        if (from !== to) edges.add(`${from}>${to}`);
      }
    }
    const cycles = [...edges].filter((edge) => edges.has(edge.split(">").reverse().join(">")));
    expect(cycles).toEqual([]);
  });
});
