import * as path from 'node:path';
import { quickstartSettings } from '../src/quickstart-settings';

describe('quickstartSettings', () => {
  test("the README's defaults: .gregor/cluster under the repo, base port 9092, 3 nodes", () => {
    expect(quickstartSettings({}, '/repo')).toEqual({ dir: path.join('/repo', '.gregor', 'cluster'), basePort: 9092, nodes: 3 });
    expect(quickstartSettings({ QUICKSTART_DIR: '', QUICKSTART_BASE_PORT: '' }, '/repo').basePort).toBe(9092);
  });

  test('QUICKSTART_DIR (made absolute), QUICKSTART_BASE_PORT and QUICKSTART_NODES override them', () => {
    const s = quickstartSettings({ QUICKSTART_DIR: 'tmp/qs', QUICKSTART_BASE_PORT: '23000', QUICKSTART_NODES: '1' }, '/repo');
    expect(s).toEqual({ dir: path.resolve('tmp/qs'), basePort: 23000, nodes: 1 });
  });

  test.each([
    [{ QUICKSTART_BASE_PORT: 'abc' }, /QUICKSTART_BASE_PORT must be an integer in 1024\.\.65233, got "abc"/],
    [{ QUICKSTART_BASE_PORT: '80' }, /QUICKSTART_BASE_PORT/],
    // The last node's Kafka port (base + 300 + 2) must stay below 65536.
    [{ QUICKSTART_BASE_PORT: '65234' }, /QUICKSTART_BASE_PORT/],
    [{ QUICKSTART_NODES: '0' }, /QUICKSTART_NODES must be an integer in 1\.\.99/],
  ])('%j is refused naming the variable', (env, message) => {
    expect(() => quickstartSettings(env, '/repo')).toThrow(message);
  });
});
