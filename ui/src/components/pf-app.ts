// The app shell: starts the services, asks for a name on first use, follows the hash route, and keeps the
// open festival's session (one at a time) for the festival screens.
import { LitElement, css, html } from "lit";
import { customElement, state } from "lit/decorators.js";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import type { ServerConnectionState } from "../../../engine/browser/browser-repo.js";
import { startServices, findFestival, type AppServices } from "../state/app-services.js";
import { rememberFestival } from "../state/device-festivals.js";
import { markOrganiser } from "../state/entry-choice.js";
import { FestivalModel } from "../state/festival-model.js";
import { FestivalSession } from "../state/festival-session.js";
import { checkGovernanceSignatures } from "../state/signature-slices.js";
import { hasFoundedMarker } from "../../../engine/core/governance/records.js";
import { loadProgrammeSnapshot } from "../state/view-cache.js";
import { festivalHash, parseRoute, type Route } from "../state/routes.js";
import { pageTitle } from "../state/page-title.js";
import type { PfFestival } from "./pf-festival.js";
import "./pf-festival.js";
import "./pf-festivals.js";
import "./pf-join.js";
import "./pf-name-form.js";
import { sharedStyles } from "./shared-styles.js";

/**
 * How long the connection must stay offline before the header says so: a node restarting is back within it. The
 * connection itself tells the truth quickly (a closed socket at once, a silent node within its heartbeat).
 */
const OFFLINE_GRACE_MS = 1000;

@customElement("pf-app")
export class PfApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--pf-border);
        background: var(--pf-surface);
      }
      .spacer {
        flex: 1;
      }
      .skip-link {
        position: absolute;
        left: -10000px;
        top: 0.5rem;
        z-index: 10;
        padding: 0.5rem 0.75rem;
        background: var(--pf-surface);
        color: var(--pf-accent);
        border: 2px solid var(--pf-accent);
        border-radius: var(--pf-radius);
      }
      .skip-link:focus {
        left: 0.5rem;
      }
      main:focus {
        outline: none;
      }
      .offline {
        color: var(--pf-warn);
        background: var(--pf-warn-bg);
      }
      .brand {
        font-weight: 700;
        font-size: 1.15rem;
        text-decoration: none;
        color: var(--pf-text);
      }
      main {
        padding: 1rem;
        max-width: 100rem;
        margin: 0 auto;
      }
      @media (max-width: 480px) {
        main {
          padding: 0.75rem 0.5rem;
        }
      }
    `,
  ];

  readonly services: AppServices = startServices();
  @state() accessor identity: BrowserIdentity | undefined;
  @state() accessor identityLoaded = false;
  @state() accessor identityError: string | undefined;
  @state() accessor renaming = false;
  @state() accessor route: Route = parseRoute(window.location.hash);
  @state() accessor session: FestivalSession | undefined;
  @state() accessor openingId: string | undefined;
  /** the programme as last seen, shown while the festival's document loads */
  @state() accessor preview: { id: string; model: FestivalModel } | undefined;
  @state() accessor openError: string | undefined;
  @state() accessor connection: ServerConnectionState | undefined = this.services.server?.status().state;
  /** the connection has been offline for OFFLINE_GRACE_MS */
  @state() accessor offlineShown = false;
  #offlineTimer: ReturnType<typeof setTimeout> | undefined;
  #openRequest = 0;
  #unsubscribeConnection: (() => void) | undefined;
  #identityChannel = new BroadcastChannel("pandafest-identity");

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("hashchange", this.#onHashChange);
    this.#unsubscribeConnection = this.services.server?.onStatus((status) => {
      if (status.state === this.connection) return;
      this.connection = status.state;
      this.#noteConnection();
    });
    this.#noteConnection();
    this.#identityChannel.onmessage = () => void this.#loadIdentity();
    void this.#loadIdentity();
  }

  /** Shows the offline badge once the connection stayed offline for a moment; hides it as soon as it is back. */
  #noteConnection(): void {
    if (this.connection !== "offline") {
      clearTimeout(this.#offlineTimer);
      this.#offlineTimer = undefined;
      this.offlineShown = false;
      return;
    }
    if (this.#offlineTimer !== undefined || this.offlineShown) return;
    this.#offlineTimer = setTimeout(() => {
      this.#offlineTimer = undefined;
      this.offlineShown = this.connection === "offline";
    }, OFFLINE_GRACE_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#offlineTimer);
    window.removeEventListener("hashchange", this.#onHashChange);
    this.#unsubscribeConnection?.();
    this.#identityChannel.close();
    this.session?.close();
  }

  override render() {
    const route = this.route;
    return html`
      <a class="skip-link" href=${"festivalId" in route ? festivalHash(route.festivalId, { screen: "programme" }) : "#/"} @click=${this.#skip}
        >${"festivalId" in route ? "Skip to the programme" : "Skip to the main content"}</a
      >
      <header>
        <a class="brand" href="#/">pandafest</a>
        <span class="spacer"></span>
        ${this.offlineShown
          ? html`<span class="badge offline" role="status" title="Edits are kept in this browser and sent when the node is back">offline</span>`
          : null}
        ${this.identity
          ? html`<button type="button" @click=${() => (this.renaming = true)} aria-label="Your name: ${this.identity.name}. Change it">
              ${this.identity.name}
            </button>`
          : null}
      </header>
      <main tabindex="-1">${this.#renderMain()}</main>
    `;
  }

  #renderMain() {
    if (this.identityError) return html`<p class="notice error" role="alert">${this.identityError}</p>`;
    if (!this.identityLoaded) return html`<p class="muted" role="status">Loading…</p>`;
    const route = this.route;
    if (route.screen === "join" && !this.renaming) {
      // the join screen asks the newcomer's name itself, and makes the identity with it
      return html`<pf-join .services=${this.services} .identity=${this.identity} .code=${route.code} @named=${this.#onNamed}></pf-join>`;
    }
    if (!this.identity || this.renaming) {
      return html`<pf-name-form
        .identities=${this.services.identities}
        .identity=${this.identity}
        @named=${this.#onNamed}
        @cancel=${() => (this.renaming = false)}
      ></pf-name-form>`;
    }
    if (route.screen === "festivals" || route.screen === "join") {
      return html`<pf-festivals .services=${this.services} .identity=${this.identity} @open-session=${this.#onOpenSession}></pf-festivals>`;
    }
    const session = this.session?.id === route.festivalId ? this.session : undefined;
    if (!session && this.openError && this.openingId === route.festivalId) {
      return html`<p class="notice error" role="alert">${this.openError}</p>
        <p><a href="#/">Back to your festivals</a></p>`;
    }
    const preview = session || this.preview?.id !== route.festivalId ? undefined : this.preview;
    if (!session && !preview) return html`<p class="muted" role="status">Opening the festival…</p>`;
    // one element for the snapshot and the live festival: the programme shown from the snapshot is updated in place
    return html`<pf-festival .services=${this.services} .session=${session} .preview=${preview?.model} .previewId=${preview?.id} .route=${route}></pf-festival>`;
  }

  /** The skip link: past the header and the festival's navigation, to the programme (shown first when needed). */
  readonly #skip = async (event: Event): Promise<void> => {
    event.preventDefault();
    const route = this.route;
    if ("festivalId" in route) {
      if (route.screen !== "programme") window.location.hash = festivalHash(route.festivalId, { screen: "programme" });
      this.route = parseRoute(window.location.hash);
      await this.updateComplete;
      const festival = this.renderRoot.querySelector<PfFestival>("pf-festival");
      if (festival) {
        await festival.updateComplete;
        festival.focusProgramme();
        return;
      }
    }
    this.renderRoot.querySelector<HTMLElement>("main")?.focus();
  };

  override updated(): void {
    const route = this.route;
    // the festival screen titles itself once the festival (or its last snapshot) is there
    const festivalShown = "festivalId" in route && (this.session?.id === route.festivalId || this.preview?.id === route.festivalId);
    if (!festivalShown) document.title = pageTitle(route);
    if (!this.identity || route.screen === "festivals" || route.screen === "join") return;
    if (this.session?.id === route.festivalId || this.openingId === route.festivalId) return;
    void this.#open(route.festivalId);
  }

  async #open(id: string): Promise<void> {
    const request = ++this.#openRequest;
    this.openingId = id;
    this.openError = undefined;
    void loadProgrammeSnapshot(id).then((snapshot) => {
      if (snapshot && request === this.#openRequest && this.session?.id !== id) this.preview = { id, model: FestivalModel.fromSnapshot(snapshot) };
    });
    try {
      performance.mark("pandafest:festival-requested");
      const handle = await findFestival(this.services, id);
      performance.mark("pandafest:festival-found");
      if (request !== this.#openRequest || !this.identity) return;
      // a festival with roles is decided from its authors' signatures: Web Crypto checks them first, off the page's
      // main thread, while the kept snapshot shows (a festival made before roles has no decision to make)
      if (hasFoundedMarker(id)) await checkGovernanceSignatures(() => handle.doc(), id, () => request === this.#openRequest);
      if (request !== this.#openRequest || !this.identity) return;
      this.#setSession(new FestivalSession(handle, this.identity));
      performance.mark("pandafest:festival-modelled");
    } catch (error) {
      if (request !== this.#openRequest) return;
      this.openError = error instanceof Error ? error.message : String(error);
    }
  }

  #setSession(session: FestivalSession): void {
    if (this.session && this.session !== session) this.session.close();
    this.session = session;
    this.preview = undefined;
    this.openingId = session.id;
    const { name, visibility } = session.model.settings;
    rememberFestival({ id: session.id, name, visibility });
  }

  /** A festival created or imported elsewhere in the app arrives with its session ready. */
  readonly #onOpenSession = (event: CustomEvent<FestivalSession>): void => {
    this.#openRequest++;
    this.#setSession(event.detail);
  };

  readonly #onHashChange = (): void => {
    this.route = parseRoute(window.location.hash);
  };

  readonly #onNamed = (event: CustomEvent<BrowserIdentity>): void => {
    this.identity = event.detail;
    markOrganiser();
    this.services.server?.setIdentity(event.detail);
    this.renaming = false;
    this.session?.setIdentity(event.detail);
    this.#identityChannel.postMessage("changed");
  };

  async #loadIdentity(): Promise<void> {
    try {
      const identity = await this.services.identities.load();
      // the connection proves this key to the node first, so members-only festivals come to this page
      if (identity) {
        this.services.server?.setIdentity(identity);
        markOrganiser();
      }
      this.identity = identity;
      if (this.identity) this.session?.setIdentity(this.identity);
    } catch (error) {
      this.identityError = error instanceof Error ? error.message : String(error);
    } finally {
      this.identityLoaded = true;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "pf-app": PfApp;
  }
}
