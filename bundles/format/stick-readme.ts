// The README.txt that stick sync leaves on a stick: what the files are, for whoever finds the stick.
// Browser-safe text only; it says nothing about the festivals on the stick.

export const STICK_README = `This stick carries pandafest festivals.

pandafest is a tool for organising festivals peer to peer. Groups that never
meet keep their festival programmes in step by passing this stick around:
each machine runs \`pandafest stick sync DIR\` with the stick mounted at DIR.

What the files are
------------------
pandafest/<16 hex digits>/   one folder per festival. The name is the start of
                             the festival's discovery key (a one-way hash of
                             its id); it does not reveal the festival.
  *-full.pfb                 a bundle with a whole festival.
  *-incr.pfb                 a bundle with the changes after an earlier one.
pandafest/visits/*.json      signed visit records: which machine (public key)
                             synced when, and which state each festival was in;
                             the entries of private festivals are encrypted.
pandafest/requests/*.pfr     requests to join a private festival, encrypted;
                             a member's sync records them in the festival.
pandafest/README.txt         this file.

Bundles are signed by the machine that wrote them. Bundles of private
festivals are encrypted: without the festival's id (or, for festivals with
member keys, without a member's key) they reveal nothing but their discovery
key and size. Files whose names start with "." are unfinished
writes from an interrupted sync; pandafest ignores them and removes them later.

Please do not rename or edit these files: other groups may be waiting for the
changes they carry.
`;
