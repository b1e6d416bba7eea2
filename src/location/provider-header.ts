import { BadRequest, UnknownProvider } from '../errors/errors';

/**
 * The provider a request targets with `X-OCX-Provider: name` (docs/contract.md "Headers"). Unknown names are a 400 that
 * lists the known providers.
 */
export function targetedProvider(header: string | string[] | undefined, known: readonly string[]): string | undefined {
  if (header === undefined) return undefined;
  const values = (Array.isArray(header) ? header : [header]).flatMap((h) => h.split(',')).map((h) => h.trim());
  const distinct = [...new Set(values.filter(Boolean))];
  if (distinct.length === 0) return undefined;
  if (distinct.length > 1) throw new BadRequest('X-OCX-Provider names more than one provider.');
  const name = distinct[0] as string;
  if (!known.includes(name)) throw new UnknownProvider(name.slice(0, 64), known);
  return name;
}
