// Loaded with `node --import` into a CLI process under test: records every file operation on a path under
// PANDAFEST_RECORD_UNDER to the file PANDAFEST_RECORD_TO, so a test can see which process touched a directory.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const under = process.env.PANDAFEST_RECORD_UNDER;
const to = process.env.PANDAFEST_RECORD_TO;
if (under && to) {
  const note = (operation, target) => {
    const text = typeof target === "string" ? target : target instanceof URL ? target.pathname : undefined;
    if (text !== undefined && text.startsWith(under)) fs.appendFileSync(to, `${operation} ${text}\n`);
  };
  const operations = ["open", "readFile", "writeFile", "appendFile", "rename", "rm", "unlink", "mkdir", "readdir", "copyFile", "stat", "lstat", "opendir"];
  for (const api of [fs.promises, fs]) {
    for (const name of operations) {
      for (const variant of api === fs ? [name, `${name}Sync`] : [name]) {
        const original = api[variant];
        if (typeof original !== "function") continue;
        api[variant] = function (target, ...rest) {
          note(variant, target);
          return original.call(this, target, ...rest);
        };
      }
    }
  }
  syncBuiltinESMExports();
}
