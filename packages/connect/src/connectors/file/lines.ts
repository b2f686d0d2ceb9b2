/**
 * Splits bytes into complete lines (ended by \n, a \r before it dropped), at
 * most `max`; `rest` is what follows the last line taken (a partial line, or
 * lines beyond `max`). `bytes` counts the terminator, so positions add up.
 */
export function splitLines(buf: Buffer, max: number): { lines: { text: string; bytes: number }[]; rest: Buffer } {
  const lines: { text: string; bytes: number }[] = [];
  let start = 0;
  while (lines.length < max) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    lines.push({ text: buf.toString('utf8', start, end), bytes: nl + 1 - start });
    start = nl + 1;
  }
  return { lines, rest: buf.subarray(start) };
}
