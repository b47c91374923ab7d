// automerge-repo's network subsystem, which its public API does not expose: adding a peer connection after the
// repo was made, disconnecting every connection, and hearing every message that arrives (the hub relays them).
import type { Message, NetworkAdapterInterface, Repo } from "@automerge/automerge-repo";

/** Syncs with one more connection from now on (automerge-repo takes adapters only when the repo is made). */
export function addNetworkAdapter(repo: Repo, adapter: NetworkAdapterInterface): void {
  repo.networkSubsystem.addNetworkAdapter(adapter);
}

/** Disconnects every network adapter of the repo (its peers see it leave). */
export function disconnectNetwork(repo: Repo): void {
  for (const adapter of repo.networkSubsystem.adapters) adapter.disconnect();
}

/** Calls `listener` with every message that arrives from any peer; returns a function that stops it. */
export function onNetworkMessage(repo: Repo, listener: (message: Message) => void): () => void {
  repo.networkSubsystem.on("message", listener);
  return () => repo.networkSubsystem.off("message", listener);
}
