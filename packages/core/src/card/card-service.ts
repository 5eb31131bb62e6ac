import type { CallContext } from "../server/call-context.js";
import type { Principal } from "../types/principal.js";
import type { ProtocolVersion } from "../types/protocol-version.js";
import { agentCardToV03 } from "../wire/convert/agent-card.js";
import type { AgentCard } from "../wire/v1/index.js";
import { buildCard, type CardSecurity } from "./build-card.js";
import { withoutDefaults } from "./canonical-card.js";
import type { AgentCardInput } from "./card-input.js";
import { type CardRepresentation, representCard } from "./card-response.js";
import type { CardSigner } from "./card-signing.js";
import { type CardShape, hybridCard } from "./hybrid-card.js";

/** What a card modifier knows about the request. */
export interface CardContext {
  /** The version asked for; a request that names none means 0.3 (spec §3.6.2). */
  readonly version: ProtocolVersion;
  /** The shape the card is served in: the version's own, or `hybrid` (no version named). */
  readonly shape: CardShape;
  /** `""` for the public card, which is not per tenant. */
  readonly tenant: string;
  /** The caller, when the request authenticated (the public card never requires it). */
  readonly principal: Principal | undefined;
  readonly headers: Headers;
}

/** Changes a card per request; gets a copy it may mutate, in the 1.0 shape. */
export type CardModifier = (
  card: AgentCard,
  context: CardContext,
) => AgentCard | Promise<AgentCard>;

export interface CardServiceConfig {
  card: AgentCardInput;
  /** Fields that replace the public card's in the extended card. */
  extendedCard: Partial<AgentCardInput> | undefined;
  bindings: readonly string[];
  security: CardSecurity;
  cardModifier: CardModifier | undefined;
  extendedCardModifier: CardModifier | undefined;
  signer: CardSigner | undefined;
  /** Push notifications are configured: the cards declare `capabilities.pushNotifications`. */
  pushNotifications: boolean;
}

/** Cards are cached per public URL; the URL comes from the Host header, so keep few. */
const MAX_CACHED_CARDS = 32;

/** Builds, modifies, converts and signs the agent's public and extended cards. */
export class CardService {
  readonly #config: CardServiceConfig;
  readonly #extendedInput: AgentCardInput | undefined;
  readonly #built = new Map<string, AgentCard>();
  readonly #represented = new Map<string, Promise<CardRepresentation>>();

  constructor(config: CardServiceConfig) {
    this.#config = config;
    const { extendedCard, extendedCardModifier } = config;
    this.#extendedInput =
      extendedCard || extendedCardModifier ? { ...config.card, ...extendedCard } : undefined;
  }

  /** Whether an extended card is configured. */
  get hasExtendedCard(): boolean {
    return this.#extendedInput !== undefined;
  }

  /** Whether the public card depends on the request (so it must not be cached publicly). */
  get perRequest(): boolean {
    return this.#config.cardModifier !== undefined;
  }

  /** The public card for `agentUrl` in `shape`, with its ETag. */
  publicCard(
    agentUrl: string,
    shape: CardShape,
    context: () => Promise<CardContext>,
  ): Promise<CardRepresentation> {
    const modifier = this.#config.cardModifier;
    if (modifier) {
      return context().then(async (ctx) =>
        representCard(
          await this.#finish(await this.#modified("public", agentUrl, modifier, ctx), shape),
        ),
      );
    }
    const key = `${shape} ${agentUrl}`;
    let cached = this.#represented.get(key);
    if (!cached) {
      if (this.#represented.size >= MAX_CACHED_CARDS) {
        this.#represented.delete(this.#represented.keys().next().value!);
      }
      cached = this.#finish(this.#base("public", agentUrl), shape).then(representCard);
      cached.catch(() => this.#represented.delete(key));
      this.#represented.set(key, cached);
    }
    return cached;
  }

  /** The extended card for a call, in the shape of its version. Call only when configured. */
  async extendedCard(call: CallContext): Promise<object> {
    const modifier = this.#config.extendedCardModifier;
    // The context (and the request's headers in it) is built only for a modifier to read.
    const card = modifier
      ? await this.#modified("extended", call.agentUrl, modifier, {
          version: call.version,
          shape: call.version,
          tenant: call.tenant,
          principal: call.principal,
          headers: call.headers,
        })
      : this.#base("extended", call.agentUrl);
    return this.#finish(card, call.version);
  }

  #base(kind: "public" | "extended", agentUrl: string): AgentCard {
    const key = `${kind} ${agentUrl}`;
    let card = this.#built.get(key);
    if (!card) {
      if (this.#built.size >= MAX_CACHED_CARDS)
        this.#built.delete(this.#built.keys().next().value!);
      const input = kind === "public" ? this.#config.card : this.#extendedInput!;
      card = buildCard(input, agentUrl, this.#config.bindings, this.#config.security);
      if (this.hasExtendedCard) card.capabilities.extendedAgentCard = true;
      card.capabilities.pushNotifications = this.#config.pushNotifications;
      this.#built.set(key, card);
    }
    return card;
  }

  async #modified(
    kind: "public" | "extended",
    agentUrl: string,
    modifier: CardModifier,
    context: CardContext,
  ): Promise<AgentCard> {
    return modifier(structuredClone(this.#base(kind, agentUrl)), context);
  }

  /** The served form: in `shape`, without defaults, signed (each shape on its own). */
  async #finish(card: AgentCard, shape: CardShape): Promise<object> {
    const shaped: object =
      shape === "0.3"
        ? agentCardToV03(card)
        : shape === "hybrid"
          ? hybridCard(card)
          : withoutDefaults(card);
    const { signer } = this.#config;
    if (!signer) return shaped;
    const { signatures: _, ...unsigned } = shaped as { signatures?: unknown };
    return { ...unsigned, signatures: [await signer(unsigned, shape)] };
  }
}
