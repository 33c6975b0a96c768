// Which method the user means: the declaration enclosing the cursor, from a light scan of the
// text (the server's per-symbol status refines it when available). Pure, unit-tested.

export interface DeclaredMethod {
  name: string;
  kind: string;
  line: number;
}

const DECLARATION =
  /^\s*(?:(?:ghost|static|twostate|abstract)\s+)*(method|function\s+method|function|predicate\s+method|predicate|lemma|constructor)\s+(?:\{[^}]*\}\s*)*([A-Za-z_][\w'?]*)/;

export function declaredMethods(text: string): DeclaredMethod[] {
  const out: DeclaredMethod[] = [];
  const lines = text.split(/\r?\n/);
  let inBlockComment = false;
  lines.forEach((raw, line) => {
    let content = raw;
    if (inBlockComment) {
      const end = content.indexOf("*/");
      if (end < 0) return;
      content = content.slice(end + 2);
      inBlockComment = false;
    }
    const start = content.indexOf("/*");
    if (start >= 0 && content.indexOf("*/", start) < 0) inBlockComment = true;
    const match = DECLARATION.exec(content);
    if (match) out.push({ name: match[2], kind: match[1].replace(/\s+/g, " "), line });
  });
  return out;
}

/** Lemmas and ghost code have no hardware; methods and compiled functions do. */
export function isSynthesizable(kind: string): boolean {
  return kind === "method" || kind === "function method" || kind === "function" || kind === "predicate method";
}

export function methodAtLine(methods: readonly DeclaredMethod[], line: number): DeclaredMethod | undefined {
  let found: DeclaredMethod | undefined;
  for (const m of methods) {
    if (m.line <= line) found = m;
  }
  return found;
}
