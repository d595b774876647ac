// Raw HTTP requests with full control over how the body goes out: chunked or with a declared
// length, at a chosen pace, stopping as soon as the server answers, or holding the body open —
// as a slow, hostile or careless client sends it (fetch can do none of these).
import crypto from "node:crypto";
import http from "node:http";

export interface RawResult {
  /** 0 when no answer came (the connection failed or `waitMs` passed). */
  status: number;
  body: string;
  /** Body bytes written before the answer came (or the connection failed). */
  sent: number;
  /** The connection error seen before any answer, if any. */
  error?: string;
}

export interface RawBody {
  /** Written first (e.g. a multipart part header). */
  head?: Uint8Array;
  /** Filler bytes after `head`, written `chunk` bytes at a time. */
  fill: number;
  chunk: number;
  /** Pause between chunks in ms; 0 = as fast as the socket takes them. */
  pauseMs?: number;
  /** Written last, then the body is ended (unless `hold`). */
  tail?: Uint8Array;
  /** Send Content-Length: this instead of chunked encoding. */
  declaredLength?: number;
  /** Stop after this many filler bytes and keep the body open, waiting for the answer. */
  hold?: number;
  /** Give up waiting for an answer after this long (liveness guard, not a measurement). */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function rawPost(url: string, headers: Record<string, string>, b: RawBody): Promise<RawResult> {
  // A keep-alive connection of its own, as a browser's: with agent: false Node sends
  // "Connection: close", the server then closes its end right after answering, and the rest of the
  // body still on its way makes the client's next write fail (EPIPE) before it reads the answer.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve) => {
    let answered = false;
    let finished = false;
    let sent = 0;
    const done = (r: RawResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      req.destroy();
      agent.destroy();
      resolve(r);
    };
    const req = http.request(url, {
      method: "POST",
      agent,
      headers: { ...headers, ...(b.declaredLength !== undefined ? { "Content-Length": String(b.declaredLength) } : { "Transfer-Encoding": "chunked" }) },
    });
    // The headers go out now, even when no body byte follows.
    req.flushHeaders();
    const timer = setTimeout(() => done({ status: 0, body: "", sent, error: "no answer" }), b.waitMs ?? 30_000);
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), sent }));
      // Reset after part of the answer: what arrived is what the client read.
      res.on("error", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), sent }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      // Writing may fail (EPIPE, reset) after the answer arrived; the answer is what counts.
      if (!answered) done({ status: 0, body: "", sent, error: e.code ?? e.message });
    });
    void (async () => {
      const write = async (buf: Uint8Array) => {
        if (answered || finished || req.destroyed) return false;
        if (!req.write(buf)) {
          await new Promise<void>((r) => {
            const go = () => { req.off("drain", go); req.off("response", go); req.off("close", go); r(); };
            req.on("drain", go); req.on("response", go); req.on("close", go);
          });
        }
        return true;
      };
      if (b.head && !(await write(b.head))) return;
      const filler = Buffer.alloc(b.chunk, 0x20);
      const until = b.hold ?? b.fill;
      while (sent < until) {
        const n = Math.min(b.chunk, until - sent);
        if (!(await write(n === b.chunk ? filler : filler.subarray(0, n)))) return;
        sent += n;
        if (b.pauseMs) await sleep(b.pauseMs);
        else await new Promise((r) => setImmediate(r));
      }
      if (b.hold !== undefined) return;
      if (b.tail && !(await write(b.tail))) return;
      if (!answered && !finished && !req.destroyed) req.end();
    })();
  });
}

/** A multipart body's framing around one file part (filler goes between head and tail). */
export function multipartFrame(field = "file", filename = "big.pdf", type = "application/pdf") {
  const boundary = `----zcps${crypto.randomBytes(8).toString("hex")}`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n%PDF-1.4\n`),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/** One small request with any headers, Host included (fetch will not forge a Host). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", agent: false, headers: { ...opts.headers, ...(opts.body !== undefined ? { "Content-Length": String(Buffer.byteLength(opts.body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
