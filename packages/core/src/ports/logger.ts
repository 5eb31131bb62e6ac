/**
 * Where the server reports what the client is not told (executor exceptions, store failures).
 * Messages and fields never carry credentials or request bodies.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Default logger: warnings and errors to the console, nothing else. */
export const consoleLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => console.warn(`[a2a-mount] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[a2a-mount] ${message}`, fields ?? ""),
};

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
