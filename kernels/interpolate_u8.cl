/* interpolate_u8.cl — the CPU-shaped uint8 passes of bilinear / bicubic / lanczos interpolate
 * (PyTorch's int16 arithmetic, resample_math_u8.h): the same bytes as clrs_interpolate_u8_pass
 * in interpolate.cl, laid out for PoCL, which runs a work-group as a loop over its work-items
 * and here did not vectorise that loop by itself (docs/PERFORMANCE.md, session 2).
 *
 * A pass whose resampled axis is not the destination's innermost (the H pass; the W pass of a
 * channels-last image) goes to clrs_interpolate_u8_rows_a / _b: the host orders the pass' four
 * tensor axes by the destination's strides, folds axes that continue each other in both
 * tensors (channels and columns of a channels-last image), and each work-item sums CLRS_VEC
 * neighbouring bytes that share their taps as one int vector. A pass along the innermost axis
 * (each byte its own taps) goes to clrs_interpolate_u8_point, one work-item per byte.
 * IDX is int when the host found every offset below 2^31 (CLRS_IDX32), else long. */
#include "resample_math.h"

#ifdef CLRS_IDX32
#define IDX int
#else
#define IDX long
#endif
#ifndef CLRS_VEC
#define CLRS_VEC 16
#endif

/* A pass along the destination's innermost axis (a W pass of a planar image, where each byte
 * has its own taps): one work-item per byte as clrs_interpolate_u8_pass in interpolate.cl,
 * with the same arguments (strides n, c, h, w; global range (OW, OH, N * C)). Folding the axes
 * and a tap loop with a constant bound and masks were slower on PoCL 3.1 (docs/PERFORMANCE.md). */
__kernel void clrs_interpolate_u8_point(__global const uchar *src, long src_off,
                                        long sn, long sc, long s0, long sh, long sw,
                                        __global uchar *dst, long dst_off,
                                        long dn, long dc, long d0, long dh, long dw,
                                        long C, long OH, long OW, int axis,
                                        __global const int *tab, long tab_off)
{
    const long x = (long)get_global_id(0), y = (long)get_global_id(1), z = (long)get_global_id(2);
    if (x >= OW || y >= OH) return;
    clrs_u8_pass_point(src, src_off, sn, sc, sh, sw, dst, dst_off, dn, dc, dh, dw, C, axis, tab + tab_off, x, y, z);
}

/* CLRS_VEC bytes as one vector (rows kernels with UNIT): the tap sum of clrs_u8_pass_block with
 * the destination's (uniform) weights, and clrs_u8_round lane by lane: a negative sum shifts to a
 * negative value and clamps to 0, as clrs_u8_round returns 0 for it. */
#define U8_CAT_(a, b) a##b
#define U8_CAT(a, b) U8_CAT_(a, b)
#if CLRS_VEC > 1
#define U8_INTV U8_CAT(int, CLRS_VEC)
#define U8_VLOAD U8_CAT(vload, CLRS_VEC)
#define U8_VSTORE U8_CAT(vstore, CLRS_VEC)
#define U8_TO_INT U8_CAT(convert_int, CLRS_VEC)
#define U8_TO_UCHAR U8_CAT(convert_uchar, CLRS_VEC)
#endif

/* Global range (ceil(E0 / W), E1, E2 * E3) with W = CLRS_VEC when UNIT, else 1; the resampled
 * axis one of a1, a2, a3 (m0 is 0): the destination's taps, weights and count are the same for
 * every work-item along dimension 0. UNIT (CLRS_U8_UA / CLRS_U8_UB) 1 says a0 has stride 1 in
 * both tensors: each work-item then sums CLRS_VEC neighbouring bytes as one vector (the last,
 * partial run byte by byte). */
#if CLRS_VEC > 1
#define U8_ROWS_VECTOR(UNIT)                                                                            \
    if (UNIT) {                                                                                         \
        const IDX b0 = a0 * CLRS_VEC;                                                                   \
        __global const uchar *s = src + sb + (IDX)tab[CLRS_U8_HDR + o] * (IDX)step;                     \
        if (b0 >= (IDX)E0) return;                                                                      \
        if (b0 + CLRS_VEC <= (IDX)E0) {                                                                 \
            const IDX n = tab[0], k = tab[1];                                                           \
            const int p = tab[2], cnt = tab[CLRS_U8_HDR + n + o];                                       \
            __global const int *w = tab + CLRS_U8_HDR + 2 * n + o * k;                                  \
            U8_INTV acc = (U8_INTV)(1 << (p - 1));                                                      \
            int t;                                                                                      \
            for (t = 0; t < cnt; t++) acc += w[t] * U8_TO_INT(U8_VLOAD(0, s + b0 + (IDX)t * (IDX)step)); \
            U8_VSTORE(U8_TO_UCHAR(clamp(acc >> p, (U8_INTV)0, (U8_INTV)255)), 0, dst + db + b0);        \
        } else {                                                                                        \
            IDX j;                                                                                      \
            for (j = b0; j < (IDX)E0; j++) clrs_u8_pass_block(src, sb + j, step, 0, 1, tab, o, dst + db + j, 0); \
        }                                                                                               \
        return;                                                                                         \
    }
#else
#define U8_ROWS_VECTOR(UNIT)
#endif
/* CLRS_U8_CA / CLRS_U8_CB (2, 3 or 4; else 0): a0 is a whole run of that many bytes with stride 1
 * (the channels of a channels-last pixel in a W pass); one work-item (dimension 0 of size 1)
 * sums them as one vector. */
#define U8_CHAN(CH)                                                                                     \
    {                                                                                                   \
        __global const uchar *s = src + sb + (IDX)tab[CLRS_U8_HDR + o] * (IDX)step;                     \
        const IDX n = tab[0], k = tab[1];                                                               \
        const int p = tab[2], cnt = tab[CLRS_U8_HDR + n + o];                                           \
        __global const int *w = tab + CLRS_U8_HDR + 2 * n + o * k;                                      \
        U8_CAT(int, CH) acc = (U8_CAT(int, CH))(1 << (p - 1));                                          \
        int t;                                                                                          \
        for (t = 0; t < cnt; t++) acc += w[t] * U8_CAT(convert_int, CH)(U8_CAT(vload, CH)(0, s + (IDX)t * (IDX)step)); \
        U8_CAT(vstore, CH)(U8_CAT(convert_uchar, CH)(clamp(acc >> p, (U8_CAT(int, CH))0, (U8_CAT(int, CH))255)), 0, dst + db); \
        return;                                                                                         \
    }
#if CLRS_U8_CA >= 2 && CLRS_U8_CA <= 4
#define U8_CHAN_A U8_CHAN(CLRS_U8_CA)
#else
#define U8_CHAN_A
#endif
#if CLRS_U8_CB >= 2 && CLRS_U8_CB <= 4
#define U8_CHAN_B U8_CHAN(CLRS_U8_CB)
#else
#define U8_CHAN_B
#endif

#define CLRS_U8_ROWS_KERNEL(NAME, UNIT, CHAN)                                                               \
    __kernel void NAME(__global const uchar *restrict src, long src_off, long s0, long s1, long s2, long s3,     \
                       __global uchar *restrict dst, long dst_off, long d0, long d1, long d2, long d3, long E0, \
                       long E2, int m0, int m1, int m2, int m3, long step, __global const int *restrict tabs, \
                       long tab_off)                                                                    \
    {                                                                                                   \
        __global const int *tab = tabs + tab_off;                                                       \
        const IDX a0 = (IDX)get_global_id(0), a1 = (IDX)get_global_id(1), z = (IDX)get_global_id(2);    \
        const IDX a2 = z % (IDX)E2, a3 = z / (IDX)E2, o = a1 * m1 + a2 * m2 + a3 * m3;                  \
        const IDX sb = (IDX)src_off + a1 * (IDX)s1 + a2 * (IDX)s2 + a3 * (IDX)s3;                        \
        const IDX db = (IDX)dst_off + a1 * (IDX)d1 + a2 * (IDX)d2 + a3 * (IDX)d3;                        \
        CHAN                                                                                            \
        U8_ROWS_VECTOR(UNIT)                                                                            \
        if (a0 >= (IDX)E0) return;                                                                      \
        clrs_u8_pass_block(src, sb + a0 * (IDX)s0, step, 0, 1, tab, o, dst + db + a0 * (IDX)d0, 0);         \
    }

CLRS_U8_ROWS_KERNEL(clrs_interpolate_u8_rows_a, CLRS_U8_UA, U8_CHAN_A)
CLRS_U8_ROWS_KERNEL(clrs_interpolate_u8_rows_b, CLRS_U8_UB, U8_CHAN_B)
