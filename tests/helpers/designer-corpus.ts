// The designer's fixture corpus (tests/fixtures/designer-corpus): draft-07 forms written for this
// repo as an administrator would paste them into 新建业绩类别, each with a valid record and one
// invalid record (the field it is refused on and a piece of the Chinese message); and forms that
// need code (an unknown widget, field or template, a base64 file, an object title), each with the
// name the refusal must mention.
import fs from "node:fs";
import path from "node:path";

const DIR = path.resolve(__dirname, "../fixtures/designer-corpus");

export interface CorpusForm {
  file: string;
  slug: string;
  title: string;
  note?: string;
  listColumns: string;
  titleField: string;
  definition: { schema: Record<string, any>; uiSchema: Record<string, any> };
  valid: Record<string, unknown>;
  invalid: { data: Record<string, unknown>; field: string; message: string };
  /** A few: typed into the new-entry page; the message must show on the field (help, if any, too). */
  browser?: { input: string; value: string; message: string; help?: string };
}

export interface RefusedForm {
  file: string;
  slug: string;
  title: string;
  needs: string;
  listColumns?: string;
  titleField?: string;
  definition: { schema: Record<string, any>; uiSchema: Record<string, any> };
}

const read = (f: string) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8")) });
const files = () => fs.readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

export const corpus = (): CorpusForm[] => files().filter((f) => !f.startsWith("refused-")).map(read);
export const refusedCorpus = (): RefusedForm[] => files().filter((f) => f.startsWith("refused-")).map(read);

/** The body 新建业绩类别 posts for a corpus form (slug made unique per run). */
export function newCategoryBody(f: CorpusForm | RefusedForm, slug: string, order: number) {
  return {
    slug, title: f.title, order, icon: "",
    listColumns: f.listColumns ?? "name", titleField: f.titleField ?? "name",
    fields: JSON.stringify(f.definition),
  };
}
