import { createLogger } from '@gregor/common';

describe('createLogger', () => {
  let lines: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    // winston's Console transport writes through console._stdout (process.stdout here).
    spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
  });
  afterEach(() => spy.mockRestore());

  test('levels below the logger level are dropped, for children too; raising the level lets them through', () => {
    const logger = createLogger({ level: 'info', json: true });
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
    const logger = createLogger({ level: 'debug', json: true, silent: true });
    logger.error('no');
    logger.child({ component: 'c' }).debug('no');
    expect(lines).toEqual([]);
  });
});
