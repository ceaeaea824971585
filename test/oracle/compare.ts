/**
 * Compares our URL table (the `urls --json` contract) with Django's own (test/oracle/expected/*.json,
 * produced by django_urls.py with Debian's python3-django). Used by the oracle test and by hand.
 */
export interface Row {
  route: string;
  name: string | null;
  view: { module: string; qualname: string; file: string | null; line: number | null } | null;
}

export function rowKey(r: Row, withLocation: boolean): string {
  const v = r.view ? `${r.view.module}.${r.view.qualname}` + (withLocation ? `@${r.view.file}:${r.view.line}` : '') : 'null';
  return `${r.route} | ${r.name ?? '-'} | ${v}`;
}

/** Lines present on one side only, in order; empty when the tables agree (order included). */
export function diffTables(ours: Row[], django: Row[], withLocation = true): string[] {
  const a = ours.map((r) => rowKey(r, withLocation));
  const b = django.map((r) => rowKey(r, withLocation));
  const out: string[] = [];
  const max = Math.max(a.length, b.length);
  for (let i = 0; i < max; i++) {
    if (a[i] !== b[i]) {
      out.push(`#${i} ours:   ${a[i] ?? '(none)'}`);
      out.push(`#${i} django: ${b[i] ?? '(none)'}`);
    }
  }
  return out;
}
