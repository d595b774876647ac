// The one place that reads process.env. Everything else asks getEnv(); it is checked once
// (at first use, which server.ts makes happen at boot) and a bad value stops the process
// with a message naming the variable.
import fs from "node:fs";
import path from "node:path";

export interface Env {
  nodeEnv: "development" | "production" | "test";
  port: number;
  /** Postgres URL, or null for the embedded SQLite default. */
  databaseUrl: string | null;
  /** Postgres read replicas (DATABASE_READ_URLS): reads outside transactions go there. */
  databaseReadUrls: string[];
  /** After a user's write, their pages read the primary for this long (replication lag), ms. */
  readYourWritesMs: number;
  sqlitePath: string;
  sessionSecrets: string[];
  demoMode: boolean;
  chromiumPath: string;
  /** The site's public origin (scheme://host[:port]). Every absolute URL the app builds (payment
   * callback and return page, the pledge QR link) and the CSRF check use it, never the request's
   * Host header. Required in production; http://localhost:PORT in development, tests and demo. */
  publicOrigin: string;
  /** How applicants and staff sign in (issue 14), and the identity providers configured. */
  identity: IdentityConfig;
  /** How units sign in (法人登录, 单位注册): off, or the ticket service's 法人 login. */
  unitIdentity: UnitIdentity;
  /** Extra origins allowed on non-GET requests (behind a proxy), besides publicOrigin. */
  trustedOrigins: string[];
  /** Directory for uploads and other runtime files. */
  dataDir: string;
  /** STORAGE_URL: where uploads, generated PDFs and export ZIPs live. null = on disk under dataDir. */
  storage: S3Location | null;
  /** The form definition files (default <project>/forms). */
  formsDir: string;
  /** The workflow (application type) definition files (default <project>/workflows). */
  workflowsDir: string;
  /** Handlebars templates: pledge, review forms (default <project>/templates). */
  templatesDir: string;
  /** Dictionary declarations (default <project>/dictionaries). */
  dictionariesDir: string;
  projectRoot: string;
  logSql: boolean;
  /** Server processes (node:cluster workers); 1 = no cluster. */
  webConcurrency: number;
  /** Per-user limits on stored files (uploads, photos, signatures), referenced or not. */
  uploadQuota: { files: number; bytes: number };
  /** HMAC key of the sandbox payment provider; null = sandbox off (production without DEMO_MODE). */
  paymentSandboxSecret: string | null;
  /** Who sends SMS notifications: the sandbox (records, sends nothing) or none (no SMS at all). */
  smsProvider: "sandbox" | "none";
  /** How often each server looks for notifications to write and SMS to send, ms. */
  notifyIntervalMs: number;
  /** Failed logins from one client address per window before its logins are refused; 0 = no limit. */
  loginIpMaxFailures: number;
  loginIpWindowMs: number;
  /** The warm PDF browser is closed after this long without a render, ms; 0 = kept until shutdown. */
  pdfBrowserIdleMs: number;
  /** A batch export whose runner has not written a heartbeat for this long is taken as dead, ms. */
  exportHeartbeatTimeoutMs: number;
  /** json: one JSON object per log line with the request id (production default); text otherwise. */
  logFormat: "json" | "text";
  /** inline: PDFs rendered in this process; worker: by render workers over pg-boss (Postgres only). */
  renderMode: "inline" | "worker";
  /** Prometheus /metrics on this port (null = off), bound to metricsHost. */
  metricsPort: number | null;
  metricsHost: string;
}

/** How a group of people signs in: local passwords, the province's ticket service, or OIDC. */
export type IdentityKind = "local" | "ticket" | "oidc";
export const IDENTITY_KINDS: readonly IdentityKind[] = ["local", "ticket", "oidc"];

/** The province's ticket service (or the sandbox that imitates it), as configured. */
export interface TicketIdentityConfig {
  kind: "ticket";
  /** The provider's login page: the browser goes there with servicecode and goto. */
  loginUrl: string;
  /** Where we exchange a ticket for the person, server to server (signed POST). */
  exchangeUrl: string;
  /** The provider's logout page (servicecode and goto), or null when it has none. */
  logoutUrl: string | null;
  serviceCode: string;
  secret: string;
  /** The app serves the provider itself under /sandbox-idp (demo and tests only). */
  sandbox: boolean;
  /** Our field ← the provider's field in the exchange's answer. */
  fields: PersonFields;
}

/** A standard OpenID Connect provider (authorization code + PKCE). */
export interface OidcIdentityConfig {
  kind: "oidc";
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Our field ← the ID token's (or userinfo's) claim. */
  claims: PersonFields;
  /** The sign-in button says 通过{label}登录. */
  label: string;
  /** Plain http to the issuer: only for a loopback issuer (a local proxy, the tests). */
  allowHttp: boolean;
}

export interface PersonFields { name: string; idNumber: string; mobile: string }

/** Who signs in how (issue 14): applicants and staff separately, each provider configured once. */
export interface IdentityConfig {
  applicants: IdentityKind;
  staff: IdentityKind;
  ticket: TicketIdentityConfig | null;
  oidc: OidcIdentityConfig | null;
}

function identityKindOf(name: string, v: string | undefined): IdentityKind {
  const kind = (v ?? "local").trim() || "local";
  if (!(IDENTITY_KINDS as readonly string[]).includes(kind)) throw new Error(`${name} must be local, ticket or oidc, got ${kind}`);
  return kind as IdentityKind;
}

function fieldMap(name: string, v: string | undefined, defaults: PersonFields): PersonFields {
  const fields = { ...defaults };
  for (const pair of (v ?? "").split(",").map((x) => x.trim()).filter(Boolean)) {
    const [ours, theirs] = pair.split("=").map((x) => x.trim());
    if (!(ours in fields) || !theirs) throw new Error(`${name}: "${pair}" is not one of name=…, idNumber=…, mobile=…`);
    fields[ours as keyof PersonFields] = theirs;
  }
  return fields;
}

function httpUrl(name: string, v: string | undefined, why: string): string {
  const raw = v?.trim() ?? "";
  try {
    const u = new URL(raw);
    if (u.protocol === "https:" || u.protocol === "http:") return u.toString();
  } catch {
    /* reported below */
  }
  throw new Error(`${why} needs ${name} (an http(s) URL), got "${raw}"`);
}

function identityOf(source: Record<string, string | undefined>, origin: string, devSecretsAllowed: boolean): IdentityConfig {
  const applicants = identityKindOf("APPLICANT_IDENTITY", source.APPLICANT_IDENTITY);
  const staff = identityKindOf("STAFF_IDENTITY", source.STAFF_IDENTITY);
  const uses = (k: IdentityKind) => applicants === k || staff === k;
  const why = (k: IdentityKind) => `${applicants === k ? "APPLICANT_IDENTITY" : "STAFF_IDENTITY"}=${k}`;
  return {
    applicants, staff,
    ticket: uses("ticket") ? ticketOf(source, origin, devSecretsAllowed, why("ticket")) : null,
    oidc: uses("oidc") ? oidcOf(source, why("oidc")) : null,
  };
}

function ticketOf(source: Record<string, string | undefined>, origin: string, devSecretsAllowed: boolean, why: string): TicketIdentityConfig {
  const sandbox = bool(source.IDENTITY_TICKET_SANDBOX, false);
  const secret = source.IDENTITY_TICKET_SECRET?.trim() || (sandbox && devSecretsAllowed ? "dev-only-identity-sandbox-secret" : "");
  if (!secret) throw new Error(`${why} needs IDENTITY_TICKET_SECRET (the key the identity service issued to this system)`);
  const fields = fieldMap("IDENTITY_TICKET_FIELDS", source.IDENTITY_TICKET_FIELDS, { name: "name", idNumber: "idnum", mobile: "mobile" });
  if (sandbox) {
    return {
      kind: "ticket", sandbox, secret, fields, serviceCode: "zcps-sandbox",
      loginUrl: `${origin}/sandbox-idp/login`, exchangeUrl: `${origin}/sandbox-idp/exchange`, logoutUrl: `${origin}/sandbox-idp/logout`,
    };
  }
  const serviceCode = source.IDENTITY_TICKET_SERVICE_CODE?.trim() ?? "";
  if (!serviceCode) throw new Error(`${why} needs IDENTITY_TICKET_SERVICE_CODE`);
  return {
    kind: "ticket", sandbox, secret, fields, serviceCode,
    loginUrl: httpUrl("IDENTITY_TICKET_LOGIN_URL", source.IDENTITY_TICKET_LOGIN_URL, why),
    exchangeUrl: httpUrl("IDENTITY_TICKET_EXCHANGE_URL", source.IDENTITY_TICKET_EXCHANGE_URL, why),
    logoutUrl: source.IDENTITY_TICKET_LOGOUT_URL?.trim() ? httpUrl("IDENTITY_TICKET_LOGOUT_URL", source.IDENTITY_TICKET_LOGOUT_URL, why) : null,
  };
}

function oidcOf(source: Record<string, string | undefined>, why: string): OidcIdentityConfig {
  const issuer = httpUrl("IDENTITY_OIDC_ISSUER", source.IDENTITY_OIDC_ISSUER, why);
  const host = new URL(issuer).hostname;
  const loopback = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  // Plain http only to a provider on this machine (a local proxy, the tests): the traffic never
  // leaves it. Anything else is https.
  const allowHttp = issuer.startsWith("http:") && loopback;
  if (issuer.startsWith("http:") && !allowHttp) throw new Error(`IDENTITY_OIDC_ISSUER must be https (plain http only for a loopback issuer), got "${issuer}"`);
  const clientId = source.IDENTITY_OIDC_CLIENT_ID?.trim() ?? "";
  const clientSecret = source.IDENTITY_OIDC_CLIENT_SECRET?.trim() ?? "";
  if (!clientId || !clientSecret) throw new Error(`${why} needs IDENTITY_OIDC_CLIENT_ID and IDENTITY_OIDC_CLIENT_SECRET (as registered at the provider)`);
  const scope = source.IDENTITY_OIDC_SCOPE?.trim() || "openid profile";
  if (!scope.split(/\s+/).includes("openid")) throw new Error(`IDENTITY_OIDC_SCOPE must include openid, got "${scope}"`);
  return {
    kind: "oidc", issuer, clientId, clientSecret, scope, allowHttp,
    claims: fieldMap("IDENTITY_OIDC_CLAIMS", source.IDENTITY_OIDC_CLAIMS, { name: "name", idNumber: "id_number", mobile: "phone_number" }),
    label: source.IDENTITY_OIDC_LABEL?.trim() || "统一身份认证",
  };
}

function smsProviderOf(v: string | undefined, sandboxByDefault: boolean): Env["smsProvider"] {
  const p = v?.trim() || (sandboxByDefault ? "sandbox" : "none");
  if (p !== "sandbox" && p !== "none") throw new Error(`SMS_PROVIDER must be sandbox or none, got "${p}"`);
  return p;
}

/** The ticket service's 法人 login (or its sandbox): the answer names the unit and the person at the keyboard. */
export interface UnitTicketConfig {
  kind: "ticket";
  loginUrl: string;
  exchangeUrl: string;
  serviceCode: string;
  secret: string;
  sandbox: boolean;
  /** Our field ← the provider's field in the exchange's answer. */
  fields: { creditCode: string; unitName: string; name: string; idNumber: string; mobile: string };
}
export type UnitIdentity = { kind: "off" } | UnitTicketConfig;

/** UNIT_IDENTITY=off|ticket; with ticket it shares the service's code, secret and sandbox switch with applicants. */
function unitIdentityOf(source: Record<string, string | undefined>, origin: string, devSecretsAllowed: boolean): UnitIdentity {
  const kind = (source.UNIT_IDENTITY ?? "off").trim() || "off";
  if (kind === "off") return { kind: "off" };
  if (kind !== "ticket") throw new Error(`UNIT_IDENTITY must be off or ticket, got ${kind}`);
  const sandbox = bool(source.IDENTITY_TICKET_SANDBOX, false);
  const secret = source.IDENTITY_TICKET_SECRET?.trim() || (sandbox && devSecretsAllowed ? "dev-only-identity-sandbox-secret" : "");
  if (!secret) throw new Error("UNIT_IDENTITY=ticket needs IDENTITY_TICKET_SECRET (the key the identity service issued to this system)");
  const fields = { creditCode: "creditcode", unitName: "unitname", name: "name", idNumber: "idnum", mobile: "mobile" };
  for (const pair of (source.IDENTITY_TICKET_UNIT_FIELDS ?? "").split(",").map((x) => x.trim()).filter(Boolean)) {
    const [ours, theirs] = pair.split("=").map((x) => x.trim());
    if (!(ours in fields) || !theirs) throw new Error(`IDENTITY_TICKET_UNIT_FIELDS: "${pair}" is not one of creditCode=…, unitName=…, name=…, idNumber=…, mobile=…`);
    fields[ours as keyof typeof fields] = theirs;
  }
  if (sandbox) {
    return { kind, sandbox, secret, fields, serviceCode: "zcps-sandbox", loginUrl: `${origin}/sandbox-idp/unit-login`, exchangeUrl: `${origin}/sandbox-idp/unit-exchange` };
  }
  const serviceCode = source.IDENTITY_TICKET_SERVICE_CODE?.trim() ?? "";
  if (!serviceCode) throw new Error("UNIT_IDENTITY=ticket needs IDENTITY_TICKET_SERVICE_CODE");
  return { kind, sandbox, secret, fields, serviceCode, loginUrl: httpUrl("IDENTITY_TICKET_UNIT_LOGIN_URL", source.IDENTITY_TICKET_UNIT_LOGIN_URL, "UNIT_IDENTITY=ticket"), exchangeUrl: httpUrl("IDENTITY_TICKET_UNIT_EXCHANGE_URL", source.IDENTITY_TICKET_UNIT_EXCHANGE_URL, "UNIT_IDENTITY=ticket") };
}

function bool(v: string | undefined, def: boolean) {
  if (v === undefined || v === "") return def;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`环境变量取值无效：${v}（应为 true/false）`);
}

/** An http(s) origin with nothing after it ("https://zcps.example.gov.cn"), normalised; null when unset. */
function originOf(name: string, v: string | undefined): string | null {
  const raw = v?.trim();
  if (!raw) return null;
  let u: URL | null = null;
  try {
    u = new URL(raw);
  } catch {
    // reported below
  }
  if (!u || !/^https?:$/.test(u.protocol) || u.username || u.password || u.pathname !== "/" || u.search || u.hash || raw.endsWith("?") || raw.endsWith("#")) {
    throw new Error(`${name} must be an origin such as https://zcps.example.gov.cn (scheme, host and optional port, no path), got "${raw}"`);
  }
  return u.origin;
}

export interface S3Location {
  /** http(s)://host[:port] of an S3-compatible service, or null for AWS itself. */
  endpoint: string | null;
  bucket: string;
  /** Key prefix inside the bucket ("" or "zcps/"), so installs can share a bucket. */
  prefix: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

/**
 * STORAGE_URL for S3: `s3+http://KEY:SECRET@host:port/bucket/prefix` (or s3+https) for an
 * S3-compatible service, `s3://bucket/prefix` for AWS with its default credentials. `?region=`
 * (default us-east-1). Returns null for anything else; throws for a malformed s3 URL.
 */
export function parseS3Url(raw: string): S3Location | null {
  const m = /^s3(?:\+(https?))?:\/\//.exec(raw);
  if (!m) return null;
  let u: URL;
  try {
    u = new URL(raw.replace(/^s3(\+https?)?:/, "http:"));
  } catch {
    throw new Error("STORAGE_URL is not a URL");
  }
  const parts = u.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const region = u.searchParams.get("region") || "us-east-1";
  if (m[1]) {
    const bucket = parts.shift();
    if (!bucket) throw new Error("STORAGE_URL names no bucket: s3+http://KEY:SECRET@host:port/bucket[/prefix]");
    if (!u.username || !u.password) throw new Error("STORAGE_URL needs the access key and secret: s3+http://KEY:SECRET@host:port/bucket");
    return {
      endpoint: `${m[1]}://${u.host}`, bucket, prefix: parts.length ? `${parts.join("/")}/` : "", region,
      credentials: { accessKeyId: decodeURIComponent(u.username), secretAccessKey: decodeURIComponent(u.password) },
    };
  }
  return { endpoint: null, bucket: decodeURIComponent(u.hostname), prefix: parts.length ? `${parts.join("/")}/` : "", region, credentials: null };
}

function storageOf(v: string | undefined): S3Location | null {
  const raw = v?.trim();
  if (!raw) return null;
  const loc = parseS3Url(raw);
  if (!loc) throw new Error(`STORAGE_URL must be s3+http(s)://KEY:SECRET@host:port/bucket[/prefix] or s3://bucket[/prefix] (leave it unset for files under DATA_DIR), got "${raw.replace(/:[^:@/]*@/, ":***@")}"`);
  return loc;
}

/** A number of seconds (fractions allowed) as ms, at least `min` seconds. */
function seconds(name: string, v: string | undefined, def: number, min: number) {
  if (v === undefined || v.trim() === "") return def * 1000;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number of seconds ≥ ${min}, got "${v}"`);
  return Math.round(n * 1000);
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const projectRoot = path.resolve(source.PROJECT_ROOT ?? process.cwd());
  const nodeEnv = (source.NODE_ENV ?? "development") as Env["nodeEnv"];
  if (!["development", "production", "test"].includes(nodeEnv)) {
    throw new Error(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const port = Number(source.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT is not a port: ${source.PORT}`);
  const databaseUrl = source.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error("DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite default)");
  }
  const databaseReadUrls = (source.DATABASE_READ_URLS ?? "").split(",").map((u) => u.trim()).filter(Boolean);
  if (databaseReadUrls.length && !databaseUrl) throw new Error("DATABASE_READ_URLS needs DATABASE_URL (read replicas of a Postgres primary)");
  for (const u of databaseReadUrls) if (!/^postgres(ql)?:\/\//.test(u)) throw new Error("DATABASE_READ_URLS must be postgres:// URLs, comma-separated");
  const webConcurrency = Number(source.WEB_CONCURRENCY || 1);
  if (!Number.isInteger(webConcurrency) || webConcurrency < 1 || webConcurrency > 64) throw new Error(`WEB_CONCURRENCY must be 1–64, got ${source.WEB_CONCURRENCY}`);
  const loginIpMaxFailures = Number(source.LOGIN_IP_MAX_FAILURES || 100);
  if (!Number.isInteger(loginIpMaxFailures) || loginIpMaxFailures < 0) throw new Error(`LOGIN_IP_MAX_FAILURES must be a whole number ≥ 0, got ${source.LOGIN_IP_MAX_FAILURES}`);
  const loginIpWindowMinutes = Number(source.LOGIN_IP_WINDOW_MINUTES || 15);
  if (!Number.isInteger(loginIpWindowMinutes) || loginIpWindowMinutes < 1 || loginIpWindowMinutes > 24 * 60) throw new Error(`LOGIN_IP_WINDOW_MINUTES must be 1–1440, got ${source.LOGIN_IP_WINDOW_MINUTES}`);
  const dataDir = path.resolve(projectRoot, source.DATA_DIR ?? "var");
  const sqlitePath = path.resolve(projectRoot, source.SQLITE_PATH ?? path.join(dataDir, "zcps.sqlite"));
  const secrets = (source.SESSION_SECRET ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) {
    if (nodeEnv === "production" && !bool(source.DEMO_MODE, false)) {
      throw new Error("SESSION_SECRET is required in production (comma-separated list, newest first)");
    }
    secrets.push("dev-only-session-secret-change-me");
  }
  const quotaFiles = Number(source.UPLOAD_QUOTA_FILES || 1000);
  if (!Number.isInteger(quotaFiles) || quotaFiles < 1) throw new Error(`UPLOAD_QUOTA_FILES must be a positive integer, got ${source.UPLOAD_QUOTA_FILES}`);
  const quotaMb = Number(source.UPLOAD_QUOTA_MB || 2048);
  if (!Number.isInteger(quotaMb) || quotaMb < 1 || quotaMb > 1_000_000) throw new Error(`UPLOAD_QUOTA_MB must be a whole number of MB (1–1000000), got ${source.UPLOAD_QUOTA_MB}`);
  const demoMode = bool(source.DEMO_MODE, false);
  const publicOrigin = originOf("PUBLIC_ORIGIN", source.PUBLIC_ORIGIN);
  if (!publicOrigin && nodeEnv === "production" && !demoMode) {
    throw new Error("PUBLIC_ORIGIN is required in production: the address users open, e.g. https://zcps.example.gov.cn");
  }
  const logFormat = (source.LOG_FORMAT?.trim() || (nodeEnv === "production" && !demoMode ? "json" : "text")) as Env["logFormat"];
  if (!["json", "text"].includes(logFormat)) throw new Error(`LOG_FORMAT must be json or text, got "${source.LOG_FORMAT}"`);
  const metricsPort = source.METRICS_PORT?.trim() ? Number(source.METRICS_PORT) : null;
  if (metricsPort !== null && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) throw new Error(`METRICS_PORT is not a port: ${source.METRICS_PORT}`);
  const renderMode = (source.RENDER_MODE?.trim() || "inline") as Env["renderMode"];
  if (!["inline", "worker"].includes(renderMode)) throw new Error(`RENDER_MODE must be inline or worker, got "${source.RENDER_MODE}"`);
  if (renderMode === "worker" && !databaseUrl) throw new Error("RENDER_MODE=worker needs Postgres (DATABASE_URL): the render queue is pg-boss");
  return {
    nodeEnv,
    port,
    databaseReadUrls,
    readYourWritesMs: seconds("READ_YOUR_WRITES_SECONDS", source.READ_YOUR_WRITES_SECONDS, 10, 1),
    logFormat,
    renderMode,
    metricsPort,
    metricsHost: source.METRICS_HOST?.trim() || "0.0.0.0",
    databaseUrl,
    sqlitePath,
    sessionSecrets: secrets,
    demoMode,
    publicOrigin: publicOrigin ?? `http://localhost:${port}`,
    identity: identityOf(source, publicOrigin ?? `http://localhost:${port}`, nodeEnv !== "production" || demoMode),
    unitIdentity: unitIdentityOf(source, publicOrigin ?? `http://localhost:${port}`, nodeEnv !== "production" || demoMode),
    chromiumPath: source.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // Without PUBLIC_ORIGIN (development, demo) the machine's own loopback names are all accepted,
    // so a demo opened at 127.0.0.1 can post its forms as well as one opened at localhost.
    trustedOrigins: [
      ...(source.TRUSTED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      ...(publicOrigin ? [] : [`http://127.0.0.1:${port}`, `http://[::1]:${port}`]),
    ],
    dataDir,
    storage: storageOf(source.STORAGE_URL),
    formsDir: path.resolve(projectRoot, source.FORMS_DIR ?? "forms"),
    workflowsDir: path.resolve(projectRoot, source.WORKFLOWS_DIR ?? "workflows"),
    templatesDir: path.resolve(projectRoot, source.TEMPLATES_DIR ?? "templates"),
    dictionariesDir: path.resolve(projectRoot, source.DICTIONARIES_DIR ?? "dictionaries"),
    projectRoot,
    logSql: bool(source.LOG_SQL, false),
    webConcurrency,
    uploadQuota: { files: quotaFiles, bytes: quotaMb * 1024 * 1024 },
    // A dev default only where no real money can be involved (development, test, demo).
    paymentSandboxSecret: source.PAYMENT_SANDBOX_SECRET?.trim()
      || (nodeEnv !== "production" || bool(source.DEMO_MODE, false) ? "dev-only-payment-sandbox-secret" : null),
    smsProvider: smsProviderOf(source.SMS_PROVIDER, nodeEnv !== "production" || demoMode),
    notifyIntervalMs: seconds("NOTIFY_INTERVAL_SECONDS", source.NOTIFY_INTERVAL_SECONDS, 2, 1),
    loginIpMaxFailures,
    loginIpWindowMs: loginIpWindowMinutes * 60_000,
    pdfBrowserIdleMs: seconds("PDF_BROWSER_IDLE_SECONDS", source.PDF_BROWSER_IDLE_SECONDS, 300, 0),
    exportHeartbeatTimeoutMs: seconds("EXPORT_HEARTBEAT_TIMEOUT_SECONDS", source.EXPORT_HEARTBEAT_TIMEOUT_SECONDS, 60, 1),
  };
}

let cached: Env | undefined;
export function getEnv(): Env {
  if (!cached) {
    // A .env file in the project root, if any; variables already set win.
    const file = path.resolve(process.env.PROJECT_ROOT ?? process.cwd(), ".env");
    if (fs.existsSync(file)) process.loadEnvFile(file);
    cached = readEnv();
  }
  return cached;
}
