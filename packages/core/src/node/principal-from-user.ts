import type { Principal } from "../types/principal.js";

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function idOf(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function scopesOf(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.split(" ").filter((s) => s !== "");
  if (Array.isArray(value) && value.every((s) => typeof s === "string")) return value;
  return undefined;
}

/**
 * The principal of what a host's auth middleware left on the request: `req.user`
 * (Passport), `req.auth` (express-jwt, express-oauth2-jwt-bearer, MCP's bearer auth) or
 * Koa's `ctx.state.user` (koa-jwt, koa-passport). The id is the first of `id`, `sub`,
 * `payload.sub`, `clientId`, `client_id`, `username`, `email`; scopes come from `scopes`,
 * `scope` or `scp`, as an array or a space-separated string.
 *
 * @returns `undefined` when there is no user.
 * @throws TypeError when there is a user but no id can be read: failing closed beats
 *   serving an authenticated caller as anonymous. Pass `getPrincipal` to map it yourself.
 */
export function principalFromUser(user: unknown): Principal | undefined {
  if (user === undefined || user === null || user === false) return undefined;
  if (typeof user === "string" && user !== "") return { id: user };
  if (!isObject(user)) throw new TypeError("the authenticated user is not an object");
  // The raw token (MCP's AuthInfo, express-oauth2-jwt-bearer) is a credential, not a claim.
  const { token: _token, ...rest } = user;
  const claims = isObject(user.payload) ? user.payload : rest;
  const id =
    idOf(user.id) ??
    idOf(user.sub) ??
    idOf(claims.sub) ??
    idOf(user.clientId) ??
    idOf(user.client_id) ??
    idOf(user.username) ??
    idOf(user.email);
  if (id === undefined) {
    throw new TypeError(
      "the authenticated user has no id, sub, clientId, username or email; pass getPrincipal",
    );
  }
  const scopes =
    scopesOf(user.scopes) ?? scopesOf(user.scope) ?? scopesOf(claims.scope) ?? scopesOf(claims.scp);
  return scopes === undefined ? { id, claims } : { id, scopes, claims };
}
