// Design-space exploration in the real VS Code (issue #13): a bundled loop kernel, "Explore" from
// its code lens (the command palette if the lens is late), the panel with the real flow's Pareto
// table and scatter, and an Apply click whose attributes appear in the editor's source as an
// unsaved, undoable edit (the file on disk untouched). The session's settings cap the sweep
// (proof2silicon.explore.maxPoints) so that it fits the e2e's time.
//
// `h` is run.mjs's harness: { page, log, check, shot, waitFor, runCommand, openFile,
// activeEditor, problemsCount, serverPids, reportFrame }.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The settings of the explore session: three points, the first three of the explorer's order
 * (a state machine, the unrolled pipeline, the state machine at 4 iterations per cycle). */
export const EXPLORE_SETTINGS = { "proof2silicon.explore.maxPoints": 3 };

const KERNEL = "max_array.dfy";
const METHOD = "MaxArray";

/** The editor's text as shown (Monaco renders spaces as no-break spaces). */
async function editorText(h) {
  return (await h.activeEditor(h.page).innerText()).replace(/\u00a0/g, " ");
}

export async function exploreFlow(h, workspace) {
  const { page } = h;
  const source = join(workspace, KERNEL);
  const onDisk = readFileSync(source, "utf8");
  await h.openFile(page, KERNEL);
  const t0 = Date.now();
  const lens = page.locator(".monaco-editor .codelens-decoration a", { hasText: "Explore" }).first();
  const lensShown = await lens.waitFor({ state: "visible", timeout: 120000 }).then(() => true, () => false);
  h.check('a verified loop kernel gets an "Explore" lens beside "Synthesize"', lensShown, lensShown ? (await lens.innerText()).trim() : "no Explore lens");
  await lens.click();
  const progress = page.locator(".notifications-toasts .notification-toast", { hasText: `Exploring ${METHOD}` }).first();
  const progressShown = await progress.waitFor({ state: "visible", timeout: 30000 }).then(() => true, () => false);
  h.check("the exploration runs under a progress notification with Cancel", progressShown && (await progress.getByRole("button", { name: "Cancel" }).count()) > 0);

  const frame = h.reportFrame();
  const apply = frame.locator("button[data-apply]");
  await apply.first().waitFor({ state: "visible", timeout: 480000 });
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  const rows = await frame.locator("table.explore tr[data-point]").evaluateAll((trs) =>
    trs.map((tr) => ({
      index: Number(tr.getAttribute("data-point")),
      front: tr.classList.contains("front"),
      cells: [...tr.querySelectorAll("td:not(.apply)")].map((td) => td.textContent.trim()),
      apply: tr.querySelector("button[data-apply]") !== null,
    })),
  );
  // columns: # front LUT FF BRAM DSP cycles Fmax cosim directives (Apply)
  const passed = rows.filter((r) => r.cells[8] === "passed");
  h.check(
    "the panel lists every explored point, co-simulated and passed, with its numbers",
    rows.length === EXPLORE_SETTINGS["proof2silicon.explore.maxPoints"] && passed.length === rows.length && rows.every((r) => /^\d+$/.test(r.cells[2]) && /^\d+$/.test(r.cells[6])),
    `${rows.length} rows in ${seconds} s: ${rows.map((r) => `#${r.index} ${r.cells[2]} LUT @${r.cells[6]} cyc ${r.cells[8]}`).join("; ")}`,
  );
  const front = rows.filter((r) => r.front);
  h.check("each point of the Pareto front, and only those, has an Apply button", front.length >= 1 && rows.every((r) => r.apply === r.front), `front: ${front.map((r) => r.index).join(", ")}`);
  const dots = await frame.locator("svg.explore-scatter circle.front").count();
  h.check("the scatter draws the front's points", dots === front.length, `${dots} front dots`);
  await h.shot(page, "26-explore-panel");

  // Apply the front point with the most directives (a loop attribute as well as the method's).
  const chosen = [...front].sort((a, b) => (b.cells[9].match(/\{:/g) ?? []).length - (a.cells[9].match(/\{:/g) ?? []).length)[0];
  const attributes = chosen.cells[9].match(/\{:[^}]*\}/g) ?? [];
  const statusLens = async () => (await page.locator(".monaco-editor .codelens-decoration").allInnerTexts()).join(" ").replace(/\s+/g, " ").trim();
  const lensBefore = await statusLens();
  await frame.locator(`button[data-apply="${chosen.index}"]`).click();
  const shown = await h
    .waitFor("the point's attributes in the editor", async () => {
      const text = await editorText(h);
      return attributes.every((a) => text.includes(a)) ? text : false;
    }, 30000)
    .then(() => true, () => false);
  const dirty = await page.locator(`.tab.dirty:has-text("${KERNEL}")`).count();
  h.check(
    "Apply writes the point's attributes into the editor's source",
    attributes.length > 0 && shown,
    `point ${chosen.index}: ${attributes.join(" ")}`,
  );
  h.check("the edit is the editor's (unsaved), the file on disk untouched", dirty > 0 && readFileSync(source, "utf8") === onDisk, `${dirty} dirty tab(s)`);
  await h.shot(page, "27-explore-point-applied");
  // The changed text verifies again (Dafny ignores the attributes): the status lens goes through
  // "verifying" (or reads a new time) and comes back "verified".
  let sawVerifying = false;
  const lensAfter = await h
    .waitFor("the edited source verified again", async () => {
      const now = await statusLens();
      if (/verifying/.test(now)) sawVerifying = true;
      return /✓ verified/.test(now) && !/verifying|error/.test(now) && (sawVerifying || now !== lensBefore) ? now : false;
    }, 120000, 150)
    .catch(() => null);
  h.check("the edited source verifies again", lensAfter !== null, `${lensBefore} -> ${lensAfter}`);

  await h.activeEditor(page).click();
  await page.keyboard.press("Control+Z");
  const undone = await h
    .waitFor("the attributes gone after Undo", async () => !(await editorText(h)).includes(attributes[0]), 10000)
    .then(() => true, () => false);
  h.check("Undo takes the point's attributes out again", undone);
}
