// Unexpected errors (a bug, a database fault): the user sees a Chinese message with a reference
// number, the server log carries the stack under the same number, so a reported number finds its
// log entry. Every request gets its number up front (server.ts, load context `errorRef`); the HTML
// error page (root ErrorBoundary), a loader/action data request (entry.server handleDataRequest)
// and a resource route (guardResourceRoutes) all show that number.
import crypto from "node:crypto";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";

/** A short reference number for one request, e.g. "7F3A9C01B2". */
export function newErrorRef() {
  return crypto.randomBytes(5).toString("hex").toUpperCase();
}

/** The request's reference number (from the load context; a fresh one if it has none). */
export function errorRefOf(context: AppLoadContext | undefined) {
  const ref = (context as { errorRef?: unknown } | undefined)?.errorRef;
  return typeof ref === "string" && ref ? ref : newErrorRef();
}

export const UNEXPECTED_MESSAGE = "系统繁忙，请稍后再试。如问题持续，请联系系统管理员";
export const refText = (ref: string) => `参考编号：${ref}`;

/** Logs an unexpected error with its reference number, the request line and the stack. */
export function logUnexpected(error: unknown, ref: string, request?: { method: string; url: string }) {
  const where = request ? ` ${request.method} ${new URL(request.url, "http://localhost").pathname}` : "";
  const detail = error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
  console.error(`[错误 ${ref}]${where}\n${detail}`);
}

/** A Response (or something shaped like one): thrown on purpose (404, redirect), not an error. */
function isResponse(v: unknown): v is Response {
  const r = v as Response | null;
  return !!r && typeof r === "object" && typeof r.status === "number" && typeof r.statusText === "string" && typeof r.headers === "object" && typeof r.body !== "undefined";
}
function isErrorResponse(v: unknown) {
  const r = v as { status?: unknown; statusText?: unknown; internal?: unknown } | null;
  return !!r && typeof r === "object" && typeof r.status === "number" && typeof r.statusText === "string" && typeof r.internal === "boolean";
}

/** The plain-text answer of a resource route that failed unexpectedly. */
export function unexpectedText(ref: string) {
  return new Response(`${UNEXPECTED_MESSAGE}（${refText(ref)}）`, {
    status: 500,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The build with every resource route's (no UI) loader and action answering an unexpected error
 * with the Chinese text and reference number: Remix itself answers those with the English
 * "Unexpected Server Error" and no hook to change it. Thrown Responses pass through untouched.
 */
export function guardResourceRoutes(build: ServerBuild): ServerBuild {
  const wrap = <A extends { request: Request; context: AppLoadContext }, R>(fn: (args: A) => R) => async (args: A): Promise<Awaited<R> | Response> => {
    try {
      return await fn(args);
    } catch (e) {
      if (isResponse(e) || isErrorResponse(e)) throw e;
      const ref = errorRefOf(args.context);
      if (!args.request.signal.aborted) logUnexpected(e, ref, args.request);
      return unexpectedText(ref);
    }
  };
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const m = route.module;
    if (m.default || (!m.loader && !m.action)) {
      routes[id] = route;
      continue;
    }
    routes[id] = { ...route, module: { ...m, ...(m.loader ? { loader: wrap(m.loader) } : {}), ...(m.action ? { action: wrap(m.action) } : {}) } };
  }
  return { ...build, routes };
}
