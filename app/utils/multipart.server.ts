// multipart/form-data uploads, streamed: the request body is parsed as it arrives (busboy) and
// the one file part is handed to a consumer as chunks; nothing is buffered beyond a chunk.
import busboy from "busboy";
import { declaredLength, dropBody, HttpError } from "./http.server";

export interface IncomingFile {
  /** The file name the browser sent (untrusted; sanitize before keeping it). */
  filename: string | undefined;
  /** The type the browser claimed (untrusted; for information only). */
  mimeType: string;
  data: AsyncIterable<Uint8Array>;
  /** The small text fields sent before the file part (first value of each name; at most 1 KB each). */
  fields: Record<string, string>;
}

/** Room for the multipart framing and small fields on top of the file itself. */
const OVERHEAD_BYTES = 64 * 1024;
const BROKEN = "上传数据不完整或格式不正确，请重试";

/**
 * Reads a multipart body with one file part named `field` and passes it to `consume`, whose
 * result is returned. The part is cut at `maxFileBytes + 1` bytes (so the consumer sees that it
 * is too large); a body declared larger than the file limit plus framing is refused (413) before
 * any of it is read, and one found larger while streaming as soon as it is. Other parts are
 * skipped. Whenever reading stops early (a refusal, the consumer giving up) the answer goes out
 * at once and the rest of the body is dropped in the background (dropBody).
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
  const declared = declaredLength(request);
  if (declared !== null && declared > bodyLimit) throw new HttpError(opts.tooLarge, 413);

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
  const reader = request.body.getReader();

  return new Promise<T>((resolve, reject) => {
    let result: Promise<T> | null = null;
    /** Why the body could not be read to its end (over the limit, malformed, cut off). */
    let transportError: HttpError | null = null;
    let stopped = false;
    let settled = false;

    const settle = async () => {
      if (settled) return;
      settled = true;
      if (!result) return reject(transportError ?? new HttpError("请选择要上传的文件"));
      try {
        resolve(await result);
      } catch (e) {
        // The consumer's own refusal (too large, wrong type) or failure wins; an error it only
        // got because the body broke off is reported as that.
        reject(e instanceof HttpError || !transportError ? e : transportError);
      }
    };
    /** Stops parsing (an open file part ends with an error, so a consumer waiting for data stops). */
    const stop = (why: HttpError | null) => {
      if (stopped) return;
      stopped = true;
      transportError = why;
      parser.destroy();
      void settle();
    };

    const fields: Record<string, string> = {};
    parser.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      // busboy destroys an unfinished part's stream with an error when parsing stops; an 'error'
      // nobody listens to would end the process. The cause is reported by the parser instead.
      stream.on("error", () => {});
      if (name !== field || result) {
        stream.resume();
        return;
      }
      const data = stream.iterator({ destroyOnReturn: false });
      const r = consume({ filename: info.filename, mimeType: info.mimeType, data, fields: { ...fields } });
      result = r;
      // Done: the rest of the part (if any) is drained so the parser reaches the end of the body.
      // Refused or failed: reading stops at once and the answer goes out.
      r.then(() => stream.resume(), () => {
        stream.resume();
        stop(null);
      });
    });
    parser.on("close", () => void settle());
    // Once we stopped it ourselves, the parser's complaint about the unfinished body is ours.
    parser.on("error", (e) => stop(e instanceof HttpError ? e : new HttpError(BROKEN)));

    // Feed the parser by hand, so the body limit holds for chunked uploads too.
    void (async () => {
      let seen = 0;
      try {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) {
            if (!stopped) parser.end();
            return;
          }
          seen += value.byteLength;
          if (stopped) break;
          if (seen > bodyLimit) {
            stop(new HttpError(opts.tooLarge, 413));
            break;
          }
          if (!parser.write(value)) await drained(parser);
        }
      } catch {
        // The client went away mid-body: nothing left to read.
        stop(new HttpError(BROKEN));
        return;
      }
      dropBody(reader, seen);
    })();
  });
}

/** Resolves when the parser takes more input, or is gone. */
function drained(parser: busboy.Busboy) {
  return new Promise<void>((resolve) => {
    const go = () => {
      parser.off("drain", go);
      parser.off("close", go);
      resolve();
    };
    parser.on("drain", go);
    parser.on("close", go);
  });
}

/** For a refusal before the upload was looked at (or after receiveFile gave up): the answer goes
 * out now and the body nobody read is dropped in the background. Never waits. */
export function discardBody(request: Request): void {
  dropBody(request);
}
