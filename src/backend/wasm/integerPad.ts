/**
 * A guard for the stock tfjs-backend-wasm kernels phasewise falls back to. With an integer `pad`,
 * tfjs sizes a convolution's or pooling's output from the window height and stride height alone
 * (computeConv2DInfo), and with a non-square window or strides the stock wasm kernels (Conv2D,
 * FusedConv2D, DepthwiseConv2dNative, MaxPool, AvgPool in 4.22) compute wrong values — outputs the
 * size they expect is not the size tfjs allocated: x [1, 4, 7, 3], filter [1, 2, 3, 4], strides [1, 3],
 * pad 1 was off by up to 1.23 against the cpu backend (Conv2D); max and average pooling gave
 * Infinity and NaN differences. Such a call is an error that names the explicit padding to pass.
 *
 * @example
 * ```ts
 * refuseStockIntegerPad('Conv2D', [1, 2], { pad: 1, strides: [1, 3] });   // throws, naming [[0, 0], [1, 1], [1, 1], [0, 0]]
 * refuseStockIntegerPad('Conv2D', [3, 3], { pad: 1, strides: 1 });        // fine
 * ```
 */

/** Throw for an integer `pad > 0` with a non-square window `[fh, fw]` or strides (see the module comment). */
export function refuseStockIntegerPad(kernel: string, window: readonly number[], attrs: Record<string, unknown>): void {
  const { pad, strides } = attrs as { pad?: unknown; strides?: number | number[] };
  const [sh, sw] = Array.isArray(strides) ? [strides[0], strides[1] ?? strides[0]] : [strides, strides];
  if (typeof pad === 'number' && pad > 0 && (window[0] !== window[1] || sh !== sw)) {
    throw new Error(`${kernel}: pad is ${pad} with filter ${window[0]}×${window[1]} and strides ${JSON.stringify(strides)}; ` +
      `the wasm backend computes wrong values for an integer pad unless filter and strides are square (tfjs sizes the output from their heights): ` +
      `pass the padding explicitly, [[0, 0], [${pad}, ${pad}], [${pad}, ${pad}], [0, 0]], or 'same' / 'valid'`);
  }
}
