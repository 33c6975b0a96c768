// The editor features of issue #15 in the real VS Code: the hardware status lens and its HW
// finding in Problems, the quick fix that makes a method hardware, a hover with a proven width,
// the outline, Verify File and Restart Server from the palette, cancelling a synthesis from its
// progress notification, the report's waveform and highlighted Verilog, and the Generate error's
// buttons. Each step polls for what should be on screen (bounded waits) and takes a screenshot.
//
// `h` is run.mjs's harness: { page, log, check, shot, waitFor, runCommand, openFile,
// activeEditor, problemsCount, serverPids, reportFrame }.

const LENS = ".monaco-editor .codelens-decoration";

/** Put the cursor at line:column of the active editor (Go to Line). */
async function goTo(h, where) {
  const { page } = h;
  await h.activeEditor(page).click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: 10000 });
  await page.keyboard.insertText(where);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10000 });
}

/** The RTL editor the report opened: language "Verilog" in the status bar and tokens coloured. */
export async function verilogHighlighted(h, rtlName) {
  const { page } = h;
  const mode = page.locator('.statusbar-item[id="status.editor.mode"]');
  const language = await h.waitFor(
    "the status bar's language of the opened .v file",
    async () => {
      const text = (await mode.innerText()).trim();
      return /Verilog/.test(text) ? text : false;
    },
    20000,
  );
  // Monaco renders each token class as an mtkN span: plain text is a single class.
  const classes = await h.waitFor(
    "coloured tokens in the Verilog editor",
    async () => {
      const found = await h
        .activeEditor(page)
        .locator("span[class^='mtk']")
        .evaluateAll((spans) => [...new Set(spans.map((s) => s.className))]);
      return found.length >= 3 ? found : false;
    },
    20000,
  );
  h.check(
    "a .v file opened from the report is Verilog, highlighted",
    language === "Verilog" && classes.length >= 3,
    `${rtlName}: language "${language}", ${classes.length} token colours`,
  );
  await h.shot(page, "07b-verilog-highlighted", 300);
}

/** The report's waveform (passing vector's VCD drawn as SVG). */
export async function waveformShown(h) {
  const frame = h.reportFrame();
  const svg = frame.locator("[data-waveform] svg").first();
  await svg.waitFor({ state: "visible", timeout: 20000 });
  await svg.scrollIntoViewIfNeeded();
  const state = await frame.locator("[data-waveform]").first().getAttribute("data-waveform");
  const traces = await svg.locator("path, polyline, line, rect").count();
  h.check("the report draws the co-simulation waveform as SVG", traces > 0, `data-waveform="${state}", ${traces} shapes`);
  await h.shot(h.page, "06b-waveform", 300);
}

async function lensTexts(page) {
  return (await page.locator(LENS).allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

/** Show the hover at line:column, retried until its text matches (widths arrive after Dafny). */
async function hoverAt(h, where, pattern) {
  const { page } = h;
  const hover = page.locator(".monaco-hover:not(.hidden)").first();
  return h.waitFor(
    `a hover at ${where} matching ${pattern}`,
    async () => {
      await page.keyboard.press("Escape");
      await goTo(h, where);
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      await hover.waitFor({ state: "visible", timeout: 3000 });
      const text = (await hover.innerText()).replace(/\s+/g, " ").trim();
      return pattern.test(text) ? text : false;
    },
    45000,
    500,
  );
}

export async function editorFeaturesFlow(h) {
  const { page } = h;
  await h.openFile(page, "hw_status.dfy");

  // (a) Double takes an unbounded int: verified, but its lens says why it is not hardware.
  const notHw = page.locator(LENS, { hasText: "not hardware" }).first();
  await notHw.waitFor({ state: "visible", timeout: 90000 });
  const lenses = await lensTexts(page);
  h.check(
    'a method with an unbounded int gets a "not hardware: ..." lens, a bounded one "Synthesize"',
    lenses.some((t) => /not hardware: \S/.test(t)) && lenses.some((t) => /Synthesize/.test(t)),
    lenses.join(" | "),
  );
  await h.shot(page, "14-not-hardware-lens");

  await page.keyboard.press("Control+Shift+M");
  const hwRow = page.locator(".markers-panel .monaco-list-row", { hasText: /HW2\d\d/ }).first();
  await hwRow.waitFor({ state: "visible", timeout: 20000 });
  const hwText = (await hwRow.innerText()).replace(/\s+/g, " ").trim();
  h.check("the HW finding is a warning in the Problems panel, with a way forward", /requires/.test(hwText), hwText.slice(0, 200));
  await h.shot(page, "15-hw-warning-in-problems");

  // (c) The outline lists both methods.
  await h.runCommand(page, "Explorer: Focus on Outline View");
  const outline = await h.waitFor(
    "the Outline view's methods",
    async () => {
      const rows = (await page.locator(".monaco-list-row .outline-element").allInnerTexts()).map((t) => t.trim());
      return rows.some((t) => /Clamp/.test(t)) && rows.some((t) => /Double/.test(t)) ? rows : false;
    },
    30000,
  );
  h.check("the Outline view lists the file's methods", true, outline.join(", "));
  await h.shot(page, "16-outline");

  // (b) A hover on Clamp's result: the width Dafny proved from `ensures 0 <= y < 256`.
  const hoverText = await hoverAt(h, "3:31", /proven by Dafny/);
  h.check('a hover on a variable shows its width, "proven by Dafny"', /u8|\[0, 255\]/.test(hoverText), hoverText.slice(0, 200));
  await h.shot(page, "17-hover-proven-width", 300);
  await page.keyboard.press("Escape");

  // (f) Verify File from the command palette: an information toast with the summary.
  await h.activeEditor(page).click();
  await h.runCommand(page, "Proof2Silicon: Verify File");
  const verified = page.locator(".notifications-toasts .notification-toast", { hasText: "Proof2Silicon:" }).last();
  await verified.waitFor({ state: "visible", timeout: 90000 });
  const verifiedText = (await verified.innerText()).replace(/\s+/g, " ").trim();
  h.check("Verify File from the command palette reports the file verified", /verified/i.test(verifiedText) && !/error/i.test(verifiedText), verifiedText.slice(0, 200));
  await h.shot(page, "18-verify-file-command", 300);

  // (a) Ctrl+. on Double's parameter: the preferred fix adds a 32-bit `requires`.
  await goTo(h, "10:15");
  await page.keyboard.press("Control+.");
  const fix = page.locator(".action-widget .monaco-list-row", { hasText: /32 bits/ }).first();
  await fix.waitFor({ state: "visible", timeout: 20000 });
  const fixTitle = (await fix.innerText()).replace(/\s+/g, " ").trim();
  h.check("Ctrl+. offers adding a `requires` for 32-bit inputs", /Add `?requires`? .*32 bits.*Double/.test(fixTitle), fixTitle);
  await h.shot(page, "19-quick-fix-menu", 300);
  // The context view's pointer block swallows clicks: choose with the keyboard, as users do.
  const focused = page.locator(".action-widget .monaco-list-row.focused");
  const initiallyFocused = (await focused.innerText()).replace(/\s+/g, " ").trim();
  for (let i = 0; i < 6 && !/32 bits/.test(await focused.innerText()); i++) await page.keyboard.press("ArrowDown");
  h.log(`quick fix menu opened on "${initiallyFocused}"`);
  await page.keyboard.press("Enter");
  const afterFix = await h.waitFor(
    "the lens to read Synthesize on both methods after re-verification",
    async () => {
      const texts = await lensTexts(page);
      const synth = texts.filter((t) => /Synthesize/.test(t)).length;
      return synth >= 2 && !texts.some((t) => /not hardware/.test(t)) ? texts : false;
    },
    90000,
  );
  const editorText = await h.activeEditor(page).innerText();
  h.check(
    'the quick fix adds the bound and, re-verified, the lens reads "Synthesize"',
    /requires\s+-2147483648 <= x <= 2147483647/.test(editorText.replace(/\u00a0/g, " ")) && (await h.problemsCount(page)) === 0,
    afterFix.join(" | "),
  );
  await h.shot(page, "20-quick-fix-applied-synthesize");

  // (f) Restart Server from the palette: a new language server process replaces the old one.
  const before = h.serverPids();
  await h.runCommand(page, "Proof2Silicon: Restart Language Server");
  const after = await h.waitFor(
    "a new language server process",
    () => {
      const now = h.serverPids();
      return now.length > 0 && now.every((p) => !before.includes(p)) ? now : false;
    },
    60000,
  );
  // The new process exists from "starting" on; a command issued while the client starts waits
  // for it (ServerConnection.ready). Wait for ready so the lenses clicked below are the new
  // server's, not the old one's still on screen.
  const status = page.locator(".statusbar-item", { hasText: "P2S" }).first();
  const ready = await h.waitFor(
    "the status bar to show the restarted server ready",
    async () => {
      const text = (await status.innerText()).trim();
      return /P2S/.test(text) && !/starting|stopped|failed/i.test(text) ? text : false;
    },
    60000,
  );
  await page.locator(LENS, { hasText: "Synthesize" }).first().waitFor({ state: "visible", timeout: 90000 });
  h.check("Restart Language Server from the palette starts a new server", before.length > 0, `pids ${before.join(",")} -> ${after.join(",")}; status "${ready}"`);
  await h.shot(page, "21-restarted-server", 300);

  // (f)+(e) Synthesize Double (never synthesized: no cache) and cancel it from the progress
  // notification: the panel, which showed the earlier report as stale, says the run failed.
  const synthLenses = page.locator(`${LENS} a`, { hasText: "Synthesize" });
  // After the restart the lenses are redrawn as the new server's verification lands: wait for
  // both, then take the lower one (Double's).
  const lowest = await h.waitFor(
    "both methods' Synthesize lenses after the restart",
    async () => {
      const boxes = [];
      for (let i = 0; i < (await synthLenses.count()); i++) boxes.push({ i, y: (await synthLenses.nth(i).boundingBox())?.y ?? -1 });
      boxes.sort((a, b) => b.y - a.y);
      return boxes.length >= 2 && boxes[0].y > 0 ? boxes[0] : false;
    },
    60000,
  );
  await synthLenses.nth(lowest.i).click();
  const progress = page.locator(".notifications-toasts .notification-toast", { hasText: "Synthesizing" }).first();
  await progress.waitFor({ state: "visible", timeout: 20000 });
  const frame = h.reportFrame();
  // The panel shares the editor group with the source: bring its tab to the front. While the
  // run goes on it shows the earlier report dimmed, under a banner naming this run.
  await page.locator('.tab:has-text("Synthesis: Double")').first().click();
  const running = frame.locator('[data-panel-state="running"]');
  await running.waitFor({ state: "visible", timeout: 10000 });
  const banner = (await running.locator(".stale-banner").innerText()).replace(/\s+/g, " ").trim();
  const staleBody = await running.locator(".stale [data-metric]").count();
  h.check(
    "a synthesis that starts marks the report on screen stale",
    /Double/.test(banner) && /SaturatingAdd/.test(banner) && staleBody > 0,
    `${banner}; ${staleBody} dimmed metrics`,
  );
  await h.shot(page, "22-stale-report-while-running", 100);
  await progress.getByRole("button", { name: "Cancel" }).click();
  await page.locator(".notifications-toasts", { hasText: "synthesis cancelled" }).waitFor({ timeout: 60000 });
  const failed = frame.locator('[data-panel-state="failed"]');
  await failed.waitFor({ state: "visible", timeout: 60000 });
  const failedText = (await failed.innerText()).replace(/\s+/g, " ").trim();
  const leftover = await frame.locator('[data-metric="latency"]').count();
  h.check(
    "cancelling a synthesis from its notification leaves the failed panel (no earlier report)",
    /Double/.test(failedText) && /cancel/i.test(failedText) && leftover === 0,
    failedText.slice(0, 200),
  );
  await h.shot(page, "23-cancelled-synthesis-panel");
}

/** Generate with no endpoint configured: the error toast has its ways out. */
export async function generateWithoutEndpoint(h, spec) {
  const { page } = h;
  await h.openFile(page, spec);
  await h.runCommand(page, "Proof2Silicon: Generate Verified Dafny from Spec or Selection");
  const toast = page.locator(".notifications-toasts .notification-toast", { has: page.locator(".codicon-error") }).first();
  await toast.waitFor({ state: "visible", timeout: 60000 });
  const buttons = (await toast.locator(".monaco-button").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  const message = (await toast.locator(".notification-list-item-message").innerText()).replace(/\s+/g, " ").trim();
  h.check(
    "Generate with no endpoint: the error toast offers Open Settings, Set API Key and Show Output",
    ["Open Settings", "Set API Key", "Show Output"].every((b) => buttons.includes(b)),
    `"${message.slice(0, 160)}" [${buttons.join(", ")}]`,
  );
  await h.shot(page, "24-generate-no-endpoint-buttons", 300);
  await toast.locator(".monaco-button", { hasText: "Open Settings" }).click();
  const setting = page.locator(".settings-editor .setting-item", { hasText: /base ?url/i }).first();
  await setting.waitFor({ state: "visible", timeout: 20000 });
  h.check("its Open Settings button opens the LLM settings", true, (await setting.innerText()).replace(/\s+/g, " ").slice(0, 120));
  await h.shot(page, "25-open-settings-from-error", 300);
}

/** A synthesis that fails (not one cancelled): SaturatingAdd's report is on screen again (its
 * synthesis is cached from the synthesize flow), then Synthesize on a method the front end cannot
 * lower. The panel must say that run failed, and show nothing of the earlier report's PASS. */
export async function failedSynthesisPanel(h) {
  const { page } = h;
  // the generate flow leaves several editor groups open (the first lens on screen must be this
  // file's), and the file it wrote may still be opening and take the focus from Quick Open
  await h.runCommand(page, "View: Close All Editor Groups");
  for (let attempt = 1; ; attempt++) {
    try {
      await h.openFile(page, "saturating_add.dfy");
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press("Escape");
      await page.waitForTimeout(2000);
      // Quick Open lost the race: open the file from the Explorer instead
      const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: /^saturating_add\.dfy$/ });
      if (await row.count().catch(() => 0)) {
        await row.first().click();
        if (await page.locator('.tab.active:has-text("saturating_add.dfy")').waitFor({ timeout: 10000 }).then(() => true, () => false)) break;
      }
    }
  }
  await page.locator(`${LENS} a`, { hasText: "Synthesize" }).first().waitFor({ state: "visible", timeout: 90000 });
  await page.locator(`${LENS} a`, { hasText: "Synthesize" }).first().click();
  const frame = h.reportFrame();
  await page.locator('.tab:has-text("Synthesis: SaturatingAdd")').first().click();
  const report = frame.locator('[data-panel-state="report"]');
  await report.waitFor({ state: "visible", timeout: 240000 });
  const verdictBefore = await frame.locator("[data-verdict]").first().getAttribute("data-verdict");
  await h.shot(page, "26-report-before-failed-synthesis", 300);

  await h.openFile(page, "not_hardware.dfy");
  await page.locator(LENS, { hasText: "not hardware" }).first().waitFor({ state: "visible", timeout: 90000 });
  await goTo(h, "7:5"); // inside Halve: the command synthesizes the method at the cursor
  await h.runCommand(page, "Proof2Silicon: Synthesize Method");
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "Halve" }).first();
  await toast.waitFor({ state: "visible", timeout: 60000 });
  const toastText = (await toast.innerText()).replace(/\s+/g, " ").trim();
  await page.locator('.tab:has-text("Synthesis: Halve")').first().click();
  const failed = frame.locator('[data-panel-state="failed"]');
  await failed.waitFor({ state: "visible", timeout: 60000 });
  const failedText = (await failed.innerText()).replace(/\s+/g, " ").trim();
  const leftover = (await frame.locator('[data-metric="latency"]').count()) + (await frame.locator('[data-verdict="pass"]').count());
  h.check(
    "a synthesis that fails replaces the earlier report with its failure (no stale PASS)",
    verdictBefore === "pass" && /Halve/.test(failedText) && !/cancel/i.test(failedText) && leftover === 0,
    `before: verdict ${verdictBefore}; after: "${failedText.slice(0, 160)}"; toast "${toastText.slice(0, 120)}"`,
  );
  await h.shot(page, "27-failed-synthesis-panel");
}
