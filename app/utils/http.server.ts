// Small response helpers shared by routes: a user-facing error is a Chinese message with a
// status, never a stack trace.
import { json } from "@remix-run/node";

/** A request refused with a Chinese message and a status. The engine's UserError is one. */
export class HttpError extends Error {
  constructor(message: string, public status = 400, public fieldErrors?: Record<string, string[]>) {
    super(message);
  }
}

export function notFound(message = "页面不存在或您无权查看") {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export function forbidden(message = "您没有访问此页面的权限") {
  return new Response(message, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Runs an action body; an HttpError (a UserError too) becomes a JSON error response with its status. */
export async function handleUserErrors<T>(fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HttpError) {
      return json({ ok: false as const, error: e.message, fieldErrors: e.fieldErrors ?? {} }, { status: e.status });
    }
    throw e;
  }
}

export const MAX_BODY_BYTES = 2_000_000;

// ---- refused bodies ------------------------------------------------------------------------------
// A body we refuse is answered at once and only then read and dropped in the background, so a
// client still sending reads the answer instead of a connection reset — up to a bound, after
// which the connection is dropped. Nothing waits for the client before answering.

/** A refused body is read and dropped after the answer up to this size (a phone photo or scan
 * sent past its limit, 30–50 MB, still ends cleanly and the connection is reused). */
const DRAIN_LIMIT_BYTES = 64_000_000;
/** When the declared length is past the drain limit the connection is dropped anyway: only this
 * much is read, time enough for the answer to reach the client before the reset. */
const LINGER_BYTES = 1_000_000;
/** No refused body is read for longer than this (a trickling client). */
const DRAIN_MS = 30_000;

/** The Content-Length the client declared, or null (chunked, absent or malformed). */
export function declaredLength(request: Request): number | null {
  const raw = request.headers.get("Content-Length");
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Reads and drops the rest of a refused body in the background (never throws, never waits):
 * `source` is the request (its body not yet read) or the reader that stopped reading it, after
 * `seen` bytes. Past the bound the stream is cancelled — without a reason: a reason would be
 * emitted as an 'error' on the Node request — and the connection is dropped.
 */
export function dropBody(source: Request | ReadableStreamDefaultReader<Uint8Array>, seen = 0): void {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  let limit = DRAIN_LIMIT_BYTES;
  if (source instanceof Request) {
    if (!source.body || source.body.locked) return;
    const declared = declaredLength(source);
    if (declared !== null && declared > DRAIN_LIMIT_BYTES) limit = LINGER_BYTES;
    reader = source.body.getReader();
  } else {
    reader = source;
  }
  const stop = () => void reader.cancel().catch(() => {});
  const timer = setTimeout(stop, DRAIN_MS);
  timer.unref();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        seen += value.byteLength;
        if (seen > limit) return stop();
      }
    } catch {
      // The client went away: nothing to drop.
    } finally {
      clearTimeout(timer);
    }
  })();
}

/** The body as text, refusing (413, nothing buffered past the limit) a body over `limit` bytes
 * — declared or found while reading; the rest of a refused body is dropped after the answer. */
export async function readText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  if (!request.body) return "";
  const tooLarge = () => new HttpError("提交的内容过大", 413);
  const declared = declaredLength(request);
  if (declared !== null && declared > limit) {
    dropBody(request);
    throw tooLarge();
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch {
      throw new HttpError("提交的数据不完整，请重试");
    }
    if (r.done) break;
    size += r.value.byteLength;
    if (size > limit) {
      dropBody(reader, size);
      throw tooLarge();
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON or form-encoded body without throwing on bad input. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("Content-Type") ?? "";
  const text = await readText(request);
  try {
    if (type.includes("application/json")) {
      const v = JSON.parse(text);
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new HttpError("提交的数据格式不正确");
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      if (k in out) out[k] = ([] as unknown[]).concat(out[k], v);
      else out[k] = v;
    }
    return out;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError("提交的数据格式不正确");
  }
}

/** A response's text from a server we call (an identity provider), or null past `max` bytes (unread). */
export async function readResponseText(res: Response, max: number): Promise<string | null> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
