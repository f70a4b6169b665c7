// GET collection parameters: limit (0..500, default 500), offset, totalCount, and equality filters
// on query fields (identity parts, reference key fields, top-level scalars), names case-insensitive.

import { problems, type Problem } from './problem.ts';
import type { Filter, Table } from './store.ts';

export const MAX_PAGE_SIZE = 500;

export type QueryParams = { ok: true; offset: number; limit: number; totalCount: boolean; filters: Filter[] } | { ok: false; problem: Problem };

const WHOLE_NUMBER = /^\d+$/;

export function parseQuery(raw: string, table: Table): QueryParams {
  let offset = 0;
  let limit = MAX_PAGE_SIZE;
  let totalCount = false;
  const filters: Filter[] = [];
  const paramErrors: string[] = [];
  if (raw === '') return { ok: true, offset, limit, totalCount, filters };

  for (const [name, value] of new URLSearchParams(raw)) {
    const lower = name.toLowerCase();
    if (lower === 'offset') {
      if (WHOLE_NUMBER.test(value)) offset = Number(value);
      else paramErrors.push('Offset must be a numeric value greater than or equal to 0.');
    } else if (lower === 'limit') {
      if (WHOLE_NUMBER.test(value) && Number(value) <= MAX_PAGE_SIZE) limit = Number(value);
      else paramErrors.push(`Limit must be omitted or set to a numeric value between 0 and ${MAX_PAGE_SIZE}.`);
    } else if (lower === 'totalcount') {
      if (/^(true|false)$/i.test(value)) totalCount = value.toLowerCase() === 'true';
      else paramErrors.push('TotalCount must be a boolean value.');
    } else {
      const field = table.resource.queryFields.get(lower) ?? table.seenFields.get(lower);
      if (!field) return { ok: false, problem: problems.badRequest([`The query field '${name}' is not valid for this resource.`]) };
      filters.push({ field, value });
    }
  }
  if (paramErrors.length > 0) return { ok: false, problem: problems.parameterValidation(paramErrors) };
  return { ok: true, offset, limit, totalCount, filters };
}
