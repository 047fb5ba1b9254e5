/**
 * The transform matrices of Winograd's minimal filtering F(m×m, 3×3) (Lavin & Gray 2016) for output
 * tiles of m = 2 and m = 4: input tiles of `n = m + 2` pixels, `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`.
 * F(2×2, 3×3) uses the interpolation points 0, ±1, ∞ (16 products for 4 outputs); F(4×4, 3×3) uses
 * 0, ±1, ±2, ∞ (36 products for 16 outputs: 4× fewer multiplications than the direct sum, with
 * larger rounding errors, ~1e-6 instead of ~1e-7 relative for unit data).
 *
 * @example
 * ```ts
 * const { BT, G, AT } = WINOGRAD[4];   // 6×6, 6×3, 4×6
 * ```
 */

/** One F(m×m, 3×3): input transform `Bᵀ` (n×n), filter transform `G` (n×3), output transform `Aᵀ` (m×n). */
export interface WinogradMatrices { m: number; n: number; BT: number[][]; G: number[][]; AT: number[][] }

/** F(2×2, 3×3) and F(4×4, 3×3). */
export const WINOGRAD: Record<2 | 4, WinogradMatrices> = {
  2: {
    m: 2,
    n: 4,
    BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
    G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
    AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
  },
  4: {
    m: 4,
    n: 6,
    BT: [
      [4, 0, -5, 0, 1, 0],
      [0, -4, -4, 1, 1, 0],
      [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0],
      [0, 2, -1, -2, 1, 0],
      [0, 4, 0, -5, 0, 1],
    ],
    G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
    AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
  },
};
