// `pandafest init` and `pandafest whoami`: this data directory's ed25519 identity and display name.
// The key pair never leaves the data directory; the public key (hex) is the user's id.
import type { Command } from "commander";
import { createIdentity, loadIdentity } from "../../../engine/node/identity.js";
import { action } from "../context.js";

export function registerIdentityCommands(program: Command): void {
  program
    .command("init")
    .description("create this data directory's identity (an ed25519 key pair) with a display name")
    .requiredOption("--name <name>", "your display name, shown to the people you organise with")
    .action(
      action(async (ctx, options: { name: string }) => {
        const identity = await createIdentity(ctx.dataDir, options.name);
        ctx.out.result(
          { name: identity.name, publicKey: identity.publicKey, dataDir: ctx.dataDir },
          (r) => [`Created identity "${r.name}"`, `public key: ${r.publicKey}`, `data directory: ${r.dataDir}`],
        );
      }, { local: true }),
    );

  program
    .command("whoami")
    .description("show this data directory's display name and public key")
    .action(
      action(async (ctx) => {
        const identity = await loadIdentity(ctx.dataDir);
        ctx.out.result({ name: identity.name, publicKey: identity.publicKey }, (r) => [r.name, r.publicKey]);
      }, { local: true }),
    );
}
