// Reading and updating dotenv files, with Node's built-ins only. Parsing follows the `dotenv` library that dotenv-cli uses (test/bats/config.bats
// compares the two): `#` starts a comment, an unquoted value ends at the first `#`, single quotes keep the
// value literal, double quotes turn \n into a newline, and a later line for the same name wins.
// Values are taken literally: no ${VAR} expansion (generated client secrets may contain `$`).
import { chmodSync, copyFileSync, existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One assignment (name set) or one malformed line (warning only); start..end are 0-based line indexes. */
interface ScannedLine {
  name?: string;
  value?: string;
  exportPrefix?: string;
  start: number;
  end: number;
  warning?: string;
}

/** A setting's value in an env file and the (1-based) line it is on. */
export interface EnvEntry {
  value: string;
  line: number;
}

export interface ParsedEnv {
  values: Map<string, EnvEntry>;
  warnings: string[];
}

const ASSIGNMENT = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * The assignments of dotenv lines, in order: { name, value, exportPrefix, start, end } where start..end
 * (0-based, inclusive) are the lines it spans (a quoted value may span lines), or { start, end: start,
 * warning } for a line that is not NAME=value. Blank lines and comments are left out.
 */
function scanLines(lines: string[]): ScannedLine[] {
  const entries: ScannedLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(lines[i]);
    if (!match) {
      entries.push({ start: i, end: i, warning: malformedLineWarning(i + 1, trimmed) });
      continue;
    }
    const [, exportPrefix, name, rest] = match;
    const start = i;
    let value: string;
    let warning: string | undefined;
    const quote = rest[0];
    if (quote === "'" || quote === '"' || quote === '`') {
      // A quoted value may span lines; it ends at the next unescaped matching quote.
      let body = rest.slice(1);
      let end = closingQuote(body, quote);
      let j = i;
      while (end < 0 && j + 1 < lines.length) {
        j++;
        body += `\n${lines[j]}`;
        end = closingQuote(body, quote);
      }
      if (end < 0) {
        // Like dotenv: without a closing quote the value is the rest of this line, and the next lines
        // are read as lines of their own.
        warning = `line ${start + 1}: ${name} has an opening ${quote} without a closing one; the value is taken as written`;
        value = rest.replace(/#.*$/, '').trim();
      } else {
        i = j;
        value = body.slice(0, end);
        if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      }
    } else {
      value = rest.replace(/#.*$/, '').trim();
    }
    entries.push({ name, value, exportPrefix: exportPrefix ?? '', start, end: i, warning });
  }
  return entries;
}

/**
 * Parses dotenv text into { values: Map<name, {value, line}>, warnings: string[] }.
 * Line numbers are 1-based so messages can point at them.
 */
export function parseEnv(text: string): ParsedEnv {
  const values = new Map<string, EnvEntry>();
  const warnings: string[] = [];
  for (const entry of scanLines(text.replace(/^\uFEFF/, '').split(/\r?\n/))) {
    if (entry.warning) warnings.push(entry.warning);
    if (entry.name !== undefined) values.set(entry.name, { value: entry.value ?? '', line: entry.start + 1 });
  }
  return { values, warnings };
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && body[i + 1] === quote) {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

/**
 * The warning for a line that is not NAME=value. The line itself is never shown: it is most likely a setting
 * written wrongly (`CLIENT_SECRET: abc`), and its value may be a secret. The name it seems to set is shown.
 */
function malformedLineWarning(lineNumber: number, trimmed: string): string {
  // `NAME: value` (YAML habit), or `NAME value` for a name in capitals (a forgotten `=`).
  const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*:/.exec(trimmed) ?? /^(?:export\s+)?([A-Z][A-Z0-9_]*)\s/.exec(trimmed);
  const name = match?.[1];
  if (name) return `line ${lineNumber} is not NAME=value and is ignored (it seems to set ${name}; write ${name}=value; the rest of the line is not shown)`;
  return `line ${lineNumber} is not NAME=value and is ignored (its text is not shown: it may hold a secret)`;
}

/** An env file that cannot be read as text in UTF-8: the message says which file, where and how to fix it. */
export class EnvFileEncodingError extends Error {}

/**
 * The text of an env file's bytes, which must be UTF-8 (a UTF-8 byte-order mark is allowed). UTF-16 (a
 * Windows editor's "Unicode") and bytes that are not UTF-8 (Latin-1 / Windows-1252 files) are refused rather
 * than read wrongly: a secret with `é` would otherwise become U+FFFD and be refused later as "wrong
 * credentials", and UTF-16 would read as NUL bytes and half values. Throws EnvFileEncodingError.
 */
export function decodeEnvBytes(bytes: Uint8Array, path: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0);
  if (utf16) {
    throw new EnvFileEncodingError(`${path} is saved as UTF-16 (or holds NUL bytes); save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8; or: iconv -f UTF-16 -t UTF-8)`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
    throw new EnvFileEncodingError(
      `${path} line ${line} is not valid UTF-8 (byte 0x${bytes[bad].toString(16).toUpperCase()}): the file looks Latin-1 / Windows-1252; ` +
        `save it as UTF-8 (iconv -f WINDOWS-1252 -t UTF-8 ${path} > ${path}.utf8, check it, then move it over the original)`,
    );
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return 0;
}

export function readEnvFile(path: string): ParsedEnv {
  return parseEnv(decodeEnvBytes(readFileSync(path), path));
}

/** A value written so that dotenv reads it back unchanged. */
export function quoteValue(value: string): string {
  if (value.includes('\n')) throw new Error('values with line breaks are not supported');
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !value.includes('\\n')) return `"${value}"`;
  throw new Error('a value containing both quote characters cannot be written to a dotenv file');
}

/**
 * Sets names to values in dotenv text: every existing assignment of a name is replaced in place (keeping
 * an `export ` prefix; a multi-line quoted value is replaced whole), names not present are appended;
 * comments, order, other lines (including the continuation lines of other multi-line values, even when
 * they look like NAME=value) and line endings stay.
 */
export function setInText(text: string, updates: Record<string, string>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = text === '' ? [] : text.slice(bom.length).split(/\r?\n/);
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const replaced = new Map<number, { end: number; text: string }>(); // first line of an assignment -> { end, text }
  const seen = new Set<string>();
  for (const entry of scanLines(lines)) {
    if (entry.name === undefined || !Object.hasOwn(updates, entry.name)) continue;
    seen.add(entry.name);
    replaced.set(entry.start, { end: entry.end, text: `${entry.exportPrefix}${entry.name}=${quoteValue(updates[entry.name])}` });
  }
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const replacement = replaced.get(i);
    if (replacement) {
      out.push(replacement.text);
      i = replacement.end;
    } else {
      out.push(lines[i]);
    }
  }
  for (const [name, value] of Object.entries(updates)) {
    if (!seen.has(name)) out.push(`${name}=${quoteValue(value)}`);
  }
  return bom + out.join(eol) + eol;
}

function utcStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * The file a path names: a symlink (or a chain of them) is followed to its target, which need not exist
 * yet, so that an update changes the real file and keeps the link.
 */
export function realFile(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return current; // a link to a file that does not exist yet: create the target
    }
    if (!stat.isSymbolicLink()) return existsSync(current) ? realpathSync(current) : current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}

/**
 * Updates a file in place, safely: a timestamped backup first (mode 600), then the new text written to a
 * temporary file next to it (mode 600) and renamed over the original. When the path is a symlink (say
 * .env.load-test -> ~/secrets/dms.env), the link's target is updated and the link stays; the backup is
 * made next to the target. Returns the backup path or null.
 */
export function updateEnvFile(path: string, updates: Record<string, string>): string | null {
  const file = realFile(path);
  const exists = existsSync(file);
  const original = exists ? decodeEnvBytes(readFileSync(file), path) : '';
  let backup: string | null = null;
  if (exists) {
    backup = `${file}.bak.${utcStamp()}`;
    for (let n = 2; existsSync(backup); n++) backup = `${file}.bak.${utcStamp()}-${n}`;
    copyFileSync(file, backup);
    chmodSync(backup, 0o600);
  }
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  writeFileSync(tmp, setInText(original, updates), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return backup;
}

export function fileMode(path: string): number {
  return statSync(path).mode & 0o777;
}

