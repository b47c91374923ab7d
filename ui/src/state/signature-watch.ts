// For a screen that names authors (History, People, Members, Bookings): it reads them from the signatures checked so
// far, and this controller has the rest checked in the background (signature-slices.ts), updating the screen as they are.
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { memberNames, memberNamesSoFar, type KnownSoFar, type UncheckedSignatures } from "../../../engine/core/provenance.js";
import type { FestivalSession } from "./festival-session.js";
import { checkSignaturesInBackground, onSignaturesChecked } from "./signature-slices.js";

/**
 * Background runs a screen starts for one version of a festival. Runs end with every check made, unless the bounded
 * cache of verdicts cannot hold them all; past this many, the screen checks what is left itself (slowly, but right).
 */
const RUNS_PER_VERSION = 3;

export class SignatureWatch implements ReactiveController {
  /** bumped each time more signatures of the watched festival are checked: a screen reads names again when it changes */
  generation = 0;
  #session: FestivalSession | undefined;
  #version = -1;
  #runs = 0;
  #waiting = false;
  #running = false;
  #stopListening: (() => void) | undefined;
  #names: KnownSoFar<Map<string, string>> = { value: new Map(), actorsUnchecked: 0 };
  #namesRead = "";

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#stopListening = onSignaturesChecked((festivalId) => {
      if (!this.#waiting || festivalId !== this.#session?.id) return;
      this.generation += 1;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
    this.#waiting = false;
  }

  /**
   * The members' names from the signatures checked so far (memberNamesSoFar), read once per version of the festival
   * and per generation; the rest are checked in the background and the host updated as they are.
   */
  memberNames(session: FestivalSession): KnownSoFar<Map<string, string>> {
    const read = `${session.id}:${session.model.version}:${this.generation}`;
    if (this.#namesRead !== read) {
      this.#names =
        this.mode(session) === "check"
          ? { value: memberNames(session.doc(), session.id), actorsUnchecked: 0 }
          : memberNamesSoFar(session.doc(), session.id);
      this.read(session, this.#names.actorsUnchecked);
      this.#namesRead = read;
    }
    return this.#names;
  }

  /** How the screen should read authors of `session` now: from what is checked ("defer"), or checking the rest itself. */
  mode(session: FestivalSession): UncheckedSignatures {
    if (session !== this.#session || session.model.version !== this.#version) return "defer";
    return this.#runs >= RUNS_PER_VERSION ? "check" : "defer";
  }

  /**
   * Tells what the screen just read: `unchecked` actors wait for a signature check. While some do, checks run in the
   * background (joining any run under way) and the screen is updated as they are made.
   */
  read(session: FestivalSession, unchecked: number): void {
    if (session !== this.#session || session.model.version !== this.#version) {
      this.#session = session;
      this.#version = session.model.version;
      this.#runs = 0;
    }
    this.#waiting = unchecked > 0;
    if (!this.#waiting || this.#running || this.#runs >= RUNS_PER_VERSION || this.#stopListening === undefined) return;
    this.#runs += 1;
    this.#running = true;
    const stillWanted = () => this.#waiting && this.#session === session && this.#stopListening !== undefined;
    void checkSignaturesInBackground(() => session.doc(), session.id, stillWanted).finally(() => {
      this.#running = false;
      if (!stillWanted()) return;
      // read again: what is still unchecked starts another run (up to RUNS_PER_VERSION)
      this.generation += 1;
      this.host.requestUpdate();
    });
  }
}
