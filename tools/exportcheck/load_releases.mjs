// Loads CSV export releases into one DuckDB database through each release's
// own load_duckdb.sql, then checks what an analyst relies on: every table's
// columns have the types data_dictionary.csv states (whatever the data), each
// table holds as many rows as the manifest counts, and the releases UNION ALL
// table by table.
// Usage: node load_releases.mjs RELEASE_DIR...   (exit 1 on any problem)
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const dirs = process.argv.slice(2).map((d) => path.resolve(d));
const duckType = { 'TEXT': 'VARCHAR', 'INTEGER': 'INTEGER', 'DOUBLE PRECISION': 'DOUBLE', 'BOOLEAN': 'BOOLEAN' };
const problems = [];

// data_dictionary.csv: file -> [[column, type], ...] (RFC 4180, quoted fields).
function dictionary(dir) {
  const text = fs.readFileSync(path.join(dir, 'data_dictionary.csv'), 'utf8');
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  const tables = {};
  for (const r of rows.slice(1)) (tables[r[0]] ??= []).push([r[1], r[2]]);
  return tables;
}

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const home = process.cwd();
const tables = new Set();
for (const [i, dir] of dirs.entries()) {
  const dict = dictionary(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  process.chdir(dir);  // the script names the CSV files relative to the release
  await db.run(fs.readFileSync('load_duckdb.sql', 'utf8'));
  process.chdir(home);
  for (const [file, columns] of Object.entries(dict)) {
    const table = file.replace(/\.csv$/, '');
    tables.add(table);
    const described = (await (await db.runAndReadAll(`DESCRIBE "${table}"`)).getRowObjects());
    const got = described.map((r) => [r.column_name, r.column_type]);
    const want = columns.map(([name, type]) => [name, duckType[type]]);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${dir} ${table}: columns ${JSON.stringify(got)} != dictionary ${JSON.stringify(want)}`);
    }
    const rows = Number((await (await db.runAndReadAll(`SELECT count(*) AS n FROM "${table}"`)).getRowObjects())[0].n);
    const listed = manifest.output.find((o) => o.url === file);
    if (!listed || listed.count !== rows) problems.push(`${dir} ${table}: ${rows} rows loaded, manifest says ${listed?.count}`);
    await db.run(`ALTER TABLE "${table}" RENAME TO "${table}_${i}"`);
  }
}
const summary = [];
for (const table of tables) {
  const union = dirs.map((_, i) => `SELECT * FROM "${table}_${i}"`).join(' UNION ALL ');
  const n = Number((await (await db.runAndReadAll(`SELECT count(*) AS n FROM (${union})`)).getRowObjects())[0].n);
  const parts = [];
  for (let i = 0; i < dirs.length; ++i) {
    parts.push(Number((await (await db.runAndReadAll(`SELECT count(*) AS n FROM "${table}_${i}"`)).getRowObjects())[0].n));
  }
  if (n !== parts.reduce((a, b) => a + b, 0)) problems.push(`${table}: UNION ALL gave ${n}, parts ${parts}`);
  summary.push(`${table} ${parts.join('+')}`);
}
console.log(`load_releases duckdb: ${summary.join(', ')}`);
if (problems.length) {
  for (const p of problems) console.log(`  ${p}`);
  process.exit(1);
}
console.log('load_releases duckdb: every column of the stated type in every release; UNION ALL clean');
