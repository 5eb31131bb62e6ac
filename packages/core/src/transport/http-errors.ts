import { A2AError } from "../errors/a2a-error.js";

/**
 * The refusal of an HTTP method an endpoint does not serve (405, with `allow` for the
 * `Allow` header): the same error on every endpoint, each in its own error format.
 */
export function methodNotAllowed(method: string, allow: readonly string[]): A2AError {
  return new A2AError(
    "INVALID_REQUEST",
    `Method ${method} is not allowed here; use ${allow.join(", ")}`,
    { transportStatus: 405 },
  );
}
