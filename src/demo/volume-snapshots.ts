// Cinder snapshots: `/snapshots`, `/snapshots/detail`, create (202), show, delete (202).
import type { Router } from 'express';
import type { FakeVolume } from './fake-volume';
import { renderSnapshot } from './volume-render';
import type { SnapshotRec } from './volume-render';
import { bump, newUuid, projectOf, sendFault } from './sim-http';
import { listPage } from './volume-listing';

export function installSnapshots(p: Router, fake: FakeVolume): void {
  const root = fake.options.baseUrl;
  p.get(['/snapshots', '/snapshots/detail'], (req, res) => {
    const detail = req.path.endsWith('/detail');
    const mine = [...fake.snapshots.values()].filter((s) => s.projectId === projectOf(res));
    const page = listPage(req, mine, `${root}/v3/${projectOf(res)}/snapshots${detail ? '/detail' : ''}`);
    if (!page.ok) return sendFault(res, page.status, page.message);
    const body: Record<string, unknown> = { snapshots: page.items.map((s) => renderSnapshot(s, detail)) };
    if (page.next) body.snapshots_links = [{ href: page.next, rel: 'next' }];
    res.json(body);
  });
  p.post('/snapshots', (req, res) => {
    const body = (req.body as { snapshot?: Record<string, unknown> } | undefined)?.snapshot;
    if (!body)
      return sendFault(
        res,
        400,
        "Invalid input for field/attribute snapshot. Value: None. 'snapshot' is a required property",
      );
    const v = fake.find(req, res, String(body.volume_id));
    if (!v) return;
    const force = body.force === true || body.force === 'true';
    if (v.status !== 'available' && !force)
      return sendFault(
        res,
        400,
        `Invalid volume: Volume ${v.id} status must be available, but current status is: ${v.status}.`,
      );
    const now = fake.now();
    const s: SnapshotRec = {
      id: newUuid(),
      projectId: v.projectId,
      volumeId: v.id,
      name: typeof body.name === 'string' ? body.name : null,
      description: typeof body.description === 'string' ? body.description : null,
      size: v.size,
      status: 'available',
      createdAt: now,
      updatedAt: now,
      metadata: {},
    };
    fake.snapshots.set(s.id, s);
    bump(fake.stats, 'snapshots');
    res.status(202).json({ snapshot: { ...renderSnapshot(s, false), status: 'creating' } });
  });
  const find = (id: string, projectId: string): SnapshotRec | undefined => {
    const s = fake.snapshots.get(id);
    return s && s.projectId === projectId ? s : undefined;
  };
  p.get('/snapshots/:id', (req, res) => {
    const s = find(req.params.id ?? '', projectOf(res));
    if (!s) return sendFault(res, 404, `Snapshot ${req.params.id} could not be found.`);
    res.json({ snapshot: renderSnapshot(s, true) });
  });
  p.delete('/snapshots/:id', (req, res) => {
    const s = find(req.params.id ?? '', projectOf(res));
    if (!s) return sendFault(res, 404, `Snapshot ${req.params.id} could not be found.`);
    fake.snapshots.delete(s.id);
    res.status(202).end();
  });
}
