/* resample_math_conv.h — the per-element index maps of transposed convolution, written once.
 *
 * Compiled as C99 by the host backend and as OpenCL C by kernels/conv_transpose.cl (the
 * conventions of resample_math.h: CLRS_GLOBAL, CLRS_INLINE, clrs_i64). The GEMMs run through
 * BLAS; what is left per element is the col2im gather of the forward (each output pixel sums
 * the column entries that map to it, in increasing kernel-tap order: deterministic, no
 * atomics) and the im2col gather of the backward (each column entry reads one grad_output
 * pixel or zero).
 *
 * Spatial axes are (D, H, W) = axis 0, 1, 2; with fewer spatial dims the leading axes are
 * units (in = out = k = s = d = 1, p = 0). The column matrix of one (batch entry, group) is
 * (C_out/g * K) x L: row r = co * K + kf with kf = (k0 * k[1] + k1) * k[2] + k2 (the layout
 * of PyTorch's weight (C_in, C_out/g, k...)), column i = (i0 * in[1] + i1) * in[2] + i2. */
#ifndef CLRS_RESAMPLE_MATH_CONV_H
#define CLRS_RESAMPLE_MATH_CONV_H

#include "resample_math.h"

/* Every member is a 64-bit integer, so the layout is the same in C and OpenCL C: the OpenCL
 * backend passes it by value as a kernel argument. */
typedef struct {
    clrs_i64 in[3], out[3], k[3], s[3], p[3], d[3]; /* per axis (D, H, W) */
    clrs_i64 G, Cin_g, Cout_g;                      /* groups, channels per group */
    clrs_i64 K, L, Lout;                            /* taps, input and output pixels */
} clrs_conv_geom;

/* The input index that kernel tap k of axis a carries to output index o, or -1: the o with
 * o = i * s - p + k * d for an i in [0, in). */
CLRS_INLINE clrs_i64 clrs_conv_tap(const clrs_conv_geom *g, int a, clrs_i64 o, clrs_i64 k)
{
    clrs_i64 t = o + g->p[a] - k * g->d[a];
    if (t < 0 || t % g->s[a] != 0) return -1;
    t /= g->s[a];
    return t < g->in[a] ? t : -1;
}

/* im2col, the backward's gather: column entry (row r, column i) of one group reads the
 * grad_output pixel (co, o0, o1, o2) of that group. Returns 0 (the entry is zero) when the
 * tap lands outside the output. */
CLRS_INLINE int clrs_conv_im2col_src(const clrs_conv_geom *g, clrs_i64 r, clrs_i64 i,
                                     clrs_i64 *co, clrs_i64 *o0, clrs_i64 *o1, clrs_i64 *o2)
{
    const clrs_i64 kf = r % g->K;
    const clrs_i64 k2 = kf % g->k[2], k1 = (kf / g->k[2]) % g->k[1], k0 = kf / (g->k[2] * g->k[1]);
    const clrs_i64 i2 = i % g->in[2], i1 = (i / g->in[2]) % g->in[1], i0 = i / (g->in[2] * g->in[1]);
    const clrs_i64 a = i0 * g->s[0] - g->p[0] + k0 * g->d[0];
    const clrs_i64 b = i1 * g->s[1] - g->p[1] + k1 * g->d[1];
    const clrs_i64 c = i2 * g->s[2] - g->p[2] + k2 * g->d[2];
    if (a < 0 || a >= g->out[0] || b < 0 || b >= g->out[1] || c < 0 || c >= g->out[2]) return 0;
    *co = r / g->K;
    *o0 = a;
    *o1 = b;
    *o2 = c;
    return 1;
}

/* col2im, the forward's gather: the sum over the kernel taps (k0, k1, k2 increasing) of the
 * column entries that land on output pixel (o0, o1, o2) of channel co (within its group).
 * cols + base is the group's column matrix; R is float (f32, f16, bf16) or double (f64). */
#define CLRS_CONV_COL2IM_DEF(R, SFX)                                                           \
    CLRS_INLINE R clrs_conv_col2im_##SFX(const CLRS_GLOBAL R *cols, clrs_i64 base,              \
                                         const clrs_conv_geom *g, clrs_i64 co, clrs_i64 o0,     \
                                         clrs_i64 o1, clrs_i64 o2)                              \
    {                                                                                          \
        R acc = (R)0;                                                                          \
        clrs_i64 k0, k1, k2;                                                                   \
        for (k0 = 0; k0 < g->k[0]; k0++) {                                                     \
            const clrs_i64 i0 = clrs_conv_tap(g, 0, o0, k0);                                   \
            if (i0 < 0) continue;                                                              \
            for (k1 = 0; k1 < g->k[1]; k1++) {                                                 \
                const clrs_i64 i1 = clrs_conv_tap(g, 1, o1, k1);                               \
                if (i1 < 0) continue;                                                          \
                for (k2 = 0; k2 < g->k[2]; k2++) {                                             \
                    const clrs_i64 i2 = clrs_conv_tap(g, 2, o2, k2);                           \
                    const clrs_i64 kf = (k0 * g->k[1] + k1) * g->k[2] + k2;                    \
                    if (i2 < 0) continue;                                                      \
                    acc += cols[base + (co * g->K + kf) * g->L + (i0 * g->in[1] + i1) * g->in[2] + i2]; \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
        return acc;                                                                            \
    }

CLRS_CONV_COL2IM_DEF(float, f)
#if CLRS_HAVE_DOUBLE
CLRS_CONV_COL2IM_DEF(double, d)
#endif

#endif /* CLRS_RESAMPLE_MATH_CONV_H */
