// The language client: starts `python -m server` over stdio and adapts what crosses the wire
// (settings to the server's snake_case model, the server's verify lens command to the client's,
// .dfy diagnostics dropped while the official Dafny extension owns them).
import * as vscode from "vscode";
import {
  LanguageClient,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from "vscode-languageclient/node";
import { buildServerSettings, SECTION } from "./config";
import { shouldDropDiagnostics } from "./dafnyExtension";
import { clientCommandForLens } from "./protocol";

export interface ClientSetup {
  interpreter: string;
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  outputChannel: vscode.OutputChannel;
  traceChannel: vscode.OutputChannel;
  contributedSettingIds: readonly string[];
  deferDafnyDiagnostics: () => boolean;
}

export function currentServerSettings(contributedSettingIds: readonly string[], scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return buildServerSettings(contributedSettingIds, (key) => config.get(key));
}

function rewriteLens(lens: vscode.CodeLens): vscode.CodeLens {
  const target = lens.command ? clientCommandForLens(lens.command.command) : undefined;
  if (lens.command && target) lens.command = { ...lens.command, command: target };
  return lens;
}

export function createClient(setup: ClientSetup): LanguageClient {
  const serverOptions: ServerOptions = {
    command: setup.interpreter,
    args: ["-m", "server"],
    options: { cwd: setup.cwd, env: setup.env },
  };

  const middleware: Middleware = {
    handleDiagnostics(uri, diagnostics, next) {
      next(uri, shouldDropDiagnostics(uri.toString(), setup.deferDafnyDiagnostics()) ? [] : diagnostics);
    },
    async provideCodeLenses(document, token, next) {
      return (await next(document, token))?.map(rewriteLens);
    },
    workspace: {
      configuration(params, token, next) {
        const handled = params.items.map((item) =>
          item.section === SECTION
            ? currentServerSettings(setup.contributedSettingIds, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
            : undefined,
        );
        if (handled.every((h) => h !== undefined)) return handled;
        return Promise.resolve(next(params, token)).then((fromNext) => {
          if (!Array.isArray(fromNext)) return fromNext;
          return fromNext.map((value, i) => handled[i] ?? value);
        });
      },
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dafny" },
      { scheme: "untitled", language: "dafny" },
      { scheme: "file", language: "p2s-spec" },
      { scheme: "untitled", language: "p2s-spec" },
    ],
    outputChannel: setup.outputChannel,
    traceOutputChannel: setup.traceChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: {
      settings: currentServerSettings(setup.contributedSettingIds),
      deferDafnyDiagnostics: setup.deferDafnyDiagnostics(),
      client: "proof2silicon-vscode",
    },
    middleware,
  };

  return new LanguageClient("proof2silicon", "Proof2Silicon Language Server", serverOptions, clientOptions);
}
