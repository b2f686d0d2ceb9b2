import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, type Logger, type LoggerOptions } from '@gregor/common';

describe('createLogger', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
  });

  /**
   * The logger with its console transport swapped for one that collects
   * lines: winston's Console transport writes through console._stdout or
   * console.log depending on the console it finds (jest's differs between
   * runs), so spying on process.stdout is not reliable.
   */
  function capturing(opts: LoggerOptions): Logger {
    const logger = createLogger(opts);
    const sink = new Writable({
      objectMode: true,
      write(info: Record<string | symbol, unknown>, _enc, done) {
        lines.push(String(info[Symbol.for('message')]));
        done();
      },
    });
    logger.clear().add(new winston.transports.Stream({ stream: sink }));
    return logger;
  }

  test('levels below the logger level are dropped, for children too; raising the level lets them through', () => {
    const logger = capturing({ level: 'info', json: true });
    logger.debug('hidden', { a: 1 });
    logger.info('shown', { a: 2 });
    const child = logger.child({ component: 'c' });
    child.debug('hidden too');
    child.warn('child shown');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['shown', 'child shown']);
    logger.level = 'debug';
    child.debug('now shown');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ message: 'now shown', level: 'debug', component: 'c' });
  });

  test('a silent logger writes nothing at any level', () => {
    const logger = capturing({ level: 'debug', json: true, silent: true });
    logger.error('no');
    logger.child({ component: 'c' }).debug('no');
    expect(lines).toEqual([]);
  });
});
