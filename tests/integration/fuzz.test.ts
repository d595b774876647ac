// Fuzz (issue 10, "Proof"): every route module under app/routes with an action gets random and
// hostile POST bodies (form-encoded, JSON, raw, multipart) as each role, with real, foreign,
// missing and garbage ids in its URL; every loader gets hostile params and queries. Properties:
// no 5xx, the server never exits, and /healthz keeps answering throughout (polled meanwhile).
// Seeded (FUZZ_SEED) and bounded (FUZZ_RUNS scales the runs); a failure prints the seed, the
// request and the server's log lines. FUZZ_ROUTE=<route id substring> narrows the run.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type RunningServer, type TestServer } from "../helpers/server";
import { Client } from "../helpers/http";
import { plain, type Db } from "~/utils/db.server";
import { createUser } from "~/engine/people/users.server";
import { createEntry, getCategory } from "~/engine/archive.server";
import { decideApplication } from "~/engine/workflow/review.server";
import { uniqueName, unitId, validProfile } from "../helpers/fixtures";
import { makeApplicant, makePlans, makeReviewers, passPublicity, PASSWORD, toVoteStage } from "../helpers/review-fixtures";
import { createMeeting } from "~/engine/workflow/meetings.server";
import { addDays, shanghaiDay } from "~/engine/working-days";
import { submitInProcess } from "../helpers/apply-inprocess";
import { FILES } from "../helpers/files";
import { formData, photoJpeg, signaturePng, startApply, stepView, walkToSubmit } from "../helpers/wizard";
import {
  anyValue, bibtexBomb, chunked, dangerousScalar, deepJson, describe as describeVal, discoverRoutes, encodeSegment, hash32, hostileNumber, hostileString, Late, multipartBody, mutate,
  ODD_CONTENT_TYPES, ODD_STRINGS, Obj, RawJson, REDOS_VALUE, toFormValue, toJson, type MultipartPart, type RouteModule, type Val,
} from "../helpers/fuzz";

const SEED = Number(process.env.FUZZ_SEED ?? 20251010);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const ONLY = process.env.FUZZ_ROUTE ?? "";
/** FUZZ_TRACE=1 prints every request that took over 1 s. */
const TRACE = !!process.env.FUZZ_TRACE;
/** A lock-up, not slowness: a request that gets no answer in this time is a failure. */
const REQUEST_TIMEOUT_MS = 60_000;
const HEALTH_TIMEOUT_MS = 30_000;

const ROLES = ["anonymous", "applicant", "unit_reviewer", "dept_reviewer", "acceptance_office", "admin"] as const;
type Role = (typeof ROLES)[number];

const ROUTES = discoverRoutes().filter((r) => r.id.includes(ONLY));
const ACTION_ROUTES = ROUTES.filter((r) => r.hasAction);
const LOADER_ROUTES = ROUTES.filter((r) => r.hasLoader);
const FIXTURES = path.resolve(__dirname, "../fixtures");

let ctx: TestServer;
let server: RunningServer;
let db: Db;

// ---------------------------------------------------------------------------------------------
// Who acts, and the records they act on

interface Actor { userId: number; cookie: string; session: Record<string, unknown>; role: string; scopes: { kind: string; refId: number }[] }
const actors = new Map<Role, Actor>();

/** Real ids by kind: the acting role's own (or in-scope) records, and other people's. */
type Kind = "application" | "entry" | "user" | "plan" | "exportJob" | "file" | "category" | "step" | "form" | "dict" | "provider" | "order" | "token" | "type" | "template" | "unitRegistration" | "meeting";
const own = new Map<Role, Partial<Record<Kind, string[]>>>();
const others: Partial<Record<Kind, string[]>> = {};
/** Any real id of the kind (ids in bodies). */
const anyIds: Partial<Record<Kind, string[]>> = {};

/**
 * How a URL param is filled: which kind of record it names, by route file and param name.
 * A param not in the table gets every real id and the garbage (a new route is still fuzzed).
 */
const PARAM_KINDS: [RegExp, string, Kind][] = [
  [/^(apply|records|staff\.applications)\./, "id", "application"],
  [/^(archive|review\.entries)\./, "id", "entry"],
  [/^admin\.users\./, "id", "user"],
  [/^(admin\.)?plans\./, "id", "plan"],
  [/^staff\.exports/, "id", "exportJob"],
  [/^admin\.types\./, "id", "type"],
  [/^admin\.templates\./, "*", "template"],
  [/^(review\.units|unit\.files)\./, "id", "unitRegistration"],
  [/^staff\.meetings\./, "id", "meeting"],
  [/./, "key", "file"],
  [/./, "slug", "category"],
  [/./, "step", "step"],
  [/./, "*", "form"],
  [/./, "dict", "dict"],
  [/./, "provider", "provider"],
  [/./, "orderNo", "order"],
  [/./, "token", "token"],
];
/** Ids that name nothing, and ids that are not ids. */
const MISSING = ["99999999", "2147483647"];
const GARBAGE = ["1e999", "-1", "0", "2147483648", "9007199254740993", "../x", "..%2Fx", "1.5", "00001", "abc", "%00", "\u0000", "9".repeat(400), "中文", "__proto__", "constructor", "null", " 1", "0x10", "Infinity", "new", "a/b/../../c"];

function kindOf(route: RouteModule, param: string): Kind | null {
  const name = route.file.replace(/\.[jt]sx?$/, "");
  return PARAM_KINDS.find(([re, p]) => p === param && re.test(name))?.[2] ?? null;
}

/** A param value: mostly a real id (own, else another's), sometimes missing or garbage. */
function paramArb(route: RouteModule, param: string, role: Role): fc.Arbitrary<string> {
  const kind = kindOf(route, param);
  const mine = kind ? own.get(role)?.[kind] ?? [] : [];
  const theirs = kind ? others[kind] ?? [] : Object.values(anyIds).flat();
  const real = kind ? anyIds[kind] ?? [] : [];
  const pick = (xs: string[], weight: number) => (xs.length ? [{ weight, arbitrary: fc.constantFrom(...xs) }] : []);
  return fc.oneof(...pick(mine, 6), ...pick(theirs, 3), ...pick(real, mine.length ? 0 : 4).filter((x) => x.weight), { weight: 1, arbitrary: fc.constantFrom(...MISSING) }, { weight: 2, arbitrary: fc.constantFrom(...GARBAGE) }, { weight: 1, arbitrary: hostileString.filter((s) => s.length < 3000) });
}

function urlOf(route: RouteModule, params: Record<string, string>) {
  return route.pattern.replace(/:(\w+)|\*/g, (m, name) => {
    const v = params[name ?? "*"] ?? "";
    // A real form id keeps its slashes (the splat spans segments); anything else is one segment.
    return m === "*" && /^[a-z0-9/-]+$/.test(v) ? v : encodeSegment(v);
  });
}

// ---------------------------------------------------------------------------------------------
// Bodies

const INTENTS = ["next", "save", "submit", "extract", "ignore", "sign", "change", "remove", "upload", "draft", "impact", "publish", "create", "update", "delete", "apply", "import", "preview", "confirm", "cancel", "approve", "return", "reject", "review"];
const VOCAB = ["intent", "version", "data", "id", "ids", "items", "values", "text", "draftVersion", "scopes", "role", "decision", "reason", "comment", "action", "unlock", "note", "signature", "planId", "departmentId", "acknowledged", "goto", "rows", "bundle", "filters", "username", "password", "confirmPassword", "redirectTo", "slot", "key", "idempotencyKey", "start", "end", "outcome", "opinion"];
/** Body keys read not by the route module but by the engine it hands the body to. */
const ENGINE_KEYS: Record<string, string[]> = { "routes/apply.$id.$step": ["data", "ids", "id", "acknowledged", "signature"] };
const QUERY_VOCAB = ["status", "stage", "plan", "from", "to", "sort", "order", "category", "type", "step", "notice", "redirectTo", "count", "blocked", "page", "pageSize", "q", "index", "_data", "version", "slot", "intent", "form", "field", "format"];

const samples: { profile?: Record<string, unknown>; archive: Record<string, Record<string, unknown>>; applicationForms: Record<string, unknown>[]; plan?: Record<string, unknown>; dictRow?: Record<string, unknown>; formDefs: Record<string, string>; bundle?: string; signature?: string } = { archive: {}, applicationForms: [], formDefs: {} };

const numericIds = () => Object.entries(anyIds).filter(([k]) => ["application", "entry", "user", "plan", "exportJob"].includes(k)).flatMap(([, v]) => v!).filter((v) => /^\d+$/.test(v)).map(Number);
const idValue = (): fc.Arbitrary<Val> => fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Val>(...numericIds(), ...numericIds().map(String)) }, { weight: 1, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostileString });
const versionValue = (): fc.Arbitrary<Val> => fc.oneof({ weight: 4, arbitrary: fc.constant<Val>(new Late("version")) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 }) }, { weight: 2, arbitrary: dangerousScalar }, { weight: 1, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostileString });

/** A designer definition text: a real form's, mutated, or a field with the worst accepted pattern, or deep. */
/** A field the designer accepts whose pattern backtracks polynomially (issue 10, item 3). */
const REDOS_DEFINITION = JSON.stringify({ title: "测试", schema: { type: "object", properties: { a: { type: "string", title: "编号", maxLength: 20, pattern: "^\\d+\\.?\\d*$" } } }, uiSchema: {}, meta: { titleField: "a", listColumns: [{ field: "a" }] } });
/** Nested schemas as text (building them as objects would overflow the generator's stack). */
const deepSchemaText = (depth: number) => `{"title":"x","schema":${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)},"uiSchema":{},"meta":{}}`;
const ODD_DEFINITIONS: Val[] = [REDOS_DEFINITION, deepSchemaText(3_000), deepSchemaText(100_000), `{"title":"x","schema":${deepJson(200_000, "object").text}}`, "{", "[]", "null", ""];

/** A designer definition text: a real form's, mutated, or a field with the worst accepted pattern, or deep. */
function definitionText(): fc.Arbitrary<Val> {
  const defs = Object.values(samples.formDefs);
  return fc.oneof(
    { weight: 2, arbitrary: defs.length ? fc.constantFrom(...defs).chain((d) => mutate(JSON.parse(d))).map((v) => toJson(v)) : fc.constant(REDOS_DEFINITION) },
    { weight: 1, arbitrary: fc.constantFrom<Val>(...ODD_DEFINITIONS) },
    { weight: 1, arbitrary: anyValue },
  );
}

function valueFor(route: RouteModule, key: string, slug: string | undefined): fc.Arbitrary<Val> {
  const lit = [...route.literals, ...INTENTS];
  switch (key) {
    case "intent": case "decision": case "action":
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom<Val>(...lit) }, { weight: 1, arbitrary: anyValue });
    case "version": case "draftVersion":
      return versionValue();
    case "id": case "planId": case "departmentId":
      return idValue();
    case "ids":
      return fc.oneof(fc.array(idValue(), { maxLength: 5 }), fc.constant<Val>(new RawJson(`[${Array.from({ length: 50_000 }, (_, i) => i + 1).join(",")}]`, "[1..50000]")), anyValue);
    case "items":
      return fc.oneof(fc.array(fc.tuple(idValue(), versionValue()).map(([id, version]) => new Obj([["id", id], ["version", version]]) as Val), { maxLength: 4 }), anyValue);
    case "data":
      return fc.oneof(
        { weight: 3, arbitrary: sampleFor(route, slug) },
        { weight: 1, arbitrary: anyValue },
      );
    case "values": {
      const s = route.id.includes("plans") ? samples.plan : samples.dictRow;
      return s ? fc.oneof({ weight: 3, arbitrary: mutate(s) }, { weight: 1, arbitrary: anyValue }) : anyValue;
    }
    case "text": case "fields":
      return definitionText();
    case "bundle":
      return samples.bundle ? fc.oneof(mutate(JSON.parse(samples.bundle)).map((v) => toJson(v) as Val), mutate(JSON.parse(samples.bundle)), anyValue) : anyValue;
    case "scopes":
      return fc.oneof(fc.array(fc.tuple(fc.constantFrom<Val>("unit", "department", "committee", "acceptanceDepartment", "x"), idValue()).map(([kind, refId]) => new Obj([["kind", kind], ["refId", refId]]) as Val), { maxLength: 3 }), anyValue);
    case "role":
      return fc.oneof(fc.constantFrom<Val>(...ROLES, "superuser"), anyValue);
    case "signature":
      return fc.oneof(fc.constantFrom<Val>(samples.signature ?? "", "data:image/png;base64,", `data:image/png;base64,${"A".repeat(1_900_000)}`, "data:image/svg+xml;base64,PHN2Zy8+", `data:image/png;base64,${FILES.html.toString("base64")}`), anyValue);
    case "username":
      return fc.oneof(fc.constantFrom<Val>(victimName, ` ${victimName.toUpperCase()}`, "demo_admin"), anyValue);
    case "password": case "confirmPassword":
      return fc.oneof(fc.constantFrom<Val>(PASSWORD, "password1", ""), anyValue);
    case "goto": case "step":
      return fc.oneof(fc.constantFrom<Val>(...(anyIds.step ?? ["info"])), anyValue);
    case "rows":
      return fc.oneof(fc.array(sampleFor(route, slug), { maxLength: 3 }), anyValue);
    case "start": case "end":
      // 公示期 dates: real, impossible, far back, and anything.
      return fc.oneof(fc.constantFrom<Val>(shanghaiDay(), addDays(shanghaiDay(), -61), addDays(shanghaiDay(), 7), "2026-02-30", "2026-10-1"), anyValue);
    case "outcome":
      return fc.oneof(fc.constantFrom<Val>("none", "objection"), anyValue);
    case "acknowledged": case "unlock":
      return fc.oneof(fc.constantFrom<Val>(true, false, "true", "on"), anyValue);
    default:
      return anyValue;
  }
}

function sampleFor(route: RouteModule, slug: string | undefined): fc.Arbitrary<Val> {
  if (route.id.includes("profile") && samples.profile) return mutate(samples.profile);
  if (route.id.includes("apply") && samples.applicationForms.length) return fc.constantFrom(...samples.applicationForms).chain((s) => mutate(s as Record<string, unknown>));
  const archive = (slug && samples.archive[slug]) || Object.values(samples.archive)[0];
  return archive ? mutate(archive) : anyValue;
}

interface Plan {
  role: Role;
  params: Record<string, string>;
  query: [string, Val][];
  data: boolean;
  body:
    | { kind: "json" | "form"; entries: [string, Val][] }
    | { kind: "raw"; text: Val; type: string }
    | { kind: "multipart"; parts: MultipartPart[]; truncate?: number; type?: string; chunked: boolean }
    | { kind: "none" };
}

const queryValue: fc.Arbitrary<Val> = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<Val>(...ODD_STRINGS) }, { weight: 2, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.constantFrom<Val>("a".repeat(6000), "9".repeat(2000)) }, { weight: 1, arbitrary: hostileNumber });

function queryArb(route: RouteModule, extra: string[] = []): fc.Arbitrary<[string, Val][]> {
  const keys = [...new Set([...route.queryKeys, ...extra, ...QUERY_VOCAB])];
  return fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), queryValue), { maxLength: 4 });
}

function entriesArb(route: RouteModule, slug: string | undefined): fc.Arbitrary<[string, Val][]> {
  const keys = [...new Set([...route.bodyKeys.filter((k) => !["length", "slice"].includes(k)), ...VOCAB])];
  const routeKeys = [...new Set([...route.bodyKeys.filter((k) => !["length", "slice"].includes(k)), ...(ENGINE_KEYS[route.id] ?? [])])];
  // Every key the route reads, each with a plausible value (its sample with one field made
  // hostile, the record's current version): such a body gets past the first checks to the
  // validation and the database.
  const full = fc.tuple(...routeKeys.map((k) => valueFor(route, k, slug).map((v) => [k, v] as [string, Val])));
  return fc.oneof({ weight: 1, arbitrary: full }, { weight: 1, arbitrary: randomEntries(route, slug, keys, routeKeys) });
}

function randomEntries(route: RouteModule, slug: string | undefined, keys: string[], routeKeys: string[]): fc.Arbitrary<[string, Val][]> {
  return fc
    .tuple(
      // The route's own keys most of the time (to get past its first checks), others now and then.
      fc.subarray(routeKeys),
      fc.subarray(keys, { maxLength: 3 }),
      fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor", "toString", "intent", "version")), anyValue), { maxLength: 2 }),
    )
    .chain(([mine, more, extra]) => {
      const chosen = [...new Set([...mine, ...more])];
      return fc.tuple(...chosen.map((k) => valueFor(route, k, slug).map((v) => [k, v] as [string, Val]))).map((es) => [...es, ...extra]);
    });
}

let uploadContents: { name: string; type: string; data: Uint8Array | string }[] = [];

function multipartArb(): fc.Arbitrary<Plan["body"]> {
  const filename = fc.oneof(fc.constantFrom("证件照.jpg", "a.pdf", "papers.bib", "x.ris", "units.csv", "../../../etc/passwd", `${"长".repeat(3000)}.pdf`, "a\"b.pdf", "\u202Egpj.exe", "", "CON", "%00.pdf", "x.xlsx"), fc.string({ maxLength: 20 }));
  const content = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...uploadContents) },
    { weight: 1, arbitrary: fc.record({ n: fc.constantFrom(0, 1, 1000, 200_000), seed: fc.integer() }).map(({ n, seed }) => ({ name: "random.bin", type: "application/octet-stream", data: pseudoRandomBytes(n, seed) })) },
  );
  const part = fc.tuple(fc.constantFrom("file", "file", "other", ""), filename, content, fc.constantFrom<string | undefined>(undefined, "application/pdf", "image/jpeg", "text/html")).map(([name, fn, c, type]): MultipartPart => ({ name, filename: fn || c.name, type: type ?? c.type, data: c.data }));
  const field = fc.tuple(fc.constantFrom("intent", "version", "slot", "x", "file"), hostileString.filter((s) => s.length < 5000)).map(([name, v]): MultipartPart => ({ name, data: v }));
  return fc.record({
    parts: fc.array(fc.oneof({ weight: 3, arbitrary: part }, { weight: 1, arbitrary: field }), { minLength: 0, maxLength: 3 }),
    // Mostly well-formed; now and then cut short or with a broken Content-Type.
    truncate: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 4000 }) }),
    type: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=zzz", "multipart/mixed; boundary=B0undary") }),
    chunked: fc.boolean(),
  }).map((m) => ({ kind: "multipart" as const, ...m }));
}

function pseudoRandomBytes(n: number, seed: number) {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** What an upload's URL carries: a step upload's version and slot, a file field's form and field. */
function uploadQuery(): fc.Arbitrary<[string, Val][]> {
  return fc.tuple(versionValue(), fc.constantFrom<Val>("0", "1", "-1", "99", "x"), fc.constantFrom<Val>(...(anyIds.form ?? []), "x"), fc.constantFrom<Val>("attachments", "evidence", "photo", "x"))
    .chain(([version, slot, form, field]) => fc.subarray<[string, Val]>([["intent", "upload"], ["version", version], ["slot", slot], ["form", form], ["field", field]], { minLength: 1 }));
}

function postPlanArb(route: RouteModule, role: Role): fc.Arbitrary<Plan> {
  const params = fc.record(Object.fromEntries(route.params.map((p) => [p, paramArb(route, p, role)])) as Record<string, fc.Arbitrary<string>>);
  return params.chain((ps) => {
    const slug = ps.slug;
    const raw = fc.record({
      kind: fc.constant("raw" as const),
      text: fc.constantFrom<Val>("", "{", "[]", "null", '"x"', "1", "a=1&a=2&a[]=3&__proto__=x&constructor=y", "%zz=%E4%B8", "\u0000", deepJson(200_000, "array").text, deepJson(200_000, "object").text, `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}`),
      type: fc.constantFrom(...ODD_CONTENT_TYPES, "application/json", "application/x-www-form-urlencoded"),
    });
    const encoded = fc.record({ kind: fc.constantFrom("json" as const, "form" as const), entries: entriesArb(route, slug) });
    const body: fc.Arbitrary<Plan["body"]> = route.multipart
      ? fc.oneof({ weight: 3, arbitrary: encoded }, { weight: 1, arbitrary: raw }, { weight: 3, arbitrary: multipartArb() })
      : fc.oneof({ weight: 6, arbitrary: encoded }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) });
    return fc.record({
      role: fc.constant(role),
      params: fc.constant(ps),
      query: fc.oneof({ weight: 3, arbitrary: fc.constant<[string, Val][]>([]) }, { weight: 1, arbitrary: queryArb(route) }, ...(route.multipart ? [{ weight: 3, arbitrary: uploadQuery() }] : [])),
      data: fc.boolean(),
      body,
    });
  });
}

function getPlanArb(route: RouteModule, role: Role): fc.Arbitrary<Plan> {
  return fc.record({
    role: fc.constant(role),
    params: fc.record(Object.fromEntries(route.params.map((p) => [p, paramArb(route, p, role)])) as Record<string, fc.Arbitrary<string>>),
    query: queryArb(route),
    data: fc.boolean(),
    body: fc.constant({ kind: "none" as const }),
  });
}

// ---------------------------------------------------------------------------------------------
// Sending

interface Finding { route: string; role: Role; method: string; url: string; body: string; status: number; log: string }
const findings: Finding[] = [];
/** Answers by status class, for the summary. */
const answered = new Map<string, number>();
/** Answers that were not answers: connection reset (expected for some over-long bodies), timeouts. */
const transport: string[] = [];
let dead: string | null = null;

async function currentVersion(route: RouteModule, params: Record<string, string>, role: Role): Promise<number> {
  // The profile form's version is the acting applicant's profile row's.
  if (route.id === "routes/profile" && role !== "anonymous") {
    return ((await db.models.Profile.findOne({ where: { userId: actors.get(role)!.userId }, attributes: ["version"], raw: true })) as { version?: number } | null)?.version ?? 0;
  }
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2147483647) return 0;
  const model = { application: db.models.Application, entry: db.models.AchievementEntry, plan: db.models.Plan }[kindOf(route, "id") as string] as any;
  const row = model ? await model.findByPk(id, { attributes: ["version"], raw: true }) : null;
  return row?.version ?? 0;
}

async function send(route: RouteModule, method: "GET" | "POST", p: Plan) {
  const version = method === "POST" ? await currentVersion(route, p.params, p.role) : 0;
  const resolve = () => version;
  const qs = new URLSearchParams();
  for (const [k, v] of p.query) qs.append(k, toFormValue(v, resolve));
  if (p.data) qs.set("_data", route.id);
  const url = `${urlOf(route, p.params)}${qs.size ? `?${qs}` : ""}`;
  const headers: Record<string, string> = {};
  const actor = p.role === "anonymous" ? null : actors.get(p.role)!;
  if (actor) headers.Cookie = actor.cookie;
  let body: string | Uint8Array | (() => ReadableStream<Uint8Array>) | undefined;
  let shown = "";
  if (method === "POST") {
    headers.Origin = server.url;
    const b = p.body;
    if (b.kind === "json") {
      headers["Content-Type"] = "application/json";
      body = `{${b.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v, resolve)}`).join(",")}}`;
      shown = `json ${describeVal(new Obj(b.entries))}`;
    } else if (b.kind === "form") {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      const f = new URLSearchParams();
      for (const [k, v] of b.entries) f.append(k, toFormValue(v, resolve));
      body = f.toString();
      shown = `form ${describeVal(new Obj(b.entries))}`;
    } else if (b.kind === "raw") {
      if (b.type) headers["Content-Type"] = b.type;
      body = toFormValue(b.text);
      shown = `raw (${b.type || "no type"}) ${describeVal(b.text)}`;
    } else if (b.kind === "multipart") {
      const boundary = "----fuzzB0undary7MA4YWxk";
      const buf = multipartBody(b.parts, boundary, { truncate: b.truncate });
      headers["Content-Type"] = b.type ?? `multipart/form-data; boundary=${boundary}`;
      // A stream can be sent once: a function makes a new one per attempt.
      body = b.chunked ? () => chunked(buf) : buf;
      shown = `multipart${b.chunked ? " chunked" : ""} ${b.type ?? ""} ${buf.length} bytes; parts ${b.parts.map((x) => `${x.name}:${describeVal(x.filename ?? null, 60)}:${typeof x.data === "string" ? describeVal(x.data, 60) : `${x.data.length}B`}`).join(", ")}${b.truncate !== undefined ? `; cut at ${b.truncate}` : ""}`;
    } else shown = "(no body)";
  }
  const logFrom = server.logs().length;
  inflight = `${route.id} ${method} ${url.slice(0, 100)} as ${p.role}: ${shown.slice(0, 200)}`;
  const t0 = Date.now();
  let res: { status: number; setCookie: boolean };
  try {
    res = await request(method, url, headers, body);
  } catch (e) {
    inflight = null;
    const why = (e as Error).message;
    if (!(await alive())) {
      // A crashing server prints its last words a moment after the socket closes.
      await new Promise((r) => setTimeout(r, 500));
      dead = `${method} ${url} as ${p.role} (${shown.slice(0, 400)}) → the server stopped answering (${why})\n${server.logs().slice(logFrom).slice(-3000)}`;
      throw new Error(dead);
    }
    if ((e as Error).name === "TimeoutError") {
      findings.push({ route: route.id, role: p.role, method, url: url.slice(0, 300), body: shown.slice(0, 600), status: 0, log: `no answer in ${REQUEST_TIMEOUT_MS / 1000} s` });
    } else transport.push(`${route.id} ${method} ${url.slice(0, 120)} as ${p.role}: ${why} (${shown.slice(0, 160)})`);
    return;
  }
  inflight = null;
  const cls = `${Math.floor(res.status / 100)}xx`;
  answered.set(cls, (answered.get(cls) ?? 0) + 1);
  if (TRACE && Date.now() - t0 > 1000) console.log(`fuzz: ${Date.now() - t0} ms ${res.status} ${route.id} ${method} ${url.slice(0, 100)} as ${p.role}: ${shown.slice(0, 200)}`);
  if (res.setCookie && actor) await keepSessions();
  if (res.status >= 500) {
    await new Promise((r) => setTimeout(r, 100));
    const log = server.logs().slice(logFrom).split("\n").filter((l) => l.trim()).slice(0, 6).join("\n");
    findings.push({ route: route.id, role: p.role, method, url: url.slice(0, 300), body: shown.slice(0, 600), status: res.status, log });
  }
  return res.status;
}

/**
 * One request on a connection of its own (node:http, no pool: a connection an earlier hostile
 * request left half-closed is never reused), the path sent exactly as built. Resolves with the
 * status once the answer is read; an answer that came before the upload finished still counts.
 */
function request(method: string, path: string, headers: Record<string, string>, body: string | Uint8Array | (() => ReadableStream<Uint8Array>) | undefined): Promise<{ status: number; setCookie: boolean }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let answer: { status: number; setCookie: boolean } | null = null;
    const h: Record<string, string | number> = { ...headers };
    if (typeof body === "string" || body instanceof Uint8Array) h["Content-Length"] = Buffer.byteLength(body);
    const req = http.request({ hostname, port, path, method, headers: h, agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      answer = { status: res.statusCode ?? 0, setCookie: !!res.headers["set-cookie"]?.length };
      res.resume();
      res.on("end", () => resolve(answer!));
      res.on("error", () => resolve(answer!));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`), { name: "TimeoutError" })));
    req.on("error", (e) => (answer ? resolve(answer) : reject(e)));
    if (body === undefined) req.end();
    else if (typeof body === "function") {
      // Chunked: no Content-Length, written as it is read.
      (async () => {
        for await (const chunk of body() as unknown as AsyncIterable<Uint8Array>) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        }
        req.end();
      })().catch(() => req.destroy());
    } else req.end(body);
  });
}

async function alive() {
  return poll().then((problem) => problem === null, () => false);
}

// ---------------------------------------------------------------------------------------------
// Keeping the actors what they are: a fuzzed logout, login or register ends a session, and a
// fuzzed admin may demote someone; each is put back so later runs still act as their role.

async function keepSessions() {
  for (const a of actors.values()) {
    if (!(await db.models.Session.findByPk(a.session.id as string))) await db.models.Session.create(a.session as any);
  }
}

async function restoreActors() {
  for (const a of actors.values()) {
    await db.models.User.update({ role: a.role, failedLoginCount: 0, firstFailedAt: null, lockedUntil: null } as any, { where: { id: a.userId } });
    const scopes = await db.models.UserScope.findAll({ where: { userId: a.userId }, raw: true });
    const same = scopes.length === a.scopes.length && scopes.every((s, i) => s.kind === a.scopes[i].kind && s.refId === a.scopes[i].refId);
    if (!same) {
      await db.models.UserScope.destroy({ where: { userId: a.userId } });
      for (const s of a.scopes) await db.models.UserScope.create({ userId: a.userId, kind: s.kind, refId: s.refId } as any);
    }
  }
  await keepSessions();
}

async function login(role: Role, username: string) {
  const c = new Client(server.url);
  const res = await c.login(username, PASSWORD);
  expect(res.status, `login as ${username}: ${server.logs().slice(-3000)}`).toBe(302);
  const user = (await db.models.User.findOne({ where: { username }, raw: true }))!;
  const session = plain(await db.models.Session.findOne({ where: { userId: user.id }, order: [["createdAt", "DESC"]] }))! as unknown as Record<string, unknown>;
  const scopes = (await db.models.UserScope.findAll({ where: { userId: user.id }, order: [["id", "ASC"]], raw: true })).map((s) => ({ kind: s.kind, refId: s.refId }));
  actors.set(role, { userId: user.id, cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), session, role: user.role, scopes });
  return c;
}

// ---------------------------------------------------------------------------------------------
// /healthz answers throughout

const health = { ok: 0, failed: [] as string[], slow: [] as string[], running: true };
let poller: Promise<void>;
/** The fuzz request in flight, to name what held up a slow /healthz. */
let inflight: string | null = null;

/** One /healthz on a connection of its own (not one the fuzzing left in fetch's pool); null = "ok". */
function poll(): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}/healthz`, { agent: false, timeout: HEALTH_TIMEOUT_MS }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve(res.statusCode === 200 && body === "ok" ? null : `status ${res.statusCode}`));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { name: "TimeoutError" })));
    req.on("error", reject);
  });
}

function startPoller() {
  poller = (async () => {
    while (health.running) {
      const t0 = Date.now();
      const during = inflight;
      let problem: string | null;
      try {
        problem = await poll();
      } catch (e) {
        // A kept-alive connection the server closed just as we reused it fails at once; a
        // browser retries that on a new connection, and so do we. No answer in time is a failure.
        if ((e as Error).name === "TimeoutError") problem = `no answer in ${HEALTH_TIMEOUT_MS / 1000} s`;
        else {
          try {
            problem = await poll();
          } catch (e2) {
            problem = `no answer: ${(e2 as Error & { cause?: Error }).cause?.message ?? (e2 as Error).message}`;
          }
        }
      }
      const ms = Date.now() - t0;
      if (problem) health.failed.push(`${new Date().toISOString()} ${problem} (during ${during ?? inflight})`);
      else health.ok++;
      if (ms > 2000) health.slow.push(`${ms} ms during ${during ?? inflight}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
}

let victimName = "";
/** The applicant's draft (its steps accept uploads). */
let draftApp = 0;

beforeAll(async () => {
  ctx = await startTestServer({ PAYMENT_SANDBOX_SECRET: "fuzz-sandbox-secret-0123456789", UNIT_IDENTITY: "ticket", IDENTITY_TICKET_SANDBOX: "1", IDENTITY_TICKET_SECRET: "fuzz-identity-secret" });
  ({ server, db } = ctx);
  const unit = await unitId(db);
  const plans = await makePlans(db);
  const staff = await makeReviewers(db, { unitId: unit, ...plans.refs });
  const a = await makeApplicant(db, unit, { name: "张晓明" });
  const b = await makeApplicant(db, unit, { name: "李小红" });
  const adminName = uniqueName("fzadmin");
  await createUser(db, { username: adminName, password: PASSWORD, role: "admin" });
  victimName = uniqueName("fzvictim");
  await createUser(db, { username: victimName, password: PASSWORD, role: "applicant" });

  // Applications in every state a route acts on: A's at the payment stage (with an order), A's
  // 职称认定 at unit review, A's draft at the pledge step (a live signing token); B's at
  // department review.
  const approve = async (who: { id: number; role: any }, id: number) => decideApplication(db, who, id, "approve", null, plain(await db.models.Application.findByPk(id))!.version);
  const aPay = (await submitInProcess(db, a.id, plans.review)).id;
  for (const who of [staff.unit, staff.dept, staff.office]) {
    await approve(who, aPay);
    if (who === staff.unit) await passPublicity(db, who, aPay);
  }
  const aRec = (await submitInProcess(db, a.id, plans.recognition)).id;
  const bReview = (await submitInProcess(db, b.id, plans.review)).id;
  await approve(staff.unit, bReview);
  await passPublicity(db, staff.unit, bReview);
  // C's 职称评审 waiting at 单位公示 (the unit's 录入公示期 / 录入公示结果 / 公示版 PDF).
  const cPub = await makeApplicant(db, unit, { name: "赵公示", categories: ["paper"] });
  const aPub = (await submitInProcess(db, cPub.id, plans.review)).id;
  await approve(staff.unit, aPub);
  // D's 职称评审 waiting at 评委会评审, on a 评审会议 of the office (its counts, the 表决票 import).
  const dVote = await makeApplicant(db, unit, { name: "钱表决", categories: ["paper"] });
  const aVote = (await submitInProcess(db, dVote.id, plans.review)).id;
  await toVoteStage(db, staff, aVote);
  const meeting = await createMeeting(db, staff.office, { committeeId: (await db.models.Application.findByPk(aVote))!.committeeId, meetingDate: "2026-11-20", membersTotal: 11, membersPresent: 9 });

  const cA = await login("applicant", a.username);
  await login("unit_reviewer", staff.unit.username);
  await login("dept_reviewer", staff.dept.username);
  await login("acceptance_office", staff.office.username);
  const cAdmin = await login("admin", adminName);

  const paid = await cA.post(`/records/${aPay}/pay`, {});
  expect(paid.status).toBe(302);
  const orderNo = decodeURIComponent(paid.headers.get("location")!.split("?")[0].split("/").pop()!);
  const aDraft = await startApply(cA, plans.initial);
  draftApp = aDraft;
  await walkToSubmit(cA, aDraft, { base: server.url, stopAt: "pledge" });
  const token = ((await stepView(cA, aDraft, "pledge")).data.view.signUrl as string).split("/").pop()!;

  const paper = (await getCategory(db, "paper"))!;
  const paperSample = JSON.parse(fs.readFileSync(path.join(FIXTURES, "achievements/paper.json"), "utf8")).valid[0];
  const pending = await createEntry(db, a.id, paper, { ...paperSample, [paper.form.meta.titleField as string]: "待审核的论文" });
  const entriesOf = async (userId: number) => (await db.models.AchievementEntry.findAll({ where: { userId }, attributes: ["id"], raw: true })).map((e) => String(e.id));
  const filesOf = async (ownerId: number) => (await db.models.StoredFile.findAll({ where: { ownerId }, attributes: ["key"], raw: true })).map((f) => f.key);
  // A finished (failed) export job of the office, made directly: a real one would render PDFs.
  const job = await db.models.ExportJob.create({ userId: actors.get("acceptance_office")!.userId, status: "failed", applicationIds: [aPay], total: 1, done: 0, failed: 1, errors: [], message: "测试：导出失败", finishedAt: new Date() } as any)
    .catch((e) => (console.warn(`fuzz: no export job to aim at (${(e as Error).message}); its routes get only missing and garbage ids`), null));

  const categories = (await db.models.FormVersion.findAll({ attributes: ["formId"], raw: true })).map((f) => f.formId);
  const uniqForms = [...new Set(categories)];
  const slugs = uniqForms.filter((f) => f.startsWith("achievement/")).map((f) => f.slice("achievement/".length));
  const stepIds = [...new Set(fs.readdirSync(path.resolve(__dirname, "../../workflows")).filter((f) => f.endsWith(".json") && !f.startsWith("plan-types")).flatMap((f) => (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../workflows", f), "utf8")).steps ?? []).map((s: { id: string }) => s.id)))];
  const { listDictionaries } = await import("~/engine/dictionaries.server");
  const dictIds = (await listDictionaries(db)).map((d) => d.id);
  const ids = (xs: number[]) => xs.map(String);
  // A 单位注册 of the applicants' unit, 待审核 (its PDF's bytes are not there: downloads answer 404).
  const registration = await db.models.UnitRegistration.create({
    unitId: unit, status: "pending", agentName: "经办人", agentIdNumber: "330102198004150024", agentMobile: "13900000011", submittedByName: "经办人",
    submittedByIdNumber: "330102198004150024", fileKey: `f_${"a".repeat(32)}`, fileName: "委托证明.pdf", fileSize: 100, fileSha256: "0".repeat(64),
  });

  Object.assign(anyIds, {
    application: ids([aPay, aRec, aDraft, bReview, aPub, aVote]), entry: [...(await entriesOf(a.id)), ...(await entriesOf(b.id))], user: ids([...actors.values()].map((x) => x.userId).concat(b.id)),
    plan: ids([plans.review, plans.initial, plans.recognition]).concat("new"), exportJob: job ? [String(job.id)] : [], file: [...(await filesOf(a.id)), ...(await filesOf(b.id))],
    category: slugs, step: stepIds, form: uniqForms, dict: dictIds, provider: ["sandbox"], order: [orderNo], token: [token],
    type: ["title-review", "graduate-initial", "new"], template: ["review-form/title-review", "pledge", "new"], unitRegistration: [String(registration.id)],
    meeting: [String(meeting.id)],
  } satisfies Partial<Record<Kind, string[]>>);
  Object.assign(others, { application: ids([bReview]), entry: await entriesOf(b.id), user: ids([b.id]), file: await filesOf(b.id), exportJob: [] });
  const me = (role: Role) => [String(actors.get(role)!.userId)];
  own.set("applicant", { application: ids([aPay, aRec, aDraft]), entry: [...(await entriesOf(a.id))], user: me("applicant"), file: await filesOf(a.id), order: [orderNo], token: [token] });
  own.set("unit_reviewer", { application: ids([aRec, aPub]), entry: [String(pending.id)], user: me("unit_reviewer") });
  own.set("dept_reviewer", { application: ids([bReview]), user: me("dept_reviewer"), unitRegistration: [String(registration.id)] });
  own.set("acceptance_office", { application: ids([aPay, aVote]), exportJob: job ? [String(job.id)] : [], user: me("acceptance_office"), meeting: [String(meeting.id)] });
  own.set("admin", { user: me("admin"), plan: ids([plans.review]), unitRegistration: [String(registration.id)] });

  // Valid bodies the fuzzer mutates, so runs get past the first checks.
  samples.profile = validProfile(unit);
  for (const slug of slugs) {
    const f = path.join(FIXTURES, "achievements", `${slug}.json`);
    if (fs.existsSync(f)) samples.archive[slug] = JSON.parse(fs.readFileSync(f, "utf8")).valid[0];
  }
  const specialty = (await db.models.Specialty.findByPk(plain(await db.models.Plan.findByPk(plans.review))!.specialtyIds[0], { raw: true }))!.name;
  samples.applicationForms = ["application/title-review", "application/graduate-initial", "application/transfer-recognition"].map((id) => formData(id, specialty));
  const { id: _p, version: _v, createdAt: _c, updatedAt: _u, ...planValues } = plain(await db.models.Plan.findByPk(plans.review)) as any;
  samples.plan = planValues;
  const { id: _d, createdAt: _dc, updatedAt: _du, ...unitRow } = (await db.models.Unit.findByPk(unit, { raw: true })) as any;
  samples.dictRow = unitRow;
  for (const formId of ["achievement/paper", "application/title-review", "profile"]) {
    const row = await db.models.FormVersion.findOne({ where: { formId }, order: [["version", "DESC"]], raw: true }) as any;
    if (row) samples.formDefs[formId] = JSON.stringify({ title: row.title, schema: row.schema, uiSchema: row.uiSchema, meta: row.meta });
  }
  samples.bundle = await (await cAdmin.get("/admin/config/export")).text();
  samples.signature = await signaturePng();

  const citations = path.join(FIXTURES, "citations");
  uploadContents = [
    { name: "a.pdf", type: "application/pdf", data: FILES.pdf },
    { name: "a.png", type: "image/png", data: FILES.png },
    { name: "证件照.jpg", type: "image/jpeg", data: await photoJpeg() },
    { name: "a.jpg", type: "image/jpeg", data: FILES.jpeg },
    { name: "a.gif", type: "image/gif", data: FILES.gif },
    { name: "a.html", type: "text/html", data: FILES.html },
    { name: "a.docx", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data: FILES.docx() },
    ...fs.readdirSync(citations).map((f) => ({ name: f, type: "text/plain", data: fs.readFileSync(path.join(citations, f)) })),
    { name: "bomb.bib", type: "text/plain", data: bibtexBomb(22) },
    { name: "units.csv", type: "text/csv", data: `名称,统一社会信用代码\n${ODD_STRINGS.slice(0, 60).map((s) => `"${s.replace(/"/g, '""')}",${s}`).join("\n")}\n` },
    { name: "deep.json", type: "application/json", data: deepJson(100_000, "array").text },
    { name: "redos.txt", type: "text/plain", data: REDOS_VALUE },
  ];

  startPoller();
}, 600_000);

afterAll(async () => {
  health.running = false;
  await poller;
  await ctx?.stop();
});

/** Runs per role: the roles a route lets in share most of them; the refused roles get a few. */
const RUNS_ALLOWED = Math.max(1, Math.round(32 * SCALE));
const RUNS_REFUSED = Math.max(1, Math.round(3 * SCALE));

async function allowedRoles(route: RouteModule, method: "GET" | "POST") {
  const out: Role[] = [];
  for (const role of ROLES) {
    const params = Object.fromEntries(route.params.map((p) => {
      const kind = kindOf(route, p);
      return [p, (kind && (own.get(role)?.[kind]?.[0] ?? anyIds[kind]?.[0])) || "1"];
    }));
    const status = await send(route, method, { role, params, query: [], data: false, body: method === "POST" ? { kind: "json", entries: [] } : { kind: "none" } });
    const res = status ?? 0;
    // 403, or sent to log in: the role is refused before its body is read.
    if (res !== 403 && !(res === 302 && role === "anonymous" && route.pattern !== "/login")) out.push(role);
  }
  return out;
}

async function fuzzRoute(route: RouteModule, method: "GET" | "POST", weight = 1) {
  if (dead) throw new Error(`the server died earlier: ${dead}`);
  const before = findings.length;
  const allowed = await allowedRoles(route, method);
  const seed = (SEED ^ hash32(`${method} ${route.id}`)) >>> 0;
  for (const role of ROLES) {
    const numRuns = allowed.includes(role) ? Math.max(Math.ceil(weight * 4), Math.ceil((RUNS_ALLOWED * weight) / allowed.length)) : RUNS_REFUSED;
    const arb = method === "POST" ? postPlanArb(route, role) : getPlanArb(route, role);
    // A 5xx is recorded and the runs go on; only a request that found the server gone (or a bug
    // here) stops them. The counterexample itself is not printed: it may be megabytes.
    const run = await fc.check(
      fc.asyncProperty(arb, async (p) => {
        await send(route, method, p);
      }),
      { seed: (seed ^ hash32(role)) >>> 0, numRuns, endOnFailure: true },
    );
    if (run.failed) {
      const why = dead ?? String(((run as { errorInstance?: unknown }).errorInstance as Error | undefined)?.stack ?? "property failed");
      throw new Error(`${route.id} as ${role}, run ${run.numRuns}: ${why}\nreproduce with FUZZ_SEED=${SEED} FUZZ_ROUTE=${route.id}`);
    }
  }
  await restoreActors();
  const mine = findings.slice(before);
  if (mine.length) {
    const seen = new Set<string>();
    const lines = mine.filter((f) => {
      const k = `${f.role} ${f.status} ${f.log.split("\n")[0]}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }).map((f) => `  [${f.status || "no answer"}] ${f.method} ${f.url} as ${f.role}\n    body: ${f.body}\n    log: ${f.log.replace(/\n/g, "\n         ")}`);
    throw new Error(`${mine.length} answer(s) 5xx or none from ${route.id} — reproduce with FUZZ_SEED=${SEED} FUZZ_ROUTE=${route.id}\n${lines.join("\n")}`);
  }
}

describe("fuzz: hostile bodies to every action, as every role", () => {
  it("found the action routes in app/routes", () => {
    if (!ONLY) expect(ACTION_ROUTES.length).toBeGreaterThanOrEqual(25);
    for (const r of ACTION_ROUTES) for (const p of r.params) expect.soft(kindOf(r, p), `${r.id} :${p} has a row in PARAM_KINDS`).not.toBeNull();
  });

  it.each(ACTION_ROUTES.map((r) => [r.id, r] as const))("POST %s: no 5xx", async (_, route) => {
    await fuzzRoute(route, "POST");
  }, 600_000);
});

describe("fuzz: hostile params and queries to every loader, as every role", () => {
  it.each(LOADER_ROUTES.map((r) => [r.id, r] as const))("GET %s: no 5xx", async (_, route) => {
    await fuzzRoute(route, "GET", 0.25);
  }, 600_000);
});

// Issue 10, item 1: a chunked body (no Content-Length) over an upload's limit must be refused,
// and must not take the server down, whichever upload route it goes to.
describe("fuzz: oversize chunked uploads to every upload route", () => {
  const OVERSIZE = Buffer.alloc(12 * 1024 * 1024, 0x41);
  const TRIES = 3;
  /** A real target for each kind of param an upload route has. */
  const uploadParam = (route: RouteModule, p: string, role: Role) => {
    const kind = kindOf(route, p);
    if (kind === "application") return String(draftApp);
    if (kind === "step") return "photo";
    if (kind === "category") return "paper";
    if (kind === "dict") return "units";
    return (kind && (own.get(role)?.[kind]?.[0] ?? anyIds[kind]?.[0])) || "1";
  };

  it.each(ACTION_ROUTES.filter((r) => r.multipart).map((r) => [r.id, r] as const))("%s: refused, the server stays up", async (_, route) => {
    if (dead) throw new Error(`the server died earlier: ${dead}`);
    const role: Role = /^routes\/admin\./.test(route.id) ? "admin" : "applicant";
    const params = Object.fromEntries(route.params.map((p) => [p, uploadParam(route, p, role)]));
    const before = findings.length;
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < TRIES; i++) {
      const version = await currentVersion(route, params, role);
      statuses.push(await send(route, "POST", {
        role, params, data: true,
        query: [["intent", "upload"], ["version", version], ["form", "achievement/education"], ["field", "attachments"]],
        body: { kind: "multipart", chunked: true, parts: [{ name: "file", filename: "扫描件.pdf", type: "application/pdf", data: OVERSIZE }] },
      }));
    }
    expect(findings.slice(before)).toEqual([]);
    // Each answered with a refusal (or the connection was closed after it); never a success.
    for (const st of statuses) if (st !== undefined) expect(st).toBeGreaterThanOrEqual(400);
    expect(await alive()).toBe(true);
  }, 300_000);
});

describe("fuzz: the server held", () => {
  it("never stopped, and /healthz answered throughout", async () => {
    if (health.slow.length) console.log(`fuzz: /healthz took over 2 s ${health.slow.length} time(s):\n${health.slow.join("\n")}`);
    if (transport.length) console.log(`fuzz: ${transport.length} request(s) ended without an answer (connection closed), e.g.\n${transport.slice(0, 10).join("\n")}`);
    console.log(`fuzz: seed ${SEED}; answers ${[...answered].sort().map(([k, v]) => `${k} ${v}`).join(", ")}, ${transport.length} without an answer; /healthz answered ${health.ok} times meanwhile`);
    expect(dead).toBeNull();
    expect(await alive()).toBe(true);
    expect(health.failed).toEqual([]);
    expect(health.ok).toBeGreaterThan(10);
  });
});
