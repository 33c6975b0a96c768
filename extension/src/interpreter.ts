// Which Python runs `python -m server`: the setting, else a project .venv (workspace first,
// then the checkout the extension was built from), else python3 on PATH. The python3 on PATH is
// rarely the environment holding pygls and the toolchain, so the setting comes first.
import * as path from "node:path";

export type InterpreterSource = "setting" | "workspace" | "extension" | "path";

export interface ResolvedInterpreter {
  command: string;
  source: InterpreterSource;
}

export interface InterpreterQuery {
  setting: string | null | undefined;
  workspaceFolders: readonly string[];
  extensionPath: string;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
  /** An untrusted workspace's own .venv is never run: that would execute the workspace's code. */
  workspaceTrusted: boolean;
}

export function venvPython(venvDir: string, platform: NodeJS.Platform): string {
  return platform === "win32"
    ? path.join(venvDir, "Scripts", "python.exe")
    : path.join(venvDir, "bin", "python");
}

export function expandVariables(value: string, workspaceFolder: string | undefined): string {
  let out = value;
  if (workspaceFolder !== undefined) out = out.split("${workspaceFolder}").join(workspaceFolder);
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home !== undefined && (out === "~" || out.startsWith("~/"))) out = home + out.slice(1);
  return out;
}

export function resolveInterpreter(query: InterpreterQuery): ResolvedInterpreter {
  const setting = query.setting?.trim();
  if (setting) {
    return { command: expandVariables(setting, query.workspaceFolders[0]), source: "setting" };
  }
  for (const folder of query.workspaceTrusted ? query.workspaceFolders : []) {
    const candidate = venvPython(path.join(folder, ".venv"), query.platform);
    if (query.exists(candidate)) return { command: candidate, source: "workspace" };
  }
  // Running from a checkout (development host, or the e2e test's vsix built in the repo).
  for (const dir of [query.extensionPath, path.dirname(query.extensionPath)]) {
    const candidate = venvPython(path.join(dir, ".venv"), query.platform);
    if (query.exists(candidate)) return { command: candidate, source: "extension" };
  }
  return { command: query.platform === "win32" ? "python" : "python3", source: "path" };
}
