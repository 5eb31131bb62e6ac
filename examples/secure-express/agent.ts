import {
  apiKeyScheme,
  createA2A,
  jwtVerifier,
  oauth2Scheme,
  type Principal,
  requireAll,
} from "@a2a-mount/core";
import { exportJWK, generateKeyPair } from "jose";

/** The example's API keys; look keys up in your database, comparing in constant time. */
const API_KEYS = new Map<string, Principal>([
  ["demo-key-carol", { id: "carol", scopes: ["tasks:write"] }],
]);

export interface SecureAgentOptions {
  /** Where the identity provider publishes its keys. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Its token endpoint, declared on the card for clients. */
  tokenUrl: string;
  /** Where the card's signing key is published (the card's `jku`). */
  cardJwksUrl: string;
  /** The agent's URL: a signed card names only the URL you declare. */
  publicUrl: string;
}

/** The agent, its security declared once: the card says it and every request is checked. */
export async function createSecureAgent(options: SecureAgentOptions) {
  const oauth = oauth2Scheme({
    name: "oauth",
    description: "Access tokens from the example issuer",
    flows: {
      clientCredentials: {
        tokenUrl: options.tokenUrl,
        scopes: { "tasks:write": "Send messages", "reports:read": "Run reports" },
      },
    },
    verify: jwtVerifier({
      jwksUrl: options.jwksUrl,
      issuer: options.issuer,
      audience: options.audience,
    }),
  });
  const apiKey = apiKeyScheme({
    name: "apiKey",
    keyName: "X-API-Key",
    location: "header",
    verify: (key) => API_KEYS.get(key),
  });

  // The card is signed with its own key, published for clients that verify cards.
  const cardKey = await generateKeyPair("ES256");
  const cardPublicJwk = { ...(await exportJWK(cardKey.publicKey)), kid: "card-1", alg: "ES256" };

  const a2a = createA2A({
    card: {
      name: "Secure echo",
      description: "Echoes your text, to callers it knows",
      version: "1.0.0",
      skills: [
        { id: "echo", name: "Echo", description: "Echoes the text", tags: ["echo"] },
        {
          id: "report",
          name: "Report",
          description: "Reports who you are",
          tags: ["report"],
          // This skill needs more than the agent does.
          security: [requireAll(oauth.withScopes("reports:read"))],
        },
      ],
    },
    // Every operation needs a token with tasks:write, or an API key.
    security: [requireAll(oauth.withScopes("tasks:write")), requireAll(apiKey)],
    // A message asks for the report skill with metadata {"skill": "report"}.
    skillFor: (message) => (message.metadata?.skill === "report" ? "report" : "echo"),
    extendedCard: { description: "Echoes your text; you are signed in" },
    extendedCardModifier: (card, context) => ({
      ...card,
      description: `${card.description} as ${context.principal?.id}`,
    }),
    publicUrl: options.publicUrl,
    cardSigning: {
      privateKey: cardKey.privateKey,
      alg: "ES256",
      kid: "card-1",
      jku: options.cardJwksUrl,
    },
    executor: async (context, task) => {
      const who = context.principal?.id ?? "nobody";
      const text =
        context.userMessage.metadata?.skill === "report"
          ? `You are ${who}, with scopes: ${(context.principal?.scopes ?? []).join(" ")}`
          : `${who} said: ${context.text}`;
      await task.complete(text);
    },
  });
  return { a2a, cardJwks: { keys: [cardPublicJwk] } };
}
