/**
 * Input gradient of a strided convolution as `sh·sw` stride-1 forward convolutions ("sub-pixel"
 * decomposition), each run by the wasm backend's own XNNPACK Conv2D.
 *
 * Input rows split by phase `a = (ih + padTop) mod sh`: with `ih = I·sh + a - padTop`, only taps
 * `kh = a + sh·t` reach phase `a`, from output row `oh = I - t`, so
 * `dx[n, I·sh + a - padTop, J·sw + b - padLeft, ci] = Σ_{t, s, co} dy[n, I - t, J - s, co] · W[a + sh·t, b + sw·s, ci, co]`:
 * a stride-1 correlation of `dy` with the flipped, in/out-swapped sub-filter
 * `F[τ, σ, co, ci] = W[a + sh·(Ua-1-τ), b + sw·(Ub-1-σ), ci, co]`. Padding that would be negative is
 * replaced by computing extra rows/columns that are then skipped, so every padding works.
 * Dilation must be 1 (Conv2DBackpropInput has none).
 *
 * @example
 * ```ts
 * const dx = subPixelInputGradient(backend, g, dy, filter, [n, h, w, cin]);
 * ```
 */
import type { ConvGeometry } from './convGeometry.js';
import { derived } from './derivedTensors.js';
import { transposeKernels } from './simdTranspose.js';
import { directApplies, directConv, directConvPlan, packedFilter, withPaddedOutputs } from './directConv.js';
import { winogradApplies, winogradRun } from './winograd.js';
import { disposeInfo, f32, heapAddress, stockKernel } from './wasmHeap.js';
import type { TensorInfo, WasmBackend } from './wasmHeap.js';

/** Tuning: scatter each phase's rows into dx with the SIMD strided copy (false: a scalar loop, for tests). */
export const subPixelTuning = { simd: true };

/** One dimension of one phase: which rows it covers and how to pad the forward conv. */
interface Axis {
  taps: number; // sub-filter size U
  first: number; // first phase index I0
  count: number; // rows in the phase
  padBefore: number;
  padAfter: number;
  skip: number; // forward-conv output rows before the first useful one
}

function axis(phase: number, stride: number, filter: number, pad: number, inSize: number, outSize: number): Axis | undefined {
  const taps = Math.ceil((filter - phase) / stride);
  const first = Math.ceil((pad - phase) / stride);
  const last = Math.floor((inSize - 1 + pad - phase) / stride);
  const count = last - first + 1;
  if (taps <= 0 || count <= 0) return undefined;
  const padBefore = Math.max(0, taps - 1 - first);
  const skip = first - (taps - 1) + padBefore;
  const padAfter = Math.max(0, skip + count - outSize - padBefore + taps - 1);
  return { taps, first, count, padBefore, padAfter, skip };
}

/** The phase's forward convolution of dy: its geometry (stride 1, the phase's sub-filter size and padding). */
function phaseGeometry(g: ConvGeometry, ay: Axis, ax: Axis): ConvGeometry {
  const { batch, outHeight: H, outWidth: W, outChannels, inChannels } = g;
  return {
    batch, inHeight: H, inWidth: W, inChannels: outChannels, outChannels: inChannels,
    outHeight: H + ay.padBefore + ay.padAfter - ay.taps + 1, outWidth: W + ax.padBefore + ax.padAfter - ax.taps + 1,
    filterHeight: ay.taps, filterWidth: ax.taps, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: ay.padBefore, padLeft: ax.padBefore, padBottom: ay.padAfter, padRight: ax.padAfter,
  };
}

/** Filter taps `kh·fw + kw` of phase `(a, b)` in the sub-filter's (flipped) order. */
function phaseTaps(g: ConvGeometry, a: number, b: number, ay: Axis, ax: Axis): number[] {
  const taps: number[] = [];
  for (let th = 0; th < ay.taps; th++) {
    for (let tw = 0; tw < ax.taps; tw++) taps.push((a + g.strideHeight * (ay.taps - 1 - th)) * g.filterWidth + b + g.strideWidth * (ax.taps - 1 - tw));
  }
  return taps;
}

/** The phase's convolution with phasewise's direct SIMD kernel (directConv.ts), or undefined where it does not apply. */
function directPhase(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, a: number, b: number, ay: Axis, ax: Axis): TensorInfo | undefined {
  const pg = phaseGeometry(g, ay, ax);
  // a few outputs (a first layer's 1 or 3 input channels): the direct kernel on outputs padded to 8
  const few = pg.outChannels < 8 && directApplies({ ...pg, outChannels: 8 });
  const plan = directApplies(pg) || winogradApplies(pg) || few ? directConvPlan(backend) : undefined;
  if (!plan) return undefined;
  // transformed or packed once per filter tensor and phase (tfjs tensors are immutable)
  const key = `subPixel:${g.strideHeight},${g.strideWidth},${a},${b}`;
  const wino = winogradApplies(pg) ? winogradRun(backend, pg, dy, plan, filter, key, phaseTaps(g, a, b, ay, ax), g.inChannels, g.outChannels, true) : undefined;
  if (wino || !(directApplies(pg) || few)) return wino;
  const packed = packedFilter(backend, filter, key, phaseTaps(g, a, b, ay, ax), g.inChannels, g.outChannels, true);
  return withPaddedOutputs(backend, pg, (g8) => directConv(backend, g8, dy, packed, plan));
}

/** The phase's convolution with the wasm backend's XNNPACK Conv2D and the flipped, in/out-swapped sub-filter. */
function stockPhase(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, a: number, b: number, ay: Axis, ax: Axis): TensorInfo {
  const { inChannels: CI, outChannels: CO } = g;
  const taps = phaseTaps(g, a, b, ay, ax);
  // made once per filter tensor and phase (tfjs tensors are immutable), so XNNPACK packs it once
  const sub = derived(backend, filter, `subPixel:${g.strideHeight},${g.strideWidth},${a},${b}`, () => {
    const t = backend.makeOutput([ay.taps, ax.taps, CO, CI], 'float32');
    const w = f32(backend, filter);
    const s = f32(backend, t);
    taps.forEach((tap, i) => {
      const src = tap * CI * CO;
      const dst = i * CO * CI;
      for (let co = 0; co < CO; co++) {
        for (let ci = 0; ci < CI; ci++) s[dst + co * CI + ci] = w[src + ci * CO + co];
      }
    });
    return t;
  });
  return stockKernel('Conv2D')({
    inputs: { x: dy, filter: sub },
    backend,
    attrs: { strides: 1, dilations: 1, pad: [[0, 0], [ay.padBefore, ay.padAfter], [ax.padBefore, ax.padAfter], [0, 0]], dataFormat: 'NHWC', dimRoundingMode: undefined },
  });
}

/** `dx` of an NHWC convolution with dilation 1 (see the module comment). */
export function subPixelInputGradient(backend: WasmBackend, g: ConvGeometry, dy: TensorInfo, filter: TensorInfo, inShape: number[]): TensorInfo {
  const { batch: N, inHeight: H, inWidth: W, inChannels: CI, outChannels: CO, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  let dx: TensorInfo | undefined;
  for (let a = 0; a < SH; a++) {
    const ay = axis(a, SH, FH, padTop, H, OH);
    for (let b = 0; b < SW; b++) {
      const ax = axis(b, SW, FW, padLeft, W, OW);
      if (!ay || !ax) continue; // no tap reaches this phase: dx stays 0 there
      const out = directPhase(backend, g, dy, filter, a, b, ay, ax) ?? stockPhase(backend, g, dy, filter, a, b, ay, ax);
      const [, HO, WO] = out.shape;
      if (SH === 1 && SW === 1 && ay.skip === 0 && ax.skip === 0 && HO === H && WO === W) return out; // it is dx
      if (!dx) {
        dx = backend.makeOutput(inShape, 'float32');
        f32(backend, dx).fill(0);
      }
      const o = f32(backend, out);
      const d = f32(backend, dx);
      const copy = subPixelTuning.simd && CI % 4 === 0 ? transposeKernels(backend)?.bcopy : undefined;
      const oAddr = copy ? heapAddress(backend, out) : 0;
      const dAddr = copy ? heapAddress(backend, dx) : 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < ay.count; i++) {
          const ih = (ay.first + i) * SH + a - padTop;
          const srcRow = (n * HO + ay.skip + i) * WO + ax.skip;
          const dstRow = (n * H + ih) * W;
          const iw0 = ax.first * SW + b - padLeft;
          if (copy) {
            // the row's ax.count pixels: packed in `out`, every SW-th pixel of dx
            copy(oAddr + 4 * srcRow * CI, dAddr + 4 * (dstRow + iw0) * CI, 4 * SW * CI, 4 * CI, ax.count);
            continue;
          }
          for (let j = 0; j < ax.count; j++) {
            let s = (srcRow + j) * CI;
            let t = (dstRow + iw0 + j * SW) * CI;
            for (let c = 0; c < CI; c++) d[t++] = o[s++];
          }
        }
      }
      disposeInfo(backend, out);
    }
  }
  if (!dx) {
    dx = backend.makeOutput(inShape, 'float32');
    f32(backend, dx).fill(0);
  }
  return dx;
}
