// Calls a server command with a cancellable progress notification. The server reports progress
// ("round 2 of 7, 3 errors", "stage: yosys") against the workDoneToken passed with the request.
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import {
  ErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgress,
} from "vscode-languageclient/node";
import type { ServerCommand } from "./protocol";

export class CancelledByUser extends Error {
  constructor() {
    super("cancelled");
  }
}

export async function callWithProgress<T>(
  client: LanguageClient,
  command: ServerCommand,
  params: unknown,
  title: string,
): Promise<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const workDoneToken = randomUUID();
      const subscription = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === "end") return;
        const message = "message" in value && value.message ? value.message : undefined;
        if (message) progress.report({ message });
      });
      try {
        const result = await client.sendRequest(
          ExecuteCommandRequest.type,
          { command, arguments: [params], workDoneToken },
          token,
        );
        if (token.isCancellationRequested) throw new CancelledByUser();
        return result as T;
      } catch (err) {
        if (token.isCancellationRequested) throw new CancelledByUser();
        if (err instanceof ResponseError && (err.code === LSPErrorCodes.RequestCancelled || err.code === ErrorCodes.PendingResponseRejected)) {
          throw new CancelledByUser();
        }
        throw err;
      } finally {
        subscription.dispose();
      }
    },
  );
}

export function describeError(err: unknown): string {
  if (err instanceof ResponseError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
