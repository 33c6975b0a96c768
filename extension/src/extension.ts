// Entry point: wiring only. It makes the output channels, the status bar, the views and the
// server connection, hands them to each feature's register() (features/*.ts: one command or
// concern each) and starts the server. Business logic lives in the server and toolchain.
import * as vscode from "vscode";
import { ServerConnection } from "./connection";
import * as apiKey from "./features/apiKey";
import type { FeatureContext } from "./features/context";
import * as diagnostics from "./features/diagnostics";
import * as explore from "./features/explore";
import * as generate from "./features/generate";
import * as server from "./features/server";
import * as settings from "./features/settings";
import * as synthesize from "./features/synthesize";
import * as verify from "./features/verify";
import { ServerStatusBar } from "./statusBar";
import { SymbolStatusStore } from "./symbolStatus";
import { SynthesizeLensProvider } from "./synthesizeLens";
import { TrajectoryPanelView } from "./views/generate";
import { SynthesisReportView } from "./views/synthesize";

let connection: ServerConnection | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Proof2Silicon");
  const trace = vscode.window.createOutputChannel("Proof2Silicon Trace");
  const log = (line: string) => output.appendLine(`[client ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const statusBar = new ServerStatusBar();
  const reportView = new SynthesisReportView(log);
  const trajectoryView = new TrajectoryPanelView(log);
  const symbols = new SymbolStatusStore();
  const lensProvider = new SynthesizeLensProvider(symbols);
  const contributedSettingIds = Object.keys(
    (context.extension.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } })
      .contributes.configuration.properties,
  );
  connection = new ServerConnection({ context, output, trace, statusBar, log, contributedSettingIds });
  context.subscriptions.push(output, trace, statusBar, reportView, trajectoryView, lensProvider, connection);

  const ctx: FeatureContext = { extension: context, connection, output, statusBar, symbols, contributedSettingIds, log };
  context.subscriptions.push(
    ...diagnostics.register(ctx, { onSymbolsChanged: () => lensProvider.refresh() }),
    ...verify.register(ctx),
    ...synthesize.register(ctx, reportView, lensProvider),
    ...explore.register(ctx),
    ...generate.register(ctx, trajectoryView),
    ...apiKey.register(ctx),
    ...settings.register(ctx),
    ...server.register(ctx),
  );

  await connection.start();
}

export async function deactivate(): Promise<void> {
  const current = connection;
  connection = undefined;
  await current?.stop();
}
