// SSR: antd's CSS comes from the static file built by scripts/build-antd-css.tsx and linked in
// root.tsx, so the first paint is styled without computing CSS-in-JS per request.
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { ErrorRefContext } from "./components/error-ref";
import { errorRefOf, logUnexpected, refText, UNEXPECTED_MESSAGE } from "./utils/errors.server";

export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
  // An error page shows the request's reference number, the one its error was logged with.
  const markup = renderToString(
    <ErrorRefContext.Provider value={status >= 500 ? errorRefOf(loadContext) : null}>
      <RemixServer context={remixContext} url={request.url} />
    </ErrorRefContext.Provider>,
  );
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  return new Response(`<!DOCTYPE html>${markup}`, { status, headers });
}

/** Every unexpected error of a loader, action or render: logged with the request's reference number. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  // 404/405 and other answers thrown on purpose are not faults.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  logUnexpected(isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error, errorRefOf(context), request);
};

/** A loader/action data request that failed unexpectedly: its English "Unexpected Server Error"
 * becomes the Chinese message with the reference number, which the error page reads. */
export const handleDataRequest: HandleDataRequestFunction = async (response, { context }) => {
  if (response.status < 500 || response.headers.get("X-Remix-Error") !== "yes") return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(JSON.stringify({ message: `${UNEXPECTED_MESSAGE}（${refText(errorRefOf(context))}）` }), { status: response.status, headers });
};
