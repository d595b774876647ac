// A minimal browser-like HTTP client: cookie jar, same-origin Origin header on writes,
// manual redirects (tests assert where a response sends the user).
export class Client {
  cookies = new Map<string, string>();
  constructor(public base: string, public origin: string | null = base) {}

  private headers(extra: Record<string, string> = {}) {
    const h: Record<string, string> = { ...extra };
    if (this.cookies.size) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return h;
  }

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}) {
    return this.remember(await fetch(this.base + path, { headers: this.headers(headers), redirect: "manual" }));
  }

  async post(path: string, body: Record<string, string> | object, opts: { json?: boolean; headers?: Record<string, string> } = {}) {
    const headers = this.headers(opts.headers);
    if (this.origin) headers.Origin = this.origin;
    let payload: string;
    if (opts.json) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body as Record<string, string>).toString();
    }
    return this.remember(await fetch(this.base + path, { method: "POST", headers, body: payload, redirect: "manual" }));
  }

  /** Remix data request for a route's action (JSON back instead of HTML). */
  async action(path: string, routeId: string, body: object) {
    const sep = path.includes("?") ? "&" : "?";
    return this.post(`${path}${sep}_data=${encodeURIComponent(routeId)}`, body, { json: true });
  }

  /** A multipart upload of one file part ("file"), as a browser's file input sends it. */
  async upload(path: string, bytes: Uint8Array, name: string, type = "application/octet-stream") {
    const body = new FormData();
    body.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
    const headers = this.headers({ Accept: "application/json" });
    if (this.origin) headers.Origin = this.origin;
    return this.remember(await fetch(this.base + path, { method: "POST", headers, body, redirect: "manual" }));
  }

  async login(username: string, password: string) {
    return this.post("/login", { username, password });
  }
}
