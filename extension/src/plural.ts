// Counts in messages read as English: "1 proof unit", "3 proof units", never "unit(s)".

/** `count` followed by the noun, in the plural unless the count is one. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}
