// Screenshots of the built site for looking at: node shoot.mjs <base-url> <fragment> <out-prefix> [steps] [play-ms]
import { chromium } from "playwright-core";

const [base, fragment, out, steps = "0", playMs = "0"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const [w, h] of [[1920, 1080], [1280, 720]]) {
  for (const theme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
    page.on("pageerror", (e) => console.error("pageerror", e.message));
    page.on("console", (m) => { if (m.type() === "error") console.error("console", m.text()); });
    await page.goto(`${base}#${fragment}`);
    await page.waitForSelector("#topology");
    for (let i = 0; i < Number(steps); i++) await page.click("[data-action=step-forward]");
    if (Number(playMs) > 0) {
      await page.click("[data-action=play]");
      await page.waitForTimeout(Number(playMs));
      await page.click("[data-action=pause]");
    }
    const file = `${out}-${w}x${h}-${theme}.png`;
    await page.screenshot({ path: file, fullPage: !!process.env.FULL });
    console.log(file);
    await page.close();
  }
}
await browser.close();
