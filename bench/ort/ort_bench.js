#!/usr/bin/env node
// Latency/throughput of an ONNX model on ONNX Runtime's CPU provider, printed
// in the same format as `amct bench` so the two can be compared line by line.
'use strict';

const { loadOrt, fail, parseArgs, positiveInt, createSession, resolveInputShape } = require('./ort_common');

const USAGE = `usage: node ort_bench.js --model M.onnx [--batch 1] [--threads 1] [--warmup 5] [--iters 30]
Runs random float32 input of the model's input shape (batch = dim 0) and prints
per-batch latency statistics; the last two lines are "latency_ms: X" (median)
and "throughput: Y img/s".
`;

// Deterministic uniform [-1, 1) values (xorshift32), so runs are repeatable.
function randomInput(count) {
  const data = new Float32Array(count);
  let s = 0x9e3779b9;
  for (let i = 0; i < count; ++i) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    data[i] = (s / 4294967296) * 2 - 1;
  }
  return data;
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function main() {
  const args = parseArgs(process.argv.slice(2),
                         { model: undefined, batch: '1', threads: '1', warmup: '5', iters: '30' }, USAGE);
  const batch = positiveInt('batch', args.batch);
  const threads = positiveInt('threads', args.threads);
  const warmup = Number(args.warmup) === 0 ? 0 : positiveInt('warmup', args.warmup);
  const iters = positiveInt('iters', args.iters);

  const ort = loadOrt();
  const session = await createSession(ort, args.model, threads);
  const shape = resolveInputShape(session, args.model, batch);
  const count = shape.reduce((a, b) => a * b, 1);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', randomInput(count), shape) };

  const times = [];
  try {
    for (let i = 0; i < warmup + iters; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i >= warmup) times.push(ms);
    }
  } catch (e) {
    fail(`${args.model}: run failed: ${e.message}`);
  }
  times.sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;

  console.log(`model: ${args.model}`);
  console.log(`runtime: onnxruntime-node ${ort.env.versions.node} (cpu)`);
  console.log(`input: ${session.inputNames[0]} [${shape.join(',')}] float32`);
  console.log(`batch: ${batch}  threads: ${threads}  warmup: ${warmup}  iters: ${iters}`);
  console.log(`min_ms: ${times[0].toFixed(3)}  mean_ms: ${mean.toFixed(3)}  ` +
              `p90_ms: ${quantile(times, 0.9).toFixed(3)}  max_ms: ${times[times.length - 1].toFixed(3)}`);
  console.log(`latency_ms: ${median.toFixed(3)}`);
  console.log(`throughput: ${(batch * 1000 / median).toFixed(1)} img/s`);
  await session.release();
}

main().catch((e) => fail(e.message));
