// deploy/k8s/*.yaml checked offline: each object against the Kubernetes OpenAPI schemas bundled in the npm package
// kubernetes-models (its validators, plus a strict pass that rejects fields the schema does not know, as
// `kubectl --validate=strict` would), then what this deployment must get right across objects: selectors,
// probes, ports, security context, resources, and the ConfigMap's config compiled by the proxy's own loader with
// the Secret's variables.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { ConfigError, compileConfig } from '../../src/config/load';
import { testEncryptionKey } from '../support/redis-server';

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'deploy/k8s');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

type ModelClass = { new (data: never): { validate(): void }; prototype: { validate(): void } };
const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment as never,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as never,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as never,
  'v1/ConfigMap': ConfigMap as never,
  'v1/Secret': Secret as never,
  'v1/Service': Service as never,
};

const objects = files
  .filter((f) => f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(`${f}: ${d.errors[0]?.message}`);
      return { file: f, obj: d.toJS() as { apiVersion: string; kind: string; metadata: { name: string } } };
    }),
  );
const find = <T>(kind: string): T => objects.find((o) => o.obj.kind === kind)?.obj as T;

/**
 * The validators read every property their schema defines (and every entry of a map they check); a property never
 * read is one the schema does not know (a typo like `readinesProbe` would otherwise pass silently).
 */
function unknownFields(Cls: ModelClass, obj: object): string[] {
  const read = new Map<string, { o: object; keys: Set<string> }>();
  const wrap = (o: unknown, at: string): unknown => {
    if (o === null || typeof o !== 'object') return o;
    const keys = new Set<string>();
    read.set(at, { o, keys });
    return new Proxy(o, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return v;
        keys.add(key);
        return wrap(v, `${at}/${key}`);
      },
    });
  };
  Cls.prototype.validate.call(wrap(obj, ''));
  return [...read].flatMap(([at, { o, keys }]) =>
    Object.keys(o)
      .filter((k) => !keys.has(k))
      .map((k) => `${at}/${k}`),
  );
}

describe('deploy/k8s manifests against the Kubernetes schemas (kubernetes-models, offline)', () => {
  it('kustomization lists every manifest', () => {
    const k = parseAllDocuments(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0]?.toJS();
    expect([...k.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it.each(objects.map((o) => [`${o.file}: ${o.obj.kind} ${o.obj.metadata.name}`, o] as const))('%s', (_n, o) => {
    const Cls = MODELS[`${o.obj.apiVersion}/${o.obj.kind}`];
    expect(Cls).toBeDefined();
    const model = new (Cls as ModelClass)(o.obj as never);
    expect(() => model.validate()).not.toThrow();
    expect(unknownFields(Cls as ModelClass, o.obj)).toEqual([]);
  });

  it('the strict pass catches misspelt fields and the validators catch wrong types', () => {
    const d = structuredClone(find<IDeployment>('Deployment')) as unknown as Record<string, Record<string, unknown>>;
    (d['spec'] as Record<string, unknown>)['replica'] = 2;
    expect(unknownFields(Deployment as never, d)).toEqual(['/spec/replica']);
    (d['spec'] as Record<string, unknown>)['replicas'] = 'two';
    expect(() => new Deployment(d as never).validate()).toThrow(/replicas must be integer/);
  });
});

describe('deploy/k8s: one consistent deployment', () => {
  const deployment = find<IDeployment>('Deployment');
  const service = find<IService>('Service');
  const pdb = find<IPodDisruptionBudget>('PodDisruptionBudget');
  const configMap = find<IConfigMap>('ConfigMap');
  const secret = find<ISecret>('Secret');
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;
  const podLabels = deployment.spec!.template.metadata!.labels!;
  const matches = (selector: Record<string, string> | undefined) =>
    Object.entries(selector ?? {}).every(([k, v]) => podLabels[k] === v) && Object.keys(selector ?? {}).length > 0;

  it('runs 2+ replicas, rolls without dropping below them; Service and PDB select its pods', () => {
    expect(deployment.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    expect(matches(deployment.spec!.selector.matchLabels)).toBe(true);
    expect(matches(service.spec!.selector)).toBe(true);
    expect(matches(pdb.spec!.selector?.matchLabels)).toBe(true);
    expect(Number(pdb.spec!.maxUnavailable ?? 0)).toBeLessThan(deployment.spec!.replicas!);
  });

  it('3 replicas, and an HPA on CPU that scales the Deployment from there and never below', () => {
    const hpa = find<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(deployment.spec!.replicas).toBe(3);
    expect(hpa.spec!.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata!.name,
    });
    expect(hpa.spec!.minReplicas).toBe(deployment.spec!.replicas);
    expect(hpa.spec!.maxReplicas).toBeGreaterThan(hpa.spec!.minReplicas!);
    expect(hpa.spec!.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);
    // Utilization is relative to the request: the container must have one.
    expect(container.resources?.requests?.['cpu']).toBeDefined();
    expect(Number(pdb.spec!.maxUnavailable ?? 0)).toBeLessThan(hpa.spec!.minReplicas!);
  });

  it('probes: readiness on /readyz, liveness on /healthz, on the port the Service targets and the config listens on', () => {
    const port = container.ports!.find((p) => p.name === service.spec!.ports![0]!.targetPort);
    expect(port).toBeDefined();
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    // /readyz waits up to 5 s for the home Keystone: the probe must wait longer.
    expect(container.readinessProbe?.timeoutSeconds).toBeGreaterThan(5);
    const config = compileConfig(parseYaml(configMap.data!['ocx.yaml']!), '/etc/ocx/ocx.yaml', dir, secretEnv());
    expect(config.listen).toEqual({ host: '0.0.0.0', port: port!.containerPort });
  });

  it('non-root (the Dockerfile uid), read-only root filesystem, no privilege escalation, no capabilities', () => {
    const uid = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8').match(/^USER (\d+)/m)?.[1];
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(String(pod.securityContext?.runAsUser)).toBe(uid);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    const tmp = container.volumeMounts!.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes!.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('requests and limits CPU and memory; the V8 heap fits under the memory limit', () => {
    const r = container.resources!;
    for (const k of ['cpu', 'memory']) {
      expect(r.requests?.[k]).toBeDefined();
      expect(r.limits?.[k]).toBeDefined();
    }
    const limitMi = Number(/^(\d+)Mi$/.exec(String(r.limits!['memory']))?.[1]);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envValue('NODE_OPTIONS') ?? '')?.[1]);
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb).toBeLessThanOrEqual(limitMi * 0.8);
  });

  it('the ConfigMap config is mounted where OCX_CONFIG points', () => {
    const mount = container.volumeMounts!.find((m) => m.name === 'config');
    expect(pod.volumes!.find((v) => v.name === 'config')?.configMap?.name).toBe(configMap.metadata!.name);
    expect(mount?.readOnly).toBe(true);
    expect(envValue('OCX_CONFIG')).toBe(`${mount?.mountPath}/ocx.yaml`);
  });

  it('every secret the config names comes from the Secret, and nothing else does', () => {
    const text = configMap.data!['ocx.yaml']!;
    const named = [...text.matchAll(/\{ env: (\w+) \}/g)].map((m) => m[1]).sort();
    const fromSecret = container
      .env!.filter((e) => e.valueFrom?.secretKeyRef)
      .map((e) => {
        expect(e.valueFrom!.secretKeyRef!.name).toBe(secret.metadata!.name);
        expect(Object.keys(secret.stringData!)).toContain(e.valueFrom!.secretKeyRef!.key);
        return e.name;
      })
      .sort();
    expect(fromSecret).toEqual(named);
    expect(named).toEqual(['OCX_REDIS_URL', 'OCX_STATE_KEY', 'OCX_TEMPAUTH_KEY_ARCHIVE']);
    expect(text).not.toMatch(/redis:\/\/|REPLACE/);
  });

  it('the config compiles with real secret values: redis state shared by the replicas', () => {
    const config = compileConfig(parseYaml(configMap.data!['ocx.yaml']!), '/etc/ocx/ocx.yaml', dir, secretEnv());
    expect(config.state).toMatchObject({
      backend: 'redis',
      redisUrl: 'redis://:REPLACE-WITH-REDIS-PASSWORD@ocx-redis:6379/0',
    });
    expect(config.state.backend === 'redis' && config.state.sentinel).toEqual({
      name: 'ocx-redis',
      nodes: [0, 1, 2].map((n) => ({ host: `ocx-redis-sentinel-${n}.ocx-redis-sentinel`, port: 26379 })),
    });
    expect(config.providers.map((p) => p.name)).toEqual(['home', 'bu-keystone', 'archive']);
    expect(config.trustProxy).toBe(1);
  });

  it('the placeholder Secret, applied as is, stops start-up naming the key', () => {
    const env = { ...secret.stringData } as NodeJS.ProcessEnv;
    let problems: string[] = [];
    try {
      compileConfig(parseYaml(configMap.data!['ocx.yaml']!), '/etc/ocx/ocx.yaml', dir, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^state\.encryption_key: must be 32 random bytes/)]);
  });

  function envValue(name: string): string | undefined {
    return container.env!.find((e) => e.name === name)?.value;
  }
  /** The Secret's variables with a real key in place of the placeholder. */
  function secretEnv(): NodeJS.ProcessEnv {
    return { ...secret.stringData, OCX_STATE_KEY: testEncryptionKey() };
  }
});

function parseYaml(text: string): unknown {
  return parseAllDocuments(text)[0]?.toJS();
}
