// The accessibility check of publisher's HTML pages, in a real browser.
//
//   node tests/browser/check.mjs [--screenshots DIR] [--chromium PATH] [--base URL] TARGET...
//
// A TARGET is a page's http(s) address, or its path under --base (and named by that path),
// or a built output folder: the folder is served from 127.0.0.1 and every .html file in it
// is checked. One Chromium (Debian's /usr/bin/chromium: playwright never downloads one)
// opens the pages one after another. For each page, at 320 and 1280 CSS pixels wide, it
// runs axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA, and best practice apart) and checks
// reflow, the skip link and keyboard focus; then landmarks, the print stylesheet, the
// reader's font size and reduced motion. It prints one JSON document (see `checkPage`) and
// judges nothing: tests/test_accessibility.py does. With --screenshots, a full-page PNG of
// each page at each width goes into DIR.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_VERSION = require("axe-core/package.json").version;
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [320, 1280];
const HEIGHT = 800;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
// WCAG 1.4.12: text must survive this spacing without loss of content.
const TEXT_SPACING_CSS = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;

function parseArguments(argv) {
  const options = { screenshots: null, chromium: "/usr/bin/chromium", base: null, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--screenshots") options.screenshots = argv[++i];
    else if (argv[i] === "--base") options.base = argv[++i];
    else if (argv[i] === "--chromium") options.chromium = argv[++i];
    else options.targets.push(argv[i]);
  }
  if (options.targets.length === 0) {
    console.error("usage: node check.mjs [--screenshots DIR] [--chromium PATH] [--base URL] "
      + "TARGET...");
    process.exit(2);
  }
  return options;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".ttf": "font/ttf",
  ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".xml": "application/xml",
  ".pdf": "application/pdf" };

// A folder, served read-only from 127.0.0.1 on a free port.
async function serve(folder) {
  const root = resolve(folder);
  const server = createServer((request, response) => {
    const path = resolve(root, "." + decodeURIComponent(new URL(request.url, "http://x").pathname));
    let file = path;
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside");
      const body = readFileSync(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}

function htmlFiles(folder, under = folder) {
  return readdirSync(under, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".")) return [];
    const path = join(under, entry.name);
    if (entry.isDirectory()) return htmlFiles(folder, path);
    return entry.name.endsWith(".html") ? [relative(folder, path).split(sep).join("/")] : [];
  }).sort();
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const servers = [];
  const pages = [];  // [name, url]
  for (const target of options.targets) {
    if (/^https?:\/\//.test(target)) {
      pages.push([target, target]);
    } else if (options.base) {
      pages.push([target, new URL(target, options.base).href]);
    } else {
      const { server, base } = await serve(target);
      servers.push(server);
      for (const file of htmlFiles(target)) pages.push([file, base + file]);
    }
  }
  if (options.screenshots) mkdirSync(options.screenshots, { recursive: true });

  const browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
  const started = Date.now();
  const results = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: HEIGHT } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    for (const [name, url] of pages) {
      results.push(await checkPage(page, cdp, name, url, options.screenshots));
    }
  } finally {
    await browser.close();
    for (const server of servers) server.close();
  }
  process.stdout.write(JSON.stringify({
    axe: AXE_VERSION, chromium: browser.version(), tags: WCAG_TAGS,
    seconds: (Date.now() - started) / 1000, pages: results,
  }, null, 1) + "\n");
}

// Every check of one page, from one load of it. Returns
// { page, url, failedRequests, axe: {violations, bestPractice}, widths: {320: {...}, 1280: {...}},
//   landmarks, printStylesheets, fontSize, reducedMotion, milliseconds, error? }.
async function checkPage(page, cdp, name, url, screenshots) {
  const failedRequests = [];
  const onResponse = (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  };
  const onFailed = (request) => failedRequests.push(`failed ${request.url()}`);
  page.on("response", onResponse);
  page.on("requestfailed", onFailed);
  const result = { page: name, url, failedRequests, widths: {},
    axe: { violations: [], bestPractice: [] }, milliseconds: {} };
  let clock = Date.now();
  const lap = (what) => {
    const now = Date.now();
    result.milliseconds[what] = (result.milliseconds[what] || 0) + now - clock;
    clock = now;
  };
  try {
    await page.emulateMedia({ media: "screen", reducedMotion: "no-preference" });
    await page.setViewportSize({ width: WIDTHS[WIDTHS.length - 1], height: HEIGHT });
    await page.goto(url, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    lap("load");
    await page.evaluate(AXE_SOURCE);
    lap("inject axe");
    result.landmarks = await page.evaluate(landmarks);
    result.printStylesheets = await page.evaluate(printStylesheets);
    for (const width of [...WIDTHS].reverse()) {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.evaluate(() => window.scrollTo(0, 0));
      const atWidth = {};
      const axe = await runAxe(page);
      merge(result.axe.violations, axe.violations, width);
      merge(result.axe.bestPractice, axe.bestPractice, width);
      lap("axe");
      atWidth.overflow = await page.evaluate(measureOverflow);
      if (screenshots) {
        const file = `${name.replace(/^https?:\/\//, "").replace(/\.html$/, "")
          .replace(/[^\w.-]+/g, "--")}-${width}.png`;
        await page.screenshot({ path: join(screenshots, file), fullPage: true });
        atWidth.screenshot = join(screenshots, file);
      }
      lap("reflow");
      atWidth.skipLink = await checkSkipLink(page);
      atWidth.focus = await checkFocus(page);
      lap("focus");
      const spacing = await page.addStyleTag({ content: TEXT_SPACING_CSS });
      atWidth.textSpacing = await page.evaluate(measureOverflow);
      await spacing.evaluate((element) => element.remove());
      lap("reflow");
      result.widths[width] = atWidth;
    }
    await page.setViewportSize({ width: WIDTHS[WIDTHS.length - 1], height: HEIGHT });
    result.fontSize = await checkFontSize(page, cdp);
    lap("font size");
    result.reducedMotion = await checkReducedMotion(page);
    lap("reduced motion");
  } catch (error) {
    result.error = String(error && error.stack || error);
  } finally {
    page.off("response", onResponse);
    page.off("requestfailed", onFailed);
  }
  return result;
}

// The next Tab goes to the first focusable element of the page, as after loading it.
async function focusFromTop(page) {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    const body = document.body;
    body.setAttribute("tabindex", "-1");
    body.focus();
    body.removeAttribute("tabindex");
  });
}

// One run of axe: violations of the WCAG rules, then those of best practice alone.
async function runAxe(page) {
  return page.evaluate(async (tags) => {
    const summary = (violation) => ({
      id: violation.id, impact: violation.impact, help: violation.help,
      helpUrl: violation.helpUrl, tags: violation.tags,
      nodes: violation.nodes.map((node) => ({ target: node.target.map(String),
        html: node.html.slice(0, 300), failureSummary: node.failureSummary })),
    });
    const { violations } = await window.axe.run(document, {
      runOnly: { type: "tag", values: [...tags, "best-practice"] }, resultTypes: ["violations"],
    });
    const wcag = (violation) => violation.tags.some((tag) => tags.includes(tag));
    return { violations: violations.filter(wcag).map(summary),
      bestPractice: violations.filter((violation) => !wcag(violation)).map(summary) };
  }, WCAG_TAGS);
}

// A rule found at either width counts once, with the widths it was found at.
function merge(into, violations, width) {
  for (const violation of violations) {
    const known = into.find((v) => v.id === violation.id);
    if (!known) {
      into.push({ ...violation, widths: [width] });
      continue;
    }
    known.widths.push(width);
    const targets = new Set(known.nodes.map((node) => node.target.join(" ")));
    for (const node of violation.nodes) {
      if (!targets.has(node.target.join(" "))) known.nodes.push(node);
    }
  }
}

// In the page: does the page scroll sideways, and which elements stick out?
function measureOverflow() {
  const viewport = document.documentElement.clientWidth;
  const describe = (element) => element.tagName.toLowerCase()
    + (element.id ? `#${element.id}` : "")
    + (element.classList.length ? `.${[...element.classList].join(".")}` : "");
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= viewport + 1) continue;
    // Only the outermost: a child of an offender is left out.
    if (offenders.some((outer) => outer.contains(element))) continue;
    // Inside a container that scrolls or clips sideways, it does not widen the page.
    let clipped = false;
    for (let parent = element.parentElement; parent && parent !== document.body;
      parent = parent.parentElement) {
      const overflowX = getComputedStyle(parent).overflowX;
      if (overflowX !== "visible") { clipped = true; break; }
    }
    if (!clipped) offenders.push(element);
  }
  return {
    viewportWidth: viewport,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    offenders: offenders.slice(0, 10).map((element) => ({ element: describe(element),
      right: Math.round(element.getBoundingClientRect().right),
      text: (element.textContent || "").trim().slice(0, 80) })),
  };
}

function describeActive() {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  return element.tagName.toLowerCase() + (element.className ? `.${String(element.className)
    .trim().split(/\s+/).join(".")}` : "") + (element.getAttribute("href")
    ? `[href="${element.getAttribute("href")}"]` : "");
}

// The first Tab lands on a visible skip link whose target exists; following it moves the
// next Tab into the target.
async function checkSkipLink(page) {
  await focusFromTop(page);
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const element = document.activeElement;
    const rect = element.getBoundingClientRect();
    const href = element.getAttribute("href") || "";
    const target = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
    return {
      element: element === document.body ? null : element.outerHTML.slice(0, 200),
      isSkipLink: element.classList.contains("skip-link"),
      href,
      targetExists: Boolean(target),
      targetTag: target ? target.tagName.toLowerCase() : null,
      visible: rect.width > 1 && rect.height > 1 && rect.left >= 0 && rect.top >= 0
        && rect.right <= innerWidth && getComputedStyle(element).visibility === "visible",
      rect: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
    };
  });
  if (!first.isSkipLink) return { ...first, works: false };
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const works = await page.evaluate((href) => {
    const target = document.getElementById(href.slice(1));
    return Boolean(target && target.contains(document.activeElement)
      && document.activeElement !== target.ownerDocument.body);
  }, first.href);
  return { ...first, works, afterSkip: await page.evaluate(describeActive) };
}

// Tab through every focusable element: each must match :focus-visible and show a clear
// focus indicator, a solid outline of 2px or more at 3:1 against what it is drawn on (on
// each side of it that is on screen, two at least), and be on screen, not covered.
async function checkFocus(page) {
  await focusFromTop(page);
  const stops = [];
  const seen = new Set();
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const parse = (colour) => {
        const m = colour.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const luminance = ({ r, g, b }) => {
        const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      };
      const contrast = (x, y) => {
        const [l1, l2] = [luminance(x), luminance(y)].sort((p, q) => q - p);
        return (l1 + 0.05) / (l2 + 0.05);
      };
      const style = getComputedStyle(element);
      const offset = parseFloat(style.outlineOffset) || 0;
      const width = parseFloat(style.outlineWidth) || 0;
      const outline = parse(style.outlineColor);
      // What the outline is drawn on, at the middle of each side of the element: the
      // topmost background there (the element's own when the outline is drawn inside it).
      const box = element.getBoundingClientRect();
      const reach = offset + width / 2;
      const sides = [[box.left + box.width / 2, box.top - reach],
        [box.left + box.width / 2, box.bottom + reach],
        [box.left - reach, box.top + box.height / 2], [box.right + reach, box.top + box.height / 2]];
      const contrasts = [];
      const backgrounds = [];
      for (const [x, y] of sides) {
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
        let below = document.elementsFromPoint(x, y);
        if (reach > 0) below = below.filter((node) => !element.contains(node));
        let background = { r: 255, g: 255, b: 255, a: 1 };
        for (const node of below) {
          const colour = parse(getComputedStyle(node).backgroundColor);
          if (colour && colour.a > 0.5) { background = colour; break; }
        }
        backgrounds.push(`rgb(${background.r}, ${background.g}, ${background.b})`);
        if (outline) contrasts.push(contrast(outline, background));
      }
      const rect = box;
      const centre = document.elementFromPoint(rect.left + Math.min(rect.width / 2, 5),
        rect.top + rect.height / 2);
      const key = element.outerHTML.slice(0, 300) + rect.top + "," + rect.left;
      return {
        key,
        element: element.tagName.toLowerCase() + (element.className
          ? `.${String(element.className).trim().split(/\s+/).join(".")}` : "")
          + (element.getAttribute("href") ? `[href="${element.getAttribute("href")}"]` : ""),
        text: (element.textContent || "").trim().slice(0, 60),
        focusVisible: element.matches(":focus-visible"),
        outlineStyle: style.outlineStyle,
        outlineWidth: width,
        outlineColor: style.outlineColor,
        outlineOffset: offset,
        backgrounds: [...new Set(backgrounds)],
        sidesOnScreen: contrasts.length,
        contrast: contrasts.length ? Math.round(Math.min(...contrasts) * 100) / 100 : 0,
        onScreen: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0
          && rect.left < innerWidth,
        notObscured: Boolean(centre && (element.contains(centre) || centre.contains(element))),
      };
    });
    if (!stop || seen.has(stop.key)) break;
    seen.add(stop.key);
    delete stop.key;
    stop.visible = stop.focusVisible && stop.outlineStyle !== "none"
      && stop.outlineStyle !== "auto" && stop.outlineWidth >= 2 && stop.sidesOnScreen >= 2
      && stop.contrast >= 3 && stop.onScreen && stop.notObscured;
    stops.push(stop);
  }
  return { stops: stops.length, invisible: stops.filter((stop) => !stop.visible),
    first: stops[0] || null };
}

function landmarks() {
  const accessibleName = (element) => {
    const labelledby = element.getAttribute("aria-labelledby");
    if (labelledby) {
      return labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim())
        .filter(Boolean).join(" ");
    }
    return element.getAttribute("aria-label") || "";
  };
  // A header or footer is a landmark unless it is inside an article, aside, main, nav or
  // section; these are the page's own.
  const sectioning = "article, aside, main, nav, section";
  const top = (selector, role) => [...document.querySelectorAll(`${selector}, [role=${role}]`)]
    .filter((element) => element.getAttribute("role") === role
      || !element.parentElement.closest(sectioning)).length;
  return {
    banner: top("header", "banner"),
    main: document.querySelectorAll("main, [role=main]").length,
    contentinfo: top("footer", "contentinfo"),
    navigation: [...document.querySelectorAll("nav, [role=navigation]")].map(accessibleName),
    h1: document.querySelectorAll("h1").length,
    lang: document.documentElement.lang,
    title: document.title,
  };
}

function printStylesheets() {
  return [...document.styleSheets].filter((sheet) => sheet.media.mediaText.includes("print"))
    .map((sheet) => {
      let rules = 0;
      try { rules = sheet.cssRules.length; } catch { rules = -1; }
      return { href: sheet.href, media: sheet.media.mediaText, rules };
    });
}

// The browser's default font size, as a reader sets it, reaches the text: the body text
// is twice as big at 32px as at 16px, and the page still fits 1280 pixels without scrolling
// sideways (as 200% text would on a 640 pixel screen).
async function checkFontSize(page, cdp) {
  const measure = () => page.evaluate(() => {
    const paragraph = document.querySelector("main p") || document.body;
    return { root: parseFloat(getComputedStyle(document.documentElement).fontSize),
      body: parseFloat(getComputedStyle(paragraph).fontSize),
      heading: parseFloat(getComputedStyle(document.querySelector("h1") || document.body).fontSize) };
  });
  try {
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });
    const normal = await measure();
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
    const large = await measure();
    const overflow = await page.evaluate(measureOverflow);
    return { normal, large, bodyRatio: large.body / normal.body,
      rootRatio: large.root / normal.root, headingRatio: large.heading / normal.heading,
      overflowAt1280: overflow };
  } finally {
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });
  }
}

// With reduced motion asked for, nothing animates, transitions or scrolls smoothly.
async function checkReducedMotion(page) {
  const moving = () => page.evaluate(() => {
    const found = [];
    const seconds = (value) => Math.max(...value.split(",").map((part) => parseFloat(part) || 0));
    const check = (element, pseudo) => {
      const style = getComputedStyle(element, pseudo);
      const name = element.tagName.toLowerCase() + (pseudo || "")
        + (element.className && typeof element.className === "string"
          ? `.${element.className.trim().split(/\s+/).join(".")}` : "");
      if (style.animationName !== "none" && seconds(style.animationDuration) > 0.01) {
        found.push(`${name}: animation ${style.animationName}`);
      }
      if (seconds(style.transitionDuration) > 0.01) {
        found.push(`${name}: transition ${style.transitionProperty} ${style.transitionDuration}`);
      }
      if (style.scrollBehavior === "smooth") found.push(`${name}: scroll-behavior smooth`);
    };
    for (const element of document.querySelectorAll("*")) {
      check(element, null);
      check(element, "::before");
      check(element, "::after");
    }
    return [...new Set(found)].slice(0, 20);
  });
  await page.emulateMedia({ reducedMotion: "no-preference" });
  const withMotion = await moving();
  await page.emulateMedia({ reducedMotion: "reduce" });
  const reduced = await moving();
  const matchesReduce = await page.evaluate(
    () => matchMedia("(prefers-reduced-motion: reduce)").matches);
  await page.emulateMedia({ reducedMotion: "no-preference" });
  return { matchesReduce, withMotion, reduced };
}

main().catch((error) => {
  console.error(error && error.stack || error);
  process.exit(1);
});
