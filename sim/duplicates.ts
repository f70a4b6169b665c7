// Duplicate JSON property names in a request body, found as DMS finds them
// (Ed-Fi-Alliance-OSS/Data-Management-Service src/dms/core/EdFi.DataManagementService.Core/Middleware/
// DuplicatePropertiesMiddleware.cs): the path of the first duplicate, '$.schoolReference.schoolId' or
// '$.gradeLevels[1].gradeLevelDescriptor'. JSON.parse keeps the last value silently, so the cheap test is a
// count: the property names in the text against the keys of the parsed value. Only when they differ is the
// text scanned again to name the path (allocations only on that path).

/** The JSONPath of the first duplicate property in `text` (already valid JSON, parsed as `parsed`), or undefined. */
export function findDuplicateProperty(text: string, parsed: unknown): string | undefined {
  if (countNames(text) === countKeys(parsed)) return undefined;
  return new PathScanner(text).firstDuplicate();
}

/** Property names in JSON text: strings followed by ':'. indexOf jumps keep this a few hundred ns per body. */
function countNames(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) {
    i = endOfString(text, i);
    let j = i + 1;
    while (j < text.length && isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 58 /* : */) count++;
  }
  return count;
}

function countKeys(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) if (typeof item === 'object' && item !== null) n += countKeys(item);
    return n;
  }
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const key in value) {
    n++;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) n += countKeys(child);
  }
  return n;
}

/** Index of the closing quote of the string opening at `start` (a quote after an odd run of backslashes is escaped). */
function endOfString(text: string, start: number): number {
  for (let i = text.indexOf('"', start + 1); i >= 0; i = text.indexOf('"', i + 1)) {
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return text.length;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** A minimal walk over valid JSON that tracks the path, like DMS's Utf8JsonReader loop. */
class PathScanner {
  private i = 0;
  constructor(private readonly text: string) {}

  firstDuplicate(): string | undefined {
    return this.value('$');
  }

  private skipSpace(): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  private value(path: string): string | undefined {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') this.i = endOfString(this.text, this.i) + 1;
    else while (this.i < this.text.length && !',]}'.includes(this.text[this.i]) && !isSpace(this.text.charCodeAt(this.i))) this.i++;
    return undefined;
  }

  private object(path: string): string | undefined {
    const seen = new Set<string>();
    this.i++; // {
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === '}') return (this.i++, undefined);
      const end = endOfString(this.text, this.i);
      const name = JSON.parse(this.text.slice(this.i, end + 1)) as string;
      if (seen.has(name)) return `${path}.${name}`;
      seen.add(name);
      this.i = end + 1;
      this.skipSpace();
      this.i++; // :
      const found = this.value(`${path}.${name}`);
      if (found) return found;
      this.skipSpace();
      if (this.text[this.i] === ',') this.i++;
    }
  }

  private array(path: string): string | undefined {
    this.i++; // [
    for (let index = 0; ; index++) {
      this.skipSpace();
      if (this.text[this.i] === ']') return (this.i++, undefined);
      const found = this.value(`${path}[${index}]`);
      if (found) return found;
      this.skipSpace();
      if (this.text[this.i] === ',') this.i++;
    }
  }
}
