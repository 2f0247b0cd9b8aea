// Builds small TensorFlow.js Layers models and saves each as TensorFlow.js's own model.json + .bin shards
// (the files tf.io.browserFiles/fileSystem would write), with a batch of inputs and TensorFlow.js's
// predictions for them, into toolkit-keras's test resources: the fixtures of TfjsReaderTest.
//   npm install && node make-models.js [outDir]
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const path = require('path');

const out = process.argv[2] ||
  path.join(__dirname, '..', '..', 'toolkit-keras', 'src', 'test', 'resources', 'tfjs-models');

function seeded(seed) {
  return tf.initializers.glorotUniform({seed});
}

const models = {
  mlp() {
    const m = tf.sequential({name: 'mlp'});
    m.add(tf.layers.dense({units: 8, activation: 'relu', inputShape: [4], kernelInitializer: seeded(1),
      biasInitializer: tf.initializers.randomUniform({minval: -0.5, maxval: 0.5, seed: 2})}));
    m.add(tf.layers.dense({units: 3, activation: 'softmax', kernelInitializer: seeded(3)}));
    m.compile({optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy']});
    return {model: m, input: tf.randomNormal([5, 4], 0, 1, 'float32', 4), includeOptimizer: true};
  },
  cnn() {
    const m = tf.sequential({name: 'cnn'});
    m.add(tf.layers.conv2d({filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2],
      kernelInitializer: seeded(5), biasInitializer: tf.initializers.randomUniform({minval: -0.2, maxval: 0.2, seed: 6})}));
    m.add(tf.layers.maxPooling2d({poolSize: 2}));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({units: 2, kernelInitializer: seeded(7)}));
    return {model: m, input: tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 8), shardBytes: 128};
  },
  lstm() {
    // TensorFlow.js's LSTM defaults to recurrentActivation 'hardSigmoid', clip(0.2 x + 0.5, 0, 1)
    const m = tf.sequential({name: 'lstm'});
    m.add(tf.layers.lstm({units: 5, inputShape: [4, 3], kernelInitializer: seeded(9),
      recurrentInitializer: seeded(10), biasInitializer: tf.initializers.randomUniform({minval: -1, maxval: 1, seed: 11})}));
    m.add(tf.layers.dense({units: 1, kernelInitializer: seeded(12)}));
    return {model: m, input: tf.randomNormal([3, 4, 3], 0, 2, 'float32', 13)};
  },
  gru() {
    // TensorFlow.js's GRU is Keras 2's reset_after=False
    const m = tf.sequential({name: 'gru'});
    m.add(tf.layers.gru({units: 4, inputShape: [4, 3], returnSequences: true, kernelInitializer: seeded(14),
      recurrentInitializer: seeded(15), biasInitializer: tf.initializers.randomUniform({minval: -1, maxval: 1, seed: 16})}));
    return {model: m, input: tf.randomNormal([2, 4, 3], 0, 1, 'float32', 17)};
  },
  embedding() {
    const m = tf.sequential({name: 'embedding'});
    m.add(tf.layers.embedding({inputDim: 10, outputDim: 4, inputLength: 5,
      embeddingsInitializer: tf.initializers.randomUniform({minval: -1, maxval: 1, seed: 18})}));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({units: 2, activation: 'tanh', kernelInitializer: seeded(19)}));
    return {model: m, input: tf.tensor2d([[0, 1, 2, 3, 4], [9, 9, 0, 5, 7], [3, 3, 3, 3, 3]])};
  },
  functional() {
    const x = tf.input({shape: [6], name: 'features'});
    const a = tf.layers.dense({units: 4, activation: 'elu', name: 'left', kernelInitializer: seeded(20)}).apply(x);
    const b = tf.layers.dense({units: 3, activation: 'sigmoid', name: 'right', kernelInitializer: seeded(21)}).apply(x);
    const c = tf.layers.concatenate({name: 'both'}).apply([a, b]);
    const y = tf.layers.dense({units: 2, name: 'out', kernelInitializer: seeded(22)}).apply(c);
    const m = tf.model({inputs: x, outputs: y, name: 'functional'});
    m.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});
    return {model: m, input: tf.randomNormal([4, 6], 0, 1, 'float32', 23), includeOptimizer: true};
  },
};

function shards(data, size) {
  const bytes = new Uint8Array(data);
  const parts = [];
  for (let i = 0; i < bytes.length; i += size) {
    parts.push(bytes.slice(i, Math.min(bytes.length, i + size)));
  }
  return parts;
}

async function save(name, {model, input, shardBytes, includeOptimizer}) {
  const dir = path.join(out, name);
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async artifacts => {
    const parts = shards(artifacts.weightData, shardBytes || 4 * 1024 * 1024);
    const paths = parts.map((_, i) => `group1-shard${i + 1}of${parts.length}.bin`);
    parts.forEach((p, i) => fs.writeFileSync(path.join(dir, paths[i]), p));
    const json = {
      format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology, weightsManifest: [{paths, weights: artifacts.weightSpecs}],
    };
    if (artifacts.trainingConfig) {
      json.trainingConfig = artifacts.trainingConfig;
    }
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }), {includeOptimizer: !!includeOptimizer});
  const prediction = model.predict(input);
  const io = {
    input: {shape: input.shape, data: Array.from(input.dataSync())},
    prediction: {shape: prediction.shape, data: Array.from(prediction.dataSync())},
  };
  fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify(io));
  console.log(`${name}: ${model.countParams()} parameters -> ${dir}`);
}

(async () => {
  for (const [name, make] of Object.entries(models)) {
    await save(name, make());
  }
})();
