import { assert } from '@gregor/common';
import type { Entry, LogIndex } from '../types';

const imul = Math.imul; // a module-level copy: global lookups are slow under jest

/**
 * The simulated application: its whole state is a hash chained over every
 * applied entry, so two nodes with the same (index, hash) applied the same
 * sequence, and a snapshot is just that pair.
 */
export interface MachineState {
  readonly index: LogIndex;
  readonly hash: number;
}

export const INITIAL_STATE: MachineState = { index: 0 as LogIndex, hash: 0x811c9dc5 };

export function applyEntry(state: MachineState, e: Entry): MachineState {
  assert(e.index === state.index + 1, `applying ${e.index} after ${state.index}: a gap or a repeat`);
  let h = state.hash;
  h = mix(h, e.index);
  h = mix(h, e.term);
  h = mix(h, e.type === 'noop' ? 0 : 1);
  for (let i = 0; i < e.data.length; i++) h = imul(h ^ e.data[i], 0x01000193) >>> 0;
  return { index: e.index, hash: h };
}

function mix(h: number, n: number): number {
  let x = h;
  for (let i = 0; i < 4; i++) {
    x = imul(x ^ ((n >>> (i * 8)) & 0xff), 0x01000193) >>> 0;
  }
  return x;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeState(state: MachineState): Uint8Array {
  return encoder.encode(`${state.index}:${state.hash}`);
}

export function decodeState(data: Uint8Array): MachineState {
  if (data.length === 0) return INITIAL_STATE;
  const [index, hash] = decoder.decode(data).split(':').map(Number);
  assert(Number.isSafeInteger(index) && Number.isSafeInteger(hash), 'malformed simulated snapshot');
  return { index: index as LogIndex, hash };
}
