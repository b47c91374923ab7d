// Listing a directory that may not exist yet: sorted names, or none when it is missing.
// Shared by the stores that keep one file per item (pending bundles, carried festivals).
import fs from "node:fs/promises";
import { errorCode } from "./atomic-file.js";

export async function listDirectory(directory: string): Promise<string[]> {
  try {
    return (await fs.readdir(directory)).sort();
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
}
