// Member-key bundles against unsealed ones: a large festival's full bundle sealed under a member key (an envelope
// per member) against the same festival as a public bundle and as an epoch-0 private bundle, same process, in turns.
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { decodeBundle, encodeBundle, type BundleInput } from "../../bundles/format/codec.js";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { BundleKeys, type MemberSealing } from "../../bundles/format/member-keys.js";
import { planFestivalImport } from "../../bundles/format/plan.js";
import { useNativeSha256 } from "../../bundles/datadir/native-hash.js";
import { toHex } from "../../engine/core/keys.js";
import { festivalKeyId } from "../../engine/core/membership/keyring.js";
import type { Festival } from "../../engine/core/schema.js";
import { useNativeSignatures } from "../../engine/node/native-signatures.js";
import { comparisonRow, type BenchContext, type BenchRow, type BenchSize, type BenchSuite, type Target } from "./harness.js";
import { interleave, median, time } from "./stats.js";

/** Members of the festival: an envelope each; the reader is the last (it may try every envelope before its own). */
const BENCH_MEMBERS = 20;
const TARGETED: readonly BenchSize[] = ["large", "huge"];

function ratioTarget(ctx: BenchContext, atMost: number): Target | undefined {
  return TARGETED.includes(ctx.size) ? { of: "ratio", atMost } : undefined;
}

type Kind = "members" | "public" | "epoch0";

export const memberKeysSuite: BenchSuite = {
  name: "keys",
  description: "bundles sealed under a member key against public and epoch-0 private ones",
  async run(ctx) {
    useNativeSha256();
    useNativeSignatures();
    const festival = await ctx.festival();
    const doc = A.load<Festival>(festival.bytes);
    const carrier = nacl.sign.keyPair();
    const members = Array.from({ length: BENCH_MEMBERS }, () => nacl.sign.keyPair());
    const reader = members[members.length - 1];
    const key = nacl.randomBytes(32);
    const sealing: MemberSealing = { keyId: festivalKeyId(key), key, members: members.map((member) => toHex(member.publicKey)) };
    const id = festival.festivalId;
    const lookup = (candidate: string) => (candidate === discoveryKey(id) ? id : undefined);
    const heads = A.getHeads(doc);
    const changeCount = A.stats(doc).numChanges;
    const input = (payload: Uint8Array, kind: Kind): BundleInput => ({
      festivalId: id,
      visibility: kind === "public" ? "public" : "private",
      carrier,
      prerequisites: [],
      heads,
      changeCount,
      payload,
      ...(kind === "members" ? { sealing } : {}),
    });
    // a fresh reader each time: it holds no festival and finds its envelope
    const open = (bytes: Uint8Array, kind: Kind) =>
      decodeBundle(bytes, kind === "members" ? { festivalIdFor: lookup, keys: new BundleKeys({ publicKey: toHex(reader.publicKey), secretKey: reader.secretKey }) } : { festivalIdFor: lookup });
    const roundTrip = (kind: Kind) => () =>
      time(() => {
        const bundle = open(encodeBundle(input(A.save(doc), kind)), kind);
        const plan = planFestivalImport(id, undefined, [{ label: "full.pfb", bundle }]);
        if (!plan.changed || (kind === "members" && bundle.keyId !== sealing.keyId)) throw new Error("the bundle did not open whole");
      });
    const payload = A.save(doc);
    const sections = (kind: Kind) => () => time(() => open(encodeBundle(input(payload, kind)), kind));

    ctx.log("keys: pack, open and plan");
    const whole = await interleave(roundTrip("members"), roundTrip("public"), ctx.runOptions);
    ctx.log("keys: the sections only");
    const versusPublic = await interleave(sections("members"), sections("public"), ctx.runOptions);
    const versusEpochZero = await interleave(sections("members"), sections("epoch0"), ctx.runOptions);

    const size = ctx.size;
    const wholeName = `keys: member-key bundle, pack + open + plan vs a public one (${size})`;
    const publicName = `keys: member-key bundle, seal + open only vs a public one (${size})`;
    const zeroName = `keys: member-key bundle, seal + open only vs an epoch-0 private one (${size})`;
    ctx.note(
      wholeName,
      `subject: A.save, encodeBundle sealed under a member key with ${BENCH_MEMBERS} envelopes, decodeBundle by the last member's envelope (no festival held: ` +
        "opens the envelope, the sections, checks hash and signature), planFestivalImport (A.load, heads and count checks); baseline: the same as a public bundle; the key and members are given (packFestival finds them in the festival's keyring)",
    );
    ctx.note(publicName, `${payload.length} bytes of payload given: encodeBundle + decodeBundle only; XSalsa20-Poly1305 in pure JS (tweetnacl) against SHA-256 and ed25519 alone: no target`);
    ctx.note(zeroName, `the same against a private bundle sealed with the id-derived key: the ${BENCH_MEMBERS} envelopes and the one opened are the difference; no target`);
    return [
      comparisonRow(wholeName, median(whole.subject), median(whole.baseline), "ms", ratioTarget(ctx, 1.1)),
      comparisonRow(publicName, median(versusPublic.subject), median(versusPublic.baseline), "ms"),
      comparisonRow(zeroName, median(versusEpochZero.subject), median(versusEpochZero.baseline), "ms"),
    ];
  },
};
