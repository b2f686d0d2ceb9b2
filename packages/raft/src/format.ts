import type { Message } from './message';
import type { Entry } from './types';

/**
 * One-line renderings for driver logs and scenario transcripts, e.g.
 * `1->2 MsgApp term=2 prev=3/1 commit=3 entries=[4/2 noop]`.
 */
export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      return `${head} prev=${m.prevLogIndex}/${m.prevLogTerm} commit=${m.commit} entries=[${m.entries.map(formatEntry).join(' ')}]`;
    case 'MsgAppResp':
      return m.reject
        ? `${head} reject index=${m.index} hint=${m.rejectHint}/${m.hintTerm}`
        : `${head} index=${m.index}`;
    case 'MsgHeartbeat':
      return `${head} commit=${m.commit}`;
    case 'MsgVote':
    case 'MsgPreVote':
      return `${head} last=${m.lastLogIndex}/${m.lastLogTerm}${m.transfer ? ' transfer' : ''}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return `${head}${m.reject ? ' reject' : ''}`;
    case 'MsgSnap':
      return `${head} snapshot=${m.snapshot.metadata.index}/${m.snapshot.metadata.term}`;
    case 'MsgHeartbeatResp':
    case 'MsgTimeoutNow':
      return head;
  }
}

const UTF8 = new TextDecoder('utf-8');

/** `index/term` plus the payload as text when printable, `noop` for leader no-ops. */
export function formatEntry(e: Entry): string {
  if (e.type === 'noop') return `${e.index}/${e.term} noop`;
  const text = UTF8.decode(e.data);
  const printable = /^[\x20-\x7e]*$/.test(text);
  return `${e.index}/${e.term} ${printable ? JSON.stringify(text) : `<${e.data.byteLength} bytes>`}`;
}
