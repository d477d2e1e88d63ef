// Screenshot of the library overlay: node lib-shot.mjs <base-url> <out-prefix>
import { chromium } from "playwright-core";
const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
for (const [w, h, theme, lang] of [[1920, 1080, "light", "en"], [1280, 720, "dark", "zh"]]) {
  const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
  await page.goto(`${base}#v=1&proto=election-ring&lang=${lang}`);
  await page.waitForSelector("#topology");
  await page.keyboard.press("l");
  await page.waitForSelector("[data-testid=library]");
  const thumbs = await page.locator("[data-testid=thumbnail]").count();
  console.log(`${w}x${h} ${theme} ${lang}: ${thumbs} thumbnails`);
  await page.screenshot({ path: `${out}-${w}x${h}-${theme}.png` });
  await page.close();
}
await browser.close();
