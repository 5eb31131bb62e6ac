import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/**
 * A stand-in for your identity provider, so the example runs offline: it holds a signing
 * key, publishes it as a JWKS and mints tokens. In production the JWKS URL is your
 * provider's and clients get tokens from it.
 */
export interface DemoIssuer {
  issuer: string;
  audience: string;
  /** The public keys, served at the JWKS URL. */
  jwks: { keys: JWK[] };
  /** A token for `subject` with `scopes`, valid for an hour. */
  token(subject: string, scopes: string[]): Promise<string>;
}

export async function createDemoIssuer(issuer: string, audience: string): Promise<DemoIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const kid = "demo-1";
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return {
    issuer,
    audience,
    jwks: { keys: [jwk] },
    token: (subject, scopes) =>
      new SignJWT({ scope: scopes.join(" ") })
        .setProtectedHeader({ alg: "ES256", kid })
        .setSubject(subject)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
  };
}
