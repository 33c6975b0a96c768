import assert from "node:assert/strict";
import { test } from "node:test";
import { niceTicks, roundsLineChart } from "../../src/views/svgCharts";
import { contentSecurityPolicy, escapeHtml, formatNumber } from "../../src/views/webviewHtml";

test("the rounds plot has a dot per round and integer ticks", () => {
  const svg = roundsLineChart([{ x: 1, y: 3 }, { x: 2, y: 1 }, { x: 3, y: 0, ok: true }], "errors");
  assert.equal((svg.match(/<circle/g) ?? []).length, 3);
  assert.match(svg, /<path class="line" d="M[\d.]+,[\d.]+ L/);
  assert.deepEqual(niceTicks(3), [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(12), [0, 3, 6, 9, 12]);
  assert.match(roundsLineChart([], "errors"), /No rounds/);
});

test("helpers escape, format and lock the page down", () => {
  assert.equal(escapeHtml(`<a href="x">'&`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  assert.equal(formatNumber(1234.5, 1), "1,234.5");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(Number.NaN), "–");
  assert.equal(
    contentSecurityPolicy("vscode-webview://a", "n"),
    "default-src 'none'; img-src vscode-webview://a data:; style-src vscode-webview://a 'nonce-n'; script-src 'nonce-n'; font-src vscode-webview://a",
  );
});
