import type { ConfigKeyInfo } from '../api/config-def';
import type { Props } from '../api/connector';
import { ConnectError } from '../api/errors';
import { BUILTIN_PREDICATES, BUILTIN_TRANSFORMS } from './builtin';
import type { Predicate, Transform, TransformPlugin, TransformableRecord } from './transform';

/**
 * The `transforms=a,b` chain of a connector, with Kafka's keys:
 * `transforms.a.type`, `transforms.a.<option>`, `transforms.a.predicate`,
 * `transforms.a.negate`, `predicates=p`, `predicates.p.type`,
 * `predicates.p.<option>`. A transform with a predicate runs only on records
 * the predicate accepts (or rejects, with negate=true). null from any
 * transform drops the record.
 */
export interface TransformChain {
  apply<R extends TransformableRecord>(record: R): R | null;
}

interface Step {
  readonly transform: Transform;
  readonly predicate: Predicate | undefined;
  readonly negate: boolean;
}

const aliases = (props: Props, key: string): string[] =>
  (props[key] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

function findClass<T>(plugins: readonly TransformPlugin<T>[], name: string): TransformPlugin<T> | undefined {
  return plugins.find((p) => p.className === name || p.className.endsWith(`.${name}`));
}

function optionsOf(props: Props, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    if (rest !== 'type' && rest !== 'predicate' && rest !== 'negate') out[rest] = v;
  }
  return out;
}

/** Every problem of the chain's keys, per key, and the definitions of the keys the chain uses (for the validate endpoint). */
export function validateTransforms(props: Props): { errors: Map<string, string[]>; definitions: ConfigKeyInfo[] } {
  const errors = new Map<string, string[]>();
  const definitions: ConfigKeyInfo[] = [];
  const add = (key: string, problem: string): void => void errors.set(key, [...(errors.get(key) ?? []), problem]);
  const check = <T>(kind: 'transforms' | 'predicates', plugins: readonly TransformPlugin<T>[]): void => {
    for (const alias of aliases(props, kind)) {
      const prefix = `${kind}.${alias}.`;
      const type = props[`${prefix}type`];
      if (type === undefined) {
        add(`${prefix}type`, `Missing required configuration "${prefix}type" which has no default value.`);
        continue;
      }
      const plugin = findClass(plugins, type);
      if (plugin === undefined) {
        add(`${prefix}type`, `Invalid value ${type} for configuration ${prefix}type: Class ${type} could not be found.`);
        continue;
      }
      const v = plugin.config.validate(optionsOf(props, prefix));
      for (const [k, problems] of v.errors) for (const p of problems) add(`${prefix}${k}`, p.replace(`"${k}"`, `"${prefix}${k}"`).replace(`configuration ${k}:`, `configuration ${prefix}${k}:`));
      definitions.push(...plugin.config.describe().map((d) => ({ ...d, name: `${prefix}${d.name}`, group: `${kind === 'transforms' ? 'Transforms' : 'Predicates'}: ${alias}` })));
    }
  };
  check('transforms', BUILTIN_TRANSFORMS);
  check('predicates', BUILTIN_PREDICATES);
  const predicates = aliases(props, 'predicates');
  for (const alias of aliases(props, 'transforms')) {
    const p = props[`transforms.${alias}.predicate`];
    if (p !== undefined && p !== '' && !predicates.includes(p)) add(`transforms.${alias}.predicate`, `Invalid value ${p} for configuration transforms.${alias}.predicate: no predicate "${p}" in predicates`);
  }
  return { errors, definitions };
}

/** Builds the chain; throws ConnectError on an invalid chain (validation reports the same problems per key). */
export function buildTransformChain(props: Props): TransformChain {
  const { errors } = validateTransforms(props);
  if (errors.size > 0) throw new ConnectError(`invalid transforms: ${[...errors.values()].flat().join('; ')}`);
  const predicates = new Map<string, Predicate>();
  for (const alias of aliases(props, 'predicates')) {
    const prefix = `predicates.${alias}.`;
    const plugin = findClass(BUILTIN_PREDICATES, props[`${prefix}type`]!)!;
    predicates.set(alias, plugin.create(plugin.config.parse(optionsOf(props, prefix))));
  }
  const steps: Step[] = aliases(props, 'transforms').map((alias) => {
    const prefix = `transforms.${alias}.`;
    const plugin = findClass(BUILTIN_TRANSFORMS, props[`${prefix}type`]!)!;
    const p = props[`${prefix}predicate`];
    return { transform: plugin.create(plugin.config.parse(optionsOf(props, prefix))), predicate: p === undefined || p === '' ? undefined : predicates.get(p), negate: props[`${prefix}negate`] === 'true' };
  });
  return {
    apply<R extends TransformableRecord>(record: R): R | null {
      let r: TransformableRecord = record;
      for (const step of steps) {
        if (step.predicate !== undefined && step.predicate.test(r) === step.negate) continue;
        const next = step.transform.apply(r);
        if (next === null) return null;
        r = next;
      }
      return r as R;
    },
  };
}
