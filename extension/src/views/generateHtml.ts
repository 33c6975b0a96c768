// The generation trajectory page: one row per round (the prompt edit the repair policy chose, the
// verifier's error count, the reward) and a plot of errors per round. Pure; see generate.ts.
import { roundsLineChart } from "./svgCharts";
import { escapeHtml, formatNumber, LINK_SCRIPT, renderPage } from "./webviewHtml";

export interface RoundView {
  index: number;
  promptEdit: string | null;
  status: string;
  errors: number;
  reward: number | null;
  durationS: number | null;
  tokens: number | null;
  notes: string[];
}

export interface TrajectoryView {
  spec: string;
  strategy: string | null;
  model: string | null;
  verified: boolean;
  outcome: string;
  message: string;
  roundsUsed: number;
  maxRounds: number;
  outputPath: string | null;
  trajectoryPath: string | null;
  rounds: RoundView[];
  totalTokens: number | null;
  durationS: number | null;
}

export function renderTrajectoryBody(view: TrajectoryView): string {
  const points = view.rounds.map((r) => ({
    x: r.index,
    y: r.errors,
    ok: r.status === "verified",
    label: `round ${r.index}: ${r.status}, ${r.errors} error(s)`,
  }));
  const rows = view.rounds
    .map(
      (r) => `<tr data-round="${r.index}"><td>${r.index}</td><td>${escapeHtml(r.status)}</td><td>${r.errors}</td><td>${
        r.reward === null ? "–" : formatNumber(r.reward, 2)
      }</td><td>${
        r.promptEdit
          ? escapeHtml(r.promptEdit)
          : `<span class="muted">${r.index === 1 ? "initial prompt" : "previous reply + verifier feedback"}</span>`
      }${
        r.notes.length > 0 ? `<div class="muted">${r.notes.map(escapeHtml).join("<br>")}</div>` : ""
      }</td></tr>`,
    )
    .join("");
  const detail = view.message ? `<div class="detail">${escapeHtml(view.message)}</div>` : "";
  const outcome = view.verified
    ? `<div class="verdict pass" data-outcome="verified">Verified after ${view.roundsUsed} of at most ${view.maxRounds} round(s)${detail}</div>`
    : `<div class="verdict fail" data-outcome="${escapeHtml(view.outcome)}">Not verified: ${escapeHtml(view.outcome.replace(/_/g, " "))} after ${view.roundsUsed} round(s)${detail}</div>`;
  const links = [
    view.outputPath ? `<li><a data-open="${escapeHtml(view.outputPath)}" href="#">${escapeHtml(view.outputPath)}</a></li>` : "",
    view.trajectoryPath ? `<li><a data-open="${escapeHtml(view.trajectoryPath)}" href="#">trajectory record (JSON)</a></li>` : "",
  ].join("");
  const meta = [
    view.model ? `model ${view.model}` : "",
    view.strategy ? `strategy ${view.strategy}` : "",
    view.totalTokens !== null ? `${formatNumber(view.totalTokens)} tokens` : "",
    view.durationS !== null ? `${formatNumber(view.durationS, 1)} s` : "",
  ].filter(Boolean);
  return `
<h1>Generation: ${escapeHtml(view.spec)}</h1>
<p class="subtitle">${escapeHtml(meta.join(" · "))}</p>
${outcome}
<h2>Verifier errors per round</h2>
${roundsLineChart(points, "errors")}
<h2>Rounds</h2>
<table class="rounds"><tr><th>#</th><th>result</th><th>errors</th><th>reward</th><th>prompt edit</th></tr>${rows}</table>
${links ? `<h2>Files</h2><ul>${links}</ul>` : ""}`;
}

export function renderTrajectoryPage(view: TrajectoryView, cspSource: string, nonce: string): string {
  return renderPage({
    title: `Generation: ${view.spec}`,
    body: renderTrajectoryBody(view),
    cspSource,
    nonce,
    script: LINK_SCRIPT,
  });
}
