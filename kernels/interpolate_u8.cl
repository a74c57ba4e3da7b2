/* interpolate_u8.cl — the CPU-shaped uint8 pass of bilinear / bicubic / lanczos interpolate
 * (PyTorch's int16 arithmetic, resample_math_u8.h): the same bytes as clrs_interpolate_u8_pass
 * in interpolate.cl, laid out for PoCL's work-item loops.
 *
 * The host orders the four tensor axes of a pass by the destination's strides (a0 the
 * innermost) and folds a0 and a1 into global dimension 0, so that neighbouring work-items write
 * neighbouring bytes (and, when the resampled axis is not a0, read neighbouring bytes with the
 * same taps). Each work-item makes CLRS_VEC consecutive destinations of that folded range; the
 * tap loop has the constant bound CLRS_U8_KA (first kernel) or CLRS_U8_KB (second), the pass
 * table's weights per destination, masked past each destination's count (clrs_u8_sum_fixed).
 * IDX is int when the host found every offset below 2^31 (CLRS_IDX32), else long. */
#include "resample_math.h"

#ifdef CLRS_IDX32
#define IDX int
#else
#define IDX long
#endif
#ifndef CLRS_VEC
#define CLRS_VEC 4
#endif

/* Global range (ceil(E0 * E1 / CLRS_VEC), E2, E3). Axis ai has size Ei, source stride si and
 * destination stride di; mi is 1 on the resampled axis and 0 elsewhere (its si is 0: the taps
 * step along it by `step`). The pass table is at tabs + tab_off. */
#define CLRS_U8_PASS_KERNEL(NAME, KMAX)                                                                 \
    __kernel void NAME(__global const uchar *restrict src, long src_off, long s0, long s1, long s2, long s3,     \
                       __global uchar *restrict dst, long dst_off, long d0, long d1, long d2, long d3, long E0, \
                       long E1, int m0, int m1, int m2, int m3, long step, __global const int *restrict tabs, \
                       long tab_off)                                                                    \
    {                                                                                                   \
        __global const int *tab = tabs + tab_off;                                                       \
        const IDX total = (IDX)E0 * (IDX)E1, i0 = (IDX)get_global_id(0) * CLRS_VEC;                    \
        const IDX a2 = (IDX)get_global_id(1), a3 = (IDX)get_global_id(2);                               \
        const IDX sb = (IDX)src_off + a2 * (IDX)s2 + a3 * (IDX)s3;                                      \
        const IDX db = (IDX)dst_off + a2 * (IDX)d2 + a3 * (IDX)d3;                                      \
        int j;                                                                                          \
        for (j = 0; j < CLRS_VEC; j++) {                                                                \
            const IDX i = i0 + j, a0 = i % (IDX)E0, a1 = i / (IDX)E0;                                   \
            const IDX o = a0 * m0 + a1 * m1 + a2 * m2 + a3 * m3;                                        \
            if (i >= total) break;                                                                      \
            dst[db + a0 * (IDX)d0 + a1 * (IDX)d1] = clrs_u8_sum_fixed(                                  \
                src + sb + a0 * (IDX)s0 + a1 * (IDX)s1 + (IDX)tab[CLRS_U8_HDR + o] * (IDX)step, step,   \
                tab, o, KMAX);                                                                          \
        }                                                                                               \
    }

CLRS_U8_PASS_KERNEL(clrs_interpolate_u8_fixed_a, CLRS_U8_KA)
CLRS_U8_PASS_KERNEL(clrs_interpolate_u8_fixed_b, CLRS_U8_KB)

/* Global range (E0, E1, E2 * E3), the resampled axis one of a1, a2, a3 (m0 is 0): the
 * destination's taps, weights and count are the same for every work-item along dimension 0.
 * The tap loop has the constant bound KMAX and unrolls, so the body has no loop and PoCL can
 * run it across work-items as vectors; UNIT (CLRS_U8_UA / CLRS_U8_UB) 1 says a0 has stride 1
 * in both tensors, so that the vectoriser sees neighbouring work-items read and write
 * neighbouring bytes. */
#define CLRS_U8_ROWS_KERNEL(NAME, KMAX, UNIT)                                                               \
    __kernel void NAME(__global const uchar *restrict src, long src_off, long s0, long s1, long s2, long s3,     \
                       __global uchar *restrict dst, long dst_off, long d0, long d1, long d2, long d3, long E0, \
                       long E2, int m0, int m1, int m2, int m3, long step, __global const int *restrict tabs, \
                       long tab_off)                                                                    \
    {                                                                                                   \
        __global const int *tab = tabs + tab_off;                                                       \
        const IDX a0 = (IDX)get_global_id(0), a1 = (IDX)get_global_id(1), z = (IDX)get_global_id(2);    \
        const IDX a2 = z % (IDX)E2, a3 = z / (IDX)E2, o = a1 * m1 + a2 * m2 + a3 * m3;                  \
        if (a0 >= (IDX)E0) return;                                                                      \
        dst[(IDX)dst_off + a0 * (IDX)(UNIT ? 1 : d0) + a1 * (IDX)d1 + a2 * (IDX)d2 + a3 * (IDX)d3] = clrs_u8_sum_fixed( \
            src + (IDX)src_off + a0 * (IDX)(UNIT ? 1 : s0) + a1 * (IDX)s1 + a2 * (IDX)s2 + a3 * (IDX)s3 +            \
                (IDX)tab[CLRS_U8_HDR + o] * (IDX)step,                                                  \
            step, tab, o, KMAX);                                                                        \
    }

CLRS_U8_ROWS_KERNEL(clrs_interpolate_u8_rows_a, CLRS_U8_KA, CLRS_U8_UA)
CLRS_U8_ROWS_KERNEL(clrs_interpolate_u8_rows_b, CLRS_U8_KB, CLRS_U8_UB)
