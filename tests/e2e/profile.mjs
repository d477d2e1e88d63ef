// A profiler, not a test: where a playing run's frames go. Opens FRAGMENT in headless
// Chromium at 1920x1080, plays it at 8× and records, for SECONDS, a Chromium performance
// trace (the renderer's main thread, split into script, style, layout, paint and the rest)
// and a CPU profile (the functions that take the time: the wasm's own names when the build
// keeps its name section, e.g. `data-wasm-opt="0" data-keep-debug` on the rust link).
//   node tests/e2e/profile.mjs BASE-URL 'FRAGMENT' [seconds] [top]
import { chromium } from "playwright-core";

const [base, fragment, secondsArg = "4", topArg = "30"] = process.argv.slice(2);
const seconds = Number(secondsArg);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
page.on("pageerror", (e) => console.error("pageerror", e.message));
await page.goto(`${base}#${fragment}&speed=8&lang=en`);
await page.waitForSelector("#topology [data-node]");
const cdp = await page.context().newCDPSession(page);

const events = [];
cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
const traced = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8,blink", transferMode: "ReportEvents" });
await cdp.send("Profiler.start");
await page.click("[data-action=play]");
await page.waitForTimeout(seconds * 1000);
const { profile } = await cdp.send("Profiler.stop");
await cdp.send("Tracing.end");
await traced;
await browser.close();

// The main thread's events, as self time (a child's time is taken out of its parent's).
const main = (() => {
  const names = events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const tids = new Set(names.map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => tids.has(`${e.pid}:${e.tid}`) && e.ph === "X" && typeof e.dur === "number");
})();
main.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const self = new Map();
const stack = [];
for (const e of main) {
  while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
  const parent = stack[stack.length - 1];
  if (parent) parent.self -= e.dur;
  const node = { name: e.name, self: e.dur, end: e.ts + e.dur };
  stack.push(node);
  e._node = node;
}
for (const e of main) self.set(e._node.name, (self.get(e._node.name) || 0) + e._node.self);
const bucket = (name) => {
  if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation|InvalidateLayout|StyleInvalidator)/.test(name)) return "style";
  if (/^(Layout|UpdateLayerTree|LayoutShift|IntersectionObserverController)/.test(name)) return "layout";
  if (/^(Paint|PrePaint|Layerize|PaintImage|Commit|CompositeLayers|UpdateLayer|RasterTask|Decode|PaintSetup|Rasterize)/.test(name)) return "paint";
  if (/GC|Gc|gc/.test(name)) return "gc";
  if (/^(FunctionCall|TimerFire|EvaluateScript|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.|V8\.|RunTask|v8|HitTest|XHR|ParseHTML)/.test(name)) return "script";
  return "other";
};
const buckets = {};
for (const [name, us] of self) buckets[bucket(name)] = (buckets[bucket(name)] || 0) + us;
const frames = main.filter((e) => e.name === "FireAnimationFrame" || e.name === "TimerFire").length;
const wall = seconds * 1000;
console.log(`# ${fragment} · ${seconds} s at 8× · main-thread self time by kind (ms, % of the wall time):`);
for (const [k, us] of Object.entries(buckets).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(8)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${((us / 1000 / wall) * 100).toFixed(1).padStart(5)}%`);
console.log(`  (timer and animation-frame callbacks: ${frames})`);
console.log("# main-thread events by self time (top 15):");
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${bucket(name).padEnd(7)} ${name}`);

// The CPU profile: self and total time per function.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
profile.samples.forEach((id, k) => dt.set(id, (dt.get(id) || 0) + (profile.timeDeltas[k + 1] ?? 0)));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parentOf.set(c, n.id);
const clean = (name) => name.replace(/::h[0-9a-f]{16}$/, "").replace(/^<(.*)>$/, "$1");
const selfFn = new Map();
const totalFn = new Map();
for (const [id, us] of dt) {
  const n = byId.get(id);
  const name = clean(n.callFrame.functionName || `(${n.callFrame.url.split("/").pop() || "program"})`);
  selfFn.set(name, (selfFn.get(name) || 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const fn = clean(byId.get(at).callFrame.functionName || "(anonymous)");
    if (!seen.has(fn)) totalFn.set(fn, (totalFn.get(fn) || 0) + us);
    seen.add(fn);
  }
}
const top = Number(topArg);
console.log(`# functions by self time (top ${top}):`);
for (const [name, us] of [...selfFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
console.log(`# dsviz functions by total time (top ${top}):`);
for (const [name, us] of [...totalFn].filter(([n]) => /dsviz|yew::/.test(n)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
