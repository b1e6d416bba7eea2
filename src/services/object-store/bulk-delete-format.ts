/**
 * The body of a bulk-delete answer in the client's format, as swift/common/middleware/bulk.py get_response_body
 * writes it. Pure.
 */
import { escapeMarkup } from '../../errors/format/markup';
export interface BulkDeleteResult {
  responseStatus: string;
  responseBody: string;
  deleted: number;
  notFound: number;
  /** [quoted name, status line] */
  errors: Array<[string, string]>;
}

export type BulkFormat = 'application/json' | 'application/xml' | 'text/xml' | 'text/plain';

const ACCEPTABLE: BulkFormat[] = ['text/plain', 'application/json', 'application/xml', 'text/xml'];

/** Accept negotiation like swob's best_match over bulk's ACCEPTABLE_FORMATS (quality values honoured). */
export function bulkFormat(accept: string | undefined): BulkFormat | undefined {
  if (!accept || !accept.trim()) return 'text/plain';
  let best: { type: BulkFormat; q: number; order: number } | undefined;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type.trim().toLowerCase(), q: qp ? Number(qp.slice(2)) : 1 };
  });
  for (const r of ranges) {
    if (!(r.q > 0)) continue;
    ACCEPTABLE.forEach((fmt, order) => {
      const [major] = fmt.split('/');
      const matches = r.type === '*/*' || r.type === fmt || r.type === `${major}/*`;
      if (matches && (!best || r.q > best.q || (r.q === best.q && order < best.order)))
        best = { type: fmt, q: r.q, order };
    });
  }
  return best?.type;
}

export function renderBulkDelete(format: BulkFormat, r: BulkDeleteResult): string {
  const dict: Record<string, string | number> = {
    'Response Status': r.responseStatus,
    'Response Body': r.responseBody,
    'Number Deleted': r.deleted,
    'Number Not Found': r.notFound,
  };
  if (format === 'application/json') {
    // Python's json.dumps: ", " and ": " separators, non-ASCII escaped.
    const parts = Object.entries(dict).map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`);
    const errors = r.errors.map(([n, s]) => `[${pyJson(n)}, ${pyJson(s)}]`).join(', ');
    return `{${parts.join(', ')}, "Errors": [${errors}]}`;
  }
  const keys = Object.keys(dict).sort();
  if (format.endsWith('/xml')) {
    const lines = keys.map((k) => {
      const tag = k.replace(/ /g, '_').toLowerCase();
      return `<${tag}>${escapeMarkup(String(dict[k]))}</${tag}>\n`;
    });
    const errs = r.errors.map(
      ([n, s]) => `<object><name>${escapeMarkup(n)}</name><status>${escapeMarkup(s)}</status></object>\n`,
    );
    return `<delete>\n${lines.join('')}<errors>\n${errs.join('')}</errors>\n</delete>\n`;
  }
  const lines = keys.map((k) => `${k}: ${dict[k]}\n`);
  return `${lines.join('')}Errors:\n${r.errors.map(([n, s]) => `${n}, ${s}\n`).join('')}`;
}

function pyJson(v: string | number): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
