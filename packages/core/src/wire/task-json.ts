import type { Task } from "./v1/index.js";

/**
 * The JSON of values already serialised once, held on the value itself. Tasks are immutable
 * values once saved (see `TaskStore`), so a finished task the store compacts to JSON is not
 * serialised again for the response that returns it, and a task parsed back from the store
 * answers `GetTask` with the text it came from. A property and not a `WeakMap`: a WeakMap
 * entry costs more than serialising a small task (the collector treats each as an
 * ephemeron). The property is a non-enumerable symbol, so spreading a task into its next
 * version does not copy the old text, and `JSON.stringify` does not see it.
 */
const JSON_TEXT = Symbol("a2a-mount.json");

type Remembering = { [JSON_TEXT]?: string };

function remember(value: object, json: string): void {
  // A frozen or sealed value cannot hold the text: it is serialised again when asked.
  if (Object.isExtensible(value)) Object.defineProperty(value, JSON_TEXT, { value: json });
}

/** The text `value` was serialised to or parsed from, if known. */
function knownJson(value: object): string | undefined {
  return (value as Remembering)[JSON_TEXT];
}

/** `JSON.stringify(value)`, once per object: tasks, and events sent to several streams. */
export function jsonOf(value: object): string {
  let json = knownJson(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    remember(value, json);
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
  remember(task, json);
  return task;
}

/**
 * `JSON.stringify(result)` for an operation's result, reusing known serialisations when the
 * result is a task, `{ task }` (what `SendMessage` and `GetTask` return) or `{ tasks, ... }`
 * whose tasks are all known (what `ListTasks` returns, serialised a task at a time).
 */
export function resultJson(result: unknown): string {
  if (typeof result === "object" && result !== null) {
    const known = knownJson(result);
    if (known !== undefined) return known;
    const { task, tasks } = result as { task?: unknown; tasks?: unknown };
    if (typeof task === "object" && task !== null && Object.keys(result).length === 1) {
      const json = knownJson(task);
      if (json !== undefined) return `{"task":${json}}`;
    }
    if (
      Array.isArray(tasks) &&
      tasks.every((item) => isObject(item) && knownJson(item) !== undefined)
    ) {
      const { tasks: _listed, ...rest } = result as Record<string, unknown>;
      const others = JSON.stringify(rest);
      const list = `"tasks":[${tasks.map((item) => knownJson(item)).join(",")}]`;
      return others === "{}" ? `{${list}}` : `{${list},${others.slice(1)}`;
    }
  }
  return JSON.stringify(result);
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
