import type { ClientCertificate } from "../../http/exchange.js";
import type { Principal } from "../../types/principal.js";
import { compact } from "../../util/compact.js";
import {
  defineScheme,
  InvalidCredentialError,
  quoted,
  REALM,
  type SchemeOptions,
  type SecurityScheme,
} from "../scheme.js";

/**
 * The default mTLS check: the TLS layer verified the certificate against the server's
 * trusted CAs (`requestCert` with a `ca`). The caller is the subject's CN, else the
 * certificate's fingerprint.
 */
export function trustedCertificate(certificate: ClientCertificate): Principal {
  if (!certificate.authorized) {
    throw new InvalidCredentialError("The client certificate is not issued by a trusted authority");
  }
  return {
    id: certificate.subject.CN || certificate.fingerprint256,
    claims: {
      subject: certificate.subject,
      issuer: certificate.issuer,
      fingerprint256: certificate.fingerprint256,
      serialNumber: certificate.serialNumber,
    },
  };
}

/**
 * Mutual TLS: the client authenticates with a certificate in the TLS handshake. The Node
 * adapters read it off the socket (serve with `https.createServer({ requestCert: true, ca })`);
 * elsewhere pass it as `FetchContext.clientCertificate`. By default a certificate the TLS
 * layer verified is accepted ({@link trustedCertificate}); `verify` replaces that check and
 * sees `authorized` to decide itself (e.g. to pin fingerprints).
 */
export function mtlsScheme(options: SchemeOptions<ClientCertificate>): SecurityScheme {
  return defineScheme({
    name: options.name,
    declaration: {
      mtlsSecurityScheme: compact({
        description: options.description,
      }),
    },
    extract: (input) => input.clientCertificate?.(),
    secrets: () => [], // a certificate is not a secret
    verify: options.verify ?? trustedCertificate,
    acceptHostPrincipal: options.acceptHostPrincipal,
    // HTTP has no challenge for TLS client certificates; this names the scheme.
    challenge: () => `MutualTLS realm=${quoted(REALM)}`,
  });
}
