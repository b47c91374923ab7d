// Helpers for member-key tests on data directories: governance operations through the store as its identity
// (rekey, grant and hand over the key, remove, invite, accept), and a newcomer's pending join.
import { PandafestError } from "../../engine/core/errors.js";
import type { FestivalEditor } from "../../engine/core/editor.js";
import { grantRole, type GovernanceContext } from "../../engine/core/governance/manage.js";
import {
  acceptAccessRequest,
  findRequest,
  inviteMember,
  makeAccessRequest,
  rekeyFestival,
  removeMember,
  shareMissingKeys,
  type Invitation,
} from "../../engine/core/membership/index.js";
import type { Identity } from "../../engine/node/identity.js";
import { addPendingJoin } from "../../engine/node/pending-joins.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { withStore } from "./bundle-helpers.js";

/** Runs `work` with an editor and a governance context of the festival, as the data directory's identity; commits. */
export async function governed<T>(
  dataDir: string,
  festivalId: string,
  work: (editor: FestivalEditor, context: GovernanceContext, identity: Identity, store: FestivalStore) => T,
): Promise<T> {
  return withStore(dataDir, async (store) => {
    const { handle, editor, identity } = await store.editorFor(festivalId);
    const context: GovernanceContext = { doc: handle.doc(), festivalId, actor: identity.publicKey, festivalName: String(store.visible(handle).name) };
    return work(editor, context, identity, store);
  });
}

/** Starts a key epoch (as `festival create --private` does at once). */
export function rekey(dataDir: string, festivalId: string): Promise<number> {
  return governed(dataDir, festivalId, (editor, context) => rekeyFestival(editor, context));
}

/** Grants `key` a role, then (a second change, on the festival as granted) hands it the current key. */
export async function addMember(dataDir: string, festivalId: string, key: string, role: "edit" | "manage" = "edit"): Promise<void> {
  await governed(dataDir, festivalId, (editor, context) => grantRole(editor, context, key, role));
  await governed(dataDir, festivalId, (editor, context, identity) => shareMissingKeys(editor, context, identity));
}

export function removeFromFestival(dataDir: string, festivalId: string, key: string): Promise<{ rekeyed: number | null }> {
  return governed(dataDir, festivalId, (editor, context) => removeMember(editor, context, key));
}

export function invite(dataDir: string, festivalId: string, options: { uses?: number; expiresAt?: number } = {}): Promise<Invitation> {
  return governed(dataDir, festivalId, (editor, context) =>
    inviteMember(editor, context, { role: "edit", expiresAt: options.expiresAt ?? Date.now() + 7 * 24 * 3600 * 1000, uses: options.uses ?? 1 }),
  );
}

/** What `pandafest join INVITATION` leaves in a data directory: a signed request and a pending join. */
export async function requestToJoin(dataDir: string, identity: Identity, invitation: Invitation, name: string): Promise<void> {
  const request = makeAccessRequest(invitation, identity, name);
  await addPendingJoin(dataDir, { festivalId: invitation.festivalId, request, requestedAt: Date.now() });
}

export function accept(dataDir: string, festivalId: string, key: string): Promise<void> {
  return governed(dataDir, festivalId, (editor, context, identity) => {
    const request = findRequest(context, key, Date.now());
    if (request.status !== "pending") throw new PandafestError(`request is ${request.status}`);
    acceptAccessRequest(editor, context, identity, request);
  });
}
