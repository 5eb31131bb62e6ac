import { principalFromUser } from "@a2a-mount/core/internal";
import { describe, expect, it } from "vitest";

describe("principalFromUser", () => {
  it("is undefined when no one is signed in", () => {
    expect(principalFromUser(undefined)).toBeUndefined();
    expect(principalFromUser(null)).toBeUndefined();
    expect(principalFromUser(false)).toBeUndefined();
  });

  it("reads Passport users by id, numeric ids included", () => {
    expect(principalFromUser({ id: "u1", name: "Ann" })).toEqual({
      id: "u1",
      claims: { id: "u1", name: "Ann" },
    });
    expect(principalFromUser({ id: 42 })?.id).toBe("42");
  });

  it("reads express-jwt payloads (sub, space-separated scope)", () => {
    expect(principalFromUser({ sub: "user-7", scope: "read write" })).toEqual({
      id: "user-7",
      scopes: ["read", "write"],
      claims: { sub: "user-7", scope: "read write" },
    });
  });

  it("reads express-oauth2-jwt-bearer's { payload, token } without keeping the token", () => {
    const principal = principalFromUser({
      header: { alg: "RS256" },
      payload: { sub: "svc", scp: ["a2a:send"] },
      token: "secret.jwt.value",
    });
    expect(principal).toEqual({
      id: "svc",
      scopes: ["a2a:send"],
      claims: { sub: "svc", scp: ["a2a:send"] },
    });
    expect(JSON.stringify(principal)).not.toContain("secret.jwt.value");
  });

  it("reads MCP-style AuthInfo (clientId, scopes) without keeping the token", () => {
    const principal = principalFromUser({ token: "tok-123", clientId: "client-9", scopes: ["x"] });
    expect(principal?.id).toBe("client-9");
    expect(principal?.scopes).toEqual(["x"]);
    expect(JSON.stringify(principal)).not.toContain("tok-123");
  });

  it("takes a string user as the id", () => {
    expect(principalFromUser("alice")).toEqual({ id: "alice" });
  });

  it("refuses a user it cannot identify instead of serving them as anonymous", () => {
    expect(() => principalFromUser({ name: "no id" })).toThrow(/getPrincipal/);
    expect(() => principalFromUser(7)).toThrow(TypeError);
  });
});
