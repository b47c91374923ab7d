// Adds lockfile entries for other platforms' optional native packages (esbuild, rollup, swc builds) that
// the package registry here does not serve, so `npm ci` accepts the lockfile; run after `npm install`.
import fs from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(path, "utf8"));
const packages = lock.packages;
const OSES = ["darwin", "win32", "linux", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix"];
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = key ? `${key}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const added_entry = { version, optional: true };
    if (entry.dev) added_entry.dev = true;
    const os = OSES.find((o) => new RegExp(`[-/]${o}(-|$)`).test(name));
    const cpu = /-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el)(-|$)/.exec(name)?.[1];
    if (os) added_entry.os = [os];
    if (cpu) added_entry.cpu = [cpu];
    packages[`node_modules/${name}`] = added_entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
fs.writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(`complete-lockfile: added ${added} optional platform entries`);
