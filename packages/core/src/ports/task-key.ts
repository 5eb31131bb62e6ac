/**
 * Who a task belongs to. Every store access is scoped by tenant and owner, so a task of
 * another tenant or principal is indistinguishable from one that does not exist.
 */
export interface TaskScope {
  /** `""` when the request names no tenant. */
  tenant: string;
  /** The principal's id; `""` for unauthenticated callers. */
  owner: string;
}

export interface TaskKey extends TaskScope {
  taskId: string;
}

/**
 * A task key as one string, for maps. NUL cannot appear in a JSON-decoded id that the server
 * accepts as a key part, so distinct keys never collide.
 */
export function taskKeyString(key: TaskKey): string {
  return `${key.tenant}\u0000${key.owner}\u0000${key.taskId}`;
}
