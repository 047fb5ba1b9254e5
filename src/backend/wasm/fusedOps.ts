/**
 * wasm kernels for `FusedConv2D` and `_FusedMatMul` (replacing stock tfjs-backend-wasm's where
 * phasewise's product kernels apply): the product by conv2d.ts / batchMatMul.ts, then the bias and
 * the activation by the wasm backend's own element-wise kernels (`Add`, `Relu`, `Relu6`, `Elu`,
 * `LeakyRelu`, `Prelu`, `Sigmoid`). tfjs-layers' Conv2D and Dense run these ops for inference (and for
 * training with a linear activation); other cases go to the stock fused kernel.
 *
 * Formula: `y = act(x ⊛ W + bias)` (a convolution) or `y = act(A' B' + bias)` (a product with the
 * transposes of the attrs), `act` the `activation` attr (`leakyrelu` with `leakyreluAlpha`, `prelu`
 * with the `preluActivationWeights` input).
 *
 * @example
 * ```ts
 * const y = tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' });   // runs this kernel
 * ```
 */
import { tf } from '../tf.js';
import { matMulOurs } from './batchMatMul.js';
import { conv2dOurs } from './conv2d.js';
import { refuseStockIntegerPad } from './integerPad.js';
import { disposeInfo, stockKernel, replacingConfig } from './wasmHeap.js';
import type { KernelArgs, TensorInfo, WasmBackend } from './wasmHeap.js';

interface FusedInputs { bias?: TensorInfo; preluActivationWeights?: TensorInfo }
interface FusedAttrs { activation?: string; leakyreluAlpha?: number }

const UNARY: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };
const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu']);

/** Whether phasewise can apply the epilogue (the activations the stock fused kernels take). */
const known = (activation = 'linear') => ACTIVATIONS.has(activation);

/** `act(y + bias)` by the backend's own kernels; frees the intermediate tensors (and `y` when replaced). */
function epilogue(backend: WasmBackend, y: TensorInfo, inputs: FusedInputs, attrs: FusedAttrs): TensorInfo {
  const run = (name: string, ins: Record<string, TensorInfo>, extra: Record<string, unknown> = {}) =>
    stockKernel(name)({ inputs: ins, backend, attrs: extra });
  let out = y;
  const step = (next: () => TensorInfo) => {
    const t = next();
    disposeInfo(backend, out);
    out = t;
  };
  if (inputs.bias) step(() => run('Add', { a: out, b: inputs.bias as TensorInfo }));
  const act = attrs.activation ?? 'linear';
  if (UNARY[act]) step(() => run(UNARY[act], { x: out }));
  else if (act === 'leakyrelu') step(() => run('LeakyRelu', { x: out }, { alpha: attrs.leakyreluAlpha ?? 0.2 }));
  else if (act === 'prelu') step(() => run('Prelu', { x: out, alpha: inputs.preluActivationWeights as TensorInfo }));
  return out;
}

function fusedConv2d(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const inputs = args.inputs as unknown as { x: TensorInfo; filter: TensorInfo } & FusedInputs;
  const attrs = (args.attrs ?? {}) as Record<string, unknown> & FusedAttrs;
  const y = known(attrs.activation) && (attrs.activation !== 'prelu' || inputs.preluActivationWeights)
    ? conv2dOurs(backend, inputs.x, inputs.filter, attrs) : undefined;
  if (y) return epilogue(backend, y, inputs, attrs);
  refuseStockIntegerPad('FusedConv2D', inputs.filter.shape, attrs);
  return stockKernel('FusedConv2D')(args as Parameters<ReturnType<typeof stockKernel>>[0]);
}

function fusedMatMul(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackend;
  const inputs = args.inputs as unknown as { a: TensorInfo; b: TensorInfo } & FusedInputs;
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean } & FusedAttrs;
  const y = known(attrs.activation) && (attrs.activation !== 'prelu' || inputs.preluActivationWeights)
    ? matMulOurs(backend, inputs.a, inputs.b, !!attrs.transposeA, !!attrs.transposeB) : undefined;
  if (!y) return stockKernel('_FusedMatMul')(args as Parameters<ReturnType<typeof stockKernel>>[0]);
  return epilogue(backend, y, inputs, attrs);
}

/** Kernel configs registered by {@link registerWasmTrainingKernels} (replacing the stock ones). */
export const fusedConv2dConfig: tf.KernelConfig = replacingConfig('FusedConv2D', fusedConv2d);
export const fusedMatMulConfig: tf.KernelConfig = replacingConfig('_FusedMatMul', fusedMatMul);
