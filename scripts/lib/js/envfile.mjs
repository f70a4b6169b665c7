// Reading and updating dotenv files. No dependencies, so the runner can read its configuration before
// `npm ci` has run. Parsing follows the `dotenv` library that dotenv-cli uses (test/bats/config.bats
// compares the two): `#` starts a comment, an unquoted value ends at the first `#`, single quotes keep the
// value literal, double quotes turn \n into a newline, and a later line for the same name wins.
// Values are taken literally: no ${VAR} expansion (generated client secrets may contain `$`).
import { chmodSync, copyFileSync, existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const ASSIGNMENT = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * The assignments of dotenv lines, in order: { name, value, exportPrefix, start, end } where start..end
 * (0-based, inclusive) are the lines it spans (a quoted value may span lines), or { start, end: start,
 * warning } for a line that is not NAME=value. Blank lines and comments are left out.
 */
function scanLines(lines) {
  const entries = [];
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(lines[i]);
    if (!match) {
      entries.push({ start: i, end: i, warning: `line ${i + 1} is not NAME=value and is ignored: ${truncate(trimmed)}` });
      continue;
    }
    const [, exportPrefix, name, rest] = match;
    const start = i;
    let value;
    let warning;
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
export function parseEnv(text) {
  const values = new Map();
  const warnings = [];
  for (const entry of scanLines(text.replace(/^\uFEFF/, '').split(/\r?\n/))) {
    if (entry.warning) warnings.push(entry.warning);
    if (entry.name !== undefined) values.set(entry.name, { value: entry.value, line: entry.start + 1 });
  }
  return { values, warnings };
}

function closingQuote(body, quote) {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && body[i + 1] === quote) {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

function truncate(text) {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function readEnvFile(path) {
  return parseEnv(readFileSync(path, 'utf8'));
}

/** A value written so that dotenv reads it back unchanged. */
export function quoteValue(value) {
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
export function setInText(text, updates) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = text === '' ? [] : text.slice(bom.length).split(/\r?\n/);
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const replaced = new Map(); // first line of an assignment -> { end, text }
  const seen = new Set();
  for (const entry of scanLines(lines)) {
    if (entry.name === undefined || !Object.hasOwn(updates, entry.name)) continue;
    seen.add(entry.name);
    replaced.set(entry.start, { end: entry.end, text: `${entry.exportPrefix}${entry.name}=${quoteValue(updates[entry.name])}` });
  }
  const out = [];
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

function utcStamp(date = new Date()) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * The file a path names: a symlink (or a chain of them) is followed to its target, which need not exist
 * yet, so that an update changes the real file and keeps the link.
 */
export function realFile(path) {
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
export function updateEnvFile(path, updates) {
  const file = realFile(path);
  const exists = existsSync(file);
  const original = exists ? readFileSync(file, 'utf8') : '';
  let backup = null;
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

export function fileMode(path) {
  return statSync(path).mode & 0o777;
}

