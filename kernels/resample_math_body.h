/* resample_math_body.h — the per-element bodies for one storage dtype: the separable gather
 * (interpolate), grid_sample taps, sample and gradient, affine_grid.
 *
 * Included by resample_math.h once per dtype with CLRS_SFX (name suffix), CLRS_ST (storage
 * type), CLRS_ACC (accumulation and weight type), CLRS_LOAD and CLRS_STORE; never on its own.
 * The host backend calls these functions in OpenMP loops and the OpenCL kernel calls them
 * per work-item: the arithmetic is the same text on both. */

#define CLRS_CAT_(a, b) a##_##b
#define CLRS_CAT(a, b) CLRS_CAT_(a, b)
#define CLRS_FN(name) CLRS_CAT(name, CLRS_SFX)

/* dst[n, c, o0, o1, o2] = gather of src over the taps of (o0, o1, o2); see resample_math.h.
 * src_base / dst_base: element offsets of the (n, c) plane; s* / d*: spatial strides. */
CLRS_INLINE void CLRS_FN(clrs_gather_point)(const CLRS_GLOBAL CLRS_ST *src, clrs_i64 src_base,
                                            clrs_i64 s0, clrs_i64 s1, clrs_i64 s2,
                                            CLRS_GLOBAL CLRS_ST *dst, clrs_i64 dst_base,
                                            clrs_i64 d0, clrs_i64 d1, clrs_i64 d2,
                                            const CLRS_GLOBAL clrs_i32 *tab,
                                            const CLRS_GLOBAL CLRS_ACC *wt,
                                            clrs_i64 o0, clrs_i64 o1, clrs_i64 o2)
{
    /* CLRS_TAPS0..2 > 0: every destination has exactly that many taps on the axis (set by the
     * OpenCL backend for nearest / linear / cubic forward), so the loops have constant trips */
    const clrs_i32 k0 = CLRS_TAPS0 ? CLRS_TAPS0 : tab[2], k1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[6];
    const clrs_i32 k2 = CLRS_TAPS2 ? CLRS_TAPS2 : tab[10];
    const clrs_i32 n0 = CLRS_TAPS0 ? CLRS_TAPS0 : tab[tab[0] + o0];
    const clrs_i32 n1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[tab[4] + o1];
    const clrs_i32 n2 = CLRS_TAPS2 ? CLRS_TAPS2 : tab[tab[8] + o2];
    const CLRS_GLOBAL clrs_i32 *ix0 = tab + tab[1] + o0 * k0;
    const CLRS_GLOBAL clrs_i32 *ix1 = tab + tab[5] + o1 * k1;
    const CLRS_GLOBAL clrs_i32 *ix2 = tab + tab[9] + o2 * k2;
    const CLRS_GLOBAL CLRS_ACC *w0 = wt + tab[3] + o0 * k0;
    const CLRS_GLOBAL CLRS_ACC *w1 = wt + tab[7] + o1 * k1;
    const CLRS_GLOBAL CLRS_ACC *w2 = wt + tab[11] + o2 * k2;
    CLRS_ACC acc0 = (CLRS_ACC)0;
    clrs_i32 t0, t1, t2;
    for (t0 = 0; t0 < n0; t0++) {
        const clrs_i64 b0 = src_base + (clrs_i64)ix0[t0] * s0;
        CLRS_ACC acc1 = (CLRS_ACC)0;
        for (t1 = 0; t1 < n1; t1++) {
            const clrs_i64 b1 = b0 + (clrs_i64)ix1[t1] * s1;
            CLRS_ACC acc2 = (CLRS_ACC)0;
            for (t2 = 0; t2 < n2; t2++)
                acc2 += w2[t2] * CLRS_LOAD(src, b1 + (clrs_i64)ix2[t2] * s2);
            acc1 += w1[t1] * acc2;
        }
        acc0 += w0[t0] * acc1;
    }
    CLRS_STORE(dst, dst_base + o0 * d0 + o1 * d1 + o2 * d2, acc0);
}

/* ---- grid_sample ----------------------------------------------------------------------------
 * A grid point's taps along W, H and D (axis 0, 1, 2); a 4-D sample has a unit D axis. */
typedef struct {
    int n[3];
    clrs_i64 idx[3][4];
    CLRS_ACC w[3][4], dw[3][4], dcoord[3];
} CLRS_FN(clrs_grid_taps);

/* The taps of the grid point at grid[gbase + a * gs] (a = x, y[, z]); size = (W, H, D). */
CLRS_INLINE void CLRS_FN(clrs_grid_point_taps)(const CLRS_GLOBAL CLRS_ST *grid, clrs_i64 gbase,
                                               clrs_i64 gs, int dims, clrs_i64 W, clrs_i64 H,
                                               clrs_i64 D, int mode, int padding, int align_corners,
                                               CLRS_FN(clrs_grid_taps) *t)
{
    const clrs_i64 size[3] = {W, H, D};
    const int kind = dims == 2 ? CLRS_GRID_VEC | CLRS_GRID_RINT
                               : (mode & CLRS_GRID_MODE_ROUND_AWAY ? 0 : CLRS_GRID_RINT);
    int a;
    mode &= 3;
    for (a = 0; a < 3; a++) {
        if (a < dims) {
            t->n[a] = CLRS_RFN(clrs_grid_axis_taps)((CLRS_ACC)CLRS_LOAD(grid, gbase + a * gs), size[a],
                                                    mode, padding, align_corners, kind,
                                                    t->idx[a], t->w[a], t->dw[a], &t->dcoord[a]);
        } else {
            t->n[a] = 1;
            t->idx[a][0] = 0;
            t->w[a][0] = (CLRS_ACC)1;
            t->dw[a][0] = (CLRS_ACC)0;
            t->dcoord[a] = (CLRS_ACC)0;
        }
    }
}

/* Taps outside the input contribute nothing (zeros padding; the other paddings never leave). */
#define CLRS_GRID_INB(i, n) ((i) >= 0 && (i) < (n))

/* The sample of one channel: sum_z wz * (sum_y wy * (sum_x wx * in)); base = (n, c) offset,
 * sx, sy, sz the strides of W, H, D. */
CLRS_INLINE CLRS_ACC CLRS_FN(clrs_grid_value)(const CLRS_GLOBAL CLRS_ST *in, clrs_i64 base,
                                              clrs_i64 sx, clrs_i64 sy, clrs_i64 sz, clrs_i64 W,
                                              clrs_i64 H, clrs_i64 D,
                                              const CLRS_FN(clrs_grid_taps) *t)
{
    CLRS_ACC acc = (CLRS_ACC)0;
    int a, b, c;
    for (c = 0; c < t->n[2]; c++) {
        CLRS_ACC accy = (CLRS_ACC)0;
        if (!CLRS_GRID_INB(t->idx[2][c], D)) continue;
        for (b = 0; b < t->n[1]; b++) {
            CLRS_ACC accx = (CLRS_ACC)0;
            if (!CLRS_GRID_INB(t->idx[1][b], H)) continue;
            for (a = 0; a < t->n[0]; a++)
                if (CLRS_GRID_INB(t->idx[0][a], W))
                    accx += t->w[0][a] * CLRS_LOAD(in, base + t->idx[2][c] * sz + t->idx[1][b] * sy +
                                                           t->idx[0][a] * sx);
            accy += t->w[1][b] * accx;
        }
        acc += t->w[2][c] * accy;
    }
    return acc;
}

/* One channel's share of d loss / d (x, y, z): gout * sum of dw * w * w * in over the taps. */
CLRS_INLINE void CLRS_FN(clrs_grid_grad)(const CLRS_GLOBAL CLRS_ST *in, clrs_i64 base,
                                         clrs_i64 sx, clrs_i64 sy, clrs_i64 sz, clrs_i64 W,
                                         clrs_i64 H, clrs_i64 D, const CLRS_FN(clrs_grid_taps) *t,
                                         CLRS_ACC gout, CLRS_ACC g[3])
{
    int a, b, c;
    for (c = 0; c < t->n[2]; c++) {
        if (!CLRS_GRID_INB(t->idx[2][c], D)) continue;
        for (b = 0; b < t->n[1]; b++) {
            if (!CLRS_GRID_INB(t->idx[1][b], H)) continue;
            for (a = 0; a < t->n[0]; a++) {
                CLRS_ACC v;
                if (!CLRS_GRID_INB(t->idx[0][a], W)) continue;
                v = CLRS_LOAD(in, base + t->idx[2][c] * sz + t->idx[1][b] * sy + t->idx[0][a] * sx) * gout;
                g[0] += t->w[2][c] * t->w[1][b] * t->dw[0][a] * v;
                g[1] += t->w[2][c] * t->dw[1][b] * t->w[0][a] * v;
                g[2] += t->dw[2][c] * t->w[1][b] * t->w[0][a] * v;
            }
        }
    }
}

/* The weight of tap (a, b, c) of a point: what the sample multiplies that input by. */
CLRS_INLINE CLRS_ACC CLRS_FN(clrs_grid_tap_weight)(const CLRS_FN(clrs_grid_taps) *t, int a, int b,
                                                   int c)
{
    return t->w[2][c] * (t->w[1][b] * t->w[0][a]);
}

/* The taps of a point that lie inside the input, in tap order (z, y, x; x fastest): each one's
 * offset from its plane's base (strides sz, sy, sx) and weight (clrs_grid_tap_weight), as the
 * grad_input scatters and the CSR list take them. Returns how many (at most 4 x 4 x 4 = 64). */
CLRS_INLINE int CLRS_FN(clrs_grid_inside_taps)(const CLRS_FN(clrs_grid_taps) *t, clrs_i64 W, clrs_i64 H,
                                               clrs_i64 D, clrs_i64 sz, clrs_i64 sy, clrs_i64 sx,
                                               clrs_i64 *off, CLRS_ACC *w)
{
    int a, b, c, k = 0;
    for (c = 0; c < t->n[2]; c++)
        for (b = 0; b < t->n[1]; b++)
            for (a = 0; a < t->n[0]; a++) {
                if (!CLRS_GRID_INB(t->idx[2][c], D) || !CLRS_GRID_INB(t->idx[1][b], H) ||
                    !CLRS_GRID_INB(t->idx[0][a], W))
                    continue;
                off[k] = t->idx[2][c] * sz + t->idx[1][b] * sy + t->idx[0][a] * sx;
                w[k++] = CLRS_FN(clrs_grid_tap_weight)(t, a, b, c);
            }
    return k;
}

/* grad_input of grid_sample as a gather over a CSR list (plan/grid_sample.c): the input pixel
 * `row` = n * T + t sums weight * grad_output over the grid points that sampled it, in order. */
CLRS_INLINE void CLRS_FN(clrs_grid_csr_gather)(const CLRS_GLOBAL CLRS_ST *gout, clrs_i64 gbase,
                                               clrs_i64 sz, clrs_i64 sy, clrs_i64 sx, clrs_i64 oW,
                                               clrs_i64 oH, const CLRS_GLOBAL clrs_i64 *start,
                                               const CLRS_GLOBAL clrs_i32 *point,
                                               const CLRS_GLOBAL CLRS_ACC *weight, clrs_i64 row,
                                               CLRS_GLOBAL CLRS_ST *gin, clrs_i64 gin_off)
{
    CLRS_ACC acc = (CLRS_ACC)0;
    clrs_i64 e;
    for (e = start[row]; e < start[row + 1]; e++) {
        const clrs_i64 p = point[e], ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
        acc += weight[e] * CLRS_LOAD(gout, gbase + oz * sz + oy * sy + ox * sx);
    }
    CLRS_STORE(gin, gin_off, acc);
}

/* ---- affine_grid -------------------------------------------------------------------------
 * grid[n, (d,) h, w, i] = sum_j theta[n, i, j] * base_j with base = (x_w, y_h[, z_d], 1). */
CLRS_INLINE CLRS_ACC CLRS_FN(clrs_affine_point)(const CLRS_GLOBAL CLRS_ST *theta, clrs_i64 tbase,
                                                clrs_i64 ts_i, clrs_i64 ts_j, int dims, int i,
                                                const CLRS_ACC base[4])
{
    CLRS_ACC acc = (CLRS_ACC)0;
    int j;
    for (j = 0; j <= dims; j++) acc += base[j] * CLRS_LOAD(theta, tbase + i * ts_i + j * ts_j);
    return acc;
}

/* ---- max pooling --------------------------------------------------------------------------
 * Axes as for the gather: (N, C, axis 0, 1, 2) with unit leading axes; geom holds per axis
 * g[0..2] = in, g[3..5] = out, g[6..8] = kernel, g[9..11] = stride, g[12..14] = padding,
 * g[15..17] = dilation. */

/* = cpu_max_pool: the max of output (o0, o1, o2)'s window and its flat index in the plane;
 * NaN wins (a later NaN replaces an earlier one), among equal values the first wins. */
CLRS_INLINE void CLRS_FN(clrs_max_pool_point)(const CLRS_GLOBAL CLRS_ST *x, clrs_i64 base,
                                              clrs_i64 s0, clrs_i64 s1, clrs_i64 s2,
                                              const clrs_i64 *g, clrs_i64 o0, clrs_i64 o1,
                                              clrs_i64 o2, CLRS_ACC *maxval, clrs_i64 *maxidx)
{
    const clrs_i64 a0 = clrs_pool_first(o0, g[9], g[12], g[15]);
    const clrs_i64 a1 = clrs_pool_first(o1, g[10], g[13], g[16]);
    const clrs_i64 a2 = clrs_pool_first(o2, g[11], g[14], g[17]);
    const clrs_i64 e0 = clrs_pool_end(o0, g[0], g[6], g[9], g[12], g[15]);
    const clrs_i64 e1 = clrs_pool_end(o1, g[1], g[7], g[10], g[13], g[16]);
    const clrs_i64 e2 = clrs_pool_end(o2, g[2], g[8], g[11], g[14], g[17]);
    clrs_i64 i0, i1, i2;
    CLRS_ACC best = -(CLRS_ACC)INFINITY;
    clrs_i64 bi = (a0 * g[1] + a1) * g[2] + a2;
    for (i0 = a0; i0 < e0; i0 += g[15])
        for (i1 = a1; i1 < e1; i1 += g[16])
            for (i2 = a2; i2 < e2; i2 += g[17]) {
                const CLRS_ACC v = CLRS_LOAD(x, base + i0 * s0 + i1 * s1 + i2 * s2);
                if (v > best || v != v) {
                    best = v;
                    bi = (i0 * g[1] + i1) * g[2] + i2;
                }
            }
    *maxval = best;
    *maxidx = bi;
}

/* The gradient of input (i0, i1, i2): the sum of grad_output over the outputs whose window
 * holds it and whose index is it, in increasing output order (= ATen's sequential scatter). */
CLRS_INLINE CLRS_ACC CLRS_FN(clrs_max_pool_grad_point)(const CLRS_GLOBAL CLRS_ST *gout,
                                                       clrs_i64 gbase, clrs_i64 gs0, clrs_i64 gs1,
                                                       clrs_i64 gs2,
                                                       const CLRS_GLOBAL clrs_i64 *idx,
                                                       clrs_i64 ibase, clrs_i64 is0, clrs_i64 is1,
                                                       clrs_i64 is2, const clrs_i64 *g,
                                                       clrs_i64 i0, clrs_i64 i1, clrs_i64 i2)
{
    clrs_i64 r0[CLRS_POOL_MAX_K], r1[CLRS_POOL_MAX_K], r2[CLRS_POOL_MAX_K];
    const int n0 = clrs_pool_readers(i0, g[3], g[6], g[9], g[12], g[15], r0);
    const int n1 = clrs_pool_readers(i1, g[4], g[7], g[10], g[13], g[16], r1);
    const int n2 = clrs_pool_readers(i2, g[5], g[8], g[11], g[14], g[17], r2);
    const clrs_i64 flat = (i0 * g[1] + i1) * g[2] + i2;
    CLRS_ACC acc = (CLRS_ACC)0;
    int a, b, c;
    for (a = 0; a < n0; a++)
        for (b = 0; b < n1; b++)
            for (c = 0; c < n2; c++)
                if (idx[ibase + r0[a] * is0 + r1[b] * is1 + r2[c] * is2] == flat)
                    acc += CLRS_LOAD(gout, gbase + r0[a] * gs0 + r1[b] * gs1 + r2[c] * gs2);
    return acc;
}

#undef CLRS_FN
#undef CLRS_CAT
#undef CLRS_CAT_
