import { isGregorError } from '@gregor/common';
import { Readable } from 'node:stream';
import { boundedLines } from '../src/stdin-lines';

async function collect(chunks: (string | Buffer)[], maxBytes: number, signal = new AbortController().signal): Promise<string[]> {
  const out: string[] = [];
  for await (const line of boundedLines(Readable.from(chunks, { objectMode: true }) as AsyncIterable<Buffer | string>, maxBytes, signal)) out.push(line);
  return out;
}

describe('boundedLines', () => {
  it('splits on LF and CRLF, across chunks, keeps a last line without newline and empty lines', async () => {
    expect(await collect(['a\r\nb', 'c\n\n', Buffer.from('dé'), 'f'], 100)).toEqual(['a', 'bc', '', 'déf']);
    expect(await collect([], 100)).toEqual([]);
  });

  it('takes a line of exactly maxBytes, refuses one byte more with MESSAGE_TOO_LARGE naming the line', async () => {
    expect(await collect(['12345\n12345\r\n'], 5)).toEqual(['12345', '12345']);
    const err = await collect(['ok\n123456\n'], 5).catch((e: unknown) => e);
    expect(isGregorError(err) && err.errorName).toBe('MESSAGE_TOO_LARGE');
    expect((err as Error).message).toMatch(/line 2 is longer than max.request.size \(5 bytes\)/);
  });

  it('fails an endless line after reading past the cap, without reading (or buffering) the rest', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(64 * 1024, 0x78);
      }
    }
    const lines: string[] = [];
    const err = await (async () => {
      for await (const l of boundedLines(endless(), 100 * 1024, new AbortController().signal)) lines.push(l);
    })().catch((e: unknown) => e);
    expect(isGregorError(err) && err.errorName).toBe('MESSAGE_TOO_LARGE');
    expect(lines).toEqual([]);
    expect(pulled).toBe(2);
  });

  it('ends when the signal aborts while stdin is quiet', async () => {
    const controller = new AbortController();
    let release: (() => void) | undefined;
    async function* quiet(): AsyncGenerator<string> {
      yield 'first\n';
      await new Promise<void>((r) => (release = r));
      yield 'never\n';
    }
    const got: string[] = [];
    for await (const l of boundedLines(quiet(), 100, controller.signal)) {
      got.push(l);
      controller.abort();
    }
    expect(got).toEqual(['first']);
    release?.();
  });
});
