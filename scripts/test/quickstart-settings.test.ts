import * as path from 'node:path';
import { quickstartSettings } from '../src/quickstart-settings';

describe('quickstartSettings', () => {
  test("the README's defaults: .gregor/cluster under the repo, base port 9092, 3 nodes", () => {
    expect(quickstartSettings([], {}, '/repo')).toEqual({ dir: path.join('/repo', '.gregor', 'cluster'), basePort: 9092, nodes: 3 });
    expect(quickstartSettings([], { QUICKSTART_DIR: '', QUICKSTART_BASE_PORT: '' }, '/repo')).toMatchObject({ basePort: 9092 });
  });

  test('QUICKSTART_DIR (made absolute), QUICKSTART_BASE_PORT and QUICKSTART_NODES override them', () => {
    const s = quickstartSettings([], { QUICKSTART_DIR: 'tmp/qs', QUICKSTART_BASE_PORT: '23000', QUICKSTART_NODES: '1' }, '/repo');
    expect(s).toEqual({ dir: path.resolve('tmp/qs'), basePort: 23000, nodes: 1 });
  });

  test('--base-port, --dir and --nodes do too, and win over the variables', () => {
    const env = { QUICKSTART_DIR: 'tmp/env', QUICKSTART_BASE_PORT: '23000', QUICKSTART_NODES: '3' };
    expect(quickstartSettings(['--base-port', '21092', '--dir', 'tmp/flag', '--nodes=1'], env, '/repo')).toEqual({ dir: path.resolve('tmp/flag'), basePort: 21092, nodes: 1 });
    expect(quickstartSettings(['--base-port', '21092'], {}, '/repo')).toMatchObject({ basePort: 21092, nodes: 3 });
  });

  test('--help and -h ask for the usage', () => {
    expect(quickstartSettings(['--help'], {}, '/repo')).toBe('help');
    expect(quickstartSettings(['-h', '--base-port', 'x'], {}, '/repo')).toBe('help');
  });

  test.each([
    [[], { QUICKSTART_BASE_PORT: 'abc' }, /QUICKSTART_BASE_PORT must be an integer in 1024\.\.65233, got "abc"/],
    [[], { QUICKSTART_BASE_PORT: '80' }, /QUICKSTART_BASE_PORT/],
    // The last node's Kafka port (base + 300 + 2) must stay below 65536.
    [[], { QUICKSTART_BASE_PORT: '65234' }, /QUICKSTART_BASE_PORT/],
    [[], { QUICKSTART_NODES: '0' }, /QUICKSTART_NODES must be an integer in 1\.\.99/],
    [['--base-port', 'soon'], {}, /--base-port must be an integer in 1024\.\.65233, got "soon"/],
    [['--nodes', '100'], {}, /--nodes must be an integer in 1\.\.99/],
    [['--port', '1'], {}, /Unknown option '--port'/],
    [['extra'], {}, /Unexpected argument 'extra'/],
  ])('%j %j is refused naming the flag or variable', (argv, env, message) => {
    expect(() => quickstartSettings(argv, env, '/repo')).toThrow(message);
  });
});
