import type { AclIds } from '../../identity/identity-directory';

/**
 * Ids inside Swift container ACLs (`X-Container-Read`, `X-Container-Write`: comma-separated elements such as
 * `<project id>:<user id>`, `<project id>:*`, `.r:*`, `.rlistings`; swift/common/middleware/acl.py), translated
 * between home's ids and a provider's: the caller's own project always (docs/contract.md "Projects"), other
 * grantees' projects and users where the proxy knows them from those users' own exchanges
 * (src/identity/identity-directory.ts). Every other element is left as it is. Pure.
 */
export const ACL_HEADERS = ['x-container-read', 'x-container-write'];

/** The project and user ids an ACL value names (referrer and listing designators aside). */
export function aclIds(values: readonly (string | undefined)[]): { projects: string[]; users: string[] } {
  const projects: string[] = [];
  const users: string[] = [];
  for (const value of values) {
    for (const element of value?.split(',') ?? []) {
      const body = element.trim();
      if (!body || body.startsWith('.')) continue;
      const colon = body.indexOf(':');
      projects.push(colon < 0 ? body : body.slice(0, colon));
      if (colon >= 0 && body.slice(colon + 1) !== '*') users.push(body.slice(colon + 1));
    }
  }
  return { projects, users };
}

export function translateAcl(value: string, ids: AclIds): string {
  if (!ids.projects.size && !ids.users.size && !ids.projectNames?.size) return value;
  return value
    .split(',')
    .map((element) => {
      const lead = element.length - element.trimStart().length;
      const body = element.slice(lead).trimEnd();
      const tail = element.slice(lead + body.length);
      if (!body || body.startsWith('.')) return element;
      const colon = body.indexOf(':');
      const project = colon < 0 ? body : body.slice(0, colon);
      const user = colon < 0 ? undefined : body.slice(colon + 1);
      const byName = ids.projectNames?.get(project);
      const userByName = user === '*' ? '*' : user === undefined ? undefined : ids.userNames?.get(user);
      // A default-domain name pair means one user (or every user) of one project: both become ids, or neither.
      if (!ids.projects.has(project) && byName !== undefined && userByName !== undefined) {
        return `${element.slice(0, lead)}${byName}:${userByName}${tail}`;
      }
      const p = ids.projects.get(project) ?? project;
      const u = user === undefined ? '' : `:${ids.users.get(user) ?? user}`;
      return element.slice(0, lead) + p + u + tail;
    })
    .join(',');
}

/** The caller's own project at both ends, plus what else is known. */
export function withOwnProject(ids: AclIds, from: string, to: string): AclIds {
  if (!from || from === to) return ids;
  return { ...ids, projects: new Map([...ids.projects, [from, to]]) };
}

/** `AUTH_<project>` → `<project>` (the reseller prefix is everything up to the first "_"). */
export function projectOfAccount(account: string): string {
  const cut = account.indexOf('_');
  return cut < 0 ? account : account.slice(cut + 1);
}
