// The small JSONPath subset the resource table uses: '$.a.b' and '$.list[*].b'.

export type Segments = readonly string[];

/** '$.classPeriods[*].classPeriodReference' -> ['classPeriods', '*', 'classPeriodReference']. */
export function compilePath(path: string): Segments {
  if (!path.startsWith('$.')) throw new Error(`JSON path must start with '$.': ${path}`);
  return path
    .slice(2)
    .split('.')
    .flatMap((part) => (part.endsWith('[*]') ? [part.slice(0, -3), '*'] : [part]));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Value at a path without arrays; undefined when any step is missing. */
export function getValue(doc: unknown, segs: Segments): unknown {
  let node = doc;
  for (const seg of segs) {
    if (!isObject(node)) return undefined;
    node = node[seg];
  }
  return node;
}

export interface Found {
  /** Concrete path, arrays with their index: '$.classPeriods[0].classPeriodReference'. */
  path: string;
  value: unknown;
}

/** Every value present at a path that may pass through arrays. */
export function findAll(doc: unknown, segs: Segments): Found[] {
  const out: Found[] = [];
  walk(doc, segs, 0, '$', out);
  return out;
}

function walk(node: unknown, segs: Segments, i: number, path: string, out: Found[]): void {
  if (node === undefined || node === null) return;
  if (i === segs.length) {
    out.push({ path, value: node });
    return;
  }
  const seg = segs[i];
  if (seg === '*') {
    if (Array.isArray(node)) node.forEach((item, n) => walk(item, segs, i + 1, `${path}[${n}]`, out));
    return;
  }
  if (isObject(node)) walk(node[seg], segs, i + 1, `${path}.${seg}`, out);
}

export function hasArrays(segs: Segments): boolean {
  return segs.includes('*');
}
