// Shared pieces of the ONNX Runtime peer harness: argument parsing, session
// options matching amct's runtime setup, and input shape resolution.
'use strict';

const os = require('os');

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (${e.message}); run ` +
         '`npm install --ignore-scripts` in bench/ort (see bench/ort/README.md)');
  }
}

function fail(message) {
  process.stderr.write(`ERROR - [ORT]: ${message}\n`);
  process.exit(1);
}

// Parses "--key value" pairs; `spec` maps key -> default (undefined = required).
function parseArgs(argv, spec, usage) {
  const out = Object.assign({}, spec);
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    if (!a.startsWith('--')) fail(`unexpected argument '${a}'\n${usage}`);
    const key = a.slice(2);
    if (!(key in spec)) fail(`unknown option '${a}'\n${usage}`);
    if (i + 1 >= argv.length) fail(`option '${a}' needs a value`);
    out[key] = argv[++i];
  }
  for (const [k, v] of Object.entries(out)) {
    if (v === undefined) fail(`missing --${k}\n${usage}`);
  }
  return out;
}

function positiveInt(name, text) {
  if (!/^[0-9]+$/.test(String(text))) fail(`--${name} must be a positive integer, got '${text}'`);
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1) fail(`--${name} must be a positive integer, got '${text}'`);
  return v;
}

// Same knobs for every run: T intra-op threads, no inter-op parallelism,
// all graph optimizations (unless asked otherwise), sequential execution.
function sessionOptions(threads, optLevel = 'all') {
  if (!['disabled', 'basic', 'extended', 'all'].includes(optLevel)) {
    fail(`--opt-level must be disabled, basic, extended or all, got '${optLevel}'`);
  }
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: optLevel,
    executionMode: 'sequential',
    executionProviders: ['cpu'],
  };
}

async function createSession(ort, model, threads, optLevel = 'all') {
  try {
    return await ort.InferenceSession.create(model, sessionOptions(threads, optLevel));
  } catch (e) {
    fail(`${model}: cannot create session: ${e.message}`);
  }
}

// The model's declared shape for input 0 with the batch (dim 0) set to `batch`.
function resolveInputShape(session, model, batch) {
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor) fail(`${model}: input 0 is not a tensor`);
  if (meta.type !== 'float32') fail(`${model}: input '${meta.name}' is ${meta.type}, only float32 is supported`);
  return meta.shape.map((d, i) => {
    const symbolic = typeof d !== 'number' || d < 0;
    if (i === 0) {
      if (!symbolic && d !== batch) {
        fail(`${model}: input '${meta.name}' has a fixed batch of ${d}, cannot run batch ${batch}`);
      }
      return batch;
    }
    if (symbolic) fail(`${model}: input '${meta.name}' dim ${i} is symbolic ('${d}'), cannot pick a size`);
    return d;
  });
}

function checkLittleEndian() {
  if (os.endianness() !== 'LE') fail('raw tensor files are little-endian; this host is big-endian');
}

module.exports = { loadOrt, fail, parseArgs, positiveInt, createSession, resolveInputShape, checkLittleEndian };
