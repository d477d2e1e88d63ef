// A benchmark, not a test: the cost of a frame while playing, opened at an early step and
// at late ones, in headless Chromium against the release build in dist/. It prints the
// median and 90th-percentile time between animation frames and how many frames were drawn;
// the late figure should match the early one (nothing per frame grows with the run). The
// diagram is zoomed out to its widest window first, so every frame draws the same span.
//   node tests/e2e/frames.mjs [seconds]
import { chromium } from "playwright-core";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const seconds = Number(process.argv[2] || 4);
const { base, server } = await serve(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Opened early (once the widest window is full and sliding), and late: the same amount
// on screen, the same work per frame.
const runs = [
  ["mutex-token-ring n=6", "v=1&proto=mutex-token-ring&n=6&seed=7&p.requests=400", [1_000, 20_000, 100_000]],
  ["mutex-token-ring n=32", "v=1&proto=mutex-token-ring&n=32&seed=7&p.requests=900", [1_000, 20_000, 100_000]],
  ["clocks-vector n=6", "v=1&proto=clocks-vector&n=6&p.actions=1000&p.every=60", [2_000, 8_000]],
];
console.log(`${"scenario".padEnd(32)} ${"opened at".padStart(10)} ${"events".padStart(9)} ${"load ms".padStart(8)} ${"frames".padStart(7)} ${"median ms".padStart(10)} ${"p90 ms".padStart(8)} ${"svg nodes".padStart(10)}`);
for (const [name, fragment, steps] of runs) {
  for (const at of steps) {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const t0 = Date.now();
    await page.goto(`${base}#${fragment}&at=${at}&lang=en`);
    await page.waitForSelector("#topology [data-node]");
    const load = Date.now() - t0;
    const events = await page.locator("#timeline").getAttribute("data-events");
    const ended = await page.locator("[data-action=play]").isDisabled().catch(() => true);
    if (ended) {
      console.log(`${name.padEnd(32)} ${String(at).padStart(10)} ${String(events).padStart(9)} ${String(load).padStart(8)}   (the run had ended)`);
      await page.close();
      continue;
    }
    // The same window everywhere: the widest zoom, so early and late frames draw as much.
    for (let i = 0; i < 24; i++) await page.click("[data-action=zoom-out]");
    await page.click("[data-action=play]");
    const gaps = await page.evaluate((ms) => new Promise((done) => {
      const gaps = [];
      let last = performance.now();
      const start = last;
      const frame = (now) => {
        gaps.push(now - last);
        last = now;
        if (now - start < ms) requestAnimationFrame(frame); else done(gaps);
      };
      requestAnimationFrame(frame);
    }), seconds * 1000);
    gaps.sort((a, b) => a - b);
    const drawn = await page.evaluate(() => document.querySelectorAll("#timeline *, #topology *").length);
    const pick = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))].toFixed(1);
    console.log(`${name.padEnd(32)} ${String(at).padStart(10)} ${String(events).padStart(9)} ${String(load).padStart(8)} ${String(gaps.length).padStart(7)} ${pick(0.5).padStart(10)} ${pick(0.9).padStart(8)} ${String(drawn).padStart(10)}`);
    await page.close();
  }
}
await browser.close();
server.close();
