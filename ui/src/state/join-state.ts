// What a node's answer to a newcomer's access request means for them: still waiting, let in, refused (with what to do
// next, in words), or worth sending again. No DOM and no storage: the join screen and the tests share it.

/** How the node answered an access request (POST /api/festivals/:id/requests). */
export type AccessRequestAnswer =
  /** recorded now (201) or before (200); `role` when the node says which role the invitation offers */
  | { outcome: "recorded"; again: boolean; role?: string }
  /** refused (403), with the node's reason */
  | { outcome: "refused"; reason: string }
  /** the node could not read it (400, 413) */
  | { outcome: "malformed"; detail: string }
  /** the node does not hold the festival (404) */
  | { outcome: "not-held" }
  /** the node asks to wait before sending again (429: it limits how often one address sends requests) */
  | { outcome: "busy" }
  /** no answer, or one this page does not know */
  | { outcome: "unreachable"; detail: string };

/** Where a request stands, as the join screen shows it. */
export type JoinState =
  | { state: "waiting"; role?: string }
  /** no news: ask again later, as before */
  | { state: "unchanged" }
  | { state: "accepted" }
  /** nothing more will come of this request: `text` says why and what to do */
  | { state: "refused"; text: string }
  /** worth sending again later: `text` says what went wrong */
  | { state: "retry"; text: string };

/**
 * What a node's answer means. A refusal for a key that is a member already is the acceptance (the node checks
 * the request again each time it is sent); every other refusal says what the person can do about it.
 */
export function joinStateOf(answer: AccessRequestAnswer): JoinState {
  switch (answer.outcome) {
    case "recorded":
      return { state: "waiting", ...(answer.role ? { role: answer.role } : {}) };
    case "busy":
      return { state: "unchanged" };
    case "not-held":
      return {
        state: "refused",
        text: "The node serving this page does not hold that festival. Open the invitation link on the node the festival's managers use (the address they sent you), or ask them for a new link.",
      };
    case "malformed":
      return { state: "refused", text: `The node could not read the request (${answer.detail}). Reload the page and try again; if it stays so, this page and the node may be of different pandafest versions.` };
    case "unreachable":
      return { state: "retry", text: `The node serving this page could not take the request (${answer.detail}). The request is kept: it is sent again by itself.` };
    case "refused":
      return refusal(answer.reason);
  }
}

function refusal(reason: string): JoinState {
  if (/member already/.test(reason)) return { state: "accepted" };
  if (/declined/.test(reason)) return { state: "refused", text: "A manager declined your request. If you think that was a mistake, talk to them: they can send you a new invitation." };
  const expired = /expired on (\S+)/.exec(reason);
  if (expired) {
    const when = new Date(expired[1]);
    const date = Number.isNaN(when.getTime()) ? expired[1] : when.toLocaleString();
    return { state: "refused", text: `The invitation expired (${date}). Ask whoever invited you for a new one.` };
  }
  if (/use\(s\), all taken|used up/.test(reason)) return { state: "refused", text: "The invitation has been used as often as it allowed. Ask whoever invited you for a new one." };
  if (/signatures do not hold|forged/.test(reason)) {
    return { state: "refused", text: "The invitation code does not hold: part of the link may be missing or changed. Copy the whole link again, or ask for a new invitation." };
  }
  if (/no manager of this festival made that invitation/.test(reason)) {
    return {
      state: "retry",
      text: "This node does not know the invitation (yet). If it was just made, the manager's device may not have synced with this node: it is tried again by itself. If it stays so, ask for a new invitation.",
    };
  }
  return { state: "refused", text: `The node refused the request: ${reason}.` };
}
