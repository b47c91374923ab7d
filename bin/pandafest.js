#!/usr/bin/env node
// The `pandafest` command: a thin launcher for the compiled CLI.
// `npm install` builds dist/ (the prepare script); this file only hands over to it.
import { launch } from "../dist/apps/cli/launch.js";

launch(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`pandafest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
