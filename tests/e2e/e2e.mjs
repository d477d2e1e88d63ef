// End-to-end: the built release site (dist/) served from a sub-path, driven in headless
// Chromium. Loads a scenario link, plays, pauses, copies the link, opens it in a new tab
// and checks the same step and the same picture; then a broken link and the keyboard.
// Screenshots go to target/e2e/. Exits non-zero on the first failure.
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";
// How long a condition is waited for before the check that needs it fails: generous, for
// a busy machine. No check waits a fixed time: each waits for what it reads.
const PATIENCE = 20000;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(root, "dist");
const shots = join(root, "target", "e2e");
await mkdir(shots, { recursive: true });

// Serve dist/ under /course/dsviz/ to prove relative asset URLs work from any sub-path.
const { base, server } = await serve(dist, "/course/dsviz/");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

async function open(url) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector("#topology [data-node]");
  return { page, errors };
}
const text = (page, sel) => page.locator(sel).first().innerText();
// The picture: the topology SVG's markup, which encodes every node, arrow and token.
const picture = (page) => page.locator("#topology").evaluate((svg) => svg.outerHTML);
// Wait until `fn(arg)` holds in the page, checking every frame; false if it does not within
// PATIENCE (the check that follows then fails and says what it saw).
async function until(page, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: PATIENCE, polling: "raf" });
    return true;
  } catch (e) {
    if (e.name !== "TimeoutError") throw e;
    console.log(`waited ${PATIENCE} ms in vain for ${String(fn).slice(0, 160)}`);
    return false;
  }
}
// Two animation frames have run: the app renders in microtasks, which all run before a
// frame, so by then the page shows every action made so far, laid out.
const rendered = (page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
// The address bar has caught up with the run: it holds the link the page shows (the page
// writes it once the run has been still for 200 ms; after Back, the page loads what it holds).
const synced = (page) => until(page, () => {
  const shown = document.querySelector("[data-testid=share-url]")?.value;
  return !!shown && decodeURIComponent(new URL(shown).hash) === decodeURIComponent(location.hash);
});
// The step counter reads `n` (or at least `n` with `atLeast`).
const cursorAt = (page, n, atLeast = false) => until(page, ([n, atLeast]) => {
  const c = Number(document.querySelector("[data-testid=cursor]")?.textContent);
  return atLeast ? c >= n : c === n;
}, [n, atLeast]);
// Playing: the run has got to step `n`, or has ended before it.
const playedTo = (page, n) => until(page, (n) => Number(document.querySelector("[data-testid=cursor]")?.textContent) >= n || !!document.querySelector("[data-testid=ended]"), n);
// The clipboard holds `want` (what it holds after PATIENCE, or "" if it cannot be read).
async function clipboardHolds(page, want) {
  const end = Date.now() + PATIENCE;
  for (;;) {
    let got = "";
    try { got = await page.evaluate(() => navigator.clipboard.readText()); } catch { return ""; }
    if (got === want || Date.now() > end) return got;
    await rendered(page);
  }
}
// Paused (the play button is back), or ended.
const paused = (page) => until(page, () => !!document.querySelector("[data-action=play], [data-testid=ended]"));

try {
  const fragment = "v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400";
  const { page, errors } = await open(`${base}#${fragment}`);
  check((await page.locator("#topology [data-node]").count()) === 6, "six nodes drawn");
  check((await text(page, "[data-testid=cursor]")) === "0", "starts at step 0");

  await page.click("[data-action=play]");
  // Play until the run is some way in, then pause.
  await until(page, () => Number(document.querySelector("[data-testid=cursor]").textContent) >= 3 && Number(document.querySelector("[data-testid=time]").textContent) >= 100);
  await page.click("[data-action=pause]");
  await paused(page);
  const step = await text(page, "[data-testid=cursor]");
  const time = await text(page, "[data-testid=time]");
  check(Number(step) >= 3 && Number(time) >= 100, `playing advanced the run (step ${step}, t=${time})`);
  check((await page.locator("#topology [data-msg], #topology .token.resting").count()) >= 1, "the token is visible");
  await page.screenshot({ path: join(shots, "played-1920x1080.png") });

  await page.click("[data-action=copy-link]");
  const shared = await page.locator("[data-testid=share-url]").inputValue();
  const copied = await clipboardHolds(page, shared);
  await synced(page);
  check(shared.includes(`at=${step}`), `the link carries the step: ${shared}`);
  check(copied === shared, `the clipboard holds the same link (it holds "${copied}")`);
  check((await page.locator("[data-testid=notice]").count()) === 1, "copying is confirmed");
  check(new URL(page.url()).hash === new URL(shared).hash, "the address bar follows the run");
  const before = await picture(page);

  const again = await open(shared);
  await rendered(again.page);
  check((await text(again.page, "[data-testid=cursor]")) === step, "the link opens at the same step");
  check((await text(again.page, "[data-testid=time]")) === time, "and at the same instant");
  const after = await picture(again.page);
  check(after === before, "and shows the same picture");
  if (after !== before && process.env.E2E_DEBUG) { let i = 0; while (before[i] === after[i]) i++; console.log("first difference at", i, before.length, after.length, JSON.stringify(before.slice(Math.max(0, i - 300), i + 200)), "\n----\n", JSON.stringify(after.slice(Math.max(0, i - 300), i + 200))); }
  await again.page.screenshot({ path: join(shots, "reopened-1920x1080.png") });

  // Step back and forward with the keyboard.
  await again.page.keyboard.press("ArrowLeft");
  await cursorAt(again.page, Number(step) - 1);
  check(Number(await text(again.page, "[data-testid=cursor]")) === Number(step) - 1, "← steps back");
  await again.page.keyboard.press("ArrowRight");
  await again.page.keyboard.press("ArrowRight");
  await cursorAt(again.page, Number(step) + 1);
  check(Number(await text(again.page, "[data-testid=cursor]")) === Number(step) + 1, "→ steps forward");
  await again.page.keyboard.press(" ");
  await until(again.page, () => !!document.querySelector("[data-action=pause]"));
  check((await again.page.locator("[data-action=pause]").count()) === 1, "space plays");
  await again.page.keyboard.press(" ");

  // A hand-broken link: a clear message, the defaults, and a working page.
  const broken = await open(`${base}#v=1&proto=mutex-token-ring&n=abc&seed=-4&fifo=perhaps`);
  const problems = await text(broken.page, "[data-testid=problems]");
  check(problems.includes("n:") && problems.includes("seed:") && problems.includes("fifo:"), "a broken link names each bad key");
  check((await broken.page.locator("#topology [data-node]").count()) === 6, "and still shows a run");
  await broken.page.screenshot({ path: join(shots, "broken-link-1920x1080.png") });

  // The other protocols load from their ready-made scenarios without errors.
  for (const id of ["election-ring", "clocks-vector"]) {
    const p = await open(`${base}#${id}`);
    await p.page.click("[data-action=play]");
    await playedTo(p.page, 2);
    await p.page.click("[data-action=pause]").catch(() => {});
    await p.page.screenshot({ path: join(shots, `${id}-1920x1080.png`) });
    check(p.errors.length === 0, `${id} runs without page errors`);
  }
  check(errors.length === 0, `no page errors (${errors.join("; ")})`);

  // Every control, by clicking the things themselves.
  const c = await open(`${base}#v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=0`);
  const cp = c.page;
  const cursor = async () => Number(await text(cp, "[data-testid=cursor]"));
  // The address bar follows the run once it has been still for 200 ms.
  const hash = async () => { await synced(cp); return decodeURIComponent(new URL(cp.url()).hash); };
  await cp.locator("#topology [data-node='3'] .node-body").click();
  await cp.locator("[data-testid=popup] [data-input=request]").click();
  check((await hash()).includes("0:input:3:request"), "a node's input lands in the link");
  await cp.locator("#topology [data-node='4'] .node-body").click();
  await cp.locator("[data-testid=popup] [data-act=crash]").click();
  check((await cp.locator("#topology [data-node='4'].down").count()) === 1, "crash: the node is drawn down");
  await cp.locator("#topology [data-node='4'] .node-body").click();
  await cp.locator("[data-testid=popup] [data-act=recover]").click();
  check((await cp.locator("#topology [data-node='4'].down").count()) === 0, "recover: the node is back");
  await cp.locator("#topology [data-link='1-2'] .edge-hit").click({ force: true });
  await cp.locator("[data-testid=popup] [data-act=slow]").click();
  check((await cp.locator("#topology [data-link='1-2'].slow").count()) === 1, "a slowed link is drawn slow");
  await cp.locator("#topology [data-link='2-3'] .edge-hit").click({ force: true });
  await cp.locator("[data-testid=popup] [data-act=cut]").click();
  check((await cp.locator("#topology [data-link='2-3'].cut").count()) === 1, "a cut link is drawn cut");
  await cp.locator("#topology [data-msg] .msg-hit").first().click({ force: true });
  await cp.locator("[data-testid=popup] [data-act=duplicate]").click();
  check((await cp.locator("#topology [data-msg]").count()) === 2, "duplicate: two copies fly");
  await cp.locator("#topology [data-msg] .msg-hit").first().click({ force: true });
  await cp.locator("[data-testid=popup] [data-act=delay]").click();
  check((await hash()).includes(":delay:"), "delay lands in the link");
  await cp.fill("[data-testid=network] [name=drop]", "5");
  await cp.click("[data-testid=network] button[type=submit]");
  check((await hash()).includes(":net:40-80/5/0/fifo"), "network settings land in the link");
  await cp.click("[data-testid=network] .danger");
  check((await hash()).includes(":partition:0.1/2.3.4"), "split lands in the link");
  await cp.click("[data-testid=network] button:has-text('Heal')");
  check((await hash()).includes(":heal"), "heal lands in the link");
  for (let i = 0; i < 12; i++) await cp.click("[data-action=step-forward]");
  const stepped = await cursor();
  await cp.locator("[data-testid=scrubber]").fill("3");
  check((await cursor()) === 3, `the scrubber seeks (from ${stepped} to 3)`);
  await cp.locator("#timeline [data-event] .dot").first().click();
  check((await cp.locator("#timeline .tl-event.selected").count()) === 1, "an event can be selected on the diagram");
  await cp.screenshot({ path: join(shots, "controls-1920x1080.png") });
  const ringLink = await hash();
  await cp.selectOption("[data-testid=protocol]", "election-ring");
  check((await cp.locator("#topology [data-node]").count()) === 8, "switching protocol restarts with its defaults");
  await cp.goBack();
  await synced(cp);
  check((await hash()) === ringLink && (await cp.locator("#topology [data-node]").count()) === 5, "Back returns to the run before, interventions and all");
  await cp.goForward();
  await synced(cp);
  check((await cp.locator("#topology [data-node]").count()) === 8, "Forward returns to the new run");
  await cp.fill("[data-testid=nodes]", "5");
  await cp.press("[data-testid=nodes]", "Enter");
  await cp.locator("[data-testid=nodes]").blur();
  check((await cp.locator("#topology [data-node]").count()) === 5, "N can be changed");
  await cp.selectOption("[data-testid=scenario]", { index: 1 });
  check((await cp.locator(".banner.lesson").innerText()).includes("Worst case"), "a ready-made scenario loads with its explanation");
  check(c.errors.length === 0, `controls raise no page errors (${c.errors.join("; ")})`);

  // Issue 12: what a first lecture stumbles on.
  await issue12();
  await issue12Framing();
  await issue11Lessons();
  // Issue 11: in the lecture hall (presenter mode), and the default view at 1280.
  await presenterMode();
  await defaultAt1280();
  // Issue 11: export, ShiViz interchange, embedding.
  await exportsAndShiviz();
} catch (e) {
  console.error(e);
  failures++;
} finally {
  await browser.close();
  server.close();
}
console.log(failures === 0 ? "e2e: all checks passed" : `e2e: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);

async function issue12() {
  const ctx720 = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const pageAt = async (ctx, url) => {
    const page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector("#topology [data-node]");
    return { page, errors };
  };
  const cursorOf = async (page) => Number(await text(page, "[data-testid=cursor]"));
  // A caption line is cut when it is wider than its box or written with an ellipsis.
  const cutCaptions = (page) => page.locator("[data-testid=caption] div").evaluateAll((divs) =>
    divs.filter((d) => d.scrollWidth > d.clientWidth + 1 || getComputedStyle(d).textOverflow === "ellipsis" || getComputedStyle(d).whiteSpace === "nowrap").length);

  // 1. Captions wrap at both sizes through the Chang-Roberts worst case; a step that
  // breaks an invariant names it.
  for (const [ctx, label] of [[context, "1920"], [ctx720, "1280"]]) {
    const { page } = await pageAt(ctx, `${base}#v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0`);
    let cut = 0;
    for (let i = 0; i < 23; i++) {
      await page.keyboard.press("ArrowRight");
      cut += (await cutCaptions(page)) > 0 ? 1 : 0;
    }
    check(cut === 0, `${label}: no caption cut off over 23 steps (${cut} cut)`);
    await page.close();
  }
  {
    const { page } = await pageAt(ctx720, `${base}#v=1&proto=mutex-central&n=6&seed=2&p.requests=300&act=0:crash:0`);
    let breaks = "";
    for (let i = 0; i < 400 && !breaks; i++) {
      await page.keyboard.press("ArrowRight");
      if ((await page.locator("[data-testid=caption] .breaks").count()) > 0) breaks = await text(page, "[data-testid=caption] .breaks");
      if ((await page.locator("[data-testid=ended]").count()) > 0) break;
    }
    const violations = await page.locator("[data-testid=violations] li").count();
    check(!!breaks || violations === 0, `a step that breaks an invariant says so in the caption ("${breaks}")`);
    check(!breaks || (await cutCaptions(page)) === 0, "and that caption is not cut off at 1280");
    await page.screenshot({ path: join(shots, "breaks-1280x720.png") });
    const bar = await page.locator(".controls").evaluate((b) => ({ sw: b.scrollWidth, cw: b.clientWidth }));
    check(bar.sw <= bar.cw + 1, `the control bar fits at 1280 with the reason the run ended (${bar.sw} of ${bar.cw} px)`);
    await page.close();
  }

  // 5. Keys still step and play after each control is used; End; speed keys; an arrow
  // on the algorithm menu does not switch protocol.
  {
    const { page, errors } = await pageAt(context, `${base}#v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0`);
    const stepsAfter = async (what, use) => {
      await use();
      await rendered(page);
      const before = await cursorOf(page);
      await page.keyboard.press("ArrowRight");
      const after = await cursorOf(page);
      await page.keyboard.press(" ");
      const playing = (await page.locator("[data-action=pause]").count()) === 1;
      await page.keyboard.press(" ");
      const paused = (await page.locator("[data-action=play]").count()) === 1 || (await page.locator("[data-testid=ended]").count()) === 1;
      check(after === before + 1 && playing && paused, `after ${what}: → steps (${before} → ${after}) and space plays and pauses`);
    };
    await stepsAfter("choosing a speed", () => page.selectOption("[data-testid=speed]", "3"));
    await stepsAfter("typing N", async () => { await page.fill("[data-testid=nodes]", "7"); await page.press("[data-testid=nodes]", "Enter"); });
    await stepsAfter("choosing a parameter", () => page.selectOption("[data-param=initiators]", "all"));
    await stepsAfter("typing a seed", async () => { await page.fill("[data-testid=seed]", "4"); await page.press("[data-testid=seed]", "Enter"); });
    const proto = () => new URL(page.url()).hash.match(/proto=([^&]*)/)?.[1];
    const was = proto();
    await page.locator("[data-testid=protocol]").focus();
    await page.keyboard.press("Escape");
    const before = await cursorOf(page);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    check(proto() === was && (await cursorOf(page)) === before + 1, `an arrow on the algorithm menu steps and does not switch protocol (${was} → ${proto()})`);
    const speed = await page.locator("[data-testid=speed]").inputValue();
    await page.keyboard.press("+");
    const faster = await page.locator("[data-testid=speed]").inputValue();
    await page.keyboard.press("-");
    check(Number(faster) === Number(speed) + 1 && (await page.locator("[data-testid=speed]").inputValue()) === speed, `+ and - change the speed (${speed} → ${faster} → back)`);
    await page.keyboard.press("End");
    check((await page.locator("[data-testid=ended]").count()) === 1, `End goes to the last step (step ${await cursorOf(page)})`);
    const ended = await text(page, "[data-testid=ended]");
    check(/at rest|waiting/.test(ended), `"run ended" says why: "${ended}"`);
    check(errors.length === 0, `the keyboard raises no page errors (${errors.join("; ")})`);
    await page.close();
  }

  // 6. Selecting pauses and says so; a message's popover covers neither it nor a node.
  for (const [ctx, label] of [[context, "1920"], [ctx720, "1280"]]) {
    const { page } = await pageAt(ctx, `${base}#v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400`);
    await page.click("[data-action=play]");
    // A message may land between finding it and the click: try the next one in flight.
    for (let tries = 0; tries < 5 && (await page.locator("[data-testid=popup]").count()) === 0; tries++) {
      await page.waitForSelector("#topology [data-msg]:not(.token-msg), #topology .token-msg", { timeout: 5000 });
      await page.locator("#topology [data-msg] .msg-hit").first().click({ force: true, timeout: 2000 }).catch(() => {});
    }
    const paused = (await page.locator("[data-action=play]").count()) === 1;
    const notice = (await page.locator("[data-testid=notice]").count()) === 1;
    check(paused && notice, `${label}: selecting a message pauses the run and says so`);
    const box = await page.locator("[data-testid=popup]").boundingBox();
    const head = await page.locator("#topology [data-msg].selected .msg-head, #topology [data-msg].selected .token.flying").first().boundingBox();
    const nodes = await page.locator("#topology .node-body").evaluateAll((cs) => cs.map((c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));
    const overlaps = (a, b) => a && b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const covered = nodes.filter((n) => overlaps(box, n)).length + (overlaps(box, head) ? 1 : 0);
    check(box && covered === 0, `${label}: the message's popover covers neither the message nor a node (${covered} covered)`);
    await page.screenshot({ path: join(shots, `popover-${label}.png`) });
    await page.keyboard.press("Escape");
    check((await page.locator("[data-testid=popup]").count()) === 0, `${label}: Esc closes the popover`);
    await page.click("[data-action=play]");
    await page.locator("#topology [data-node='2'] .node-body").click();
    check((await page.locator("[data-action=play]").count()) === 1, `${label}: selecting a node pauses the run`);
    // 10. The hint to break things is in view, and the icons are drawn.
    const hint = await page.keyboard.press("Escape").then(() => page.locator("[data-testid=break-hint]").boundingBox());
    const vh = ctx === context ? 1080 : 720;
    check(label !== "1920" || (hint && hint.y + hint.height <= vh), `${label}: the hint to break things is in view (bottom at ${hint && Math.round(hint.y + hint.height)} of ${vh})`);
    const glyphs = await page.locator(".controls button, .header button").evaluateAll((bs) => bs.filter((b) => /[⏸▶◀↻☀☾]/.test(b.textContent)).length);
    const drawn = await page.locator(".controls button svg.ico").count();
    check(glyphs === 0 && drawn >= 4, `${label}: the transport's icons are drawn (${drawn} drawn, ${glyphs} font glyphs)`);
    await page.close();
  }

  // 8. Selecting an event leaves the cursor and the axis alone; Esc and empty space clear it.
  {
    const { page } = await pageAt(context, `${base}#v=1&proto=clocks-vector&n=4&seed=1`);
    for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowRight");
    const axis = () => page.locator("#timeline .tick text").allInnerTexts();
    const [cursor, ticks] = [await cursorOf(page), (await axis()).join(",")];
    await page.locator("#timeline [data-event] .hit").nth(3).click({ force: true });
    check((await page.locator("#timeline .tl-event.selected").count()) === 1, "an event is selected on the diagram");
    check((await cursorOf(page)) === cursor && (await axis()).join(",") === ticks, `selecting it moves neither the cursor (${cursor} → ${await cursorOf(page)}) nor the axis`);
    check((await page.locator("#timeline .tl-event.ghost").count()) === 0, "its causal future is drawn in full (nothing faded as ahead)");
    await page.keyboard.press("Escape");
    check((await page.locator("#timeline .tl-event.selected, #timeline .tl-event.past, #timeline .tl-event.future").count()) === 0, "Esc clears the selection");
    await page.locator("#timeline [data-event] .hit").nth(3).click({ force: true });
    const svg = await page.locator("#timeline").boundingBox();
    await page.mouse.click(svg.x + svg.width - 8, svg.y + svg.height - 6);
    check((await page.locator("#timeline .tl-event.selected").count()) === 0, "a click on empty space clears it");
    await page.close();
  }

  // 10. A crashed node shows no stale "since t=…".
  {
    const { page } = await pageAt(context, `${base}#v=1&proto=mutex-central&n=6&seed=7&p.cs=120&p.requests=400`);
    let waiting = null;
    for (let i = 0; i < 200 && waiting === null; i++) {
      await page.keyboard.press("ArrowRight");
      waiting = await page.locator("#topology [data-node]").evaluateAll((gs) => {
        const g = gs.find((g) => g.dataset.node !== "0" && /t=/.test(g.textContent) && !g.classList.contains("down"));
        return g ? g.dataset.node : null;
      });
    }
    if (waiting !== null) {
      await page.locator(`#topology [data-node='${waiting}'] .node-body`).click();
      await page.locator("[data-testid=popup] [data-act=crash]").click();
      const label = await page.locator(`#topology [data-node='${waiting}']`).textContent();
      check(!/t=/.test(label), `a crashed node drops its "since t=" badge ("${label}")`);
    } else check(false, "found a waiting node to crash");
    await page.close();
  }
  await ctx720.close();
}

// Issue 12, findings 2, 3, 4, 7 and 9: text size, overlaps, compact labels, colours, links.
async function issue12Framing() {
  const ctx720 = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  // The page at `fragment`, played (as the hall would see it) to step `playTo` if asked.
  const at = async (ctx, fragment, playTo = 0) => {
    const page = await ctx.newPage();
    await page.goto(`${base}#${fragment}`);
    await page.waitForSelector("#topology [data-node]");
    if (playTo) {
      await page.click("[data-action=play]");
      await playedTo(page, playTo);
      await page.click("[data-action=pause]").catch(() => {});
      await paused(page);
    }
    await rendered(page);
    return page;
  };
  // Visible text boxes in an SVG: pairs that overlap, and boxes cut by the picture's edge.
  const textBoxes = (page, svg) => page.locator(svg).evaluate((root) => {
    const box = root.getBoundingClientRect();
    const shown = (el) => { for (let e = el; e && e !== root; e = e.parentElement) { const cs = getComputedStyle(e); if (cs.display === "none" || cs.visibility === "hidden" || Number(cs.opacity) === 0) return false; } return true; };
    const texts = [...root.querySelectorAll("text")].filter((t) => t.textContent.trim() && !t.classList.contains("down-mark") && shown(t))
      .map((t) => ({ r: t.getBoundingClientRect(), s: t.textContent }));
    let pairs = 0; const examples = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].r, b = texts[j].r;
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) { pairs++; if (examples.length < 3) examples.push(`${texts[i].s}|${texts[j].s}`); }
    }
    const cut = texts.filter((t) => t.r.left < box.left - 1 || t.r.right > box.right + 1 || t.r.top < box.top - 1 || t.r.bottom > box.bottom + 1).map((t) => t.s);
    return { n: texts.length, pairs, examples, cut };
  });
  // Every visible text on the first screen, smallest font size in px.
  const smallest = (page) => page.locator(".screen").evaluate((root) => {
    let min = 1e9, what = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || el.closest("option, title, .popup")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.left < 0) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < min) { min = size; what = `${el.className?.baseVal ?? el.className}: "${n.textContent.trim().slice(0, 20)}"`; }
    }
    return { min, what };
  });

  const cases = [
    ["clocks-vector n=5, played to step 16", "v=1&proto=clocks-vector&n=5&seed=1", 16],
    ["election-ring n=8", "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&at=12", 0],
    ["election-ring n=16", "v=1&proto=election-ring&n=16&seed=1&at=20", 0],
    ["election-bully n=8", "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:0:start&at=14", 0],
  ];
  const KNOWN_OPEN = [];
  // And every protocol the picker offers, at its defaults, 25 steps in.
  {
    const page = await at(context, "v=1", 0);
    const ids = await page.locator("[data-testid=protocol] option").evaluateAll((os) => os.map((o) => o.value));
    await page.close();
    for (const id of ids) cases.push([`${id} default`, `v=1&proto=${id}&seed=1&at=25`, 0]);
  }
  for (const [ctx, label] of [[context, "1920"], [ctx720, "1280"]]) {
    for (const [name, fragment, play] of cases) {
      // Known and open (issue 12): a compact tree at 1280 has nodes so close that a crown
      // touches a neighbour's id and two states find no room. Listed, not hidden.
      if (KNOWN_OPEN.includes(`${label} ${name}`)) {
        console.log(`open ${label} ${name}: known layout gap, not checked (issue 12)`);
        continue;
      }
      const page = await at(ctx, fragment, play);
      // 2. Nothing below 16 px at 1920.
      if (label === "1920") {
        const { min, what } = await smallest(page);
        check(min >= 16, `${label} ${name}: no text under 16 px (smallest ${min} px, ${what})`);
      }
      // 3. No two words on top of each other, none cut by the edge.
      for (const svg of ["#topology", "#timeline"]) {
        const t = await textBoxes(page, svg);
        check(t.pairs === 0 && t.cut.length === 0, `${label} ${name} ${svg}: ${t.n} texts, ${t.pairs} overlapping pairs ${t.examples.join(" ")}, ${t.cut.length} cut at the edge ${t.cut.slice(0, 3).join(" ")}`);
      }
      // 4. Every live node shows its id and its state.
      const nodes = await page.locator("#topology .node:not(.down)").evaluateAll((gs) => gs.map((g) => ({
        id: g.querySelector(".node-id") && parseFloat(getComputedStyle(g.querySelector(".node-id")).fontSize),
        role: !!g.querySelector(".node-role"),
      })));
      const noId = nodes.filter((x) => !(x.id >= 16)).length, noRole = nodes.filter((x) => !x.role).length;
      check(noId === 0 && noRole === 0, `${label} ${name}: every node shows its id (${noId} without) and its state (${noRole} without)`);
      // 7. Everything drawn is in a legend; active nodes are not drawn in the colour of danger.
      const missing = await page.evaluate(() => {
        const out = [];
        const has = (k) => !!document.querySelector(`[data-legend="${k}"]`);
        for (const c of ["ev-send", "ev-receive", "ev-local", "ev-start", "ev-crash"]) if (document.querySelector(`#timeline .tl-event.${c}`) && !has(c)) out.push(c);
        if (document.querySelector("#timeline .mark-ring") && !has("mark-ring")) out.push("mark-ring");
        if (document.querySelector("#timeline .row-down") && !has("row-down")) out.push("row-down");
        if (document.querySelector("#timeline .tl-violation") && !has("tl-violation")) out.push("tl-violation");
        for (const g of document.querySelectorAll("#topology .node")) {
          const tone = [...g.classList].find((c) => c.startsWith("tone-"));
          const key = g.classList.contains("down") ? "down" : tone;
          if (key && !has(key)) out.push(key);
        }
        if (document.querySelector("#topology .breach-ring") && !has("breach")) out.push("breach");
        if (document.querySelector("#topology .countdown") && !has("countdown")) out.push("countdown");
        if (document.querySelector("#topology .token") && !has("token")) out.push("token");
        if (document.querySelector("#topology .death") && !has("death")) out.push("death");
        const danger = getComputedStyle(document.documentElement).getPropertyValue("--danger").trim();
        const probe = document.createElement("i"); probe.style.color = danger; document.body.append(probe);
        const red = getComputedStyle(probe).color; probe.remove();
        for (const b of document.querySelectorAll("#topology .node:not(.down) .node-body")) if (getComputedStyle(b).fill === red) out.push("a live node in red");
        return [...new Set(out)];
      });
      check(missing.length === 0, `${label} ${name}: the legends name everything drawn (missing: ${missing.join(", ")})`);
      if (label === "1920" && name.startsWith("election-bully")) await page.screenshot({ path: join(shots, "bully-after-1920.png") });
      await page.close();
    }
  }

  // 2. The text-size control raises everything together, and travels in the link.
  {
    const page = await at(context, "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:0:start&at=14");
    const sizes = () => page.evaluate(() => ["#timeline .stamp", "#timeline .tick text", "#topology .node-role", ".legend-box", ".timeline-bar", ".controls"].map((s) => document.querySelector(s) ? parseFloat(getComputedStyle(document.querySelector(s)).fontSize) : 0));
    const before = await sizes();
    // The text size lives in the header's menu.
    await page.click("[data-testid=header-menu] > summary");
    await page.selectOption("[data-testid=text-size]", "150");
    await rendered(page);
    const after = await sizes();
    check(after.every((x, i) => x >= before[i] * 1.45), `text size 150%: every size grows together (${before.join(",")} → ${after.join(",")})`);
    await synced(page);
    check(decodeURIComponent(page.url()).includes("text=150"), "and the link carries it");
    for (const svg of ["#topology", "#timeline"]) {
      const t = await textBoxes(page, svg);
      check(t.pairs === 0 && t.cut.length === 0, `at 150% ${svg}: ${t.pairs} overlapping pairs, ${t.cut.length} cut`);
    }
    await page.close();
  }

  // 9. A link keeps the lesson's framing: speed, stamps, zoom, selection, theme, text size.
  {
    const page = await at(context, "v=1&proto=clocks-vector&n=4&seed=1&at=20");
    await page.selectOption("[data-testid=speed]", "4");
    await page.selectOption("[data-testid=stamps]", "vonly");
    await page.click("[data-action=zoom-in]");
    await page.locator("#timeline [data-event] .hit").nth(2).click({ force: true });
    await page.locator(".controls button.icon").last().click();
    await page.click("[data-testid=header-menu] > summary");
    await page.selectOption("[data-testid=text-size]", "125");
    await rendered(page);
    const look = (p) => p.evaluate(() => ({
      speed: document.querySelector("[data-testid=speed]").value,
      stamps: document.querySelector("[data-testid=stamps]").value,
      ticks: [...document.querySelectorAll("#timeline .tick")].length + ":" + [...document.querySelectorAll("#timeline .tick text")].map((t) => t.textContent).join(","),
      selected: document.querySelector("#timeline .tl-event.selected")?.dataset.event ?? null,
      theme: document.documentElement.dataset.theme,
      text: document.querySelector("[data-testid=text-size]").value,
      cursor: document.querySelector("[data-testid=cursor]").textContent,
    }));
    const was = await look(page);
    await synced(page);
    const link = page.url();
    const fresh = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const again = await fresh.newPage();
    await again.goto(link);
    await again.waitForSelector("#topology [data-node]");
    await rendered(again);
    const now = await look(again);
    check(JSON.stringify(now) === JSON.stringify(was) && was.selected !== null && was.theme === "dark", `a link restores speed, stamps, zoom, selection, theme and text size (${JSON.stringify(was)} → ${JSON.stringify(now)})`);
    check(new URL(again.url()).hash === new URL(link).hash, "and reads back to the same link");
    await fresh.close();
    await page.close();
  }

  // 9b. Stamps: Lamport, vector, both or none (ask the class first, reveal after); the
  // key S steps through them, and the choice travels in the link.
  {
    const page = await at(context, "v=1&proto=clocks-vector&n=3&seed=4&p.actions=4&p.every=250&p.send=60&at=40");
    const count = () => page.evaluate(() => ({
      lamport: document.querySelectorAll("#timeline .tl-event .stamp").length,
      vector: document.querySelectorAll("#timeline .tl-event .vstamp").length,
    }));
    const seen = {};
    for (const mode of ["lamport", "vonly", "vector", "none"]) {
      await page.selectOption("[data-testid=stamps]", { value: mode });
      await synced(page);
      seen[mode] = { ...(await count()), link: new URL(page.url()).hash.match(/stamps=(\w+)/)?.[1] ?? "default" };
    }
    check(seen.lamport.lamport > 10 && seen.lamport.vector === 0, `Lamport only: ${JSON.stringify(seen.lamport)}`);
    check(seen.vonly.lamport === 0 && seen.vonly.vector > 10, `vector only: ${JSON.stringify(seen.vonly)}`);
    check(seen.vector.lamport > 10 && seen.vector.vector > 10 && seen.vector.link === "default", `both (this lesson's default, left out of the link): ${JSON.stringify(seen.vector)}`);
    check(seen.none.lamport === 0 && seen.none.vector === 0 && seen.none.link === "none", `none: ${JSON.stringify(seen.none)}`);
    await page.locator("#timeline .row-line").first().evaluate((el) => document.activeElement?.blur());
    await page.keyboard.press("s");
    await until(page, () => document.querySelector("[data-testid=stamps]").value !== "none");
    check((await page.inputValue("[data-testid=stamps]")) === "lamport", "the key S goes on from none to Lamport");
    await page.close();
  }

  // 9. A lesson keeps its title with the viewer's interventions after it; go to step.
  {
    const page = await at(context, "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&at=10");
    const title = await text(page, "[data-testid=lesson-title]");
    await page.locator("#topology [data-node='7'] .node-body").click();
    await page.locator("[data-testid=popup] [data-act=crash]").click();
    await rendered(page);
    const after = await text(page, "[data-testid=lesson-title]");
    check(/^Worst case/.test(title) && after.startsWith(title.trim().replace(/[.。]$/, "")) && after.includes("crash n7 at step 10"), `a lesson keeps its title after an intervention ("${title}" → "${after}")`);
    await page.close();
  }
  {
    const page = await at(context, "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0");
    await page.fill("[data-testid=goto]", "17");
    await page.press("[data-testid=goto]", "Enter");
    await rendered(page);
    const c1 = await text(page, "[data-testid=cursor]");
    await page.fill("[data-testid=goto]", "3");
    await page.press("[data-testid=goto]", "Enter");
    await rendered(page);
    const c2 = await text(page, "[data-testid=cursor]");
    check(c1 === "17" && c2 === "3", `"go to step" seeks forward past what was played and back (17 → ${c1}, 3 → ${c2})`);
    await page.keyboard.press("ArrowRight");
    check((await text(page, "[data-testid=cursor]")) === "4", "and → steps after it");
    await page.close();
  }
  await ctx720.close();
}

// Issue 11: a guided lesson opened from a link in Chinese, stepped through with the keys
// and the buttons; the library and the keys overlay.
async function issue11Lessons() {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}#lesson=election-ring&lang=zh`);
  await page.waitForSelector("[data-testid=lesson-bar]");
  const count = () => text(page, "[data-testid=lesson-count]");
  const cursor = () => text(page, "[data-testid=cursor]");
  check((await count()) === "第 1 段，共 4 段" && /n0 发起选举/.test(await text(page, "[data-testid=lesson-text]")), `a lesson link opens in Chinese at its first step ("${await count()}")`);
  const expected = ["0", "7", "15", "23"];
  const seen = [await cursor()];
  // The lesson's count has moved on from `was`.
  const moved = (was) => until(page, (was) => document.querySelector("[data-testid=lesson-count]").textContent !== was, was);
  for (let k = 1; k < 4; k++) {
    const was = await count();
    if (k === 2) await page.keyboard.press("PageDown");
    else await page.click("[data-action=lesson-next]");
    await moved(was);
    seen.push(await cursor());
  }
  check(seen.join(",") === expected.join(","), `next moves the run to each step's point (${seen.join(", ")})`);
  await until(page, () => location.hash.includes("lesson=election-ring&lstep=4"));
  check((await page.evaluate(() => location.hash)).includes("lesson=election-ring&lstep=4"), "the link keeps the lesson and its step");
  const last = await count();
  await page.keyboard.press("p");
  await moved(last);
  check((await cursor()) === "15" && (await count()) === "第 3 段，共 4 段", "p goes back one lesson step");
  // Leave the lesson's step, then return to it.
  await page.keyboard.press("ArrowRight");
  await until(page, () => !!document.querySelector("[data-action=lesson-return]"));
  await page.click("[data-action=lesson-return]");
  await rendered(page);
  check((await cursor()) === "15", "back to this step after stepping away");
  await page.screenshot({ path: join(shots, "lesson-zh-1920x1080.png") });
  // The library lists every protocol and opens a lesson.
  await page.click("[data-testid=header-menu] > summary");
  await page.click("[data-action=library]");
  await page.waitForSelector("[data-testid=library]");
  const protocols = await page.locator("[data-testid=library] [data-protocol]").count();
  const lessons = await page.locator("[data-testid=library] [data-lesson]").count();
  check(protocols >= 20 && lessons >= 9, `the library lists ${protocols} protocols and ${lessons} lessons`);
  await page.click("[data-testid=library] [data-lesson=raft]");
  await until(page, () => !document.querySelector("[data-testid=library]"));
  check((await page.locator("[data-testid=library]").count()) === 0 && /Raft/.test(await text(page, "[data-testid=lesson-bar]")), "a lesson link in the library opens that lesson");
  // The keys overlay and hiding the answers.
  await page.keyboard.press("?");
  await until(page, () => !!document.querySelector("[data-testid=keys-overlay]"));
  const keys = await page.locator("[data-testid=keys-overlay] tr").count();
  await page.keyboard.press("Escape");
  await page.keyboard.press("h");
  await until(page, () => !!document.querySelector(".app.hide-answers"));
  const hidden = await page.locator(".app.hide-answers").count();
  check(keys >= 15 && hidden === 1, `? lists ${keys} keys; h hides the answers`);
  check(errors.length === 0, `no page errors (${errors.join("; ")})`);
  await page.close();
  // A lesson link with its own language opens without a problem banner.
  const clean = await context.newPage();
  await clean.goto(`${base}#lesson=raft&lstep=2&lang=zh`);
  await clean.waitForSelector("[data-testid=lesson-bar]");
  check((await clean.locator("[data-testid=problems]").count()) === 0 && (await text(clean, "[data-testid=cursor]")) === "7", "a lesson link at step 2 opens cleanly at its point");
  await clean.close();
}

// Issue 11: export the pictures (SVG, PNG) and the run (JSON, ShiViz), import ShiViz logs
// (hand-written, malformed, and the one just exported), and the embedded page.
async function exportsAndShiviz() {
  const { readFile } = await import("node:fs/promises");
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}#v=1&proto=election-ring&n=6&seed=1&p.ids=worst&p.initiators=one&lang=en&at=12`);
  await page.waitForSelector("#topology [data-node]");
  const download = async (which) => {
    await page.click("[data-testid=export-menu] > summary");
    const [d] = await Promise.all([page.waitForEvent("download"), page.click(`[data-export=${which}]`)]);
    const path = join(shots, d.suggestedFilename());
    await d.saveAs(path);
    return { name: d.suggestedFilename(), path };
  };
  // The SVGs parse on their own and carry the picture, with styles inlined.
  const svgCheck = (text) => page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = doc.documentElement;
    return { ok: !doc.querySelector("parsererror") && root.localName === "svg", nodes: doc.querySelectorAll("[data-node]").length, dots: doc.querySelectorAll(".tl-events circle, .tl-events [data-event]").length, styled: [...doc.querySelectorAll("circle, line, text")].filter((e) => /fill:|stroke:/.test(e.getAttribute("style") || "")).length, w: Number(root.getAttribute("width")), h: Number(root.getAttribute("height")) };
  }, text);
  const topo = await download("topology-svg");
  check(topo.name === "dsviz-election-ring-step12-topology.svg", `the topology SVG is named for the run and step (${topo.name})`);
  const t = await svgCheck(await readFile(topo.path, "utf8"));
  check(t.ok && t.nodes === 6 && t.styled > 10, `the topology SVG parses on its own, with its 6 nodes and inline styles (${JSON.stringify(t)})`);
  const diag = await download("diagram-svg");
  const dg = await svgCheck(await readFile(diag.path, "utf8"));
  check(dg.ok && dg.dots > 5, `the diagram SVG parses, with its events (${JSON.stringify(dg)})`);
  // The PNG: twice the SVG's size, and not blank (many colours).
  const png = await download("topology-png");
  const bytes = await readFile(png.path);
  const pw = bytes.readUInt32BE(16), ph = bytes.readUInt32BE(20);
  check(bytes.slice(1, 4).toString() === "PNG" && pw === 2 * t.w && ph === 2 * t.h, `the PNG is ${pw}×${ph}, twice the SVG's ${t.w}×${t.h}`);
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, bytes.toString("base64"));
  check(colours > 8, `the PNG is not blank (${colours} colours sampled)`);
  await download("diagram-png");
  const run = JSON.parse(await readFile((await download("run-json")).path, "utf8"));
  check(run.format === "dsviz-run" && run.events.length > 10 && run.messages.length > 5 && run.scenario.includes("proto=election-ring"), `the run's JSON has the scenario, ${run.events.length} events and ${run.messages.length} messages`);
  const shiviz = await readFile((await download("shiviz")).path, "utf8");
  const exportedEvents = shiviz.trim().split("\n").length / 2;

  // Import: the log just exported, a hand-written one, a malformed one.
  const importLog = async (text) => {
    await page.click("[data-testid=export-menu] > summary");
    await page.click("[data-action=import-shiviz]");
    await page.fill("[data-testid=import-text]", text);
    await page.click("[data-action=import-show]");
    await rendered(page);
  };
  await importLog(shiviz);
  const drawn = await page.locator("#imported [data-ev]").count();
  const arrows = await page.locator("#imported .imp-msg").count();
  check(drawn === exportedEvents && drawn > 10, `the exported ShiViz log imports with all its events drawn (${drawn} of ${exportedEvents})`);
  check(arrows >= 5, `and the messages inferred from its clocks (${arrows})`);
  await page.locator("#imported [data-ev='5']").click();
  check((await page.locator("[data-testid=import-caption]").count()) === 1 && (await page.locator("#imported .imp-event.past, #imported .imp-event.future").count()) > 0, "clicking an imported event lights its causal past and future");
  await page.screenshot({ path: join(shots, "imported-election-1920x1080.png") });
  await page.click("[data-action=import-close]");
  check((await page.locator("#topology [data-node]").count()) === 6 && (await text(page, "[data-testid=cursor]")) === "12", "back to the simulation, where it was");
  const hand = 'client starts\nclient {"client":1}\nclient sends a request\nclient {"client":2}\nserver starts\nserver {"server":1}\nserver receives the request\nserver {"client":2, "server":2}\nserver replies\nserver {"client":2, "server":3}\nclient gets the reply\nclient {"client":3, "server":3}\n';
  await importLog(hand);
  check((await page.locator("#imported [data-ev]").count()) === 6 && (await page.locator("#imported .imp-msg").count()) === 2 && (await page.locator("#imported .row-label").count()) === 2, "a hand-written log: 2 hosts, 6 events, 2 messages");
  await page.screenshot({ path: join(shots, "imported-hand-1920x1080.png") });
  await page.click("[data-action=import-close]");
  await importLog('a starts\na {"a":1}\na again\na {"a":1}\n');
  const problem = await page.locator("[data-testid=import-problem]").innerText().catch(() => "");
  check(problem.includes("line 4") && (await page.locator("#imported").count()) === 0, `a malformed log is refused, naming the line ("${problem}")`);
  check(errors.length === 0, `exports and imports raise no page errors (${errors.join("; ")})`);
  await page.close();

  // Embedded: only the simulation, filling a small frame.
  const small = await ctx.newPage();
  await small.setViewportSize({ width: 800, height: 450 });
  await small.goto(`${base}#v=1&proto=election-ring&n=6&seed=1&p.ids=worst&p.initiators=one&lang=en&embed=1&at=12`);
  await small.waitForSelector("#topology [data-node]");
  const chrome = await small.locator(".header, .panels, [data-testid=export-menu]").count();
  const fits = await small.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1 && document.documentElement.scrollWidth <= innerWidth + 1);
  check(chrome === 0 && fits, `embed=1 shows the simulation alone, fitting an 800×450 frame (chrome ${chrome}, fits ${fits})`);
  await small.click("[data-action=step-forward]");
  await until(small, () => location.hash.includes("at=13"));
  check((await text(small, "[data-testid=cursor]")) === "13" && new URL(small.url()).hash.includes("embed=1"), "its controls step the run and the link stays embedded");
  await small.screenshot({ path: join(shots, "embed-800x450.png") });
  await ctx.close();
}

// Presenter mode (present=1, issue 11 "In the lecture hall"): at 1920×1080 and 1280×720 the
// topology, the diagram, the invariants and the costs fit one screen without scrolling,
// nothing is cut inside the side panel, and no visible text is under 18 px.
async function presenterMode() {
  const cases = [
    ["election-ring", "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&at=12"],
    ["mutex-ricart-agrawala", "v=1&proto=mutex-ricart-agrawala&seed=1&at=25"],
    ["raft", "v=1&proto=raft&seed=1&at=40"],
    ["clocks-vector", "v=1&proto=clocks-vector&n=5&seed=1&at=25"],
  ];
  for (const [w, h] of [[1920, 1080], [1280, 720]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    for (const [name, fragment] of cases) {
      const page = await ctx.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base}#${fragment}&lang=en&present=1`);
      await page.waitForSelector("#topology [data-node]");
      await rendered(page);
      const m = await page.evaluate(() => {
        const vw = innerWidth, vh = innerHeight;
        const box = (sel) => { const e = document.querySelector(sel); if (!e) return null; const r = e.getBoundingClientRect(); return { sel, l: r.left, t: r.top, r: r.right, b: r.bottom }; };
        const boxes = ["#topology", "#timeline", "[data-testid=monitors]", "[data-testid=metrics]"].map(box);
        const outside = boxes.filter((b) => !b || b.l < -0.5 || b.t < -0.5 || b.r > vw + 0.5 || b.b > vh + 0.5).map((b) => b ? `${b.sel} ${Math.round(b.l)},${Math.round(b.t)}-${Math.round(b.r)},${Math.round(b.b)}` : "missing");
        // The diagram's svg may be taller than its scrolling box: its visible part is the box's.
        const canvas = document.querySelector(".timeline-canvas")?.getBoundingClientRect();
        if (canvas && (canvas.bottom > vh + 0.5 || canvas.top < 0)) outside.push(`.timeline-canvas ${Math.round(canvas.top)}-${Math.round(canvas.bottom)}`);
        const mon = document.querySelector("[data-testid=monitors]");
        const clipped = mon.scrollHeight > mon.clientHeight + 1 || mon.scrollWidth > mon.clientWidth + 1;
        // Every visible text (and form control) on the page, smallest font size.
        let min = 1e9, what = "";
        const see = (el, label) => {
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0 || r.right < 0 || r.left > vw) return;
          const size = parseFloat(getComputedStyle(el).fontSize);
          if (size < min) { min = size; what = label; }
        };
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!n.textContent.trim() || !el || el.closest("option, title, script, style")) continue;
          see(el, `${el.className?.baseVal ?? el.className}: "${n.textContent.trim().slice(0, 24)}"`);
        }
        for (const el of document.querySelectorAll("select, input:not([type=range]):not([type=checkbox]), button")) see(el, `${el.tagName.toLowerCase()}.${el.className}`);
        const doc = document.documentElement;
        return { docH: doc.scrollHeight, docW: doc.scrollWidth, vw, vh, outside, clipped, monH: `${mon.scrollHeight}/${mon.clientHeight}`, min, what };
      });
      const label = `presenter ${w}x${h} ${name}`;
      check(m.docH <= m.vh && m.docW <= m.vw, `${label}: no page scroll (document ${m.docW}×${m.docH} in ${m.vw}×${m.vh})`);
      check(m.outside.length === 0, `${label}: topology, diagram, monitors and costs lie inside the screen (${m.outside.join("; ") || "all inside"})`);
      check(!m.clipped, `${label}: the monitors panel shows all it holds (content ${m.monH} px)`);
      check(m.min >= 18, `${label}: no visible text under 18 px (smallest ${m.min} px, ${m.what})`);
      check(errors.length === 0, `${label}: no page errors (${errors.join("; ")})`);
      await page.close();
    }
    await ctx.close();
  }
}

// The default view at 1280×720: the header keeps to one row, so the pictures get the
// height; the ring at N=8 writes every node's badge (shrinking towards 16 px, never under).
async function defaultAt1280() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  const ids = [];
  {
    await page.goto(`${base}#v=1&lang=en`);
    await page.waitForSelector("#topology [data-node]");
    ids.push(...await page.locator("[data-testid=protocol] option").evaluateAll((os) => os.map((o) => o.value)));
  }
  const rows = async () => page.locator(".header").evaluate((h) => {
    const tops = [...h.children].filter((c) => c.getBoundingClientRect().height > 0).map((c) => c.getBoundingClientRect());
    // One row: every item's box overlaps the first item's vertical band.
    const first = tops[0];
    return { rows: tops.some((r) => r.top >= first.bottom - 1) ? 2 : 1, height: Math.round(h.getBoundingClientRect().height) };
  });
  const wrapped = [];
  for (const id of ids) {
    await page.goto(`${base}#v=1&proto=${id}&seed=1&lang=en`);
    await page.waitForSelector("#topology [data-node]");
    const r = await rows();
    if (r.rows > 1) wrapped.push(`${id} (${r.height} px)`);
  }
  check(wrapped.length === 0, `1280: the header keeps to one row for all ${ids.length} protocols (wrapped: ${wrapped.join(", ") || "none"})`);
  for (const lang of ["en", "zh"]) {
    await page.goto(`${base}#v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&at=12&lang=${lang}`);
    await page.waitForSelector("#topology [data-node]");
    await rendered(page);
    const badges = await page.locator("#topology .node-badge").evaluateAll((ts) => ts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    // English finds room for all eight; Chinese badges are wider, and one is still left to
    // the inspector (known and open, listed).
    const least = lang === "en" ? 8 : 7;
    check(badges.length >= least && badges.every((f) => f >= 16), `1280 ${lang}: the ring at N=8 writes ${badges.length} of 8 badges, none under 16 px (${[...new Set(badges)].join("/")} px)`);
    if (badges.length < 8) console.log(`open 1280 ${lang}: the ring at N=8 shows ${badges.length} of 8 badges`);
  }
  await page.close();
  await ctx.close();
}
