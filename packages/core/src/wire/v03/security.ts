import { z } from "zod";
import { RequiredString } from "../v1/primitives.js";

const Scopes = z.record(z.string(), z.string());
const description = z.string().optional();

/** OpenAPI-style API key scheme; `in` is where the key goes. */
export const APIKeySecurityScheme = z.object({
  type: z.literal("apiKey"),
  in: z.enum(["cookie", "header", "query"]),
  name: RequiredString,
  description,
});
export type APIKeySecurityScheme = z.infer<typeof APIKeySecurityScheme>;

export const HTTPAuthSecurityScheme = z.object({
  type: z.literal("http"),
  scheme: RequiredString,
  bearerFormat: z.string().optional(),
  description,
});
export type HTTPAuthSecurityScheme = z.infer<typeof HTTPAuthSecurityScheme>;

export const AuthorizationCodeOAuthFlow = z.object({
  authorizationUrl: RequiredString,
  tokenUrl: RequiredString,
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

export const ClientCredentialsOAuthFlow = z.object({
  tokenUrl: RequiredString,
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

// In 1.0 these deprecated flows have every field optional; a 1.0 card that leaves the URL
// out converts to "" (the proto default), so these URLs may be empty here.
export const ImplicitOAuthFlow = z.object({
  authorizationUrl: z.string(),
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

export const PasswordOAuthFlow = z.object({
  tokenUrl: z.string(),
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

/** OpenAPI `OAuthFlows`: any number of flows, unlike 1.0's oneof. */
export const OAuthFlows = z.object({
  authorizationCode: AuthorizationCodeOAuthFlow.optional(),
  clientCredentials: ClientCredentialsOAuthFlow.optional(),
  implicit: ImplicitOAuthFlow.optional(),
  password: PasswordOAuthFlow.optional(),
});
export type OAuthFlows = z.infer<typeof OAuthFlows>;

export const OAuth2SecurityScheme = z.object({
  type: z.literal("oauth2"),
  flows: OAuthFlows,
  oauth2MetadataUrl: z.string().optional(),
  description,
});
export type OAuth2SecurityScheme = z.infer<typeof OAuth2SecurityScheme>;

export const OpenIdConnectSecurityScheme = z.object({
  type: z.literal("openIdConnect"),
  openIdConnectUrl: RequiredString,
  description,
});
export type OpenIdConnectSecurityScheme = z.infer<typeof OpenIdConnectSecurityScheme>;

export const MutualTLSSecurityScheme = z.object({
  type: z.literal("mutualTLS"),
  description,
});
export type MutualTLSSecurityScheme = z.infer<typeof MutualTLSSecurityScheme>;

/** 0.3 `SecurityScheme` (OpenAPI 3 style), told apart by `type`. */
export const SecurityScheme = z.discriminatedUnion("type", [
  APIKeySecurityScheme,
  HTTPAuthSecurityScheme,
  OAuth2SecurityScheme,
  OpenIdConnectSecurityScheme,
  MutualTLSSecurityScheme,
]);
export type SecurityScheme = z.infer<typeof SecurityScheme>;

/** OpenAPI security requirement: scheme name -> required scopes. */
export const SecurityRequirement = z.record(z.string(), z.array(z.string()));
export type SecurityRequirement = z.infer<typeof SecurityRequirement>;
