// SSR: render to a string inside an antd style cache, then put the extracted CSS into <head>
// so the first paint is styled (no flash of unstyled antd components).
import type { EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { createCache, extractStyle, StyleProvider } from "@ant-design/cssinjs";

export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext) {
  const cache = createCache();
  const markup = renderToString(
    <StyleProvider cache={cache}>
      <RemixServer context={remixContext} url={request.url} />
    </StyleProvider>,
  );
  const html = markup.replace("</head>", `${extractStyle(cache)}</head>`);
  headers.set("Content-Type", "text/html; charset=utf-8");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  return new Response(`<!DOCTYPE html>${html}`, { status, headers });
}
