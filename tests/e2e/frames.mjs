// A benchmark, not a test: frames per second while playing at the highest speed, in
// headless Chromium at 1920x1080 against the release build (`trunk build --release
// --offline`). Each run is opened at a step (the link's at=) where the diagram holds about
// 10^2, 10^3 and 10^4 events, then played for a window of SECONDS; the frames are counted
// with requestAnimationFrame. Printed per row: the events in the log (when the window
// starts and ends), the event dots drawn in the diagram, the frames, frames per second,
// the median and the longest time between two frames.
//   node tests/e2e/frames.mjs [seconds] [base-url]
// Without base-url it serves dist/ itself; with one (e.g. http://127.0.0.1:8103/ while
// `python3 -m http.server -d dist 8103` runs) it uses that.
import { chromium } from "playwright-core";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const seconds = Number(process.argv[2] || 5);
let base = process.argv[3];
let server = null;
if (!base) ({ base, server } = await serve(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist")));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// [name, fragment, steps to open at, widest zoom first]. The diagram fits the run so far
// (up to its widest window, 20,000 ticks), so at the fitting zoom it holds the log; the
// last two rows keep the earlier check: the same window early and late, at the widest zoom.
const runs = [
  ["clocks-vector n=8", "v=1&proto=clocks-vector&n=8&seed=1&p.actions=1000&p.every=10", [100, 1_000, 10_000], false],
  ["raft n=8", "v=1&proto=raft&n=8&seed=1", [100, 1_000, 10_000], false],
  ["mutex-token-ring n=32 widest", "v=1&proto=mutex-token-ring&n=32&seed=7&p.requests=900", [1_000, 100_000], true],
];
const pad = (x, w) => String(x).padStart(w);
console.log(`${"scenario".padEnd(30)} ${pad("at", 7)} ${pad("events", 13)} ${pad("drawn", 6)} ${pad("frames", 6)} ${pad("fps", 6)} ${pad("median ms", 9)} ${pad("longest ms", 10)}`);
for (const [name, fragment, steps, widest] of runs) {
  for (const at of steps) {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on("pageerror", (e) => console.error("pageerror", e.message));
    await page.goto(`${base}#${fragment}&at=${at}&speed=8&lang=en`);
    await page.waitForSelector("#topology [data-node]");
    if (widest) for (let i = 0; i < 24; i++) await page.click("[data-action=zoom-out]");
    const before = await page.locator("#timeline").getAttribute("data-events");
    if (await page.locator("[data-action=play]").isDisabled().catch(() => true)) {
      console.log(`${name.padEnd(30)} ${pad(at, 7)} ${pad(before, 13)}   (the run had ended)`);
      await page.close();
      continue;
    }
    await page.click("[data-action=play]");
    const { frames, ms, gaps } = await page.evaluate((ms) => new Promise((done) => {
      const gaps = [];
      let last = null;
      let start = null;
      const frame = (now) => {
        if (start === null) start = now; else gaps.push(now - last);
        last = now;
        if (now - start < ms) requestAnimationFrame(frame); else done({ frames: gaps.length, ms: now - start, gaps });
      };
      requestAnimationFrame(frame);
    }), seconds * 1000);
    const after = await page.locator("#timeline").getAttribute("data-events");
    const drawn = await page.locator("#timeline .tl-event .dot").count();
    gaps.sort((a, b) => a - b);
    const median = gaps.length ? gaps[Math.floor(gaps.length / 2)] : NaN;
    const longest = gaps.length ? gaps[gaps.length - 1] : NaN;
    console.log(`${name.padEnd(30)} ${pad(at, 7)} ${pad(`${before}→${after}`, 13)} ${pad(drawn, 6)} ${pad(frames, 6)} ${pad((frames / (ms / 1000)).toFixed(1), 6)} ${pad(median.toFixed(1), 9)} ${pad(longest.toFixed(1), 10)}`);
    await page.close();
  }
}
await browser.close();
server?.close();
