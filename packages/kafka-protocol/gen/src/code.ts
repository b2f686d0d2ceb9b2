/** A tiny line-and-indent builder for the emitted TypeScript. */
export class Code {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }

  close(text = '}'): this {
    this.depth--;
    return this.line(text);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}
