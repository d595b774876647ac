// The reference number of an unexpected server error, shown on the error page so a user can
// quote it (the server log carries the stack under the same number; see utils/errors.server.ts).
// A page rendered with an error gets the number from the server render (ErrorRefContext, from the
// request's load context) and keeps it when the browser hydrates (read back from the page before
// hydration, entry.client.tsx); a failed data request after navigation carries it in the error
// message (entry.server handleDataRequest).
import { createContext, useContext } from "react";

export const ErrorRefContext = createContext<string | null>(null);

/** The attribute the error page prints the number in. */
export const ERROR_REF_ATTR = "data-error-ref";

const IN_MESSAGE = /参考编号：([0-9A-F]{6,32})/;

/** The number for this error: from a failed data request's message, else the page's own. */
export function useErrorRef(error: unknown): string | null {
  const fromPage = useContext(ErrorRefContext);
  const fromMessage = error instanceof Error ? IN_MESSAGE.exec(error.message)?.[1] : undefined;
  return fromMessage ?? fromPage;
}

/** The number printed by a server-rendered error page, read before hydration. */
export function errorRefInDocument(): string | null {
  return typeof document === "undefined" ? null : document.querySelector(`[${ERROR_REF_ATTR}]`)?.getAttribute(ERROR_REF_ATTR) ?? null;
}
