// Bench child: loads a festival's saved bytes, reads what its members see, and reports its peak RSS.
import * as A from "@automerge/automerge";
import fs from "node:fs/promises";
import { visibleFestival } from "../../../engine/core/governance/index.js";
import type { Festival } from "../../../engine/core/schema.js";
import { festivalView } from "../../../engine/core/views.js";
import { useNativeSignatures } from "../../../engine/node/native-signatures.js";

const [file, id] = process.argv.slice(2);
useNativeSignatures(); // as the store does in Node
const doc = A.load<Festival>(new Uint8Array(await fs.readFile(file)));
const view = festivalView(visibleFestival(doc, id));
process.stdout.write(`${JSON.stringify({ venues: Object.keys(view.venues).length, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
