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
  sqlitePath: string;
  sessionSecrets: string[];
  demoMode: boolean;
  chromiumPath: string;
  /** Extra origins allowed on non-GET requests (behind a proxy), besides the request's own. */
  trustedOrigins: string[];
  /** Directory for uploads and other runtime files. */
  dataDir: string;
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
  /** HMAC key of the sandbox payment provider; null = sandbox off (production without DEMO_MODE). */
  paymentSandboxSecret: string | null;
  /** Failed logins from one client address per window before its logins are refused; 0 = no limit. */
  loginIpMaxFailures: number;
  loginIpWindowMs: number;
}

function bool(v: string | undefined, def: boolean) {
  if (v === undefined || v === "") return def;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`环境变量取值无效：${v}（应为 true/false）`);
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
  return {
    nodeEnv,
    port,
    databaseUrl,
    sqlitePath,
    sessionSecrets: secrets,
    demoMode: bool(source.DEMO_MODE, false),
    chromiumPath: source.CHROMIUM_PATH ?? "/usr/bin/chromium",
    trustedOrigins: (source.TRUSTED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    dataDir,
    formsDir: path.resolve(projectRoot, source.FORMS_DIR ?? "forms"),
    workflowsDir: path.resolve(projectRoot, source.WORKFLOWS_DIR ?? "workflows"),
    templatesDir: path.resolve(projectRoot, source.TEMPLATES_DIR ?? "templates"),
    dictionariesDir: path.resolve(projectRoot, source.DICTIONARIES_DIR ?? "dictionaries"),
    projectRoot,
    logSql: bool(source.LOG_SQL, false),
    webConcurrency,
    // A dev default only where no real money can be involved (development, test, demo).
    paymentSandboxSecret: source.PAYMENT_SANDBOX_SECRET?.trim()
      || (nodeEnv !== "production" || bool(source.DEMO_MODE, false) ? "dev-only-payment-sandbox-secret" : null),
    loginIpMaxFailures,
    loginIpWindowMs: loginIpWindowMinutes * 60_000,
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
