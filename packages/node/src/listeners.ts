import { ConfigError } from '@gregor/common';

/**
 * Kafka-style listener lists: `NAME://host:port,…`. Names say what a
 * listener serves: CLIENT (gRPC client API), INTERNAL (the same API on
 * another address, for traffic between brokers: inter.broker.listener.name),
 * CONTROLLER (quorum), HTTP (metrics and health), KAFKA (wire protocol, a
 * later milestone).
 * An empty host means all interfaces; port 0 picks a free port.
 */
export const LISTENER_NAMES = ['CLIENT', 'INTERNAL', 'CONTROLLER', 'HTTP', 'KAFKA'] as const;
export type ListenerName = (typeof LISTENER_NAMES)[number];

export interface Listener {
  name: ListenerName;
  host: string;
  port: number;
}

export function parseListeners(key: string, text: string): Listener[] {
  const out: Listener[] = [];
  if (text.trim() === '') return out;
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const m = /^([A-Z_]+):\/\/(\[[^\]]+\]|[^:[\]]*):(\d+)$/.exec(entry);
    if (m === null) throw new ConfigError(key, `"${entry}" is not NAME://host:port`);
    const name = m[1]!;
    if (!(LISTENER_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(key, `unknown listener name "${name}" (expected one of ${LISTENER_NAMES.join(', ')})`);
    }
    const port = Number(m[3]);
    if (port > 65535) throw new ConfigError(key, `port ${port} of ${name} is out of range`);
    if (out.some((l) => l.name === name)) throw new ConfigError(key, `listener ${name} is given twice`);
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    out.push({ name: name as ListenerName, host, port });
  }
  return out;
}

/** `1@host:9192,2@host:9193` (accepted and checked; used from issue 3 on). */
export function parseQuorumVoters(key: string, text: string): { id: number; host: string; port: number }[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const m = /^(\d+)@(\[[^\]]+\]|[^:@[\]]+):(\d+)$/.exec(raw.trim());
    if (m === null) throw new ConfigError(key, `"${raw.trim()}" is not id@host:port`);
    return { id: Number(m[1]), host: m[2]!, port: Number(m[3]) };
  });
}
