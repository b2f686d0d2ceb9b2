/**
 * The README's table of Kafka API keys and versions is generated from the
 * front end's own table (SERVED_APIS, what ApiVersions advertises), so it
 * cannot drift: this test fails when they differ, printing the table to
 * paste, and `UPDATE_README=1 pnpm jest tests/documented/kafka-api-table`
 * rewrites it in place.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SERVED_APIS } from '@gregor/broker';

const README = path.resolve(__dirname, '../../README.md');
const BEGIN = /<!-- kafka-api-table:begin[^>]*-->\n/;
const END = '<!-- kafka-api-table:end -->';

/** The table as markdown: one row per served API key, by key. */
function kafkaApiTable(): string {
  const rows = [...SERVED_APIS.values()]
    .sort((a, b) => a.def.apiKey - b.def.apiKey)
    .map((s) => `| ${s.def.name} | ${s.def.apiKey} | ${s.minVersion}–${s.maxVersion} |`);
  return ['| API | key | versions |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

describe('README: the Kafka API table', () => {
  it('matches the APIs and versions the KAFKA listener serves', () => {
    const readme = readFileSync(README, 'utf8');
    const begin = BEGIN.exec(readme);
    const end = readme.indexOf(END);
    expect({ begin: begin !== null, end: end >= 0 }).toEqual({ begin: true, end: true });
    const from = begin!.index + begin![0].length;
    const expected = kafkaApiTable();
    if (process.env.UPDATE_README !== undefined) writeFileSync(README, readme.slice(0, from) + expected + readme.slice(end));
    else expect(readme.slice(from, end)).toBe(expected);
  });

  it('lists every served key once, with ApiVersions and the keys clients cannot do without', () => {
    const table = kafkaApiTable();
    expect(table.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| API '))).toHaveLength(SERVED_APIS.size);
    for (const row of ['| ApiVersions | 18 | 0–3 |', '| Produce | 0 | 0–9 |', '| Fetch | 1 | 4–12 |', '| Metadata | 3 | 0–12 |']) expect(table).toContain(row);
  });
});
