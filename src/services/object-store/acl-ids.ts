/**
 * Project ids inside Swift container ACLs (`X-Container-Read`, `X-Container-Write`: comma-separated elements such
 * as `<project id>:<user id>`, `<project id>:*`, `.r:*`, `.rlistings`; swift/common/middleware/acl.py), translated
 * between the caller's home project and its project at a provider (docs/contract.md "Projects"). Only the caller's
 * own project is known at both ends; every other element is left as it is. Pure.
 */
export const ACL_HEADERS = ['x-container-read', 'x-container-write'];

export function translateAcl(value: string, fromProject: string, toProject: string): string {
  if (!fromProject || fromProject === toProject) return value;
  return value
    .split(',')
    .map((element) => {
      const lead = element.length - element.trimStart().length;
      const body = element.slice(lead);
      if (body === fromProject || body.startsWith(`${fromProject}:`)) {
        return element.slice(0, lead) + toProject + body.slice(fromProject.length);
      }
      return element;
    })
    .join(',');
}

/** `AUTH_<project>` → `<project>` (the reseller prefix is everything up to the first "_"). */
export function projectOfAccount(account: string): string {
  const cut = account.indexOf('_');
  return cut < 0 ? account : account.slice(cut + 1);
}
