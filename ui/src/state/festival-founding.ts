// A new festival made in the page: built in memory, founded by this browser's user (the change that gives it
// its id), signed, and only then handed to the repo, so the festival never exists unfounded or unsigned.
import * as A from "@automerge/automerge/slim";
import type { DocHandle, Repo } from "@automerge/automerge-repo/slim";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import { foundFestival, withVisibleAttestation, type Mode } from "../../../engine/core/governance/index.js";
import { recordMember } from "../../../engine/core/members.js";
import { withFirstEpoch } from "../../../engine/core/membership/manage-members.js";
import type { Festival } from "../../../engine/core/schema.js";

/**
 * A festival whose first change runs `init`, founded by `identity` (organised unless `mode` says open). A private
 * one starts its first key epoch at once, sealed to its founder, so its id is never its key.
 */
export function foundNewFestival(repo: Repo, identity: BrowserIdentity, init: (doc: Festival) => void, message: string, mode: Mode): DocHandle<Festival> {
  const built = A.change(A.init<Festival>(), { message }, init);
  const { doc, id } = foundFestival(built, mode, { also: (draft) => recordMember(draft, identity) });
  let signed = withVisibleAttestation(doc, id, identity);
  if (String(signed.visibility) === "private") signed = withFirstEpoch(signed, id, identity);
  return repo.import<Festival>(A.save(signed), { docId: id });
}
