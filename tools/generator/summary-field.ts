// A field added to a saved summary.json without rewriting the rest of it. Pure, unit-tested.

/**
 * The summary's text with `"name": value` as its last field, on one line; the rest stays as it was (its
 * histograms one line each). A field of that name written earlier this way is replaced.
 */
export function withField(text: string, name: string, value: unknown): string {
  const line = `  ${JSON.stringify(name)}: ${JSON.stringify(value)}`;
  const body = text.trimEnd().replace(new RegExp(`,\\n  ${JSON.stringify(name)}: .*\\n}$`), '\n}');
  const open = body.slice(0, body.lastIndexOf('}')).trimEnd();
  return `${open}${open.endsWith('{') ? '' : ','}\n${line}\n}\n`;
}
