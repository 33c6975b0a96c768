// The status bar item: server state and Dafny version; a click opens the server log.
import * as vscode from "vscode";
import { ClientCommand } from "./protocol";
import { statusText, type StatusInput } from "./statusText";

export class ServerStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private input: StatusInput = { state: "starting" };

  constructor() {
    this.item = vscode.window.createStatusBarItem("proof2silicon.status", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "Proof2Silicon";
    this.item.command = ClientCommand.showOutput;
    this.render();
    this.item.show();
  }

  update(change: Partial<StatusInput>): void {
    this.input = { ...this.input, ...change };
    this.render();
  }

  private render(): void {
    const { text, tooltip } = statusText(this.input);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      this.input.state === "failed" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
