/** The Keystone v3 password login body clients send (user and project in domain Default); project-scoped when `project` is given. */
export function passwordAuth(user: string, password: string, project?: string): Record<string, unknown> {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
      ...(project ? { scope: { project: { name: project, domain: { name: 'Default' } } } } : {}),
    },
  };
}
