import type { Task } from "./v1/index.js";

/**
 * The JSON of tasks already serialised once, by identity. Tasks are immutable values once
 * saved (see `TaskStore`), so a finished task the store compacts to JSON is not serialised
 * again for the response that returns it, and a task parsed back from the store answers
 * `GetTask` with the text it came from.
 */
const serialised = new WeakMap<object, string>();

/** `JSON.stringify(value)`, once per object: tasks, and events sent to several streams. */
export function jsonOf(value: object): string {
  let json = serialised.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    serialised.set(value, json);
  }
  return json;
}

/** `JSON.stringify(task)`, once per task object. */
export function taskJson(task: Task): string {
  return jsonOf(task);
}

/** A task parsed from `json`, remembered as its serialisation. */
export function parseTask(json: string): Task {
  const task = JSON.parse(json) as Task;
  serialised.set(task, json);
  return task;
}

/**
 * `JSON.stringify(result)` for an operation's result, reusing known serialisations when the
 * result is a task, `{ task }` (what `SendMessage` and `GetTask` return) or `{ tasks, ... }`
 * whose tasks are all known (what `ListTasks` returns, serialised a task at a time).
 */
export function resultJson(result: unknown): string {
  if (typeof result === "object" && result !== null) {
    const known = serialised.get(result);
    if (known !== undefined) return known;
    const { task, tasks } = result as { task?: unknown; tasks?: unknown };
    if (typeof task === "object" && task !== null && Object.keys(result).length === 1) {
      const json = serialised.get(task);
      if (json !== undefined) return `{"task":${json}}`;
    }
    if (Array.isArray(tasks) && tasks.every((item) => serialised.has(item))) {
      const { tasks: _listed, ...rest } = result as Record<string, unknown>;
      const others = JSON.stringify(rest);
      const list = `"tasks":[${tasks.map((item) => serialised.get(item)).join(",")}]`;
      return others === "{}" ? `{${list}}` : `{${list},${others.slice(1)}`;
    }
  }
  return JSON.stringify(result);
}
