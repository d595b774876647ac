// Logs. In production, one JSON object per line (pino), so a log pipeline parses and searches
// them, and every line written while a request runs carries its request id. Development and
// demo installs keep plain text (the demo prints its accounts for a person to read). LOG_FORMAT
// overrides either way.
//
// The console is routed through the logger rather than every call site changed: what libraries
// write (Sequelize, pg-boss) is then JSON with the request id as well.
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import pino from "pino";
import { singleton } from "./singleton.server";

const context = () => singleton("log-context", () => new AsyncLocalStorage<{ reqId: string }>());

/** Runs `fn` (and all it starts) as part of the request `reqId`. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return context().run({ reqId }, fn);
}

export function currentRequestId(): string | undefined {
  return context().getStore()?.reqId;
}

/** A request id a balancer sent (X-Request-Id) is kept when it is a plain token; else a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;
export function requestIdFrom(header: string | undefined, fresh: () => string): string {
  return header && REQUEST_ID.test(header) ? header : fresh();
}

export type Logger = pino.Logger;

const holder = () => singleton("json-logger", () => ({ logger: null as Logger | null }));

/** The process's JSON logger (console.* routed to it), or null in text mode. */
export function jsonLogger(): Logger | null {
  return holder().logger;
}

/** Switches this process's console to JSON lines (called once at boot when LOG_FORMAT is json). */
export function installJsonConsole(): Logger {
  const h = holder();
  if (h.logger) return h.logger;
  const logger = pino(
    {
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    // Synchronous: a line written just before the process exits is not lost.
    pino.destination({ dest: 1, sync: true }),
  );
  const write = (level: "info" | "warn" | "error") => (...args: unknown[]) => logger[level](format(...args));
  console.log = write("info");
  console.info = write("info");
  console.warn = write("warn");
  console.error = write("error");
  h.logger = logger;
  return logger;
}
