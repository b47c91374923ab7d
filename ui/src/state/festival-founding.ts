// A new festival made in the page: built in memory, founded by this browser's user (the change that gives it
// its id), signed, for a private one sealed to its founder (key epoch 1), and only then handed to the repo.
import * as A from "@automerge/automerge/slim";
import type { DocHandle, Repo } from "@automerge/automerge-repo/slim";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import { foundFestival, withVisibleAttestation, type Mode } from "../../../engine/core/governance/index.js";
import { recordMember } from "../../../engine/core/members.js";
import { withFirstEpoch } from "../../../engine/core/membership/index.js";
import type { Festival } from "../../../engine/core/schema.js";

/** A festival whose first change runs `init`, founded by `identity` (organised unless `mode` says open). */
export function foundNewFestival(repo: Repo, identity: BrowserIdentity, init: (doc: Festival) => void, message: string, mode: Mode): DocHandle<Festival> {
  const built = A.change(A.init<Festival>(), { message }, init);
  const { doc, id } = foundFestival(built, mode, { also: (draft) => recordMember(draft, identity) });
  let signed = withVisibleAttestation(doc, id, identity);
  // as `pandafest festival create` does: a private festival's id is never its key, only its members get it
  if (String(signed.visibility) === "private") signed = withFirstEpoch(signed, id, identity);
  return repo.import<Festival>(A.save(signed), { docId: id });
}
