// Paces a big festival day onto the page a chunk of cards per frame, for the organiser's programme and the attendee
// view alike (state/progressive-cards.ts decides which cards and when the day is whole): one frame a chunk, none hidden.
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { ProgressiveCards } from "../state/progressive-cards.js";

export class CardChunks implements ReactiveController {
  /** which cards of the day shown are on the page yet */
  readonly cards = new ProgressiveCards();
  /** the frame that shows the next chunk */
  #frame: number | undefined;

  /** `showing()` says whether the host is on screen (a hidden screen takes its next chunk once shown again). */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly showing: () => boolean = () => true,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.cards.pending) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
  }

  hostUpdated(): void {
    if (!this.cards.pending || this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      if (!this.showing()) return;
      this.cards.advance();
      this.host.requestUpdate();
    });
  }
}
