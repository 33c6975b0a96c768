#!/usr/bin/env node
// End-to-end test in a real VS Code: code-server 4.100.3 with the packaged .vsix installed,
// driven through Debian's chromium by playwright-core, against the real language server, Dafny,
// the synthesis flow and the scripted OpenAI-compatible server. Screenshots go to
// .e2e/screenshots/; a JSON summary to .e2e/result.json. Exit 0 only when every check passed.
//
// Usage: node extension/test/e2e/run.mjs [--only verify,synthesize,editor,generate,defer] [--keep]
// `--only explore` runs the design-space exploration (explore.mjs) in a session of its own; it
// is not in the default set (tests/e2e runs it as a separate test, with its own .e2e folder).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { editorFeaturesFlow, failedSynthesisPanel, generateWithoutEndpoint, verilogHighlighted, waveformShown } from "./editorFeatures.mjs";
import { EXPLORE_SETTINGS, exploreFlow } from "./explore.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..", "..");
const e2eDir = resolve(process.env.P2S_E2E_DIR ?? join(repo, ".e2e"));
const shots = join(e2eDir, "screenshots");
const runDir = join(e2eDir, "run");
const vsix = join(repo, "extension", "dist", "proof2silicon.vsix");
const python = process.env.P2S_E2E_PYTHON ?? join(repo, ".venv", "bin", "python");
const chromiumPath = process.env.P2S_CHROMIUM ?? "/usr/bin/chromium";
const API_KEY = "sk-p2s-e2e-secret"; // the scripted server's require_key: proves the key got through

const argv = process.argv.slice(2);
const onlyArg = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : "verify,synthesize,editor,generate,defer";
const only = new Set(onlyArg.split(","));
const keep = argv.includes("--keep");

const started = Date.now();
const checks = [];
const children = [];
const screenshots = [];
const timings = {};

function log(message) {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[e2e ${t}s] ${message}\n`);
}

function check(name, ok, detail = "") {
  checks.push({ name, ok, detail });
  log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  if (!ok) throw new Error(`${name}${detail ? `: ${detail}` : ""}`);
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** A child in its own process group, so the language server and Dafny under it die with it. */
function startChild(name, command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const logFile = join(e2eDir, `${name}.log`);
  let buffered = "";
  const append = (chunk) => {
    buffered += chunk.toString();
    writeFileSync(logFile, buffered);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  children.push({ name, child });
  return { child, output: () => buffered };
}

async function stopChildren() {
  for (const { child } of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      continue;
    }
    const deadline = Date.now() + 4000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (${last.message})` : ""}`);
}

async function shot(page, name, settleMs = 800) {
  await page.waitForTimeout(settleMs);
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  screenshots.push(file);
  log(`screenshot ${file}`);
  return file;
}

// --- set-up ---------------------------------------------------------------------------------

function prepare() {
  rmSync(runDir, { recursive: true, force: true });
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  if (!existsSync(vsix)) throw new Error(`${vsix} missing: run npm run package first`);
  if (!existsSync(python)) throw new Error(`${python} missing: run scripts/setup first`);
  const codeServer = execFileSync(join(repo, "scripts", "e2e-setup"), { encoding: "utf8" }).trim().split("\n").pop();
  const workspace = join(runDir, "workspace");
  cpSync(join(here, "workspace"), workspace, { recursive: true });
  rmSync(join(workspace, "llm-script.json"));
  return { codeServer, workspace };
}

async function startScriptedLlm() {
  const port = await freePort();
  const { output } = startChild("scripted-llm", python, [
    "-m",
    "toolchain.llm.scripted_server",
    "--script",
    join(here, "workspace", "llm-script.json"),
    "--port",
    String(port),
  ], { cwd: repo });
  await waitFor("the scripted OpenAI-compatible server", () => /http:\/\/127\.0\.0\.1:\d+\/v1/.test(output()), 30000);
  return { baseUrl: `http://127.0.0.1:${port}/v1`, root: `http://127.0.0.1:${port}`, port };
}

function writeSettings(session, llmBaseUrl, extra = {}) {
  const settings = {
    ...extra,
    "proof2silicon.pythonPath": python,
    "proof2silicon.verifyOn": "change",
    "proof2silicon.debounceMs": 300,
    "proof2silicon.llm.baseUrl": llmBaseUrl,
    "proof2silicon.llm.model": "scripted-e2e",
    "proof2silicon.llm.maxRounds": 3,
    "proof2silicon.llm.temperature": 0,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    "workbench.colorTheme": "Default Dark Modern",
    "files.autoSave": "off",
    "git.enabled": false,
    "git.openRepositoryInParentFolders": "never",
  };
  mkdirSync(join(runDir, session, "user", "User"), { recursive: true });
  writeFileSync(join(runDir, session, "user", "User", "settings.json"), JSON.stringify(settings, null, 2));
}

async function startCodeServer(codeServer, workspace, session, extraVsix = []) {
  const user = join(runDir, session, "user");
  const ext = join(runDir, session, "extensions");
  const t0 = Date.now();
  for (const file of [vsix, ...extraVsix]) {
    execFileSync(codeServer, ["--user-data-dir", user, "--extensions-dir", ext, "--install-extension", file], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120000,
    });
  }
  timings[`${session}_install_vsix_s`] = (Date.now() - t0) / 1000;
  const port = await freePort();
  const config = join(runDir, session, "config.yaml");
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  startChild(`code-server-${session}`, codeServer, [
    "--config", config,
    "--auth", "none",
    "--bind-addr", `127.0.0.1:${port}`,
    "--user-data-dir", user,
    "--extensions-dir", ext,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    workspace,
  ], { cwd: workspace, env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  const url = `http://127.0.0.1:${port}`;
  await waitFor("code-server /healthz", async () => (await fetch(`${url}/healthz`)).ok, 60000, 300);
  timings[`${session}_code_server_ready_s`] = (Date.now() - t0) / 1000;
  return url;
}

/** The language servers ("python -m server") under the code-server session's process group. */
function serverPids() {
  const session = children.find((c) => c.name.startsWith("code-server-") && c.child.exitCode === null);
  if (!session) return [];
  const rows = execFileSync("ps", ["-eo", "pid=,pgid=,args="], { encoding: "utf8" }).split("\n");
  return rows
    .map((r) => r.trim().split(/\s+/))
    .filter((f) => f.length > 3 && Number(f[1]) === session.child.pid && f.includes("-m") && f[f.indexOf("-m") + 1] === "server")
    .map((f) => Number(f[0]));
}

/** What editorFeatures.mjs drives the workbench with. */
function harness(page) {
  const reportFrame = () => page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  return { page, log, check, shot, waitFor, runCommand, openFile, activeEditor, problemsCount, serverPids, reportFrame };
}

// --- the workbench ------------------------------------------------------------------------------

async function runCommand(page, title) {
  // The palette sometimes answers a query typed the instant it opens from a stale command list
  // ("similar commands"); typing again, a beat later, gets the real one.
  const input = page.locator(".quick-input-widget input");
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible", timeout: 10000 });
    await page.waitForTimeout(300);
    await input.fill("");
    await page.keyboard.type(`>${title}`, { delay: 10 });
    try {
      await row.waitFor({ state: "visible", timeout: 5000 });
      break;
    } catch (err) {
      await page.keyboard.press("Escape");
      if (attempt === 3) throw err;
    }
  }
  await page.waitForTimeout(200);
  await page.keyboard.press("Enter");
}

/** The text area of the focused editor group (a report panel may sit in another group). */
function activeEditor(page) {
  return page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
}

async function openFile(page, name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(name);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first();
  await row.waitFor({ state: "visible", timeout: 10000 });
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active:has-text("${name}")`).waitFor({ timeout: 10000 });
  await activeEditor(page).click();
}

async function problemsCount(page) {
  const badge = page.locator('.statusbar-item[id="status.problems"]');
  const text = (await badge.innerText().catch(() => "")) ?? "";
  const numbers = (text.match(/\d+/g) ?? []).map(Number);
  return numbers.reduce((a, b) => a + b, 0);
}

async function verifyFlow(page, workspace) {
  const t0 = Date.now();
  await openFile(page, "saturating_add.dfy");
  await waitFor("the Proof2Silicon status bar item", async () => {
    const text = await page.locator(".statusbar-item", { hasText: "P2S" }).first().innerText();
    return /Dafny/.test(text) || /P2S/.test(text);
  }, 60000);
  const squiggle = page.locator(".monaco-editor .squiggly-error");
  await waitFor("a verification error squiggle", async () => (await squiggle.count()) > 0, 90000);
  timings.first_diagnostic_s = (Date.now() - t0) / 1000;
  check("failing .dfy shows an error squiggle", (await squiggle.count()) > 0, `${await squiggle.count()} squiggle(s)`);
  await shot(page, "01-failing-dfy-squiggle");

  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await waitFor("a Problems entry", async () => (await rows.count()) > 1, 20000);
  const problems = await rows.allInnerTexts();
  const joined = problems.join(" | ").replace(/\s+/g, " ");
  check("the Problems panel lists the Dafny error", /postcondition|might not hold/i.test(joined), joined.slice(0, 200));
  await shot(page, "02-problems-entry");

  // Fix the bug as a user would: go to the bound on line 9, select it, type the right one.
  const t1 = Date.now();
  await activeEditor(page).click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: 10000 });
  await page.keyboard.insertText("9:10");
  await page.keyboard.press("Enter");
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.type("255");
  await waitFor("the squiggle to clear", async () => (await squiggle.count()) === 0 && (await problemsCount(page)) === 0, 90000);
  timings.fix_to_clear_s = (Date.now() - t1) / 1000;
  check("fixing the file clears the squiggle and the Problems entry", true, `${timings.fix_to_clear_s.toFixed(1)} s after the edit`);
  await page.keyboard.press("Control+S");
  await shot(page, "03-fixed-no-problems");
  await page.keyboard.press("Control+J"); // hide the panel again
}

async function synthesizeFlow(page, workspace) {
  const t0 = Date.now();
  if (!only.has("verify")) await openFile(page, "saturating_add.dfy");
  // Prefer the code lens a user sees above the verified method; fall back to the palette.
  const lens = page.locator(".monaco-editor .codelens-decoration a", { hasText: "Synthesize" }).first();
  let via = "code lens";
  try {
    await lens.waitFor({ state: "visible", timeout: 45000 });
    await shot(page, "04-synthesize-code-lens", 300);
    await lens.click();
  } catch {
    via = "command palette";
    await activeEditor(page).click();
    await runCommand(page, "Proof2Silicon: Synthesize Method");
  }
  log(`synthesize started via the ${via}`);
  const progress = page.locator(".notifications-toasts .notification-toast", { hasText: "Synthesizing" });
  await progress.first().waitFor({ state: "visible", timeout: 20000 }).catch(() => undefined);
  if (await progress.count()) await shot(page, "05-synthesize-progress", 300);
  const frame = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  const latency = frame.locator('[data-metric="latency"] .value');
  await latency.waitFor({ state: "visible", timeout: 240000 });
  timings.synthesize_s = (Date.now() - t0) / 1000;
  const metrics = {};
  for (const key of ["latency", "ii", "fmax", "lut", "ff", "dsp", "bram"]) {
    metrics[key] = (await frame.locator(`[data-metric="${key}"] .value`).innerText()).trim();
  }
  const verdict = await frame.locator("[data-verdict]").getAttribute("data-verdict");
  const title = (await frame.locator("h1").innerText()).trim();
  check("the report panel opens for the method", /SaturatingAdd/.test(title), title);
  check("the report shows a latency and resource numbers from the flow", /\d/.test(metrics.latency) && /\d/.test(metrics.lut) && /\d/.test(metrics.ff), JSON.stringify(metrics));
  check("the report shows the co-simulation verdict", verdict === "pass", `verdict ${verdict}`);
  const reportJson = join(workspace, "saturating_add.dfy.p2s");
  const found = findFile(workspace, "report.json");
  check("report.json was written by the real flow", found !== null, found ?? `nothing under ${reportJson}`);
  const report = JSON.parse(readFileSync(found, "utf8"));
  const onDisk = report.report ?? report;
  const lut = onDisk.resources?.lut;
  check("the panel's LUT count is the report's", metrics.lut.replace(/,/g, "") === String(lut), `panel ${metrics.lut}, report.json ${lut}`);
  await shot(page, "06-synthesis-report");
  timings.synthesis_metrics = metrics;
  // The report's links open the generated Verilog in an editor.
  const rtlLink = frame.locator('ul.files a[data-open$=".v"]').first();
  const rtlName = (await rtlLink.innerText()).trim();
  await rtlLink.click();
  await page.locator(`.tab.active:has-text("${rtlName}")`).waitFor({ timeout: 20000 });
  const rtlText = await activeEditor(page).innerText();
  check("a report link opens the generated Verilog", /module\s/.test(rtlText), rtlName);
  await shot(page, "07-rtl-opened-from-report");
  await verilogHighlighted(harness(page), rtlName);
  // The verdict's co-simulation log link opens the log (the page lists it among its files).
  await frame.locator('.verdict a[data-open$="cosim.log"]').first().click();
  const logOpened = await page
    .locator('.tab.active:has-text("cosim.log")')
    .waitFor({ timeout: 20000 })
    .then(() => true, () => false);
  check("the co-simulation log link opens the log", logOpened, logOpened ? "cosim.log" : "no cosim.log tab");
  // Close the report; "Show Last Synthesis Report" brings it back.
  await page.locator('.tab:has-text("Synthesis: SaturatingAdd") .codicon-close').first().click({ force: true });
  await page.locator('.tab:has-text("Synthesis: SaturatingAdd")').waitFor({ state: "detached", timeout: 10000 });
  await runCommand(page, "Proof2Silicon: Show Last Synthesis Report");
  await latency.waitFor({ state: "visible", timeout: 20000 });
  check("Show Last Synthesis Report reopens the panel", (await latency.innerText()).trim() === metrics.latency, metrics.latency);
  await waveformShown(harness(page));
}

function findFile(root, name) {
  const out = execFileSync("find", [root, "-name", name, "-type", "f"], { encoding: "utf8" }).trim();
  return out ? out.split("\n")[0] : null;
}

async function generateFlow(page, workspace, llm) {
  const t0 = Date.now();
  // The key goes into VS Code's secret storage through the command a user would run.
  await runCommand(page, "Proof2Silicon: Set LLM API Key");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(API_KEY);
  await page.keyboard.press("Enter");
  await page.locator(".notifications-toasts", { hasText: "API key stored" }).waitFor({ timeout: 60000 });
  await waitFor("the restarted server", async () => /Dafny|P2S ·/.test(await page.locator(".statusbar-item", { hasText: "P2S" }).first().innerText()), 60000);

  await openFile(page, "max_byte.spec.md");
  const GENERATE = "Proof2Silicon: Generate Verified Dafny from Spec or Selection";
  // First run: cancel it from the progress notification while round 2 waits on the LLM (the
  // scripted server holds that reply for 3 s). No Dafny may be written.
  await runCommand(page, GENERATE);
  const progress = page.locator(".notifications-toasts .notification-toast", { hasText: "round 2 of" }).first();
  await progress.waitFor({ state: "visible", timeout: 60000 });
  await shot(page, "08-generate-progress", 100);
  await progress.getByRole("button", { name: "Cancel" }).click();
  await page.locator(".notifications-toasts", { hasText: "generation cancelled" }).waitFor({ timeout: 30000 });
  await page.waitForTimeout(3000); // the in-flight LLM reply lands; a cancelled run must ignore it
  const dafnyAfterCancel = readdirSync(workspace).filter((f) => f.startsWith("max_byte") && f.endsWith(".dfy"));
  const record = join(workspace, "max_byte.trajectory.json");
  const outcomeAfterCancel = existsSync(record) ? JSON.parse(readFileSync(record, "utf8")).outcome : "no record";
  check(
    "cancelling generation from the notification stops it, writes no Dafny and records the cancel",
    dafnyAfterCancel.length === 0 && outcomeAfterCancel === "cancelled",
    `Dafny files: ${dafnyAfterCancel.join(", ") || "none"}; trajectory outcome: ${outcomeAfterCancel}`,
  );
  await fetch(`${llm.root}/_scripted/script`, { method: "POST", body: readFileSync(join(here, "workspace", "llm-script.json")) });

  // Second run, to the end. The cancelled run's own trajectory record is no obstacle: a retry
  // replaces it without asking (files the user or a successful run wrote still are: third run).
  await activeEditor(page).click();
  await runCommand(page, GENERATE);
  const askedAfterCancel = await page
    .locator(".monaco-dialog-box", { hasText: /already exists?\. Overwrite/ })
    .waitFor({ state: "visible", timeout: 3000 })
    .then(() => true, () => false);
  check("a retry after a cancel is not held up by the cancelled run's record", !askedAfterCancel, askedAfterCancel ? "asked to overwrite" : "no question");
  const frame = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  const outcome = frame.locator("[data-outcome]");
  await outcome.waitFor({ state: "visible", timeout: 240000 });
  timings.generate_s = (Date.now() - t0) / 1000;
  const outcomeText = (await outcome.innerText()).trim();
  check("generation reports verified Dafny", (await outcome.getAttribute("data-outcome")) === "verified", outcomeText);
  const rounds = await frame.locator("tr[data-round]").count();
  check("the trajectory shows the failed round and the repaired one", rounds === 2, `${rounds} rounds`);
  await shot(page, "10-generation-trajectory");
  const written = readdirSync(workspace)
    .filter((f) => f.endsWith(".dfy") && !["saturating_add.dfy", "hw_status.dfy", "not_hardware.dfy"].includes(f))
    .map((f) => join(workspace, f));
  check("verified Dafny was written beside the spec", written.length === 1, written.join(", "));
  const text = readFileSync(written[0], "utf8");
  check("the written Dafny is the repaired program", /if a >= b/.test(text), written[0]);
  // Independent check with the real verifier, outside the extension.
  const verify = spawnSyncJson(python, ["-m", "toolchain.cli", "verify", "--json", written[0]]);
  check("Dafny verifies the written file", verify.status === 0, verify.detail);
  await page.locator(`.tab:has-text("${written[0].split("/").pop()}")`).first().click().catch(() => undefined);
  await shot(page, "11-generated-dafny");

  // Third run over the verified file just written: the extension asks before overwriting it (the
  // server refuses with ErrorCode.output_exists, naming the files), then overwrites on request.
  await fetch(`${llm.root}/_scripted/script`, { method: "POST", body: readFileSync(join(here, "workspace", "llm-script.json")) });
  const recordBefore = statSync(record).mtimeMs;
  await page.locator('.tab:has-text("max_byte.spec.md")').first().click();
  await activeEditor(page).click();
  await runCommand(page, GENERATE);
  const overwrite = page.locator(".monaco-dialog-box", { hasText: /max_byte\.dfy.* already exists?\. Overwrite/ });
  await overwrite.waitFor({ state: "visible", timeout: 30000 });
  await shot(page, "09-overwrite-prompt", 300);
  await overwrite.getByRole("button", { name: "Overwrite" }).click();
  let rewritten = false;
  for (let i = 0; i < 240 && !rewritten; i++) {
    await page.waitForTimeout(500);
    rewritten = statSync(record).mtimeMs > recordBefore && JSON.parse(readFileSync(record, "utf8")).outcome === "verified";
  }
  check("asked before overwriting the verified file, then overwrote it on request", rewritten, `trajectory rewritten: ${rewritten}`);

  // From a selection in an ordinary Markdown file: the selected paragraph is the spec.
  const absDiff = [
    "```dafny",
    "method AbsDiff(a: int, b: int) returns (d: int)",
    "  requires 0 <= a < 256 && 0 <= b < 256",
    "  ensures d >= 0 && (d == a - b || d == b - a)",
    "{",
    "  if a >= b { d := a - b; } else { d := b - a; }",
    "}",
    "```",
  ].join("\n");
  await fetch(`${llm.root}/_scripted/script`, {
    method: "POST",
    body: JSON.stringify({ require_key: API_KEY, steps: [{ reply: absDiff, usage: { prompt_tokens: 120, completion_tokens: 70 } }] }),
  });
  await openFile(page, "notes.md");
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible", timeout: 10000 });
  await page.keyboard.insertText("6");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Home");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+End");
  await runCommand(page, GENERATE);
  const heading = frame.locator("h1", { hasText: "Absolute difference" });
  await heading.waitFor({ state: "visible", timeout: 120000 });
  const selectionOutcome = await frame.locator("[data-outcome]").getAttribute("data-outcome");
  const fromSelection = join(workspace, "absolute_difference_of_two_bytes.dfy");
  check(
    "Generate from a selection writes verified Dafny beside the document",
    selectionOutcome === "verified" && existsSync(fromSelection) && /AbsDiff/.test(readFileSync(fromSelection, "utf8")),
    `${selectionOutcome}; ${existsSync(fromSelection) ? fromSelection : `no ${fromSelection}`}`,
  );
  await shot(page, "12-generated-from-selection");
  // The key reached the server (the scripted server refuses requests without it) and no log has it.
  const logs = [join(runDir, "main", "user", "logs"), join(e2eDir, "code-server-main.log"), join(e2eDir, "scripted-llm.log")];
  let leaks = "";
  try {
    leaks = execFileSync("grep", ["-rl", "--", API_KEY, ...logs], { encoding: "utf8" }).trim();
  } catch (err) {
    if (err.status !== 1) throw err; // 1: no match
  }
  check("the API key appears in no log", leaks === "", leaks);
}

function spawnSyncJson(command, args) {
  try {
    const out = execFileSync(command, args, { cwd: repo, encoding: "utf8", timeout: 120000 });
    return { status: 0, detail: out.slice(0, 200).replace(/\s+/g, " ") };
  } catch (err) {
    return { status: err.status ?? 1, detail: String(err.stdout ?? err.message).slice(0, 300) };
  }
}

// --- main ---------------------------------------------------------------------------------------

async function openWorkbench(url, workspace, session) {
  const browser = await chromium.launchPersistentContext(join(runDir, session, "browser"), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const t0 = Date.now();
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60000 });
  await page.locator(".statusbar").waitFor({ timeout: 60000 });
  timings[`${session}_workbench_s`] = (Date.now() - t0) / 1000;
  return { browser, page };
}

/**
 * A stand-in for the official Dafny extension (its id, nothing else: the real one cannot be
 * downloaded here), packaged like any .vsix, to check that ours detects it and defers.
 */
function standInDafnyExtension() {
  const dir = join(runDir, "dafny-lang.ide-vscode");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "ide-vscode",
      publisher: "dafny-lang",
      displayName: "Dafny (stand-in for the e2e test)",
      description: "Carries the official Dafny extension's id so the coexistence path can be tested offline",
      version: "0.0.1",
      license: "MIT",
      engines: { vscode: "^1.82.0" },
    }),
  );
  writeFileSync(join(dir, "README.md"), "Stand-in used by the Proof2Silicon e2e test.\n");
  writeFileSync(join(dir, "LICENSE"), "MIT\n");
  const out = join(runDir, "dafny-stand-in.vsix");
  execFileSync(join(repo, "node_modules", ".bin", "vsce"), ["package", "--allow-missing-repository", "--out", out], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60000,
  });
  return out;
}

async function deferFlow(page, workspace) {
  // The buggy file again: our server still verifies it (the code lens says so), but the error
  // is left to the Dafny extension: no squiggle and no Problems entry from us.
  writeFileSync(join(workspace, "saturating_add.dfy"), readFileSync(join(here, "workspace", "saturating_add.dfy"), "utf8"));
  await openFile(page, "saturating_add.dfy");
  const lens = page.locator(".monaco-editor .codelens-decoration", { hasText: "error" }).first();
  await lens.waitFor({ state: "visible", timeout: 90000 });
  // The LSP trace shows the server did publish the error; the client dropped it.
  const published = await waitFor("the server's publishDiagnostics with the error", () => {
    const found = execFileSync("find", [join(runDir, "defer", "user", "logs"), "-name", "*Proof2Silicon Trace.log"], { encoding: "utf8" }).trim();
    if (!found) return false;
    const trace = readFileSync(found.split("\n")[0], "utf8");
    return /publishDiagnostics[\s\S]*postcondition might not hold/.test(trace);
  }, 60000);
  await page.waitForTimeout(500);
  const squiggles = await page.locator(".monaco-editor .squiggly-error").count();
  const problems = await problemsCount(page);
  check("with the Dafny extension installed our .dfy diagnostics are dropped", published && squiggles === 0 && problems === 0, `lens "${(await lens.innerText()).trim()}", ${squiggles} squiggle(s), ${problems} problem(s)`);
  await page.locator(".statusbar-item", { hasText: "P2S" }).first().hover();
  await shot(page, "13-deferring-to-dafny-extension");
}

async function main() {
  let browser;
  let page;
  let failure = null;
  try {
    const { codeServer, workspace } = prepare();
    const llm = only.has("generate") ? await startScriptedLlm() : { baseUrl: null };
    if (only.has("verify") || only.has("synthesize") || only.has("generate")) {
      writeSettings("main", llm.baseUrl);
      const url = await startCodeServer(codeServer, workspace, "main");
      ({ browser, page } = await openWorkbench(url, workspace, "main"));
      if (only.has("verify")) await verifyFlow(page, workspace);
      if (only.has("synthesize")) await synthesizeFlow(page, workspace);
      if (only.has("editor")) await editorFeaturesFlow(harness(page));
      if (only.has("generate")) await generateFlow(page, workspace, llm);
      // a failed (not cancelled) synthesis after a report: its own step, after the others
      if (only.has("editor") && only.has("synthesize")) await failedSynthesisPanel(harness(page));
      await browser.close();
      browser = undefined;
    }
    if (only.has("defer")) {
      writeSettings("defer", null, { "proof2silicon.trace.server": "verbose" });
      // A spec of its own for Generate with no endpoint (max_byte's Dafny exists by now).
      if (only.has("editor")) cpSync(join(here, "workspace", "max_byte.spec.md"), join(workspace, "no_endpoint.spec.md"));
      const url = await startCodeServer(codeServer, workspace, "defer", [standInDafnyExtension()]);
      ({ browser, page } = await openWorkbench(url, workspace, "defer"));
      await deferFlow(page, workspace);
      if (only.has("editor")) await generateWithoutEndpoint(harness(page), "no_endpoint.spec.md");
    }
    if (only.has("explore")) {
      // a bundled loop kernel, explored with the sweep capped by the session's settings
      cpSync(join(repo, "examples", "kernels", "max_array.dfy"), join(workspace, "max_array.dfy"));
      writeSettings("explore", null, EXPLORE_SETTINGS);
      const url = await startCodeServer(codeServer, workspace, "explore");
      ({ browser, page } = await openWorkbench(url, workspace, "explore"));
      await exploreFlow(harness(page), workspace);
      await browser.close();
      browser = undefined;
    }
  } catch (err) {
    failure = err;
    log(`ERROR ${err.stack ?? err}`);
    if (page) await shot(page, "failure", 200).catch(() => undefined);
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    if (!keep) await stopChildren();
    timings.total_s = (Date.now() - started) / 1000;
    const result = { ok: failure === null && checks.every((c) => c.ok), failure: failure ? String(failure.message ?? failure) : null, checks, screenshots, timings };
    writeFileSync(join(e2eDir, "result.json"), JSON.stringify(result, null, 2));
    const passed = checks.filter((c) => c.ok).length;
    const failed = checks.length - passed + (failure && checks.every((c) => c.ok) ? 1 : 0);
    process.stdout.write(`e2e: ${passed} passed, ${failed} failed in ${timings.total_s.toFixed(1)} s; screenshots in ${shots}\n`);
    process.exitCode = result.ok ? 0 : 1;
  }
}

// Never leave code-server, the language server or Dafny behind: on a signal or past the time
// limit the children's process groups are stopped before exiting.
const LIMIT_S = Number(process.env.P2S_E2E_LIMIT_S ?? 360);
async function abort(why) {
  log(`aborting: ${why}`);
  await stopChildren();
  process.exit(1);
}
const watchdog = setTimeout(() => void abort(`over the ${LIMIT_S} s limit`), LIMIT_S * 1000);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => void abort(signal));

await main();
clearTimeout(watchdog);
