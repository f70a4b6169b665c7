// Small HTML helpers: every value that reaches the page goes through esc() or json().

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON for a <script type="application/json"> block: nothing in it can close the element. */
export function json(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface Column<T> {
  head: string;
  cell: (row: T) => string;
  /** Right-aligned numbers. */
  num?: boolean;
}

/** A table; `cell` returns text that is escaped here. `rowClass` marks rows (e.g. 'bad'). */
export function table<T>(columns: Column<T>[], rows: T[], options: { id?: string; className?: string; rowClass?: (row: T) => string; caption?: string } = {}): string {
  const head = columns.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cls = options.rowClass?.(row);
      const cells = columns.map((c) => `<td${c.num ? ' class="num"' : ''}>${esc(c.cell(row))}</td>`).join('');
      return `<tr${cls ? ` class="${esc(cls)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : '';
  return `<table${options.id ? ` id="${esc(options.id)}"` : ''}${options.className ? ` class="${esc(options.className)}"` : ''}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
