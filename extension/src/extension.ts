// Entry point: start the language server, register the commands, keep the status bar and the
// views current. Business logic lives in the server and toolchain; this file only wires UI.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  State,
  type LanguageClient,
} from "vscode-languageclient/node";
import { createClient, currentServerSettings } from "./client";
import { SECTION } from "./config";
import { OFFICIAL_DAFNY_EXTENSION_ID } from "./dafnyExtension";
import { resolveInterpreter } from "./interpreter";
import { declaredMethods, isSynthesizable, methodAtLine } from "./methods";
import {
  API_KEY_ENV,
  API_KEY_SECRET,
  ClientCommand,
  ServerCommand,
  VERIFICATION_STATUS_NOTIFICATION,
} from "./protocol";
import type { TrajectoryRecord } from "./generated/schema";
import { generateParams, outputPathForSelection, specFromSelection, synthesizeParams, verifyParams } from "./requests";
import { toReportView } from "./reportView";
import { callWithProgress, CancelledByUser, describeError } from "./serverCall";
import { ServerStatusBar } from "./statusBar";
import { describeServerStatus, SymbolStatusStore } from "./symbolStatus";
import { SynthesizeLensProvider } from "./synthesizeLens";
import {
  isGenerationResult,
  parseTrajectory,
  toTrajectoryView,
  verifiedOutputPath,
  withAbsolutePaths,
} from "./trajectoryView";
import { TrajectoryPanelView } from "./views/generate";
import { SynthesisReportView } from "./views/synthesize";

let client: LanguageClient | undefined;

/** Server lenses pass one object argument ({uri, method} or {uri, procedures}). */
function objectArg(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !(value instanceof vscode.Uri)
    ? (value as Record<string, unknown>)
    : undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Proof2Silicon");
  const trace = vscode.window.createOutputChannel("Proof2Silicon Trace");
  const log = (line: string) => output.appendLine(`[client ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const statusBar = new ServerStatusBar();
  const reportView = new SynthesisReportView(log);
  const trajectoryView = new TrajectoryPanelView(log);
  const symbols = new SymbolStatusStore();
  const lensProvider = new SynthesizeLensProvider(symbols);
  context.subscriptions.push(output, trace, statusBar, reportView, trajectoryView, lensProvider);

  const contributedSettingIds = Object.keys(
    (context.extension.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } })
      .contributes.configuration.properties,
  );
  const deferDafnyDiagnostics = () => vscode.extensions.getExtension(OFFICIAL_DAFNY_EXTENSION_ID) !== undefined;

  async function startServer(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const interpreter = resolveInterpreter({
      setting: vscode.workspace.getConfiguration(SECTION).get<string | null>("pythonPath"),
      workspaceFolders: folders,
      extensionPath: context.extensionPath,
      platform: process.platform,
      exists: (file) => fs.existsSync(file),
      workspaceTrusted: vscode.workspace.isTrusted,
    });
    const apiKey = await context.secrets.get(API_KEY_SECRET);
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
    // The key goes to the server's environment only; it is never written to a log.
    if (apiKey) env[API_KEY_ENV] = apiKey;
    log(`starting the server: ${interpreter.command} -m server (interpreter from ${interpreter.source})`);
    statusBar.update({
      state: "starting",
      interpreter: interpreter.command,
      deferringToDafnyExtension: deferDafnyDiagnostics(),
    });
    const next = createClient({
      interpreter: interpreter.command,
      cwd: folders[0],
      env,
      outputChannel: output,
      traceChannel: trace,
      contributedSettingIds,
      deferDafnyDiagnostics,
      onServerSynthesizeLens: (uri) => lensProvider.serverProvidesLens(uri),
    });
    next.onDidChangeState((event) => {
      if (event.newState === State.Running) statusBar.update({ state: "ready" });
      // Stopped straight from Starting means the process never came up: a failure, not a stop.
      if (event.newState === State.Stopped) statusBar.update({ state: event.oldState === State.Starting ? "failed" : "stopped" });
    });
    client = next;
    try {
      await next.start();
    } catch (err) {
      statusBar.update({ state: "failed" });
      log(`the server did not start: ${describeError(err)}`);
      void vscode.window
        .showErrorMessage(
          `Proof2Silicon: the language server did not start with ${interpreter.command}. Set "proof2silicon.pythonPath" to a Python that has the project installed.`,
          "Open Settings",
          "Show Log",
        )
        .then((choice) => {
          if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "proof2silicon.pythonPath");
          if (choice === "Show Log") output.show();
        });
      return;
    }
    const serverInfo = next.initializeResult?.serverInfo;
    log(`server ready${serverInfo ? `: ${serverInfo.name} ${serverInfo.version ?? ""}` : ""}`);
    void next
      .sendRequest(ExecuteCommandRequest.type, { command: ServerCommand.serverStatus, arguments: [] })
      .then((status: unknown) => {
        const info = describeServerStatus(status);
        statusBar.update({ dafnyVersion: info.dafnyVersion, problem: info.problem });
        if (info.problem) log(info.problem);
      })
      .catch((err: unknown) => log(`server status: ${describeError(err)}`));
    context.subscriptions.push(
      next.onNotification(VERIFICATION_STATUS_NOTIFICATION, (params: unknown) => {
        const update = symbols.accept(params);
        if (!update) return;
        lensProvider.refresh();
        statusBar.update({
          state: update.busy ? "busy" : "ready",
          busyWhat: update.busy ? "verifying" : null,
          problem: update.problem,
          ...(update.dafnyVersion ? { dafnyVersion: update.dafnyVersion } : {}),
        });
      }),
    );
  }

  async function stopServer(): Promise<void> {
    const current = client;
    client = undefined;
    if (current) {
      try {
        await current.stop(4000);
      } catch (err) {
        log(`stopping the server: ${describeError(err)}`);
      }
    }
  }

  async function restartServer(): Promise<void> {
    await stopServer();
    await startServer();
  }

  function requireClient(): LanguageClient {
    if (!client || !client.isRunning()) {
      throw new Error("the Proof2Silicon language server is not running (see the Proof2Silicon output)");
    }
    return client;
  }

  async function runGuarded(what: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      if (err instanceof CancelledByUser) {
        log(`${what}: cancelled`);
        void vscode.window.showInformationMessage(`Proof2Silicon: ${what} cancelled.`);
        return;
      }
      log(`${what} failed: ${describeError(err)}`);
      void vscode.window.showErrorMessage(`Proof2Silicon: ${what} failed: ${describeError(err)}`);
    }
  }

  async function savedDafnyDocument(uriArg: unknown): Promise<vscode.TextDocument> {
    const uri =
      uriArg instanceof vscode.Uri
        ? uriArg
        : objectArg(uriArg)?.uri !== undefined
          ? vscode.Uri.parse(String(objectArg(uriArg)?.uri))
          : typeof uriArg === "string"
            ? vscode.Uri.parse(uriArg)
          : vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new Error("open a Dafny file first");
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== "dafny") throw new Error(`${path.basename(uri.fsPath)} is not a Dafny file`);
    if (document.isUntitled) throw new Error("save the file first: synthesis writes its outputs next to it");
    if (document.isDirty) await document.save();
    return document;
  }

  async function pickMethod(document: vscode.TextDocument, uriArg: unknown, methodArg: unknown): Promise<string | undefined> {
    if (typeof methodArg === "string" && methodArg) return methodArg;
    const fromObject = objectArg(uriArg)?.method;
    if (typeof fromObject === "string" && fromObject) return fromObject;
    const declared = declaredMethods(document.getText()).filter((m) => isSynthesizable(m.kind));
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.uri.toString() === document.uri.toString()) {
      const here = methodAtLine(declared, editor.selection.active.line);
      if (here) return here.name;
    }
    if (declared.length === 1) return declared[0].name;
    if (declared.length === 0) throw new Error("no method to synthesize in this file");
    const verified = symbols.verifiedNames(document.uri.toString());
    const picked = await vscode.window.showQuickPick(
      declared.map((m) => ({
        label: m.name,
        description: `${m.kind}, line ${m.line + 1}${verified.has(m.name) ? " · verified" : ""}`,
      })),
      { title: "Synthesize which method?" },
    );
    return picked?.label;
  }

  const commands: Array<[string, (...args: unknown[]) => Promise<void>]> = [
    [
      ClientCommand.verify,
      (uriArg) =>
        runGuarded("verification", async () => {
          const document = await savedDafnyDocument(uriArg);
          const result = await callWithProgress<unknown>(
            requireClient(),
            ServerCommand.verify,
            verifyParams(document.uri.toString(), objectArg(uriArg)?.procedures),
            `Verifying ${path.basename(document.uri.fsPath)}`,
          );
          const summary = symbols.describeVerification(result);
          log(`verify ${document.uri.fsPath}: ${summary}`);
          void vscode.window.showInformationMessage(`Proof2Silicon: ${summary}`);
        }),
    ],
    [
      ClientCommand.synthesize,
      (uriArg, methodArg) =>
        runGuarded("synthesis", async () => {
          const document = await savedDafnyDocument(uriArg);
          const method = await pickMethod(document, uriArg, methodArg);
          if (!method) return;
          const settings = currentServerSettings(contributedSettingIds, document.uri);
          const result = await callWithProgress<unknown>(
            requireClient(),
            ServerCommand.synthesize,
            synthesizeParams(document.uri.toString(), method, settings),
            `Synthesizing ${method}`,
          );
          const view = toReportView(result);
          log(`synthesis of ${method}: report ${view.reportJson ?? "(in memory)"}`);
          reportView.show(view);
        }),
    ],
    [
      ClientCommand.showReport,
      () =>
        runGuarded("showing the report", async () => {
          const last = reportView.lastReport;
          if (last) {
            reportView.show(last);
            return;
          }
          const editor = vscode.window.activeTextEditor;
          const result = await callWithProgress<unknown>(
            requireClient(),
            ServerCommand.showReport,
            { uri: editor?.document.uri.toString() ?? null },
            "Loading the last synthesis report",
          );
          if (result === null || result === undefined) {
            void vscode.window.showInformationMessage("Proof2Silicon: no synthesis report yet. Run Synthesize Method first.");
            return;
          }
          reportView.show(toReportView(result));
        }),
    ],
    [
      ClientCommand.generate,
      (uriArg) =>
        runGuarded("generation", async () => {
          const editor = vscode.window.activeTextEditor;
          const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
          const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : null;
          if (!uri) throw new Error("open a spec file (*.spec.md) or select a spec first");
          const document = await vscode.workspace.openTextDocument(uri);
          if (!selection && document.languageId !== "p2s-spec") {
            throw new Error("select the spec text, or open a *.spec.md file");
          }
          if (!selection && document.isDirty) await document.save();
          const settings = currentServerSettings(contributedSettingIds, uri);
          const label = selection ? "the selection" : path.basename(uri.fsPath);
          const outputPath = selection ? outputPathForSelection(uri.fsPath, specFromSelection(selection)) : null;
          const specPath = selection ? null : uri.fsPath;
          const run = (force: boolean) =>
            callWithProgress<unknown>(
              requireClient(),
              ServerCommand.generate,
              generateParams(specPath, selection, settings, { force, outputPath }),
              `Generating verified Dafny from ${label}`,
            );
          let answer: unknown;
          try {
            answer = await run(false);
          } catch (err) {
            if (err instanceof CancelledByUser || !/already exists/i.test(describeError(err))) throw err;
            const choice = await vscode.window.showWarningMessage(
              // The engine's hint names the CLI flag; here the button is the way to force.
              `Proof2Silicon: ${describeError(err).replace(/\s*\(pass --force[^)]*\)/, "")}. Overwrite it?`,
              { modal: true },
              "Overwrite",
            );
            if (choice !== "Overwrite") return;
            answer = await run(true);
          }
          const result = withAbsolutePaths(answer, path.dirname(uri.fsPath));
          const trajectoryPath = isGenerationResult(result) ? result.trajectory_path : null;
          let record: TrajectoryRecord | null = null;
          if (trajectoryPath) {
            try {
              record = parseTrajectory(await fs.promises.readFile(trajectoryPath, "utf8"));
            } catch (err) {
              log(`cannot read the trajectory ${trajectoryPath}: ${describeError(err)}`);
            }
          }
          const view = toTrajectoryView(result, record, label);
          trajectoryView.show(view);
          const written = verifiedOutputPath(result);
          if (written) {
            const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(written));
            await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
          }
          const message = view.verified
            ? `Proof2Silicon: verified Dafny written to ${written ? path.basename(written) : "(no file)"} after ${view.roundsUsed} round(s).`
            : `Proof2Silicon: no verified Dafny (${view.outcome.replace(/_/g, " ")}) after ${view.roundsUsed} round(s); see the trajectory.`;
          log(message);
          if (view.verified) void vscode.window.showInformationMessage(message);
          else void vscode.window.showWarningMessage(message);
        }),
    ],
    [
      ClientCommand.showTrajectory,
      () =>
        runGuarded("showing the trajectory", async () => {
          const last = trajectoryView.lastTrajectory;
          if (!last) {
            void vscode.window.showInformationMessage("Proof2Silicon: no generation yet in this window.");
            return;
          }
          trajectoryView.show(last);
        }),
    ],
    [
      ClientCommand.setApiKey,
      () =>
        runGuarded("storing the API key", async () => {
          const key = await vscode.window.showInputBox({
            title: "Proof2Silicon: LLM API key",
            prompt: "Stored in VS Code's secret storage and given to the language server only.",
            password: true,
            ignoreFocusOut: true,
          });
          if (key === undefined) return;
          if (key.trim() === "") throw new Error("the key is empty");
          await context.secrets.store(API_KEY_SECRET, key.trim());
          log("API key stored in secret storage; restarting the server so it sees it");
          await restartServer();
          void vscode.window.showInformationMessage("Proof2Silicon: API key stored.");
        }),
    ],
    [
      ClientCommand.clearApiKey,
      () =>
        runGuarded("clearing the API key", async () => {
          await context.secrets.delete(API_KEY_SECRET);
          log("API key removed from secret storage; restarting the server");
          await restartServer();
        }),
    ],
    [ClientCommand.restartServer, () => runGuarded("restarting the server", restartServer)],
    [
      ClientCommand.showOutput,
      async () => {
        output.show(true);
      },
    ],
  ];
  for (const [id, handler] of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider([{ language: "dafny", scheme: "file" }], lensProvider),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (event.affectsConfiguration(`${SECTION}.pythonPath`)) {
        void restartServer();
        return;
      }
      if (client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: currentServerSettings(contributedSettingIds) },
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log("workspace trusted: restarting the server (the workspace's .venv may now be used)");
      void restartServer();
    }),
    vscode.extensions.onDidChange(() => {
      statusBar.update({ deferringToDafnyExtension: deferDafnyDiagnostics() });
    }),
    vscode.workspace.onDidCloseTextDocument((document) => symbols.forget(document.uri.toString())),
    context.secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) log("API key changed in secret storage");
    }),
  );

  await startServer();
}

export async function deactivate(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) await current.stop(4000);
}
