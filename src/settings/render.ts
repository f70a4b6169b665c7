// The settings table (table.ts) as people read it: the runner's --help list and the Markdown table of
// docs/load-test-guide.md (written by `npm run settings:doc`, checked by test/unit/settings.test.ts).
// Pure: no k6 and no Node imports.
import { SETTINGS, rangeText, type Kind, type Setting } from './table.ts';

/** A kind in words, for people. */
export const KIND_WORDS: Readonly<Record<Kind, string>> = {
  url: 'URL',
  int: 'whole number',
  decimal: 'number',
  fraction: 'fraction',
  duration: 'k6 duration',
  mix: 'op=weight list',
  word: 'word',
  choice: 'choice',
  text: 'text',
  path: 'path',
};

/** Type and unit in words: 'whole number, VUs', 'URL', 'k6 duration', 'number, ms'. */
export function typeAndUnit(setting: Setting): string {
  const kind = KIND_WORDS[setting.kind];
  return kind === setting.unit || setting.unit === setting.kind ? kind : `${kind}, ${setting.unit}`;
}

/** Markers around the generated table in docs/load-test-guide.md; everything between them is replaced. */
export const DOC_BEGIN = '<!-- settings table: generated from src/settings/table.ts by `npm run settings:doc`; do not edit -->';
export const DOC_END = '<!-- end of settings table -->';

/** Type, unit and range in a few words: 'whole number, VUs, >= 1', 'k6 duration, above 0, ...', 'URL'. */
export function unitAndRange(setting: Setting): string {
  const range = rangeText(setting);
  return range === '' ? typeAndUnit(setting) : `${typeAndUnit(setting)}, ${range}`;
}

/** A character no description holds: a space that wrap() must not break at. */
const KEEP = '\u0001';

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The settings list of the runner's --help, for the settings a person gives (not those the runner sets for
 * k6): the name, then the description and [type, unit, range; default: X; secret; shell only], wrapped to
 * `width` columns under a 33-column indent. No default is printed for a setting without one.
 */
export function helpLines(settings: readonly Setting[] = SETTINGS, width = 110): string[] {
  const indent = ' '.repeat(33);
  const out: string[] = [];
  for (const setting of settings.filter((s) => s.origin !== 'runner')) {
    const notes = [unitAndRange(setting)];
    // "default: X" stays on one line: its space is a placeholder while the text is wrapped.
    if (setting.default !== undefined && setting.default !== '') notes.push(`default:${KEEP}${setting.default}`);
    if (setting.secret) notes.push('secret');
    if (setting.origin === 'shell') notes.push('shell only');
    const lines = wrap(`${setting.description} [${notes.join('; ')}]`, width - indent.length).map((line) => line.split(KEEP).join(' '));
    out.push(`  ${setting.name.padEnd(30)} ${lines[0]}`, ...lines.slice(1).map((line) => indent + line));
  }
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text}\``;
}

function docRow(setting: Setting): string {
  const range = rangeText(setting);
  const rangeCell = range === '' ? '—' : setting.rangeReason ? `${range} (${setting.rangeReason})` : range;
  const notes = setting.origin === 'shell' ? 'Read from the shell only, before any file. ' : '';
  return `| ${[
    code(setting.name),
    typeAndUnit(setting),
    rangeCell,
    setting.default === undefined ? '—' : code(setting.default),
    setting.secret ? 'yes' : 'no',
    setting.readers.join(', '),
    notes + setting.description,
  ].map(cell).join(' | ')} |`;
}

const HEADER = ['| setting | type, unit | range | default | secret | read by | description |', '| --- | --- | --- | --- | --- | --- | --- |'];

/**
 * The Markdown of the doc's settings section: the settings a person gives, then the ones the runner sets
 * for k6 (which k6 run by hand may set). Without the markers.
 */
export function docTable(settings: readonly Setting[] = SETTINGS): string {
  const given = settings.filter((setting) => setting.origin !== 'runner');
  const internal = settings.filter((setting) => setting.origin === 'runner');
  const lines = [...HEADER, ...given.map(docRow)];
  if (internal.length > 0) {
    lines.push('', 'Set by the runner for k6 (not read from the files; k6 run by hand may set them):', '', ...HEADER, ...internal.map(docRow));
  }
  return lines.join('\n');
}

/**
 * The document with the text between DOC_BEGIN and DOC_END replaced by `table`. Throws when the markers are
 * missing or out of order, so a broken document is never written over.
 */
export function withDocTable(document: string, table: string): string {
  const begin = document.indexOf(DOC_BEGIN);
  const end = document.indexOf(DOC_END);
  if (begin < 0 || end < begin) {
    throw new Error(`the settings table's markers are missing: put ${DOC_BEGIN} and ${DOC_END} on lines of their own where the table goes`);
  }
  return `${document.slice(0, begin + DOC_BEGIN.length)}\n${table}\n${document.slice(end)}`;
}
