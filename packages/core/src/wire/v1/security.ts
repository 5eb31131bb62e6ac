import { z } from "zod";
import { oneOf } from "./one-of.js";
import { RequiredString } from "./primitives.js";

const Scopes = z.record(z.string(), z.string());

export const APIKeySecurityScheme = z.object({
  description: z.string().optional(),
  location: RequiredString,
  name: RequiredString,
});

export const HTTPAuthSecurityScheme = z.object({
  description: z.string().optional(),
  scheme: RequiredString,
  bearerFormat: z.string().optional(),
});

export const AuthorizationCodeOAuthFlow = z.object({
  authorizationUrl: RequiredString,
  tokenUrl: RequiredString,
  refreshUrl: z.string().optional(),
  scopes: Scopes,
  pkceRequired: z.boolean().optional(),
});

export const ClientCredentialsOAuthFlow = z.object({
  tokenUrl: RequiredString,
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

export const ImplicitOAuthFlow = z.object({
  authorizationUrl: z.string().optional(),
  refreshUrl: z.string().optional(),
  scopes: Scopes.optional(),
});

export const PasswordOAuthFlow = z.object({
  tokenUrl: z.string().optional(),
  refreshUrl: z.string().optional(),
  scopes: Scopes.optional(),
});

export const DeviceCodeOAuthFlow = z.object({
  deviceAuthorizationUrl: RequiredString,
  tokenUrl: RequiredString,
  refreshUrl: z.string().optional(),
  scopes: Scopes,
});

export const OAuthFlows = oneOf({
  authorizationCode: AuthorizationCodeOAuthFlow,
  clientCredentials: ClientCredentialsOAuthFlow,
  implicit: ImplicitOAuthFlow,
  password: PasswordOAuthFlow,
  deviceCode: DeviceCodeOAuthFlow,
});

export const OAuth2SecurityScheme = z.object({
  description: z.string().optional(),
  flows: OAuthFlows,
  oauth2MetadataUrl: z.string().optional(),
});

export const OpenIdConnectSecurityScheme = z.object({
  description: z.string().optional(),
  openIdConnectUrl: RequiredString,
});

export const MutualTlsSecurityScheme = z.object({
  description: z.string().optional(),
});

/** `SecurityScheme`: exactly one scheme member. */
export const SecurityScheme = oneOf({
  apiKeySecurityScheme: APIKeySecurityScheme,
  httpAuthSecurityScheme: HTTPAuthSecurityScheme,
  oauth2SecurityScheme: OAuth2SecurityScheme,
  openIdConnectSecurityScheme: OpenIdConnectSecurityScheme,
  mtlsSecurityScheme: MutualTlsSecurityScheme,
});
export type SecurityScheme = z.infer<typeof SecurityScheme>;

/** `SecurityRequirement`: scheme name -> required scopes (`StringList`). */
export const SecurityRequirement = z.object({
  schemes: z.record(z.string(), z.object({ list: z.array(z.string()).optional() })),
});
export type SecurityRequirement = z.infer<typeof SecurityRequirement>;
