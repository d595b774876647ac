// GET /files/:key — a stored file, streamed from the object store, for its owner or a reviewer whose scope
// includes the owner; anyone else, and a missing file, get the same 404. Served so that a
// browser never runs it: type from the bytes, nosniff, a sandbox CSP, attachment unless a
// PDF or an image.
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { contentDisposition, findReadableFile, openStoredFile } from "~/engine/file-storage.server";
import { requireUser } from "~/engine/people/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const file = await findReadableFile(getDb(), user, params.key ?? "");
  const body = file ? await openStoredFile(file.key) : null;
  if (!file || !body) throw notFound("文件不存在或您无权查看");
  return new Response(createReadableStreamFromReadable(body), {
    headers: {
      "Content-Type": file.mimeType,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(file.name, file.mimeType),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
      "Cache-Control": "private",
    },
  });
}
