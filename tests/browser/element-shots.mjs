// Pictures of parts of a page, as a reader sees them on screen, for the docs.
//
//   node tests/browser/element-shots.mjs FOLDER URL WIDTH NAME=SELECTOR...
//
// Opens URL in Debian's Chromium (playwright never downloads one) at WIDTH CSS pixels, and
// saves a PNG of the first element each SELECTOR finds as FOLDER/NAME.png.

import { chromium } from "playwright-core";

const [folder, url, width, ...wanted] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(url, { waitUntil: "load" });
  for (const pair of wanted) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    await page.locator(pair.slice(at + 1)).first().screenshot({ path: `${folder}/${name}.png` });
    console.log(`${folder}/${name}.png`);
  }
} finally {
  await browser.close();
}
