// Contact sheets for looking at every protocol: its default at step 25 at 1920 and 1280, light and dark, on one page each.
// node tests/e2e/sheets.mjs <base-url> <out-dir>   (serve dist/ first, e.g. python3 -m http.server -d dist 8099)
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
const base = process.argv[2], out = process.argv[3];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"] });
const probe = await browser.newPage();
await probe.goto(`${base}#v=1`); await probe.waitForSelector("#topology");
const ids = await probe.locator("[data-testid=protocol] option").evaluateAll((os) => os.map((o) => o.value));
await probe.close();
for (const id of ids) {
  const files = [];
  for (const [w, h] of [[1920, 1080], [1280, 720]]) for (const theme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
    await page.goto(`${base}#v=1&proto=${id}&seed=1&at=25`); await page.waitForSelector("#topology"); await page.waitForTimeout(300);
    const f = `${out}/${id}-${w}-${theme}.png`; await page.screenshot({ path: f }); files.push(f); await page.close();
  }
  writeFileSync(`${out}/${id}.html`, `<body style="margin:0;display:grid;grid-template-columns:1fr 1fr;gap:4px;background:#888">${files.map((f) => `<img src="file://${f}" style="width:100%">`).join("")}</body>`);
  const sheet = await browser.newPage({ viewport: { width: 1920, height: 1100 } });
  await sheet.goto(`file://${out}/${id}.html`); await sheet.waitForTimeout(200);
  await sheet.screenshot({ path: `${out}/sheet-${id}.png`, fullPage: true }); await sheet.close();
  console.log(id);
}
await browser.close();
