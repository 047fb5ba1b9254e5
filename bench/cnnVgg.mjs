// The CNN step and VGG style+gradient (128 and 64 px) of bench:kernels, phasewise only, best of 15 / 5 / 5: for
// A/B runs of start-up settings across processes, e.g. `for x in 2 1; do PHASEWISE_XNN_THREADS=$x node bench/cnnVgg.mjs; done` (after npm run build).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../dist/index.js';
import { cnnStepMs, vggMs } from './workloads.mjs';
import { simdPoolReady } from '../dist/backend/wasm/simdPool.js';
process.env.PHASEWISE_QUIET = '1';
await initBackend('wasm');
await simdPoolReady(tf.backend());
const cnn = cnnStepMs(64, 15, 2);
const v128 = vggMs(128, 5);
const v64 = vggMs(64, 5);
console.log(`xnn=${process.env.PHASEWISE_XNN_THREADS ?? 'all'} cnn ${cnn.toFixed(1)} vgg128 ${v128.toFixed(0)} vgg64 ${v64.toFixed(1)}`);
