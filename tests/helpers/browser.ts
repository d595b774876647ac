// Real Chromium (puppeteer-core) against the built server: launching, the production build,
// and page helpers for hydration, navigation and the antd/RJSF controls the forms use.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from "puppeteer-core";
import { expect } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

/** Whether build/index.js is there and the browser assets it names (its manifest) are too: a
 * build that was interrupted or failed leaves public/build empty. */
function isBuilt() {
  const server = path.join(ROOT, "build/index.js");
  if (!fs.existsSync(server)) return false;
  const manifest = fs.readFileSync(server, "utf8").match(/manifest-[A-Za-z0-9]+\.js/)?.[0];
  return !!manifest && fs.existsSync(path.join(ROOT, "public/build", manifest));
}

/** Builds build/ and public/build unless a complete build is there (as `npm start` needs them). */
export function ensureBuilt() {
  if (!isBuilt()) {
    // antd CSS extraction + remix build; vitest sets NODE_ENV=test, which would give a dev build.
    execSync("npm run build", { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  }
}

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A page with the desktop viewport the app is laid out for and a default timeout for waits. */
export async function newPage(owner: Browser | BrowserContext, timeout = 20_000): Promise<Page> {
  const page = await owner.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.setDefaultTimeout(timeout);
  return page;
}

/** Hands a session taken over HTTP (tests/helpers/http.ts Client's cookie jar) to the browser. */
export async function setSessionCookies(page: Page, baseUrl: string, cookies: Map<string, string>) {
  const domain = new URL(baseUrl).hostname;
  for (const [name, value] of cookies) await page.setCookie({ name, value, domain, path: "/" });
}

/** Text without white space: antd puts a space between the two characters of a button label
 * such as 保存 (rendered 「保 存」), so labels are compared squashed. */
export const squash = (s: string) => s.replace(/\s+/g, "");

/** Helpers bound to one page. Waits use the page's default timeout unless told otherwise. */
export function pageHelpers(page: Page) {
  const pathname = () => new URL(page.url()).pathname;

  const waitForPath = (p: string, timeout?: number) =>
    page.waitForFunction((want) => location.pathname === want, timeout ? { timeout } : {}, p);

  /** Server-rendered HTML shows before React hydrates it; input or clicks before then are lost. */
  const hydrated = (timeout?: number) =>
    page.waitForFunction(
      () => Object.keys(document.querySelector("main") ?? {}).some((k) => k.startsWith("__reactFiber$")),
      timeout ? { timeout } : {},
    );

  const text = (selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText);

  /** Waits until the element's visible text contains `want`. */
  const waitForText = (selector: string, want: string, timeout?: number) =>
    page.waitForFunction(
      (sel, w) => ((document.querySelector(sel) as HTMLElement | null)?.innerText ?? "").includes(w),
      timeout ? { timeout } : {},
      selector,
      want,
    );

  /** Clicks an option of the antd Select dropdown that is currently open. */
  async function pickOption(label: string) {
    const selector = `.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label}"]`;
    // The dropdown's virtual list can re-render the option between finding and clicking it (while
    // it is still animating in); find it again and retry rather than fail on a detached node.
    for (let attempt = 0; ; attempt++) {
      const option = await page.waitForSelector(selector, { visible: true });
      try {
        await option!.click();
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    await page.waitForSelector(".ant-select-dropdown:not(.ant-select-dropdown-hidden)", { hidden: true });
  }

  /** An RJSF enum select: open it, narrow the list by typing, pick the option. */
  async function chooseEnum(id: string, label: string) {
    await page.click(`#${id}`);
    await page.type(`#${id}`, label);
    await pickOption(label);
    expect(await page.$eval(`#${id}`, (el) => (el.closest(".ant-select") as HTMLElement).innerText)).toContain(label);
  }

  /** An antd DatePicker (date or month picker): type the value into its input and confirm with Enter. */
  async function typeDate(id: string, value: string) {
    await page.click(`#${id}`);
    await page.type(`#${id}`, value);
    await page.keyboard.press("Enter");
    await page.waitForFunction((sel, v) => (document.querySelector(sel) as HTMLInputElement).value === v, {}, `#${id}`, value);
  }

  /**
   * Puts `value` into a text input or textarea, replacing what is there: all but the last character
   * arrive as one input event (React's onChange sees it like a paste), the last one as a real
   * keystroke. Typing every character re-renders the whole form each time, which makes the test
   * slow on a loaded machine.
   */
  async function fill(selector: string, value: string) {
    // After a client-side navigation the new page's fields appear a render after the URL changes.
    await page.waitForSelector(selector);
    await page.$eval(selector, (el, v) => {
      const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, value.slice(0, -1));
    await page.type(selector, value.slice(-1));
    expect(await page.$eval(selector, (el) => (el as HTMLInputElement).value)).toBe(value);
  }

  /**
   * The enabled button inside `scope` whose label (white space ignored) is `label`; waits for it.
   * An antd button in its loading state is not disabled but ignores clicks (its spinner clears in
   * an effect after the render that ends the navigation), so a loading button does not count.
   */
  async function button(label: string, scope = "main") {
    const handle = await page.waitForFunction(
      (sc, l) =>
        [...document.querySelectorAll<HTMLButtonElement>(`${sc} button`)].find(
          (b) =>
            b.innerText.replace(/\s+/g, "") === l && !b.disabled && b.offsetParent !== null && !b.classList.contains("ant-btn-loading"),
        ) ?? null,
      {},
      scope,
      label,
    );
    return handle.asElement() as ElementHandle<HTMLButtonElement>;
  }

  /** Clicks a button. One in a modal or drawer gets the click as a DOM event on the button itself:
   * a mouse click goes to the coordinates measured a moment before, and while antd's dialog is
   * still appearing (its zoom starts a frame after it is shown) those can be on the mask, which
   * closes the dialog instead — seen under CI load as a 发布新版本 that never published. */
  const clickButton = async (label: string, scope = "main") => {
    const b = await button(label, scope);
    if (await b.evaluate((el) => !!el.closest(".ant-modal-root, .ant-drawer"))) await b.evaluate((el) => el.click());
    else await b.click();
  };

  /** Labels of the buttons inside `scope`, white space removed. */
  const buttonLabels = (scope = "main") =>
    page.$$eval(`${scope} button`, (bs) => bs.map((b) => (b as HTMLElement).innerText.replace(/\s+/g, "")));

  /** A full page load, then hydration: the page is ready for input. */
  async function open(url: string) {
    await page.goto(url, { waitUntil: "load" });
    await hydrated();
  }

  return { page, pathname, waitForPath, hydrated, text, waitForText, pickOption, chooseEnum, typeDate, fill, button, clickButton, buttonLabels, open };
}

export type PageHelpers = ReturnType<typeof pageHelpers>;

/** Signs in through the 个人用户登录 page (the one login form for every role) and waits to leave it. */
export async function loginThroughPage(h: PageHelpers, baseUrl: string, username: string, password: string) {
  await h.open(`${baseUrl}/login`);
  await h.page.type("#username", username);
  await h.page.type("#password", password);
  await h.clickButton("登录", "form[aria-label='个人用户登录']");
  await h.page.waitForFunction(() => location.pathname !== "/login" || !!document.querySelector("[role=alert]"));
  if (h.pathname() === "/login") throw new Error(`login failed: ${await h.text("[role=alert]")}`);
}

/**
 * English UI words RJSF or antd show when a locale or a translation is missing (buttons, the
 * error list, ajv messages, picker, pagination and payment texts), as whole words and
 * case-sensitive, so data such as "PDF", "JPG" or an e-mail address does not count.
 */
const ENGLISH = /\b(Submit|Yes|No|Add Item|Add|Remove|Delete|Errors?|Upload|Select|Cancel|OK|Next|Previous|Back|Loading|Required|required|Please|Search|Today|Now|Clear|Close|must|should|Invalid|invalid|Page|items?|No data|Jan|Feb|Dec|Pay|Confirm|Approve|Reject|Download)\b/;

/** Fails when the page's visible text shows an untranslated English UI word. */
export async function noEnglish(page: Page, where: string) {
  const text = await page.evaluate(() => document.body.innerText);
  const hit = ENGLISH.exec(text);
  expect(hit ? `${hit[0]} in …${text.slice(Math.max(0, hit.index - 60), hit.index + 60)}…` : null, where).toBeNull();
}

/** Clicks the label in `scope` whose visible text contains `text` (a radio, a checkbox). */
export async function clickText(h: PageHelpers, scope: string, text: string) {
  const handle = await h.page.waitForFunction(
    (sc, t) => [...document.querySelectorAll<HTMLElement>(`${sc} label`)].find((el) => el.innerText.includes(t) && el.offsetParent !== null) ?? null,
    {}, scope, text,
  );
  await (handle.asElement() as ElementHandle<HTMLElement>).click();
}

/** Clicks the visible element matching `selector` whose text is `text` (a tab, a step of a step bar). */
export async function clickNamed(h: PageHelpers, selector: string, text: string) {
  const handle = await h.page.waitForFunction(
    (sel, t) => [...document.querySelectorAll<HTMLElement>(sel)].find((el) => el.innerText.trim() === t && el.offsetParent !== null) ?? null,
    {}, selector, text,
  );
  await (handle.asElement() as ElementHandle<HTMLElement>).click();
}

/**
 * Runs one step of a test with several people in browsers; on failure the message gets where
 * every person's page stood (address and visible text) and a DefinitionError's problems.
 */
export async function explainingPages(people: Record<string, { h: PageHelpers }>, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    const where: string[] = [];
    for (const [who, p] of Object.entries(people)) {
      const text = await p.h.page.evaluate(() => document.body.innerText).catch(() => "");
      where.push(`--- ${who}: ${p.h.page.url()}\n${text.slice(0, 1500)}`);
    }
    const problems = (e as { problems?: string[] }).problems ?? [];
    throw Object.assign(e as Error, { message: `${(e as Error).message}${problems.length ? `\n${problems.join("\n")}` : ""}\n${where.join("\n")}` });
  }
}

// ---- accessibility and phone width (issue 16 items 12, 13) ----

export interface AxeFinding { id: string; impact: string; help: string; nodes: string[] }

/** Runs axe-core in the page (its source injected once per document); the serious and critical
 * violations, each with up to five of its nodes (selector and what fails). */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => "axe" in window))) {
    const { default: axe } = await import("axe-core");
    await page.addScriptTag({ content: axe.source });
  }
  return page.evaluate(async () => {
    // Colours are measured once the page stands still (a help text fading in is not yet its colour).
    await Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined)));
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({
      id: v.id, impact: v.impact!, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 200)}`),
    }));
  });
}

/**
 * What does not fit the window: the document or a table's scroll container wider than its box,
 * and text of two or more characters laid out one character per line (a header or a button
 * squeezed to one character's width). Empty when the page holds.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth} px wide`);
    for (const el of document.querySelectorAll<HTMLElement>(".ant-table-content, .ant-table-body, .ant-table-container, .ant-table-wrapper")) {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) out.push(`table container ${el.scrollWidth} > ${el.clientWidth} px: ${el.innerText.slice(0, 60)}`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const chars = [...(n.textContent ?? "").replace(/\s+/g, "")];
      if (chars.length < 2) continue;
      const parent = n.parentElement;
      if (!parent || parent.closest("script, style, iframe, [aria-hidden='true']") || parent.offsetParent === null) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size >= chars.length) out.push(`one character per line: 「${chars.join("")}」 in <${parent.tagName.toLowerCase()} class="${parent.className}">`);
    }
    return out;
  });
}
