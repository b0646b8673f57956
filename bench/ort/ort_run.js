#!/usr/bin/env node
// Runs an ONNX model once on a raw float32 little-endian input file and writes
// one output as raw float32 LE, so amct and ONNX Runtime can be compared bit-level.
'use strict';

const fs = require('fs');
const { loadOrt, fail, parseArgs, positiveInt, createSession, checkLittleEndian } = require('./ort_common');

const USAGE = `usage: node ort_run.js --model M.onnx --input in.bin --shape N,224,224,3 --output out.bin
                      [--output-name NAME] [--threads 1] [--opt-level all]
Writes the first graph output (or NAME) as raw float32 little-endian and prints its shape.
--opt-level: ORT graph optimization level (disabled, basic, extended, all); "all"
lets ORT fuse QDQ groups into integer kernels, "basic" keeps the float QDQ arithmetic.
`;

function writeAtomic(path, bytes) {
  const tmp = `${path}.tmp.${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch (_) { /* nothing to clean */ }
    fail(`${path}: cannot write: ${e.message}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2),
                         { model: undefined, input: undefined, shape: undefined, output: undefined,
                           'output-name': '', threads: '1', 'opt-level': 'all' }, USAGE);
  checkLittleEndian();
  const threads = positiveInt('threads', args.threads);
  const shape = args.shape.split(',').map((d) => positiveInt('shape', d.trim()));
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * 4)) fail(`--shape ${args.shape} is too large`);

  let bytes;
  try {
    bytes = fs.readFileSync(args.input);
  } catch (e) {
    fail(`${args.input}: cannot read: ${e.message}`);
  }
  if (bytes.length !== count * 4) {
    fail(`${args.input}: ${bytes.length} bytes, expected ${count * 4} for float32 [${shape.join(',')}]`);
  }
  // Copy into an aligned buffer: a Buffer's byteOffset may not be a multiple of 4.
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(bytes);

  const ort = loadOrt();
  const session = await createSession(ort, args.model, threads, args['opt-level']);
  const outName = args['output-name'] || session.outputNames[0];
  if (!session.outputNames.includes(outName)) {
    fail(`${args.model}: no output '${outName}' (outputs: ${session.outputNames.join(', ')})`);
  }
  let result;
  try {
    result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) }, [outName]);
  } catch (e) {
    fail(`${args.model}: run failed: ${e.message}`);
  }
  const out = result[outName];
  if (out.type !== 'float32') fail(`${args.model}: output '${outName}' is ${out.type}, expected float32`);
  writeAtomic(args.output, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  console.log(`output: ${outName} [${out.dims.join(',')}] float32 -> ${args.output}`);
  await session.release();
}

main().catch((e) => fail(e.message));
