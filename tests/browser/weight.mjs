// What each page costs a phone on its first visit, in Debian's Chromium: the bytes
// transferred with the cache empty, the stylesheets that block its first paint, its console
// errors, and its layout shift score. tests/test_web_weight.py runs it and judges the JSON.
//
//   node weight.mjs --chromium /usr/bin/chromium --base http://127.0.0.1:PORT/ PAGE...
//
// Each page is loaded in a context of its own (so nothing is cached) at 390 by 844 CSS
// pixels, until its fonts are ready. The layout shift score is the sum of the shifts a
// PerformanceObserver sees from the first byte on (those after input excluded, as in CLS).
// A page that shifts is loaded twice more: a shift that comes with every load is the page's
// own (a picture without its size, a font preloaded by none), while one that comes once is
// a font that lost its race with the first paint on a busy machine; `attempts` keeps each.

import { chromium } from "playwright-core";

const options = { chromium: "/usr/bin/chromium", base: null, pages: [] };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--chromium") options.chromium = args[++i];
  else if (args[i] === "--base") options.base = args[++i];
  else options.pages.push(args[i]);
}

const browser = await chromium.launch({ executablePath: options.chromium,
                                        args: ["--no-sandbox"] });

async function load(name) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) {
          window.__shifts.push({ value: entry.value, at: Math.round(entry.startTime),
            sources: (entry.sources || []).map((source) => source.node
              ? `${source.node.nodeName.toLowerCase()}.${source.node.className || ""}` : "?") });
        }
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(new URL(name, options.base).href, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  const measured = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType("navigation"),
                     ...performance.getEntriesByType("resource")];
    const file = (entry) => new URL(entry.name).pathname;
    return {
      bytes: entries.reduce((sum, entry) => sum + entry.transferSize, 0),
      files: entries.map((entry) => ({ file: file(entry), bytes: entry.transferSize })),
      blocking: entries.filter((entry) => entry.renderBlockingStatus === "blocking")
        .map(file),
      shifts: window.__shifts,
    };
  });
  await context.close();
  return { ...measured, errors,
           layoutShift: measured.shifts.reduce((sum, shift) => sum + shift.value, 0) };
}

const report = { chromium: browser.version(), pages: [] };
for (const name of options.pages) {
  const attempts = [await load(name)];
  while (attempts.at(-1).layoutShift > 0 && attempts.length < 3) attempts.push(await load(name));
  report.pages.push({ page: name, ...attempts[0],
                      layoutShifts: attempts.map((attempt) => attempt.layoutShift),
                      shiftsEachTime: attempts.map((attempt) => attempt.shifts) });
}
await browser.close();
process.stdout.write(JSON.stringify(report));
