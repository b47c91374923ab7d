// What every screen shares: the page's repo (IndexedDB, other tabs, the serving node), the identity store,
// and opening festivals by id with the schema checked. Created once when the app starts.
import type { DocHandle, DocumentId } from "@automerge/automerge-repo/slim";
import { BrowserIdentityStore } from "../../../engine/browser-identity.js";
import { createBrowserRepo, syncUrlFor, type BrowserRepo } from "../../../engine/browser-repo.js";
import { PandafestError } from "../../../engine/errors.js";
import { checkSchema } from "../../../engine/migrate.js";
import type { Festival } from "../../../engine/schema.js";

export interface AppServices extends BrowserRepo {
  identities: BrowserIdentityStore;
}

export function startServices(): AppServices {
  const browserRepo = createBrowserRepo({ syncUrl: syncUrlFor(window.location) });
  return { ...browserRepo, identities: new BrowserIdentityStore() };
}

/** How long to look for a festival on this device, in other tabs and on the node before giving up. */
const FIND_TIMEOUT_MS = 20_000;

/** The festival's handle, found in this browser's storage, another tab, or the serving node. */
export async function findFestival(services: AppServices, id: string): Promise<DocHandle<Festival>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FIND_TIMEOUT_MS);
  let handle: DocHandle<Festival>;
  try {
    handle = await services.repo.find<Festival>(id as DocumentId, { signal: controller.signal });
  } catch (cause) {
    throw new PandafestError(
      `festival ${id} is not on this device and the node serving this page does not have it (or is offline); ` +
        "check the id, or import a bundle of it on the Sync screen",
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
  checkSchema(handle.doc());
  return handle;
}
