// Reading and updating dotenv files. No dependencies, so the runner can read its configuration before
// `npm ci` has run. Parsing follows the `dotenv` library that dotenv-cli uses (test/bats/config.bats
// compares the two): `#` starts a comment, an unquoted value ends at the first `#`, single quotes keep the
// value literal, double quotes turn \n into a newline, and a later line for the same name wins.
// Values are taken literally: no ${VAR} expansion (generated client secrets may contain `$`).
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const ASSIGNMENT = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * Parses dotenv text into { values: Map<name, {value, line}>, warnings: string[] }.
 * Line numbers are 1-based so messages can point at them.
 */
export function parseEnv(text) {
  const values = new Map();
  const warnings = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(lines[i]);
    if (!match) {
      warnings.push(`line ${lineNo} is not NAME=value and is ignored: ${truncate(trimmed)}`);
      continue;
    }
    const [, , name, rest] = match;
    let value;
    const quote = rest[0];
    if (quote === "'" || quote === '"' || quote === '`') {
      // A quoted value may span lines; it ends at the next unescaped matching quote.
      let body = rest.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        end = closingQuote(body, quote);
      }
      if (end < 0) {
        warnings.push(`line ${lineNo}: ${name} has an opening ${quote} without a closing one; the value is taken as written`);
        value = rest.replace(/#.*$/, '').trim();
      } else {
        value = body.slice(0, end);
        if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      }
    } else {
      value = rest.replace(/#.*$/, '').trim();
    }
    values.set(name, { value, line: lineNo });
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
 * Sets names to values in dotenv text: every existing line of a name is replaced in place (keeping an
 * `export ` prefix), names not present are appended; comments, order, other lines and line endings stay.
 */
export function setInText(text, updates) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  const trailingNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const seen = new Set();
  const out = lines.map((line) => {
    const match = ASSIGNMENT.exec(line);
    if (!match || !(match[2] in updates)) return line;
    seen.add(match[2]);
    return `${match[1] ?? ''}${match[2]}=${quoteValue(updates[match[2]])}`;
  });
  for (const [name, value] of Object.entries(updates)) {
    if (!seen.has(name)) out.push(`${name}=${quoteValue(value)}`);
  }
  return out.join(eol) + eol;
}

function utcStamp(date = new Date()) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Updates a file in place, safely: a timestamped backup first (mode 600), then the new text written to a
 * temporary file next to it (mode 600) and renamed over the original. Returns the backup path or null.
 */
export function updateEnvFile(path, updates) {
  const exists = existsSync(path);
  const original = exists ? readFileSync(path, 'utf8') : '';
  let backup = null;
  if (exists) {
    backup = `${path}.bak.${utcStamp()}`;
    for (let n = 2; existsSync(backup); n++) backup = `${path}.bak.${utcStamp()}-${n}`;
    copyFileSync(path, backup);
    chmodSync(backup, 0o600);
  }
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, setInText(original, updates), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return backup;
}

export function fileMode(path) {
  return statSync(path).mode & 0o777;
}

