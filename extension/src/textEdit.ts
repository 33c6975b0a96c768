// The smallest single replacement that turns one text into another (their common prefix and
// suffix kept), so that a whole new document from the server lands as one edit of the lines that
// changed: the cursor, folds and the undo step stay where the user expects. Pure, unit-tested.

export interface Replacement {
  /** Offsets into the old text (UTF-16 code units, as TextDocument.positionAt takes them). */
  start: number;
  end: number;
  text: string;
}

/** null when the texts are equal. */
export function minimalReplacement(before: string, after: string): Replacement | null {
  if (before === after) return null;
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // never split a surrogate pair: a replacement starting on its second half would be malformed
  if (start > 0 && isLowSurrogate(before.charCodeAt(start))) start--;
  let tail = 0;
  while (
    tail < shortest - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  ) {
    tail++;
  }
  if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
