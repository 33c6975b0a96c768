// One reusable webview panel per view: scripts allowed (nonce-bound by the CSP), no local
// resource roots (the pages are self-contained), and "open this file" messages honoured only for
// paths the page itself was rendered with. A view may take other messages of its page (the
// explore panel's Apply buttons) through `onOtherMessage`.
import * as vscode from "vscode";
import { makeNonce } from "./webviewHtml";

/** A message from a page that is not "open this file"; the view decides what it means. */
export type OtherMessage = (message: Record<string, unknown>) => void | Promise<void>;

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private openable = new Set<string>();

  constructor(
    private readonly viewType: string,
    private readonly log: (line: string) => void,
    private readonly onOtherMessage?: OtherMessage,
  ) {}

  show(title: string, render: (cspSource: string, nonce: string) => string, openable: Iterable<string>): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(this.viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message));
    }
    this.openable = new Set(openable);
    this.panel.title = title;
    this.panel.webview.html = render(this.panel.webview.cspSource, makeNonce());
    this.panel.reveal(undefined, false);
    return this.panel;
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** Re-render an open panel in place (not revealed, focus kept); nothing when it is closed. */
  refresh(title: string, render: (cspSource: string, nonce: string) => string, openable: Iterable<string>): void {
    if (!this.panel) return;
    this.openable = new Set(openable);
    this.panel.title = title;
    this.panel.webview.html = render(this.panel.webview.cspSource, makeNonce());
  }

  private async onMessage(message: unknown): Promise<void> {
    if (typeof message !== "object" || message === null) return;
    const { type, path } = message as { type?: unknown; path?: unknown };
    if (type !== "open") {
      await this.onOtherMessage?.(message as Record<string, unknown>);
      return;
    }
    if (typeof path !== "string") return;
    if (!this.openable.has(path)) {
      this.log(`webview asked to open ${path}, which this page did not list; ignored`);
      return;
    }
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot open ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** How one page of a `LastPageView` is shown: its title, its HTML, the files it may open. */
export interface PageShape {
  title: string;
  render: (cspSource: string, nonce: string) => string;
  openable: Iterable<string>;
}

/** A panel that shows one page at a time and keeps the last page shown (the commands that show
 * "the last report" again read it). */
export class LastPageView<Page> implements vscode.Disposable {
  private readonly panel: ReportPanel;
  private lastPage: Page | undefined;

  constructor(
    viewType: string,
    log: (line: string) => void,
    private readonly shape: (page: Page) => PageShape,
    onOtherMessage?: OtherMessage,
  ) {
    this.panel = new ReportPanel(viewType, log, onOtherMessage);
  }

  protected get last(): Page | undefined {
    return this.lastPage;
  }

  show(page: Page): void {
    this.lastPage = page;
    const { title, render, openable } = this.shape(page);
    this.panel.show(title, render, openable);
  }

  /** Keep `page` as the last one and show it where the panel is open, without revealing it. */
  update(page: Page): void {
    this.lastPage = page;
    const { title, render, openable } = this.shape(page);
    this.panel.refresh(title, render, openable);
  }

  dispose(): void {
    this.panel.dispose();
  }
}
