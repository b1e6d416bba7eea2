/**
 * The next page's path (and query) at the proxy from a merged listing's body: Glance's `next`, else the `rel: next`
 * entry of `<key>_links` (Nova, Cinder, Neutron).
 */
export function nextPath(body: Record<string, unknown>, key: string): string | undefined {
  if (key === 'images') return typeof body['next'] === 'string' ? `/image${body['next']}` : undefined;
  const href = (body[`${key}_links`] as { href: string; rel: string }[] | undefined)?.find(
    (l) => l.rel === 'next',
  )?.href;
  return href ? new URL(href).pathname + new URL(href).search : undefined;
}
