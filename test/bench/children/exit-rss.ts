// Loaded with `node --import` into a CLI process the benchmark times: on exit it writes the process's peak RSS
// (bytes) to the file named by PANDAFEST_BENCH_RSS_FILE, so the CLI itself needs no benchmark code.
import { writeFileSync } from "node:fs";

const target = process.env.PANDAFEST_BENCH_RSS_FILE;
if (target) process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
