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
// Past this we stop draining and let the connection drop.
const DRAIN_LIMIT_BYTES = 20_000_000;

/** The body as text, refusing (413) more than MAX_BODY_BYTES. An over-long body is drained so
 * the client reads our answer instead of a connection reset. */
async function readText(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= MAX_BODY_BYTES) chunks.push(value);
    else if (size > DRAIN_LIMIT_BYTES) {
      await reader.cancel();
      break;
    }
  }
  if (size > MAX_BODY_BYTES) throw new HttpError("提交的内容过大", 413);
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
