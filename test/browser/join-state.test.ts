// The web app's joining state without a browser: the join route, and what each answer of the node to an access
// request means for the newcomer (waiting, in, refused with what to do, or worth sending again).
import { describe, expect, it } from "vitest";
import { joinStateOf } from "../../ui/src/state/join-state.js";
import { parseRoute, routeHash } from "../../ui/src/state/routes.js";

const CODE = "2qErsfKPabygVw9JHvYbQq6EkJ6a.0123456789abcdef0123456789abcdef";

describe("the join route", () => {
  it("carries an invitation code, round trip, and nothing else", () => {
    expect(parseRoute(`#/join/${CODE}`)).toEqual({ screen: "join", code: CODE });
    expect(parseRoute(routeHash({ screen: "join", code: CODE }))).toEqual({ screen: "join", code: CODE });
    expect(parseRoute("#/join/<script>")).toEqual({ screen: "join", code: "" });
    expect(parseRoute("#/join/%E0%A4%A")).toEqual({ screen: "join", code: "" });
    expect(parseRoute("#/f/2qErsfKPabygVw9JHvYbQq6EkJ6a/members")).toEqual({ festivalId: "2qErsfKPabygVw9JHvYbQq6EkJ6a", screen: "members" });
  });
});

describe("what the node's answer to an access request means", () => {
  it("waits once recorded, and takes the role when the node names it", () => {
    expect(joinStateOf({ outcome: "recorded", again: false })).toEqual({ state: "waiting" });
    expect(joinStateOf({ outcome: "recorded", again: true, role: "edit" })).toEqual({ state: "waiting", role: "edit" });
    expect(joinStateOf({ outcome: "busy" })).toEqual({ state: "unchanged" });
  });

  it("takes a refusal because the key is a member already as the acceptance", () => {
    expect(joinStateOf({ outcome: "refused", reason: "that key is a member already" })).toEqual({ state: "accepted" });
  });

  it("says for every refusal what happened and what to do", () => {
    const text = (reason: string) => {
      const state = joinStateOf({ outcome: "refused", reason });
      return "text" in state ? `${state.state}: ${state.text}` : state.state;
    };
    expect(text("a manager declined that key's request")).toMatch(/^refused: A manager declined your request/);
    expect(text("the invitation expired on 2027-01-01T00:00:00.000Z")).toMatch(/^refused: The invitation expired .*Ask whoever invited you for a new one/);
    expect(text("the invitation was for 1 use(s), all taken")).toMatch(/^refused: The invitation has been used as often as it allowed/);
    expect(text("its signatures do not hold: it is forged, or made for another festival")).toMatch(/^refused: The invitation code does not hold: .*Copy the whole link again/);
    expect(text("no manager of this festival made that invitation (or it has not reached this node yet)")).toMatch(/^retry: This node does not know the invitation \(yet\)/);
    expect(text("something new")).toBe("refused: The node refused the request: something new.");
    expect(joinStateOf({ outcome: "not-held" })).toMatchObject({ state: "refused", text: expect.stringMatching(/does not hold that festival/) });
    expect(joinStateOf({ outcome: "malformed", detail: "request.key is missing" })).toMatchObject({ state: "refused", text: expect.stringMatching(/could not read the request \(request.key is missing\)/) });
    expect(joinStateOf({ outcome: "unreachable", detail: "Failed to fetch" })).toMatchObject({ state: "retry", text: expect.stringMatching(/could not take the request \(Failed to fetch\)\. The request is kept/) });
  });
});
