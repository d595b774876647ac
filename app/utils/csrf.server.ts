// CSRF defence: every state-changing request must come from our own origin (Origin header,
// or Referer when a client omits Origin). SameSite=Lax cookies are the second layer. "Our own
// origin" is PUBLIC_ORIGIN (plus TRUSTED_ORIGINS), never the request's Host header.

/** Paths that receive server-to-server calls (signed by other means) and skip the check. */
export const CSRF_EXEMPT_PATHS: RegExp[] = [/^\/payments\/notify\/[^/]+$/, /^\/sandbox-idp\/exchange$/, /^\/sandbox-idp\/unit-exchange$/];

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function originAllowed(opts: {
  method: string;
  path: string;
  origin?: string | null;
  referer?: string | null;
  /** PUBLIC_ORIGIN. */
  selfOrigin: string;
  trusted: string[];
}): boolean {
  if (SAFE.has(opts.method.toUpperCase())) return true;
  if (CSRF_EXEMPT_PATHS.some((re) => re.test(opts.path))) return true;
  let source = opts.origin && opts.origin !== "null" ? opts.origin : null;
  if (!source && opts.referer) {
    try {
      source = new URL(opts.referer).origin;
    } catch {
      source = null;
    }
  }
  if (!source) return false;
  return source === opts.selfOrigin || opts.trusted.includes(source);
}
