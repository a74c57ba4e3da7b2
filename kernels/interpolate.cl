/* interpolate.cl — the separable gather kernel of interpolate, forward and backward.
 *
 * One work-item per destination element, or the two passes through a scratch buffer, or (for
 * CPU devices) the band kernel: a work-group's rows through local memory. The plan's tables say
 * which source elements feed each destination and with which weights (forward: output <-
 * input; backward: grad_input <- grad_output through the transposed tables). All arithmetic
 * is in resample_math.h.
 * CLRS_DTYPE selects the storage type: 0 f32, 1 f64, 2 f16, 3 bf16 (the clrs_dtype values). */
#include "resample_math.h"

#include "kernel_dtype.h"

/* Global range: (O2, O1, C * O0 * N) — the fastest-varying destination axis in dimension 0.
 * Strides and offsets are in elements; sizes and strides are 64-bit. */
__kernel void clrs_interpolate_gather(__global const ST *src, long src_off,
                                      long sn, long sc, long s0, long s1, long s2,
                                      __global ST *dst, long dst_off,
                                      long dn, long dc, long d0, long d1, long d2,
                                      long C, long O0, long O1, long O2,
                                      __global const int *tab, __global const ACC *wt)
{
    const long o2 = (long)get_global_id(0), o1 = (long)get_global_id(1);
    const long z = (long)get_global_id(2);
    long o0, c, n;
    if (o2 >= O2 || o1 >= O1) return;
    o0 = z % O0;
    c = (z / O0) % C;
    n = z / (O0 * C);
    SFX(clrs_gather_point)(src, src_off + n * sn + c * sc, s0, s1, s2, dst, dst_off + n * dn + c * dc,
                 d0, d1, d2, tab, wt, o0, o1, o2);
}

/* ---- two passes: rows along axis 2 first, then axes 1 and 0 ----------------------------------
 * The same sums in the same order as clrs_gather_point (resample_math_body.h): the axis-2 sum of
 * every source row (plane, i0, i1) is computed once into tmp, then each destination element
 * sums its axis-1 and axis-0 taps over tmp. The host picks this when it does less work than
 * the one-pass gather (many taps: cubic, antialias, area, and every 3-D linear). IDX is int
 * when the host found every offset below 2^31 (CLRS_IDX32), else long. */
#ifdef CLRS_IDX32
#define IDX int
#else
#define IDX long
#endif

/* CLRS_VEC destinations per work-item along axis 2 (1, 2, 4, 8 or 16: a tuning parameter,
 * lib/tune.c); every lane does the same sums in the same order, so the results do not depend
 * on it. */
#ifndef CLRS_VEC
#define CLRS_VEC 4
#endif
#define CLRS_VCAT_(a, b) a##b
#define CLRS_VCAT(a, b) CLRS_VCAT_(a, b)
#if CLRS_VEC == 1
#define ACCV ACC
#define VLOADV(p) (*(p))
#define VSTOREV(v, p) (*(p) = (v))
#else
#if CLRS_DTYPE == 1
#define ACCV CLRS_VCAT(double, CLRS_VEC)
#else
#define ACCV CLRS_VCAT(float, CLRS_VEC)
#endif
#define VLOADV(p) CLRS_VCAT(vload, CLRS_VEC)(0, (p))
#define VSTOREV(v, p) CLRS_VCAT(vstore, CLRS_VEC)((v), 0, (p))
#endif

/* The axis-2 sum of destination o2 over the source row starting at element base. */
CLRS_INLINE ACC clrs_row_sum(__global const ST *src, IDX base, long s2, __global const int *tab,
                             __global const ACC *wt, IDX o2)
{
    const int k2 = CLRS_TAPS2 ? CLRS_TAPS2 : tab[10];
    const int n2 = CLRS_TAPS2 ? CLRS_TAPS2 : tab[tab[8] + o2];
    __global const int *ix2 = tab + tab[9] + o2 * k2;
    __global const ACC *w2 = wt + tab[11] + o2 * k2;
    ACC acc = (ACC)0;
    int t;
    for (t = 0; t < n2; t++) acc += w2[t] * LOAD(src, base + (IDX)ix2[t] * (IDX)s2);
    return acc;
}

/* Global range (ceil(O2 / CLRS_VEC), S1, planes * S0); tmp is [planes][S0][S1][O2] in ACC.
 * Each work-item sums CLRS_VEC neighbouring destinations along axis 2 (stored one by one:
 * PoCL 3.1 miscompiled a vector built in a private array, see docs/ARCHITECTURE.md). */
__kernel void clrs_interpolate_rows(__global const ST *src, long src_off,
                                    long sn, long sc, long s0, long s1, long s2,
                                    long C, long S0, long S1, long O2,
                                    __global const int *tab, __global const ACC *wt,
                                    __global ACC *tmp)
{
    const IDX v2 = (IDX)get_global_id(0) * CLRS_VEC, i1 = (IDX)get_global_id(1), z = (IDX)get_global_id(2);
    if (v2 >= (IDX)O2) return;
    const IDX i0 = z % (IDX)S0, p = z / (IDX)S0;
    const IDX base = (IDX)src_off + (p / (IDX)C) * (IDX)sn + (p % (IDX)C) * (IDX)sc + i0 * (IDX)s0 +
                     i1 * (IDX)s1;
    __global ACC *out = tmp + (z * (IDX)S1 + i1) * (IDX)O2;
    const IDX end = v2 + CLRS_VEC <= (IDX)O2 ? v2 + CLRS_VEC : (IDX)O2;
    IDX o2;
    for (o2 = v2; o2 < end; o2++) out[o2] = clrs_row_sum(src, base, s2, tab, wt, o2);
}

/* Global range (ceil(O2 / CLRS_VEC), O1, planes * O0): each work-item sums CLRS_VEC neighbouring
 * destination elements along axis 2 as one vector (vload / vstore along the row when the row
 * is contiguous and complete, element by element at its end). */
__kernel void clrs_interpolate_cols(__global const ACC *tmp, long C, long S0, long S1,
                                    __global ST *dst, long dst_off,
                                    long dn, long dc, long d0, long d1, long d2,
                                    long O0, long O2,
                                    __global const int *tab, __global const ACC *wt)
{
    const IDX v2 = (IDX)get_global_id(0) * CLRS_VEC, o1 = (IDX)get_global_id(1), z = (IDX)get_global_id(2);
    if (v2 >= (IDX)O2) return;
    const IDX o0 = z % (IDX)O0, p = z / (IDX)O0;
    const int k0 = CLRS_TAPS0 ? CLRS_TAPS0 : tab[2], k1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[6];
    const int n0 = CLRS_TAPS0 ? CLRS_TAPS0 : tab[tab[0] + o0];
    const int n1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[tab[4] + o1];
    __global const int *ix0 = tab + tab[1] + o0 * k0;
    __global const int *ix1 = tab + tab[5] + o1 * k1;
    __global const ACC *w0 = wt + tab[3] + o0 * k0;
    __global const ACC *w1 = wt + tab[7] + o1 * k1;
    const IDX dbase = (IDX)dst_off + (p / (IDX)C) * (IDX)dn + (p % (IDX)C) * (IDX)dc + o0 * (IDX)d0 + o1 * (IDX)d1;
    int t0, t1;
    if (v2 + CLRS_VEC <= (IDX)O2) {
        ACCV acc0 = (ACCV)0;
        for (t0 = 0; t0 < n0; t0++) {
            const IDX b0 = (p * (IDX)S0 + (IDX)ix0[t0]) * (IDX)S1;
            ACCV acc1 = (ACCV)0;
            for (t1 = 0; t1 < n1; t1++) acc1 += w1[t1] * VLOADV(tmp + (b0 + (IDX)ix1[t1]) * (IDX)O2 + v2);
            acc0 += w0[t0] * acc1;
        }
#if CLRS_DTYPE <= 1
        if (d2 == 1) {
            VSTOREV(acc0, dst + dbase + v2);
            return;
        }
#endif
#if CLRS_VEC == 1
        STORE(dst, dbase + v2 * (IDX)d2, acc0);
#else
        STORE(dst, dbase + v2 * (IDX)d2, acc0.s0);
        STORE(dst, dbase + (v2 + 1) * (IDX)d2, acc0.s1);
#if CLRS_VEC >= 4
        STORE(dst, dbase + (v2 + 2) * (IDX)d2, acc0.s2);
        STORE(dst, dbase + (v2 + 3) * (IDX)d2, acc0.s3);
#endif
#if CLRS_VEC >= 8
        STORE(dst, dbase + (v2 + 4) * (IDX)d2, acc0.s4);
        STORE(dst, dbase + (v2 + 5) * (IDX)d2, acc0.s5);
        STORE(dst, dbase + (v2 + 6) * (IDX)d2, acc0.s6);
        STORE(dst, dbase + (v2 + 7) * (IDX)d2, acc0.s7);
#endif
#if CLRS_VEC >= 16
        STORE(dst, dbase + (v2 + 8) * (IDX)d2, acc0.s8);
        STORE(dst, dbase + (v2 + 9) * (IDX)d2, acc0.s9);
        STORE(dst, dbase + (v2 + 10) * (IDX)d2, acc0.sa);
        STORE(dst, dbase + (v2 + 11) * (IDX)d2, acc0.sb);
        STORE(dst, dbase + (v2 + 12) * (IDX)d2, acc0.sc);
        STORE(dst, dbase + (v2 + 13) * (IDX)d2, acc0.sd);
        STORE(dst, dbase + (v2 + 14) * (IDX)d2, acc0.se);
        STORE(dst, dbase + (v2 + 15) * (IDX)d2, acc0.sf);
#endif
#endif
        return;
    }
    for (IDX o2 = v2; o2 < (IDX)O2; o2++) {
        ACC acc0 = (ACC)0;
        for (t0 = 0; t0 < n0; t0++) {
            const IDX b0 = (p * (IDX)S0 + (IDX)ix0[t0]) * (IDX)S1;
            ACC acc1 = (ACC)0;
            for (t1 = 0; t1 < n1; t1++) acc1 += w1[t1] * tmp[(b0 + (IDX)ix1[t1]) * (IDX)O2 + o2];
            acc0 += w0[t0] * acc1;
        }
        STORE(dst, dbase + o2 * (IDX)d2, acc0);
    }
}

/* ---- band: the two passes fused through local memory (for CPU devices) ----------------------
 * A work-group computes a band of `rows` destination rows along axis 1 of one
 * (plane, o0), over a segment of the row: first the axis-2 sums of every source row the band
 * reads, each once, into local memory; then each destination row's axis-1 sum over them, times
 * the one axis-0 weight. The sums and their order are clrs_gather_point's (each from 0, taps in
 * order), so the results are bit-identical to the other variants. Every work-item loops along
 * the row: those loops are what PoCL vectorises (its loop over the work-items of a group does
 * not vectorise the one-element bodies of the other kernels).
 * Row element j of a row of L elements is (o2, c) = (j / CB, j % CB) — CB channels interleaved
 * when the destination is channels-last, else 1 — and takes its axis-2 taps from a host-built
 * table laid out tap-major: source offset roff[t * L + j] from the row's base, weight
 * rw[t * L + j], and with varying counts (CLRS_TAPS2 = 0) rcnt[j] of them. band[2b], band[2b+1]:
 * the first source row (axis 1) band b reads and how many rows from it. Destination element j
 * is at dbase + j * dj. Global range (LW * segments, bands, planes * O0), local (LW, 1, 1);
 * h holds span_max x SEG sums, then (varying axis-1 counts) LW rows of SEG for the axis-1 sums. */
__kernel void clrs_interpolate_band(__global const ST *restrict src, long src_off, long sn, long sc, long s0,
                                    long s1, __global ST *restrict dst, long dst_off, long dn, long dc, long d0,
                                    long d1, long dj, long Cp, long O0, long O1, long L, long SEG, int rows,
                                    int span_max, __global const int *restrict tab,
                                    __global const ACC *restrict wt, __global const int *restrict band,
                                    __global const int *restrict roff, __global const ACC *restrict rw,
                                    __global const int *restrict rcnt, __local ACC *restrict h)
{
    const int lid = (int)get_local_id(0), LW = (int)get_local_size(0);
    const long z = (long)get_global_id(2), o0 = z % O0, p = z / O0;
    const int b = (int)get_group_id(1);
    const long j0 = (long)get_group_id(0) * SEG;
    const int jn = (int)(L - j0 < SEG ? L - j0 : SEG);
    const int k0 = tab[2], k1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[6];
    const int k2 = CLRS_TAPS2 ? CLRS_TAPS2 : tab[10];
    const long i0 = tab[tab[1] + o0 * k0];
    const ACC w0 = wt[tab[3] + o0 * k0];
    const int lo = band[2 * b], span = band[2 * b + 1];
    const long sbase = src_off + (p / Cp) * sn + (p % Cp) * sc + i0 * s0;
    __global const int *ro = roff + j0;
    __global const ACC *rwj = rw + j0;
    int r, jj, t;
    /* the axis-2 sums of source rows lo .. lo + span - 1 */
    for (r = lid; r < span; r += LW) {
        __global const ST *sr = src + sbase + (long)(lo + r) * s1;
        __local ACC *hr = h + r * SEG;
#if CLRS_TAPS2
        for (jj = 0; jj < jn; jj++) {
            ACC acc = (ACC)0;
            for (t = 0; t < CLRS_TAPS2; t++) acc += rwj[t * L + jj] * LOAD(sr, ro[t * L + jj]);
            hr[jj] = acc;
        }
#else
        /* counts that vary (antialias, backward): a sum in a register per element (measured
         * ~1.2-1.6x faster on PoCL than a masked vector loop per tap over the local row) */
        __global const int *cnt = rcnt + j0;
        for (jj = 0; jj < jn; jj++) {
            const int nn = cnt[jj];
            ACC acc = (ACC)0;
            for (t = 0; t < nn; t++) acc += rwj[t * L + jj] * LOAD(sr, ro[t * L + jj]);
            hr[jj] = acc;
        }
#endif
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    {
        const long y_end = (long)(b + 1) * rows < O1 ? (long)(b + 1) * rows : O1;
        long y;
        for (y = (long)b * rows + lid; y < y_end; y += LW) {
            const int n1 = CLRS_TAPS1 ? CLRS_TAPS1 : tab[tab[4] + y];
            __global const int *ix1 = tab + tab[5] + y * k1;
            __global const ACC *w1 = wt + tab[7] + y * k1;
            __global ST *d = dst + dst_off + (p / Cp) * dn + (p % Cp) * dc + o0 * d0 + y * d1 + j0 * dj;
#if CLRS_TAPS1 == 2
            const ACC wa = w1[0], wb = w1[1];
            __local const ACC *ha = h + (ix1[0] - lo) * SEG, *hb = h + (ix1[1] - lo) * SEG;
            for (jj = 0; jj < jn; jj++) {
                ACC acc1 = (ACC)0;
                acc1 += wa * ha[jj];
                acc1 += wb * hb[jj];
                STORE(d, jj * dj, (ACC)0 + w0 * acc1);
            }
#elif CLRS_TAPS1 == 4
            const ACC wa = w1[0], wb = w1[1], wc = w1[2], wd = w1[3];
            __local const ACC *ha = h + (ix1[0] - lo) * SEG, *hb = h + (ix1[1] - lo) * SEG;
            __local const ACC *hc = h + (ix1[2] - lo) * SEG, *hd = h + (ix1[3] - lo) * SEG;
            for (jj = 0; jj < jn; jj++) {
                ACC acc1 = (ACC)0;
                acc1 += wa * ha[jj];
                acc1 += wb * hb[jj];
                acc1 += wc * hc[jj];
                acc1 += wd * hd[jj];
                STORE(d, jj * dj, (ACC)0 + w0 * acc1);
            }
#else
            /* any count: the axis-1 sums accumulate in this work-item's local row */
            __local ACC *a = h + span_max * SEG + lid * SEG;
            for (jj = 0; jj < jn; jj++) a[jj] = (ACC)0;
            for (t = 0; t < n1; t++) {
                const ACC wv = w1[t];
                __local const ACC *hv = h + (ix1[t] - lo) * SEG;
                for (jj = 0; jj < jn; jj++) a[jj] += wv * hv[jj];
            }
            for (jj = 0; jj < jn; jj++) STORE(d, jj * dj, (ACC)0 + w0 * a[jj]);
#endif
        }
    }
}

#if CLRS_DTYPE == 5
/* ---- uint8 bilinear / bicubic / lanczos: one of PyTorch's int16 passes -----------------------
 * Resamples tensor dim `axis` (2 = H, 3 = W) of src (strides n, c, h, w; the unused spatial
 * stride of the 5-stride form is skipped) into dst of shape (N, C, OH, OW) with the pass table
 * at tab + tab_off (resample_math_u8.h). Global range (OW, OH, N * C). */
__kernel void clrs_interpolate_u8_pass(__global const uchar *src, long src_off,
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
#endif
