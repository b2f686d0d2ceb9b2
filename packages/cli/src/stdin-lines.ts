import { GregorError } from '@gregor/common';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * The lines of `input` (LF or CRLF ends; a last line without one counts),
 * each at most `maxBytes`. readline has no cap: a line of hundreds of MB
 * grows one string until V8 gives up (`RangeError: Invalid string length`).
 * Here a line fails with MESSAGE_TOO_LARGE as soon as the bytes read of it
 * pass the cap, so the rest of it is never buffered (nor read).
 *
 * Ends early, without an error, when `signal` aborts (Ctrl-C): a read
 * waiting on a quiet stdin does not keep the command alive.
 */
export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxBytes: number, signal: AbortSignal): AsyncGenerator<string> {
  const it = input[Symbol.asyncIterator]();
  let parts: Buffer[] = [];
  let partBytes = 0;
  let lineNo = 0;
  const tooLarge = (): GregorError =>
    new GregorError('MESSAGE_TOO_LARGE', `line ${lineNo + 1} is longer than max.request.size (${maxBytes} bytes); nothing of it was sent and the rest of stdin was not read`, { line: lineNo + 1, maxBytes });
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([it.next(), aborted]);
      if (next === 'aborted' || next.done === true) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        const bytes = partBytes + (nl - start);
        if (bytes > maxBytes + 1) throw tooLarge(); // +1: a CR before the LF is not content
        parts.push(chunk.subarray(start, nl));
        let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
        if (line.length > maxBytes) throw tooLarge();
        parts = [];
        partBytes = 0;
        lineNo++;
        yield line.toString('utf8');
        start = nl + 1;
      }
      if (start < chunk.length) {
        partBytes += chunk.length - start;
        if (partBytes > maxBytes + 1) throw tooLarge();
        // A copy: the stream may reuse the chunk's memory.
        parts.push(Buffer.from(chunk.subarray(start)));
      }
    }
    if (partBytes > 0 && !signal.aborted) {
      const line = Buffer.concat(parts);
      if (line.length > maxBytes) throw tooLarge();
      yield line.toString('utf8');
    }
  } finally {
    // Stops reading stdin (early end, abort or error). A stream is destroyed
    // directly: after an abort a read is still pending, and the iterator's
    // return() would wait for it (and keep the process alive).
    const stream = input as Partial<NodeJS.ReadableStream & { destroy(): void }>;
    if (typeof stream.destroy === 'function') stream.destroy();
    else void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}
