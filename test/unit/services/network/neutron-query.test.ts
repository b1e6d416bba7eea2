import { onlyFields, parseNeutronQuery } from '../../../../src/services/network/neutron-query';
import { rewriteCreate, rewriteRouterInterface } from '../../../../src/services/network/rewrite-request';
import { collectionAt } from '../../../../src/services/network/collections';

const KNOWN = ['home', 'bu-keystone'];

describe('parseNeutronQuery', () => {
  it('asks providers for the client sort with id ascending appended, filters kept, paging removed', () => {
    const q = parseNeutronQuery('?name=a&sort_key=name&sort_dir=desc&limit=2&marker=m1&tags=x');
    expect(q.upstream.toString()).toBe('name=a&tags=x&sort_key=name&sort_dir=desc&sort_key=id&sort_dir=asc');
    expect(q.client.toString()).toBe('name=a&sort_key=name&sort_dir=desc&tags=x');
    expect(q.limit).toBe(2);
    expect(q.marker).toBe('m1');
  });

  it('orders by id ascending by default, NULLs first', () => {
    const q = parseNeutronQuery('');
    const items = [{ id: 'b' }, { id: 'a' }, { id: null }];
    expect([...items].sort(q.compare).map((i) => i.id)).toEqual([null, 'a', 'b']);
  });

  it('ignores a marker without a limit, and limit=0 means no paging, as Neutron', () => {
    expect(parseNeutronQuery('marker=x').marker).toBeUndefined();
    expect(parseNeutronQuery('limit=0&marker=x').limit).toBeUndefined();
  });

  it('adds id and sort keys to fields for the merge, and shows only the asked fields', () => {
    const q = parseNeutronQuery('fields=name&sort_key=status&sort_dir=asc');
    expect(q.upstream.getAll('fields')).toEqual(['name', 'id', 'status']);
    expect(onlyFields({ id: '1', name: 'n', status: 'ACTIVE' }, q.fields)).toEqual({ name: 'n' });
  });

  it('refuses what Neutron refuses, in its words', () => {
    expect(() => parseNeutronQuery('sort_key=name')).toThrow('The number of sort_keys and sort_dirs must be same');
    expect(() => parseNeutronQuery('sort_key=name&sort_dir=up')).toThrow("['up'] is invalid value for sort_dirs");
    expect(() => parseNeutronQuery('limit=-1')).toThrow("Limit must be an integer 0 or greater and not '-1'");
  });
});

describe('rewriteCreate', () => {
  const ports = collectionAt('ports')!;
  const networks = collectionAt('networks')!;

  it('takes provider names out of availability_zone_hints and keeps real zones', () => {
    const r = rewriteCreate(
      networks,
      { network: { name: 'n', availability_zone_hints: ['bu-keystone', 'az1'] } },
      KNOWN,
    );
    expect(r.zoneProviders).toEqual(['bu-keystone']);
    expect(r.body).toEqual({ network: { name: 'n', availability_zone_hints: ['az1'] } });
  });

  it('strips @provider from a port body and names the network as its parent', () => {
    const r = rewriteCreate(
      ports,
      { port: { network_id: 'n1@home', fixed_ips: [{ subnet_id: 's1@home' }], security_groups: ['g@home'] } },
      KNOWN,
    );
    expect(r.parent).toEqual({ kind: 'network', id: 'n1', provider: 'home' });
    expect(r.body).toEqual({ port: { network_id: 'n1', fixed_ips: [{ subnet_id: 's1' }], security_groups: ['g'] } });
    expect(r.refs.map((x) => x.kind).sort()).toEqual(['network', 'security_group', 'subnet']);
  });

  it('an unknown @provider is a 400 naming the known ones (docs/contract.md)', () => {
    expect(() => rewriteCreate(networks, { network: { name: 'n@nowhere' } }, KNOWN)).toThrow(/home, bu-keystone/);
  });

  it('router interfaces: subnet_id@provider stripped', () => {
    expect(rewriteRouterInterface({ subnet_id: 's@bu-keystone' }, KNOWN).body).toEqual({ subnet_id: 's' });
  });
});
