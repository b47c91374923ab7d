// Who may open a /sync connection now: a total cap for remote addresses with room kept for this machine (the CLI,
// local nodes), a cap per remote address, and a pool of connections not joined yet whose oldest makes way.
import { isIP } from "node:net";

export interface AdmissionLimits {
  /** open connections from other machines, in all */
  maxConnections: number;
  /** further connections only this machine (loopback) may open once maxConnections is reached */
  reservedLocal: number;
  /** open connections from one remote address (loopback is exempt: it is this machine) */
  maxPerAddress: number;
  /** connections that have not sent their join yet, in all; past it the oldest of them is closed to make room */
  maxUnjoined: number;
  /** connections that have not sent their join yet, from one remote address (loopback is exempt) */
  maxUnjoinedPerAddress: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  maxConnections: 256,
  reservedLocal: 64,
  maxPerAddress: 32,
  maxUnjoined: 64,
  maxUnjoinedPerAddress: 8,
};

/** How long a connection may stay open without sending its join message. */
export const JOIN_TIMEOUT_MS = 10_000;

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback: connections from this machine. */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}

/** One admitted connection; joined() once it sent its join, release() when it closed (both idempotent). */
export interface AdmissionTicket {
  joined(): void;
  release(): void;
}

export class ConnectionAdmission {
  private remote = 0;
  private local = 0;
  private unjoined = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly unjoinedPerAddress = new Map<string, number>();
  /** how to close each connection that has not joined yet, oldest first */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS) {}

  get open(): number {
    return this.remote + this.local;
  }

  /**
   * A ticket for a new connection from `address`, or the reason it is refused. `closeUnjoined` closes the
   * connection; it is called when the connection has not joined and newer ones need its place.
   */
  admit(address: string, closeUnjoined: () => void): AdmissionTicket | { refused: string } {
    const local = isLoopbackAddress(address);
    const { maxConnections, reservedLocal, maxPerAddress, maxUnjoined, maxUnjoinedPerAddress } = this.limits;
    if (!local && (this.perAddress.get(address) ?? 0) >= maxPerAddress) return { refused: `already ${maxPerAddress} connections from this address` };
    if (!local && (this.unjoinedPerAddress.get(address) ?? 0) >= maxUnjoinedPerAddress) {
      return { refused: `already ${maxUnjoinedPerAddress} connections from this address that have not joined` };
    }
    const full = () => (local ? this.open >= maxConnections + reservedLocal : this.remote >= maxConnections || this.open >= maxConnections + reservedLocal);
    // connections that never join make way for new ones, so idle sockets cannot lock anybody out
    while (full() || this.unjoined >= maxUnjoined) {
      const oldest = this.waiting.values().next();
      if (oldest.done) break;
      oldest.value(); // releases its ticket and closes it
    }
    if (full()) return { refused: `already ${this.open} connections` };
    if (local) this.local++;
    else {
      this.remote++;
      bump(this.perAddress, address, 1);
    }
    this.unjoined++;
    bump(this.unjoinedPerAddress, address, 1);
    let waiting = true;
    let open = true;
    const leaveWaiting = () => {
      if (!waiting) return;
      waiting = false;
      this.waiting.delete(evict);
      this.unjoined--;
      bump(this.unjoinedPerAddress, address, -1);
    };
    const release = () => {
      if (!open) return;
      open = false;
      leaveWaiting();
      if (local) this.local--;
      else {
        this.remote--;
        bump(this.perAddress, address, -1);
      }
    };
    const evict = () => {
      release();
      closeUnjoined();
    };
    this.waiting.add(evict);
    return { joined: leaveWaiting, release };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
