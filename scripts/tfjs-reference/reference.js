// Prints TensorFlow.js's float32 values and gradients (CPU backend) at hard inputs of tapekit's op table.
// It writes toolkit-core/src/test/resources/tfjs-reference.txt, read by TfjsReferenceTest:
//   npm install && npm run reference
// One case per line, tab-separated: the op-table row ("name#k", the k-th row of that name), then
// "in SHAPE VALUES" per input in the row's order, "out SHAPE VALUES", and "grad I VALUES" for the gradient
// of sum(out) with respect to input I (absent where TensorFlow.js's gradient is wrong). SHAPE and VALUES are comma-separated; values are float32, printed
// with 9 significant digits (exact).
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs'); // the union package: core, the CPU backend and every gradient

const OUT = path.join(__dirname, '..', '..', 'toolkit-core', 'src', 'test', 'resources', 'tfjs-reference.txt');

const pm = (...v) => v.flatMap((x) => [x, -x]);

// [row, fn on the row's inputs, [shape, values] per input, gradients?]; inputs as in OpTableTest's rows
const unary = (row, fn, values) => [row, (x) => fn(x), [[[values.length], values]]];
const cases = [
  unary('log1p#0', tf.log1p, pm(1e-30, 1e-10, 1e-7, 1e-5, 1e-4, 3e-4, 0.1, 0.49, 0.51).concat([-0.99, 2, 1e10])),
  unary('expm1#0', tf.expm1, pm(1e-30, 1e-10, 1e-7, 1e-5, 1e-4, 3e-4, 0.1, 0.49, 0.51, 20)),
  unary('tanh#0', tf.tanh, pm(1e-30, 1e-10, 1e-5, 1e-3, 0.1, 0.25, 0.49, 0.51, 1, 5)),
  unary('asinh#0', tf.asinh, pm(1e-30, 1e-10, 1e-5, 1e-3, 0.5, 2.5, 10, 1e5, 1e20)),
  unary('acosh#0', tf.acosh, [1.0000001, 1.0001, 1.01, 1.5, 3, 1e5, 1e20]),
  unary('atanh#0', tf.atanh, pm(1e-30, 1e-10, 1e-5, 0.5, 0.99999994)),
  // no -1e-30 for elu and selu: TensorFlow.js computes exp(x) - 1 in double, 0 there (TensorFlow's expm1 gives x)
  unary('elu#0', tf.elu, [-1e-10, -1e-7, -1e-5, -3e-4, -0.3, -20, -100]),
  unary('selu#0', tf.selu, [-1e-10, -1e-7, -1e-5, -3e-4, -0.3, -20, -100]),
  unary('softplus#0', tf.softplus, pm(1e-30, 1e-5, 1, 16, 17, 18, 20, 50).concat([-87])),
  unary('sigmoid#0', tf.sigmoid, pm(1e-30, 1e-5, 1, 17, 30).concat([-87])),
  unary('exp#0', tf.exp, pm(1e-30, 1e-7, 1, 20, 87)),
  unary('log#0', tf.log, [1e-30, 0.99999994, 1.0000001, 2, 3e38]),
  unary('sqrt#0', tf.sqrt, [1e-30, 2, 3e38]),
  unary('rsqrt#0', tf.rsqrt, [1e-30, 2, 3, 1e30]),
  unary('sin#0', tf.sin, pm(1e-30, 1e-7, 3.1415927, 100)),
  unary('cos#0', tf.cos, pm(1e-30, 1e-7, 1.5707964, 100)),
  unary('atan#0', tf.atan, pm(1e-30, 1e-7, 1, 1e30)),
  unary('sinh#0', tf.sinh, pm(1e-30, 1e-5, 1, 20)),
  unary('cosh#0', tf.cosh, pm(1e-30, 1e-5, 1, 20)),
  // OpTableTest's row: sigmoidCrossEntropyWithLogits(labels = input 1, logits = input 0)
  ['sigmoidCrossEntropyWithLogits#0',
    (x, z) => tf.losses.sigmoidCrossEntropy(z, x, undefined, 0, tf.Reduction.NONE),
    [[[8], [20, 30, 50, -20, -30, -50, 1e-7, 0]], [[8], [1, 1, 1, 0, 0, 0, 0.5, 1]]]],
  // reduceProd over axis 1, one zero and two zeros in a row
  ['reduceProd#0', (x) => tf.prod(x, 1), [[[3, 3], [0, 2, 3, 0, 0, 4, 1.5, 2, 2.5]]]],
  // matmul with batch broadcasting: [2, 3, 4] x [4, 5] and [2, 3, 4] x [1, 4, 5]. Values only: TensorFlow.js
  // 4.22's BatchMatMul gradient does not sum over broadcast batch axes (it throws on the shape of b's).
  ['matmul#1', (a, b) => tf.matMul(a, b), [[[2, 3, 4], ramp(24, 0.25)], [[4, 5], ramp(20, 0.5)]], false],
  ['matmul#2', (a, b) => tf.matMul(a, b), [[[2, 3, 4], ramp(24, 0.25)], [[1, 4, 5], ramp(20, 0.5)]], false],
];

/** n values (i % 7 - 3) * scale: small integers times a power of two, exact in float32. */
function ramp(n, scale) {
  return Array.from({length: n}, (_, i) => ((i % 7) - 3) * scale);
}

const f32 = (v) => Array.from(Float32Array.from(v));
const num = (v) => (Number.isFinite(v) ? Number(v.toPrecision(9)).toString() : String(v));
const list = (v) => Array.from(v).map(num).join(',');

async function main() {
  await tf.setBackend('cpu');
  const lines = ['# TensorFlow.js ' + tf.version_core + ' (' + tf.getBackend() + ' backend), float32; '
      + 'regenerate with scripts/tfjs-reference: npm install && npm run reference'];
  for (const [row, fn, inputs, withGrads = true] of cases) {
    const xs = inputs.map(([shape, values]) => tf.tensor(f32(values), shape, 'float32'));
    const out = fn(...xs);
    const grads = withGrads ? tf.grads((...a) => tf.sum(fn(...a)))(xs) : [];
    const fields = [row];
    inputs.forEach(([shape], i) => fields.push('in ' + shape.join(',') + ' ' + list(xs[i].dataSync())));
    fields.push('out ' + (out.shape.join(',') || '-') + ' ' + list(out.dataSync()));
    grads.forEach((g, i) => fields.push('grad ' + i + ' ' + list(g.dataSync())));
    lines.push(fields.join('\t'));
  }
  fs.writeFileSync(OUT, lines.join('\n') + '\n');
  console.log('wrote ' + (lines.length - 1) + ' cases to ' + path.relative(process.cwd(), OUT));
}

main();
