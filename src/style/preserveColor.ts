/** Content-colour preservation: keep the result's luminance, take the content's chrominance. */
import { tf } from '../backend/tf.js';

// YIQ (NTSC) transform, RGB in 0..1
const RGB2YIQ = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135],
];

function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

const YIQ2RGB = inverse3(RGB2YIQ);

/**
 * neural-style's `-original_colors 1` (Gatys et al. 2017, luminance-only transfer as post-process):
 * convert both images to YIQ, combine the stylised image's Y with the content's I and Q, convert back
 * to RGB and clip to 0..1. `Y = 0.299 R + 0.587 G + 0.114 B`. Shapes must match.
 *
 * @example
 * ```ts
 * const kept = preserveColor(result.image, content);   // the painting's strokes in the photo's colours
 * ```
 */
export function preserveColor(stylised: tf.Tensor4D, content: tf.Tensor4D): tf.Tensor4D {
  if (stylised.shape.join() !== content.shape.join()) {
    throw new RangeError(`preserveColor: stylised [${stylised.shape}] and content [${content.shape}] differ; allowed: equal shapes`);
  }
  const [b, h, w] = stylised.shape;
  return tf.tidy(() => {
    // pixels as rows: yiq = rgb · Mᵀ, rgb = yiq · (M⁻¹)ᵀ
    const apply = (x: tf.Tensor, m: number[][]) => tf.matMul(tf.reshape(x, [-1, 3]), tf.tensor2d(m), false, true);
    const s = apply(stylised, RGB2YIQ), c = apply(content, RGB2YIQ);
    const mixed = tf.concat([tf.slice(s, [0, 0], [-1, 1]), tf.slice(c, [0, 1], [-1, 2])], 1);
    return tf.clipByValue(tf.reshape(apply(mixed, YIQ2RGB), [b, h, w, 3]), 0, 1) as tf.Tensor4D;
  });
}
