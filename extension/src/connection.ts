// The language server's lifetime: pick the interpreter, start `python -m server` with the API key
// in its environment only, keep the status bar's server state and Dafny version current, stop and
// restart. Features take the running client from here and hear of each fresh start.
import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  MessageType,
  ShowMessageNotification,
  State,
  type LanguageClient,
} from "vscode-languageclient/node";
import { createClient } from "./client";
import { SECTION } from "./config";
import { OFFICIAL_DAFNY_EXTENSION_ID } from "./dafnyExtension";
import { showErrorWithActions } from "./errorToast";
import { resolveInterpreter } from "./interpreter";
import { API_KEY_ENV, API_KEY_SECRET, ServerCommand } from "./protocol";
import { describeError } from "./serverCall";
import type { ServerStatusBar } from "./statusBar";
import { describeServerStatus } from "./symbolStatus";

export interface ConnectionSetup {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  trace: vscode.OutputChannel;
  statusBar: ServerStatusBar;
  log: (line: string) => void;
  contributedSettingIds: readonly string[];
}

/** True while the official Dafny extension is installed: it owns .dfy diagnostics then. */
export function deferDafnyDiagnostics(): boolean {
  return vscode.extensions.getExtension(OFFICIAL_DAFNY_EXTENSION_ID) !== undefined;
}

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** The start or restart under way: commands issued meanwhile wait for it instead of failing. */
  private pending: Promise<void> | undefined;
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  /** Fires once per server start, after the client is running. */
  readonly onDidStart = this.started.event;

  constructor(private readonly setup: ConnectionSetup) {}

  /** The running client, or an error the command guard shows to the user. */
  require(): LanguageClient {
    if (!this.client || !this.client.isRunning()) {
      throw new Error("the Proof2Silicon language server is not running (see the Proof2Silicon output)");
    }
    return this.client;
  }

  /** The running client once a start or restart under way has finished (a lens clicked just
   *  after Restart Server runs on the new server instead of failing with "not running"). */
  async ready(): Promise<LanguageClient> {
    while (this.pending) await this.pending;
    return this.require();
  }

  /** The client when it is running, for fire-and-forget notifications. */
  runningClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  start(): Promise<void> {
    return this.track(() => this.launch());
  }

  private async track(work: () => Promise<void>): Promise<void> {
    const run = work();
    this.pending = run;
    try {
      await run;
    } finally {
      if (this.pending === run) this.pending = undefined;
    }
  }

  private async launch(): Promise<void> {
    const { context, output, trace, statusBar, log } = this.setup;
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
    // At `trace.server: verbose` the server logs at debug level, tracebacks of user errors
    // included; otherwise a user error is one line (server/quiet_errors.py). Read at start.
    if (vscode.workspace.getConfiguration(SECTION).get<string>("trace.server") === "verbose") {
      env.P2S_SERVER_LOG = "DEBUG";
    }
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
      contributedSettingIds: this.setup.contributedSettingIds,
      deferDafnyDiagnostics,
    });
    // The server's own error announcements get the same buttons as failed commands (this
    // handler replaces vscode-languageclient's, which shows a bare toast).
    next.onNotification(ShowMessageNotification.type, (params) => {
      const text = params.message;
      if (params.type === MessageType.Error) void showErrorWithActions(output, "server", text, text);
      else if (params.type === MessageType.Warning) void vscode.window.showWarningMessage(text);
      else void vscode.window.showInformationMessage(text);
    });
    next.onDidChangeState((event) => {
      if (event.newState === State.Running) statusBar.update({ state: "ready" });
      // Stopped straight from Starting means the process never came up: a failure, not a stop.
      if (event.newState === State.Stopped) statusBar.update({ state: event.oldState === State.Starting ? "failed" : "stopped" });
    });
    this.client = next;
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
      .sendRequest(ExecuteCommandRequest.type, { command: ServerCommand.server_status, arguments: [] })
      .then((status: unknown) => {
        const info = describeServerStatus(status);
        statusBar.update({ dafnyVersion: info.dafnyVersion, problem: info.problem });
        if (info.problem) log(info.problem);
      })
      .catch((err: unknown) => log(`server status: ${describeError(err)}`));
    this.started.fire(next);
  }

  async stop(): Promise<void> {
    const current = this.client;
    this.client = undefined;
    if (current) {
      try {
        await current.stop(4000);
      } catch (err) {
        this.setup.log(`stopping the server: ${describeError(err)}`);
      }
    }
  }

  restart(): Promise<void> {
    return this.track(async () => {
      await this.stop();
      await this.launch();
    });
  }

  dispose(): void {
    this.started.dispose();
  }
}
