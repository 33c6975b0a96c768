// Coexistence with the official Dafny extension: when it is installed it owns .dfy diagnostics,
// and ours are dropped so the user never sees every error twice.
export const OFFICIAL_DAFNY_EXTENSION_ID = "dafny-lang.ide-vscode";

export function isDafnyUri(uri: string): boolean {
  return /\.dfy$/i.test(uri.split(/[?#]/)[0]);
}

export function shouldDropDiagnostics(uri: string, deferToOfficial: boolean): boolean {
  return deferToOfficial && isDafnyUri(uri);
}
