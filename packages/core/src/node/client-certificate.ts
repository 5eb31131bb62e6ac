import type { PeerCertificate, TLSSocket } from "node:tls";
import type { ClientCertificate } from "../http/exchange.js";

/** Multi-valued attributes (several OUs) come as arrays; they are joined. */
function attributes(names: PeerCertificate["subject"] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(names ?? {})) {
    out[key] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * The client certificate of a TLS connection (`https.createServer({ requestCert: true })`),
 * or `undefined` on plain HTTP or when the client sent none.
 */
export function clientCertificateOf(socket: unknown): ClientCertificate | undefined {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (typeof tls?.getPeerCertificate !== "function") return undefined;
  const certificate = tls.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  return {
    authorized: tls.authorized === true,
    subject: attributes(certificate.subject),
    issuer: attributes(certificate.issuer),
    subjectAltName: certificate.subjectaltname,
    fingerprint256: certificate.fingerprint256,
    serialNumber: certificate.serialNumber,
    validFrom: certificate.valid_from,
    validTo: certificate.valid_to,
  };
}
