import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './compose';

export const KUBERNETES_DIR = path.join(REPO_ROOT, 'deploy/kubernetes');

/** A Kubernetes object, loosely typed: tests read it field by field. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  file: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface ContainerPort {
  name: string;
  containerPort: number;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
  env: EnvVar[];
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}

/** Every object in every manifest of the folder (kustomization.yaml apart). */
export function loadManifests(dir = KUBERNETES_DIR): K8sObject[] {
  const out: K8sObject[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as K8sObject | null;
      if (value !== null) out.push({ ...value, file });
    }
  }
  return out;
}

export function loadKustomization(dir = KUBERNETES_DIR): { resources: string[]; images?: { name: string }[] } {
  return parseAllDocuments(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
    resources: string[];
    images?: { name: string }[];
  };
}

/** Whether a label selector (matchLabels or a Service's map) selects these labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * The environment a pod's container sees for literal values, with $(VAR)
 * references expanded the way the kubelet does: only variables defined
 * earlier in the list; fieldRefs resolved from the pod's name and namespace.
 */
export function podEnv(env: readonly EnvVar[], pod: { name: string; namespace: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of env) {
    if (v.valueFrom?.fieldRef !== undefined) {
      const field = v.valueFrom.fieldRef.fieldPath;
      if (field === 'metadata.name') out[v.name] = pod.name;
      else if (field === 'metadata.namespace') out[v.name] = pod.namespace;
      else throw new Error(`fieldRef ${field} is not modelled`);
      continue;
    }
    out[v.name] = (v.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name: string) => out[name] ?? ref);
  }
  return out;
}

/** What deploy/docker/entrypoint.sh does with NODE_ID_ORDINAL_OFFSET for a pod name. */
export function entrypointNodeId(env: Readonly<Record<string, string>>, podName: string): string | undefined {
  const offset = env['NODE_ID_ORDINAL_OFFSET'];
  if (offset === undefined) return env['GREGOR_NODE_ID'];
  const m = /-(0|[1-9]\d*)$/.exec(podName);
  if (m === null) throw new Error(`pod name ${podName} has no ordinal`);
  return String(Number(m[1]) + Number(offset));
}
