// What every screen shares: the page's repo (IndexedDB, other tabs, the serving node), the identity store,
// and opening festivals by id with the schema checked. Created once when the app starts.
import type { DocHandle, DocumentId } from "@automerge/automerge-repo/slim";
import { BrowserIdentityStore } from "../../../engine/browser/browser-identity.js";
import { createBrowserRepo, syncUrlFor, type BrowserRepo } from "../../../engine/browser/browser-repo.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { checkSchema } from "../../../engine/core/schema-version.js";
import type { Festival } from "../../../engine/core/schema.js";
import { syncOnEveryHeadsChange } from "../../../engine/sync/sync-nudge.js";

export interface AppServices extends BrowserRepo {
  identities: BrowserIdentityStore;
}

export function startServices(): AppServices {
  const browserRepo = createBrowserRepo({ syncUrl: syncUrlFor(window.location) });
  return { ...browserRepo, identities: new BrowserIdentityStore() };
}

/** How long to look for a festival on this device, in other tabs and on the node before giving up. */
const FIND_TIMEOUT_MS = 20_000;
/** Once connected to the node, how long to wait for a festival it has not sent yet. */
const NODE_ANSWER_MS = 3_000;
const POLL_MS = 200;

/**
 * Waits until the handle holds the festival: it may come from the node once the page is connected to it
 * (the node is asked as soon as it connects). Gives up when connected for NODE_ANSWER_MS without it, or at the deadline.
 */
async function untilArrived(services: AppServices, handle: DocHandle<Festival>, deadline: number): Promise<boolean> {
  const started = Date.now();
  let onlineSince: number | undefined;
  while (!handle.isReady() && Date.now() < deadline) {
    const online = services.server ? services.server.status().state === "online" : true;
    onlineSince = online ? (onlineSince ?? (services.server ? Date.now() : started)) : undefined;
    if (onlineSince !== undefined && Date.now() - onlineSince > NODE_ANSWER_MS) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return handle.isReady();
}

/** The festival's handle, found in this browser's storage, another tab, or the serving node. */
export async function findFestival(services: AppServices, id: string): Promise<DocHandle<Festival>> {
  const deadline = Date.now() + FIND_TIMEOUT_MS;
  let handle: DocHandle<Festival> | undefined;
  try {
    handle = await services.repo.find<Festival>(id as DocumentId, {
      allowableStates: ["ready", "unavailable"],
      signal: AbortSignal.timeout(FIND_TIMEOUT_MS),
    });
  } catch {
    handle = undefined;
  }
  if (!handle || !(await untilArrived(services, handle, deadline))) {
    throw new PandafestError(
      `festival ${id} is not on this device and the node serving this page does not have it (or is offline); ` +
        "check the id, or import a bundle of it on the festivals screen",
    );
  }
  checkSchema(handle.doc());
  if (!nudged.has(handle)) {
    // pass on every new change, also one that alters nothing visible (automerge-repo would hold it back)
    nudged.add(handle);
    syncOnEveryHeadsChange(handle);
  }
  return handle;
}

const nudged = new WeakSet<DocHandle<Festival>>();

/**
 * Asks for the festival afresh: a handle the node answered "unavailable" for (before this browser's key was a
 * member) is dropped first, so the node is asked again instead of the old answer being kept.
 */
export async function findFestivalAfresh(services: AppServices, id: string): Promise<DocHandle<Festival>> {
  const cached = services.repo.handles[id as DocumentId] as DocHandle<Festival> | undefined;
  if (cached && !cached.isReady()) await services.repo.removeFromCache(id as DocumentId);
  return findFestival(services, id);
}

/** Whether the festival is in this page's repo already (found, or arrived from the node), without asking anyone. */
export function festivalHere(services: AppServices, id: string): boolean {
  const cached = services.repo.handles[id as DocumentId] as DocHandle<Festival> | undefined;
  return cached?.isReady() === true;
}
