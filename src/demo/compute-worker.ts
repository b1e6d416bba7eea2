// The part of the fake Nova that talks to Cinder and Glance over HTTP: what nova-api checks before answering
// (image shown and active; volume found and reserved) and what nova-compute does after (spawn, volume connect,
// attachments released on delete), run in the background and recorded as events like Nova's instance actions.
import { connectVolume, reserveVolume, type NovaFault } from './compute-attach';
import { prepareBoot, spawn } from './compute-boot';
import type { ServerRec, ServerVolume } from './compute-render';
import type { ServerCreate } from './compute-requests';
import { RemoteServices, type NovaContext, type ServiceEndpoints } from './compute-remote-services';

/** What the compute side did after answering the client (Nova's instance action events, simplified). */
export interface ComputeEvent {
  serverId: string;
  action: 'create' | 'attach_volume' | 'delete';
  volumeId?: string;
  result: 'Success' | 'Error';
  message?: string;
}

export class ComputeWorker {
  /** Background work, in the order it finished. */
  readonly events: ComputeEvent[] = [];
  private readonly pending = new Set<Promise<void>>();
  private services: RemoteServices | undefined;

  constructor(private readonly now: () => number) {}

  /** Where Cinder and Glance are; `undefined` turns the HTTP mode off. */
  setEndpoints(endpoints: ServiceEndpoints | undefined): void {
    this.services = endpoints ? new RemoteServices(endpoints) : undefined;
  }

  get endpoints(): ServiceEndpoints | undefined {
    return this.services?.endpoints;
  }

  get active(): boolean {
    return this.services !== undefined;
  }

  private get remote(): RemoteServices {
    if (!this.services) throw new Error('ComputeWorker: no Cinder/Glance endpoints set');
    return this.services;
  }

  /** Resolves once the background work started so far (and any it started) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** nova-api for `POST /servers` on a new BUILD record; a fault means the record must be dropped. */
  async create(ctx: NovaContext, rec: ServerRec, create: ServerCreate): Promise<NovaFault | undefined> {
    rec.status = 'BUILD';
    const prepared = await prepareBoot(this.remote, ctx, rec.id, create);
    if (!prepared.ok) return prepared.fault;
    const plan = prepared.plan;
    rec.volumes = plan.volumes.map((v) => ({ id: v.volumeId, device: v.device, attachmentId: v.attachmentId }));
    this.background({ serverId: rec.id, action: 'create' }, spawn(this.remote, ctx, plan), (err) => {
      rec.status = err ? 'ERROR' : 'ACTIVE';
      rec.updatedAt = this.now();
      if (err) rec.fault = { code: 500, message: err.message, created: this.now() };
    });
    return undefined;
  }

  /** nova-api for `POST os-volume_attachments`: reserve `entry.id`, then connect it in the background. */
  async attach(ctx: NovaContext, s: ServerRec, entry: ServerVolume): Promise<NovaFault | undefined> {
    const notFound = { status: 404, message: `Volume ${entry.id} could not be found.` };
    const reserved = await reserveVolume(this.remote, ctx, entry.id, s.id, notFound);
    if (!reserved.ok) return reserved.fault;
    entry.attachmentId = reserved.attachmentId;
    const work = connectVolume(this.remote, ctx, entry.id, reserved.attachmentId, entry.device);
    this.background({ serverId: s.id, action: 'attach_volume', volumeId: entry.id }, work, (err) => {
      if (err) s.volumes = s.volumes.filter((v) => v !== entry);
    });
    return undefined;
  }

  /** nova-compute deleting a server: its Cinder attachments go too. */
  release(ctx: NovaContext, s: ServerRec): void {
    const ids = s.volumes.flatMap((v) => (v.attachmentId === undefined ? [] : [v.attachmentId]));
    if (ids.length === 0) return;
    const work = Promise.all(ids.map((id) => this.remote.attachmentDelete(ctx, id))).then(() => undefined);
    this.background({ serverId: s.id, action: 'delete' }, work, () => undefined);
  }

  /** Runs `work` after the answer was sent, recording its outcome as an event. */
  private background(event: Omit<ComputeEvent, 'result'>, work: Promise<void>, done: (err?: Error) => void): void {
    const p: Promise<void> = work
      .then(
        () => {
          done();
          this.events.push({ ...event, result: 'Success' });
        },
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          done(e);
          this.events.push({ ...event, result: 'Error', message: e.message });
        },
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
