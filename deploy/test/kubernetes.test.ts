import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseQuorumVoters, type NodeConfig } from '@gregor/node';
import { REPO_ROOT } from './helpers/compose';
import {
  KUBERNETES_DIR,
  entrypointNodeId,
  loadKustomization,
  loadManifests,
  podEnv,
  selects,
  type Container,
  type K8sObject,
} from './helpers/kubernetes';
import { ENTRYPOINT_ENV, effectiveConfig, splitNodeEnv, unknownKeys } from './helpers/node-env';

const objects = loadManifests();
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const sts = ofKind('StatefulSet')[0]!;
const stsSpec = sts.spec as {
  serviceName: string;
  replicas: number;
  podManagementPolicy?: string;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  volumeClaimTemplates: { metadata: { name: string }; spec: { accessModes: string[]; resources: { requests: { storage: string } } } }[];
};
interface PodSpec {
  containers: Container[];
  securityContext: Record<string, unknown>;
  volumes?: { name: string }[];
  terminationGracePeriodSeconds?: number;
}
const podLabels = stsSpec.template.metadata.labels;
const container = stsSpec.template.spec.containers[0]!;
const services = ofKind('Service');
const headless = services.find((s) => s.spec['clusterIP'] === 'None')!;
const clientService = services.find((s) => s !== headless)!;

/** The config each pod's gregor-node would run with (what the entrypoint and kubelet make of the env). */
function podConfig(ordinal: number, namespace = 'default'): { env: Record<string, string>; config: NodeConfig } {
  const name = `${sts.metadata.name}-${ordinal}`;
  const env = podEnv(container.env, { name, namespace });
  const nodeId = entrypointNodeId(env, name);
  const { settings } = splitNodeEnv({ ...env, ...(nodeId !== undefined ? { GREGOR_NODE_ID: nodeId } : {}) });
  return { env, config: effectiveConfig(settings) };
}
const ordinals = Array.from({ length: stsSpec.replicas }, (_, i) => i);

function containerPort(name: string | number): number {
  if (typeof name === 'number') return name;
  const p = container.ports.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no container port named ${name}`);
  return p.containerPort;
}

function listenerPort(config: NodeConfig, name: 'CLIENT' | 'CONTROLLER' | 'HTTP' | 'KAFKA'): number {
  return config.listeners.find((l) => l.name === name)!.port;
}

describe('deploy/kubernetes: objects', () => {
  test('kustomization lists exactly the manifests in the folder', () => {
    const files = readdirSync(KUBERNETES_DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort();
    const k = loadKustomization();
    expect([...k.resources].sort()).toEqual(files);
    expect(k.images?.map((i) => i.name)).toEqual([container.image.split(':')[0]]);
  });

  test('a StatefulSet, a headless and a client Service, a PodDisruptionBudget', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    expect(objects.every((o) => (o.metadata as { namespace?: string }).namespace === undefined)).toBe(true);
  });

  test('StatefulSet: 3 replicas started in parallel, governed by the headless Service', () => {
    expect(stsSpec.replicas).toBe(3);
    expect(stsSpec.serviceName).toBe(headless.metadata.name);
    // OrderedReady would deadlock: pod 0 is ready only once a quorum (2 pods) runs.
    expect(stsSpec.podManagementPolicy).toBe('Parallel');
    expect(selects(stsSpec.selector.matchLabels, podLabels)).toBe(true);
  });

  test('Services and the PDB select the pods; the headless Service publishes not-ready addresses', () => {
    for (const s of services) expect(selects(s.spec['selector'] as Record<string, string>, podLabels)).toBe(true);
    expect(headless.spec['publishNotReadyAddresses']).toBe(true);
    const [pdb] = ofKind('PodDisruptionBudget') as [K8sObject];
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec['maxUnavailable']).toBe(1);
    expect(selects((pdb.spec['selector'] as { matchLabels: Record<string, string> }).matchLabels, podLabels)).toBe(true);
  });

  test('per-pod PersistentVolumeClaims mounted where log.dirs lives', () => {
    expect(stsSpec.volumeClaimTemplates).toHaveLength(1);
    const claim = stsSpec.volumeClaimTemplates[0]!;
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.spec.resources.requests.storage).toMatch(/^\d+(Gi|Ti)$/);
    const mount = container.volumeMounts.find((m) => m.name === claim.metadata.name)!;
    const dataDir = podConfig(0).config.dataDir;
    expect(dataDir.startsWith(`${mount.mountPath}/`)).toBe(true);
    // Pod volumes must not shadow the claim's name.
    expect((stsSpec.template.spec.volumes ?? []).map((v) => v.name)).not.toContain(claim.metadata.name);
  });
});

describe('deploy/kubernetes: gregor-node config of each pod', () => {
  test('every GREGOR_* variable is a key gregor-node accepts, and each pod’s config passes its checks', () => {
    const { settings, other } = splitNodeEnv(podEnv(container.env, { name: 'gregor-0', namespace: 'default' }));
    expect(unknownKeys(settings)).toEqual([]);
    const fieldRefs = container.env.filter((v) => v.valueFrom !== undefined).map((v) => v.name);
    for (const name of Object.keys(other)) expect([...ENTRYPOINT_ENV, ...fieldRefs]).toContain(name);
    for (const i of ordinals) expect(() => podConfig(i)).not.toThrow();
  });

  test('node ids from the pod ordinals are distinct, and the voters name every pod by its headless DNS name', () => {
    const configs = ordinals.map((i) => podConfig(i).config);
    expect(new Set(configs.map((c) => c.nodeId)).size).toBe(stsSpec.replicas);
    const voters = parseQuorumVoters('controller.quorum.voters', podConfig(0).env['GREGOR_CONTROLLER_QUORUM_VOTERS']!);
    expect(voters).toHaveLength(stsSpec.replicas);
    for (const i of ordinals) {
      const config = configs[i]!;
      expect(config.roles).toEqual(['broker', 'controller']);
      const self = voters.find((v) => v.id === config.nodeId);
      expect(self).toBeDefined();
      // gregor-N.gregor-headless, optionally qualified with the namespace.
      expect(self!.host.split('.').slice(0, 2)).toEqual([`${sts.metadata.name}-${i}`, headless.metadata.name]);
      expect(self!.port).toBe(listenerPort(config, 'CONTROLLER'));
    }
  });

  test('each pod advertises its own headless name, qualified with its namespace, on the CLIENT and KAFKA ports', () => {
    for (const i of ordinals) {
      const { config } = podConfig(i, 'streaming');
      for (const name of ['CLIENT', 'KAFKA'] as const) {
        const advertised = config.advertisedListeners.find((l) => l.name === name);
        expect(advertised).toEqual({ name, host: `${sts.metadata.name}-${i}.${headless.metadata.name}.streaming.svc`, port: listenerPort(config, name) });
      }
    }
    // $(VAR) expands only variables defined earlier in the list.
    const names = container.env.map((v) => v.name);
    expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('GREGOR_ADVERTISED_LISTENERS'));
    expect(names.indexOf('POD_NAMESPACE')).toBeLessThan(names.indexOf('GREGOR_ADVERTISED_LISTENERS'));
  });

  test("container ports are the node's listeners, and the Services' target ports are container ports", () => {
    const config = podConfig(0).config;
    expect(containerPort('client')).toBe(listenerPort(config, 'CLIENT'));
    expect(containerPort('controller')).toBe(listenerPort(config, 'CONTROLLER'));
    expect(containerPort('http')).toBe(listenerPort(config, 'HTTP'));
    expect(containerPort('kafka')).toBe(listenerPort(config, 'KAFKA'));
    expect(config.listeners.every((l) => l.host === '0.0.0.0')).toBe(true);
    for (const s of services) {
      for (const p of s.spec['ports'] as { name: string; port: number; targetPort: string | number }[]) {
        expect(() => containerPort(p.targetPort)).not.toThrow();
      }
    }
    const headlessPorts = (headless.spec['ports'] as { targetPort: string }[]).map((p) => p.targetPort).sort();
    expect(headlessPorts).toEqual(['client', 'controller', 'http', 'kafka']);
    // Both front ends bootstrap through the client Service, on the ports the pods advertise.
    for (const [target, listener] of [
      ['client', 'CLIENT'],
      ['kafka', 'KAFKA'],
    ] as const) {
      const port = (clientService.spec['ports'] as { name: string; port: number; targetPort: string }[]).find((p) => p.targetPort === target);
      expect(port?.port).toBe(listenerPort(config, listener));
    }
  });
});

describe('deploy/kubernetes: probes, resources, security', () => {
  test('readiness on /readyz, liveness and start-up on /healthz, all on the HTTP listener', () => {
    const http = listenerPort(podConfig(0).config, 'HTTP');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      expect(containerPort(probe!.httpGet!.port)).toBe(http);
    }
    // A new cluster waits for its quorum before the HTTP listener opens: give start-up minutes.
    expect((container.startupProbe!.periodSeconds ?? 10) * (container.startupProbe!.failureThreshold ?? 3)).toBeGreaterThanOrEqual(120);
  });

  test('requests and limits for cpu and memory, heap below the memory limit', () => {
    for (const kind of ['requests', 'limits'] as const) {
      expect(Object.keys(container.resources[kind] ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
    const limitMiB = Number(/^(\d+)Gi$/.exec(container.resources.limits!['memory']!)![1]) * 1024;
    const heap = Number(/--max-old-space-size=(\d+)/.exec(container.env.find((v) => v.name === 'NODE_OPTIONS')!.value!)![1]);
    expect(heap).toBeLessThan(limitMiB);
  });

  test("non-root as the image's user, no privilege escalation, read-only root filesystem", () => {
    const uid = Number(/useradd [^\n]*--uid (\d+)/.exec(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'))![1]);
    const pod = stsSpec.template.spec.securityContext;
    expect(pod).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(stsSpec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 });
if (kubectl.status !== 0) {
  console.log(`skipping the kubectl kustomize check: kubectl is not available (${kubectl.error?.message ?? kubectl.stderr.trim()})`);
}
(kubectl.status === 0 ? test : test.skip)('kubectl kustomize renders the folder (offline)', () => {
  const r = spawnSync('kubectl', ['kustomize', KUBERNETES_DIR], { encoding: 'utf8', timeout: 60_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toContain('kind: StatefulSet');
});
