import { defaultSortSpec, parseSortSpec, type SortService } from '../../../../src/fanout/merge/sort-spec';
import { deepFreeze } from './deep-freeze';

type Pairs = Array<[string, string]>;

function keys(service: SortService, params: Pairs): string {
  const r = parseSortSpec(service, deepFreeze(params));
  if (!r.ok) throw new Error(r.error.message);
  return r.spec.keys.map((k) => `${k.key}:${k.dir}`).join(',');
}

function refusal(service: SortService, params: Pairs): unknown {
  const r = parseSortSpec(service, deepFreeze(params));
  return r.ok ? undefined : r.error;
}

describe('parseSortSpec defaults', () => {
  it.each([
    ['compute', 'created_at:desc,id:desc'],
    ['volume', 'created_at:desc,id:desc'],
    ['image', 'created_at:desc,id:desc'],
  ] as const)('%s sorts by %s', (service, expected) => {
    expect(keys(service, [])).toBe(expected);
    expect(
      defaultSortSpec(service)
        .keys.map((k) => `${k.key}:${k.dir}`)
        .join(','),
    ).toBe(expected);
  });
});

describe('parseSortSpec for Nova (repeatable sort_key/sort_dir, process_sort_params)', () => {
  it('pads missing directions with the first one and appends created_at and id with it', () => {
    expect(
      keys('compute', [
        ['sort_key', 'display_name'],
        ['sort_dir', 'asc'],
        ['sort_key', 'vm_state'],
      ]),
    ).toBe('display_name:asc,vm_state:asc,created_at:asc,id:asc');
  });

  it('uses desc when no direction is given, and strips values', () => {
    expect(keys('compute', [['sort_key', ' display_name ']])).toBe('display_name:desc,created_at:desc,id:desc');
  });

  it('refuses unknown directions and more directions than keys with a 400, never a throw', () => {
    expect(refusal('compute', [['sort_dir', 'up']])).toEqual({
      status: 400,
      message: "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'",
    });
    expect(
      refusal('compute', [
        ['sort_key', 'a'],
        ['sort_dir', 'asc'],
        ['sort_dir', 'desc'],
      ]),
    ).toEqual({
      status: 400,
      message: 'Invalid input received: Sort direction size exceeds sort key size',
    });
    expect(refusal('compute', [['sort_dir', 'ASC']])).toBeDefined();
  });
});

describe('parseSortSpec for Cinder (sort=, or one sort_key/sort_dir)', () => {
  it('reads key:dir lists with the default direction where none is given', () => {
    expect(keys('volume', [['sort', 'size:asc, name']])).toBe('size:asc,name:desc,created_at:asc,id:asc');
    expect(keys('volume', [['sort', 'id:asc']])).toBe('id:asc,created_at:asc');
  });

  it('takes the first sort_key and sort_dir of the legacy form', () => {
    expect(
      keys('volume', [
        ['sort_key', 'size'],
        ['sort_key', 'name'],
        ['sort_dir', 'asc'],
      ]),
    ).toBe('size:asc,created_at:asc,id:asc');
  });

  it('refuses sort with sort_key or sort_dir, and bad directions', () => {
    expect(
      refusal('volume', [
        ['sort', 'size'],
        ['sort_dir', 'asc'],
      ]),
    ).toEqual({
      status: 400,
      message: "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    });
    expect(refusal('volume', [['sort', 'size:sideways']])).toMatchObject({ status: 400 });
  });
});

describe('parseSortSpec for Glance (_get_sorting_params, _image_get_all)', () => {
  it('applies a single direction to every key and to the appended defaults', () => {
    expect(
      keys('image', [
        ['sort_key', 'name'],
        ['sort_key', 'size'],
        ['sort_dir', 'asc'],
      ]),
    ).toBe('name:asc,size:asc,created_at:asc,id:asc');
    expect(keys('image', [['sort', 'name:asc,size']])).toBe('name:asc,size:desc,created_at:desc,id:desc');
    expect(keys('image', [['sort', 'name:asc']])).toBe('name:asc,created_at:asc,id:asc');
  });

  it('refuses in Glance words', () => {
    expect(
      refusal('image', [
        ['sort', 'name'],
        ['sort_key', 'size'],
      ]),
    ).toEqual({
      status: 400,
      message: 'Old and new sorting syntax cannot be combined',
    });
    expect(refusal('image', [['sort_dir', 'sideways']])).toEqual({
      status: 400,
      message: 'Invalid sort direction: sideways',
    });
    expect(refusal('image', [['sort_key', 'owner']])).toEqual({
      status: 400,
      message:
        'Invalid sort key: owner. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.',
    });
    expect(
      refusal('image', [
        ['sort_key', 'name'],
        ['sort_key', 'size'],
        ['sort_key', 'status'],
        ['sort_dir', 'asc'],
        ['sort_dir', 'desc'],
      ]),
    ).toEqual({ status: 400, message: 'Number of sort dirs does not match the number of sort keys' });
  });
});
