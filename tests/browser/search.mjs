// The archive's search page, used with the keyboard alone in Debian's Chromium, as
// tests/test_search.py asks: it prints what each step found, as JSON, for the test to judge.
//
//   node search.mjs --chromium /usr/bin/chromium --base http://127.0.0.1:PORT/ --words WORDS
//                   --broad WORDS --topic TOPIC
//
// 1. Tab to the search box, type WORDS, press Enter: the articles found, and what axe-core
//    finds wrong (WCAG A and AA) on the page with them listed and the filters open.
// 2. Tab to the first result and press Enter: where it leads, and the heading it points at
//    (the page's own, for a result that is the opening).
// 3. Back on the search page, search for the --broad words, then open the filters and tick
//    TOPIC with the keyboard: the articles found without it, and within it.
// 4. The same topic with no words (a topic page's "Search within" link): the articles found.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const options = { chromium: "/usr/bin/chromium", base: null, words: null, broad: null,
                  topic: null };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) options[args[i].replace(/^--/, "")] = args[i + 1];

const browser = await chromium.launch({ executablePath: options.chromium, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
const errors = [];
page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
page.on("pageerror", (error) => errors.push(String(error)));

async function tabTo(test, argument = null) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(test, argument)) return true;
  }
  return false;
}

// What was found, once the status line says the search `describing` (its words in quotes,
// its filters after "in") is done: not an earlier one still on the page.
async function found(describing) {
  await page.waitForFunction(
    (wanted) => document.getElementById("search-status").textContent.includes(wanted), describing);
  return page.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    results: [...document.querySelectorAll(".search-result")].map((result) => ({
      title: result.querySelector("a").textContent,
      href: result.querySelector("a").getAttribute("href"),
      meta: result.querySelector(".search-result__meta").textContent,
      marked: [...result.querySelectorAll("mark")].map((mark) => mark.textContent),
      excerpt: result.querySelector(".search-result__excerpt").textContent,
    })),
  }));
}

const report = { errors };
await page.goto(new URL("search.html", options.base).href);
report.reachedBox = await tabTo(() => document.activeElement?.id === "search-words");
await page.keyboard.type(options.words);
await page.keyboard.press("Enter");
report.words = await found(`for “${options.words}”.`);
report.address = page.url();
await page.evaluate(() => { document.querySelector(".search__filters").open = true; });
await page.addScriptTag({ content: AXE_SOURCE });
report.axe = await page.evaluate(async (tags) => {
  const { violations } = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
  return violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`);
}, WCAG_TAGS);
await page.evaluate(() => { document.querySelector(".search__filters").open = false; });

report.reachedResult = await tabTo(() => document.activeElement?.closest(".search-result") !== null);
await Promise.all([page.waitForURL((url) => !url.pathname.endsWith("search.html")),
                   page.keyboard.press("Enter")]);
report.followed = await page.evaluate(() => ({
  path: location.pathname, hash: location.hash,
  heading: (location.hash ? document.getElementById(location.hash.slice(1))
    : document.querySelector("h1"))?.textContent ?? null,
}));

await page.goBack();
await page.waitForFunction(() => document.querySelectorAll(".search-result").length > 0);
await page.focus("body");
await tabTo(() => document.activeElement?.id === "search-words");
await page.keyboard.press("Control+A");
await page.keyboard.type(options.broad);
await page.keyboard.press("Enter");
report.broad = await found(`for “${options.broad}”.`);
report.reachedFilters = await tabTo(() => document.activeElement?.tagName === "SUMMARY");
await page.keyboard.press("Enter");
report.reachedTopic = await tabTo((topic) => document.activeElement?.name === "topic"
  && document.activeElement.value === topic, options.topic);
await page.keyboard.press("Space");
report.narrowed = await found(`for “${options.broad}” in ${options.topic}.`);
report.narrowedAddress = page.url();

const topicOnly = new URL("search.html", options.base);
topicOnly.searchParams.set("topic", options.topic);
await page.goto(topicOnly.href);
report.topic = await found(`found in ${options.topic}.`);

console.log(JSON.stringify(report));
await browser.close();
