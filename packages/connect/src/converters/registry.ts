import { ConnectError } from '../api/errors';
import type { Converter, ConverterPlugin } from './converter';
import { JsonConverter } from './json';
import { ByteArrayConverter, StringConverter } from './simple';

/** Converters by Kafka's class names (and their simple names), so worker and connector configs carry over. */
export const CONVERTER_PLUGINS: readonly ConverterPlugin[] = [
  { className: 'org.apache.kafka.connect.json.JsonConverter', create: () => new JsonConverter() },
  { className: 'org.apache.kafka.connect.storage.StringConverter', create: () => new StringConverter() },
  { className: 'org.apache.kafka.connect.converters.ByteArrayConverter', create: () => new ByteArrayConverter() },
];

export function findConverter(name: string): ConverterPlugin | undefined {
  return CONVERTER_PLUGINS.find((p) => p.className === name || p.className.endsWith(`.${name}`));
}

/**
 * The converter for `key.converter` / `value.converter`: the connector's own
 * setting wins over the worker's; `<prefix>.*` keys (e.g.
 * `value.converter.schemas.enable`) configure it.
 */
export function converterFor(
  prefix: 'key.converter' | 'value.converter',
  connectorProps: Readonly<Record<string, string>>,
  workerProps: Readonly<Record<string, string>>,
): Converter {
  const source = connectorProps[prefix] !== undefined ? connectorProps : workerProps;
  const name = source[prefix] ?? 'org.apache.kafka.connect.json.JsonConverter';
  const plugin = findConverter(name);
  if (plugin === undefined) throw new ConnectError(`Class ${name} could not be found (${prefix})`);
  const converter = plugin.create();
  const sub: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (k.startsWith(`${prefix}.`)) sub[k.slice(prefix.length + 1)] = v;
  converter.configure(sub, prefix === 'key.converter');
  return converter;
}
