import { GregorError } from '@gregor/common';
import type { BytesInput, HeadersInput, RecordHeader } from './types';

/**
 * Conversions at the RPC edge: proto-loader gives int64 as decimal strings
 * (longs: String), the SDK speaks bigint.
 */
export function int64(text: string | number | undefined | null): bigint {
  if (text === undefined || text === null || text === '') return 0n;
  return BigInt(text);
}

export function int64Wire(value: bigint): string {
  return value.toString();
}

export function toBuffer(bytes: BytesInput | null | undefined): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new GregorError('INVALID_RECORD', `expected a Buffer, Uint8Array or string, got ${typeof bytes}`);
}

/**
 * The headers of a record that has none, shared by all such records: the
 * producer keeps one object per record until it is acknowledged, and a new
 * empty array for each was garbage-collector work for nothing. Frozen, so
 * that nothing can add to it.
 */
export const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

export function normalizeHeaders(headers: HeadersInput | undefined): RecordHeader[] {
  if (headers === undefined) return NO_HEADERS;
  if (Array.isArray(headers)) {
    return (headers as readonly { key: string; value: BytesInput | null }[]).map((h) => ({ key: h.key, value: toBuffer(h.value) }));
  }
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, BytesInput | null | undefined>)) {
    if (value === undefined) continue;
    out.push({ key, value: toBuffer(value) });
  }
  return out;
}

export function toTimestamp(value: bigint | number | undefined, nowMs: number): bigint {
  if (value === undefined) return BigInt(Math.floor(nowMs));
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new GregorError('INVALID_TIMESTAMP', `timestamp ${value} is not an integer number of ms`);
  return BigInt(value);
}

/** "host:port"; IPv6 hosts get brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits "a:1,b:2" or a list into trimmed, non-empty broker addresses. */
export function parseBootstrap(bootstrap: string | readonly string[]): string[] {
  const parts = (typeof bootstrap === 'string' ? [bootstrap] : [...bootstrap]).flatMap((s) => s.split(','));
  const out = parts.map((s) => s.trim()).filter((s) => s.length > 0);
  if (out.length === 0) throw new GregorError('INVALID_REQUEST', 'bootstrap list is empty');
  for (const address of out) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(address);
    if (m === null) throw new GregorError('INVALID_REQUEST', `bootstrap address "${address}" is not host:port`);
    // Caught here, not as a connection error later that reads like a dead broker.
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new GregorError('INVALID_REQUEST', `bootstrap address "${address}": port must be between 1 and 65535`);
  }
  return [...new Set(out)];
}
