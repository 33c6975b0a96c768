import assert from "node:assert/strict";
import { test } from "node:test";
import { niceTicks, resourceBarChart, roundsLineChart } from "../../src/views/svgCharts";
import { contentSecurityPolicy, escapeHtml, formatNumber } from "../../src/views/webviewHtml";

test("bars scale to the largest count, or to capacity when every bar has one", () => {
  const svg = resourceBarChart([{ label: "LUT", value: 100 }, { label: "FF", value: 50 }], 520);
  const widths = [...svg.matchAll(/class="bar" data-resource="(\w+)" x="\d+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [m[1], Number(m[2])]);
  assert.equal(widths.length, 2);
  assert.equal(widths[0][1], 2 * (widths[1][1] as number));
  const util = resourceBarChart([{ label: "LUT", value: 6000, capacity: 5280 }]);
  assert.match(util, /class="bar over"/);
  assert.match(util, /113\.6%/);
});

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
