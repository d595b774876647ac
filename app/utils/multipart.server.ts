// multipart/form-data uploads, streamed: the request body is parsed as it arrives (busboy) and
// the one file part is handed to a consumer as chunks; nothing is buffered beyond a chunk.
import busboy from "busboy";
import { HttpError } from "./http.server";

export interface IncomingFile {
  /** The file name the browser sent (untrusted; sanitize before keeping it). */
  filename: string | undefined;
  /** The type the browser claimed (untrusted; for information only). */
  mimeType: string;
  data: AsyncIterable<Uint8Array>;
}

/** Room for the multipart framing and small fields on top of the file itself. */
const OVERHEAD_BYTES = 64 * 1024;
/** A refused body is read and dropped up to this size. Large enough that a phone photo or scan sent past its limit (30–50 MB is common) still gets our
 * answer instead of a reset; past it the connection is dropped. */
const DRAIN_LIMIT_BYTES = 64_000_000;

/**
 * Reads a multipart body with one file part named `field` and passes it to `consume`, whose
 * result is returned. The part is cut at `maxFileBytes + 1` bytes (so the consumer sees that it
 * is too large); a body declared or found larger than the file limit plus framing is refused
 * (413) without reading it all. Other parts are skipped. After `consume` gives up early, the
 * rest of the body is read and dropped, so the browser gets the answer rather than a reset.
 */
export async function receiveFile<T>(
  request: Request,
  opts: { field?: string; maxFileBytes: number; tooLarge: string },
  consume: (file: IncomingFile) => Promise<T>,
): Promise<T> {
  const field = opts.field ?? "file";
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data;/i.test(contentType) || !request.body) throw new HttpError("请以 multipart/form-data 方式上传文件");
  const bodyLimit = opts.maxFileBytes + OVERHEAD_BYTES;
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  if (Number.isFinite(declared) && declared > bodyLimit) throw new HttpError(opts.tooLarge, 413);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      limits: { files: 1, fileSize: opts.maxFileBytes + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    });
  } catch {
    throw new HttpError("上传数据格式不正确");
  }

  return new Promise<T>((resolve, reject) => {
    let result: Promise<T> | null = null;
    let failed: unknown = null;
    let overBody = false;
    let parserStopped = false;

    const stopParser = (e: unknown) => {
      failed ??= e;
      if (parserStopped) return;
      parserStopped = true;
      // Ends the file stream too, so a consumer waiting for more data stops.
      parser.destroy(e instanceof Error ? e : new Error(String(e)));
      void finish();
    };
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      const transport = () =>
        overBody ? new HttpError(opts.tooLarge, 413) : failed instanceof HttpError ? failed : new HttpError("上传数据不完整或格式不正确，请重试");
      if (result) {
        try {
          resolve(await result);
        } catch (e) {
          // The consumer's own refusal (too large, wrong type) wins over a transport error it caused.
          reject(e instanceof HttpError || !failed ? e : transport());
        }
        return;
      }
      reject(failed ? transport() : new HttpError("请选择要上传的文件"));
    };

    parser.on("file", (name, stream, info) => {
      if (name !== field || result) {
        stream.resume();
        return;
      }
      const data = stream.iterator({ destroyOnReturn: false });
      result = consume({ filename: info.filename, mimeType: info.mimeType, data });
      // Whatever the consumer did, drain what it left so the parser can go on to the end.
      result.finally(() => stream.resume()).catch(() => {});
    });
    parser.on("close", () => void finish());
    parser.on("error", stopParser);

    // Feed the parser by hand: past the body limit it is stopped, but the rest of the body is
    // still read (and dropped, up to DRAIN_LIMIT_BYTES) so the browser reads our answer.
    void (async () => {
      let seen = 0;
      try {
        for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
          seen += chunk.byteLength;
          if (parserStopped) {
            if (seen > DRAIN_LIMIT_BYTES) break;
            continue;
          }
          if (seen > bodyLimit) {
            overBody = true;
            stopParser(new HttpError(opts.tooLarge, 413));
            continue;
          }
          if (!parser.write(chunk)) await new Promise<void>((r) => { parser.once("drain", r); parser.once("close", r); });
        }
        if (!parserStopped) parser.end();
      } catch (e) {
        stopParser(e);
      }
    })();
  });
}

/** Reads and drops a request body nobody read (a refusal before the upload was looked at), so
 * the browser, still sending, gets the answer rather than a reset. Stops after `limit` bytes. */
export async function discardBody(request: Request, limit = DRAIN_LIMIT_BYTES) {
  if (!request.body || request.body.locked) return;
  const reader = request.body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > limit) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away; nothing to answer.
  }
}
