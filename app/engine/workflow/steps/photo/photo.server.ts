// 证件照: the upload is decoded by libvips (sharp), never trusted by name. EXIF orientation is
// applied, the picture is cropped/resized to the workflow's fixed size and re-encoded as JPEG,
// which also drops every metadata block (GPS, camera, thumbnails).
import sharp from "sharp";
import { UserError } from "~/engine/errors";
import { detectFileType } from "../../../file-storage.server";
import { formatBytes } from "../../../file-kinds";
import type { PhotoOptions } from "../../../definitions/types.generated";

const DEFAULT_MAX_PIXELS = 40_000_000;

export function photoMaxBytes(o: PhotoOptions) {
  return Math.round(o.maxSizeMb * 1024 * 1024);
}

/** Reads an upload up to the limit; a larger one is refused (413) without keeping it. */
export async function readLimited(data: AsyncIterable<Uint8Array>, max: number, tooLarge: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of data) {
    size += c.byteLength;
    if (size > max) throw new UserError(tooLarge, 413);
    chunks.push(c);
  }
  if (size === 0) throw new UserError("文件为空，请重新选择", 400);
  return Buffer.concat(chunks);
}

export async function normalisePhoto(input: Buffer, o: PhotoOptions): Promise<{ jpeg: Buffer; width: number; height: number }> {
  if (input.byteLength > photoMaxBytes(o)) throw new UserError(`证件照超过 ${formatBytes(photoMaxBytes(o))}`, 413);
  const type = await detectFileType(input.subarray(0, 4100));
  if (type.mime !== "image/jpeg" && type.mime !== "image/png") {
    throw new UserError(`证件照只能是 JPG 或 PNG 图片${type.mime ? `（所传文件实际是 ${type.label ?? type.mime}）` : ""}`, 415);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS }).metadata();
  } catch {
    throw new UserError("图片无法识别或已损坏，请重新选择", 415);
  }
  // Orientations 5–8 swap width and height once the EXIF rotation is applied.
  const swap = (meta.orientation ?? 1) >= 5;
  const w = (swap ? meta.height : meta.width) ?? 0;
  const h = (swap ? meta.width : meta.height) ?? 0;
  if (w * h > (o.maxPixels ?? DEFAULT_MAX_PIXELS)) throw new UserError("图片像素过大，请压缩后再上传", 413);
  if (w < o.minWidth || h < o.minHeight) throw new UserError(`证件照分辨率过低（${w}×${h}），至少 ${o.minWidth}×${o.minHeight} 像素`, 422);
  try {
    const jpeg = await sharp(input, { limitInputPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS })
      .rotate()
      .resize(o.width, o.height, { fit: "cover", position: "attention" })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 88, mozjpeg: true })
      .toBuffer();
    return { jpeg, width: o.width, height: o.height };
  } catch {
    throw new UserError("图片无法处理，请换一张照片", 415);
  }
}
