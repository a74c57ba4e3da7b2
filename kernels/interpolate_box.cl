/* interpolate_box.cl — interpolate's two memory-bound special forms, run along rows
 * (opencl/interpolate.c picks them where the plan has them; the host row engine has the same
 * two, host/interpolate_rows.h rows_pick and rows_block):
 *   picks: every axis reads one source element with weight 1 (nearest and nearest-exact
 *     forward): the stored bits are copied;
 *   boxes: axis 0 a pick, axes 1 and 2 integer-factor blocks with one weight each (area at an
 *     integer factor, nearest's backward at an integer factor): each box summed in the host
 *     row engine's order, so both backends give the same bits.
 * Each work-item writes `run` neighbouring destinations of one row, with one multiply per
 * element: a CPU device (PoCL runs a work-group as a loop over its work-items) does far
 * better so than with one work-item per element and its table lookups; run = 1 is the GPU
 * shape. Tables as in resample_math_body.h (per axis a: tab[4a] counts, tab[4a + 1] indices,
 * tab[4a + 2] row length, tab[4a + 3] weights). CLRS_DTYPE as in interpolate.cl. */
#include "resample_math.h"

#include "kernel_dtype.h"

/* Compile-time forms (a short list: the loops unroll and vectorise along the row):
 * CLRS_BOX_K1 / CLRS_BOX_K2 the block sizes (0: the k1 / k2 arguments); CLRS_UNIT_ROWS 1 when
 * the source and destination rows are unit-stride (s2 = d2 = 1); CLRS_PICK_DUP2 1 when the
 * axis-2 pick is o2 / 2 (nearest 2x up). */
#ifndef CLRS_BOX_K1
#define CLRS_BOX_K1 0
#endif
#ifndef CLRS_BOX_K2
#define CLRS_BOX_K2 0
#endif
#ifndef CLRS_UNIT_ROWS
#define CLRS_UNIT_ROWS 0
#endif
#ifndef CLRS_PICK_DUP2
#define CLRS_PICK_DUP2 0
#endif
#define CLRS_VCAT_(a, b) a##b
#define CLRS_VCAT(a, b) CLRS_VCAT_(a, b)

/* Global range (ceil(O2 / run), O1, planes * O0). */
__kernel void clrs_interpolate_pick(__global const ST *src, long src_off, long sn, long sc, long s0, long s1,
                                    long s2, __global ST *dst, long dst_off, long dn, long dc, long d0,
                                    long d1, long d2, long C, long O0, long O2,
                                    __global const int *tab, long run)
{
    const long v = (long)get_global_id(0) * run, o1 = (long)get_global_id(1), z = (long)get_global_id(2);
    const long o0 = z % O0, p = z / O0;
    const long S2 = CLRS_UNIT_ROWS ? 1 : s2, D2 = CLRS_UNIT_ROWS ? 1 : d2;
    __global const int *ix2 = tab + tab[9];
    long o2, sb, db, end;
    if (v >= O2) return;
    end = v + run < O2 ? v + run : O2;
    sb = src_off + (p / C) * sn + (p % C) * sc + (long)tab[tab[1] + o0 * tab[2]] * s0 +
         (long)tab[tab[5] + o1 * tab[6]] * s1;
    db = dst_off + (p / C) * dn + (p % C) * dc + o0 * d0 + o1 * d1;
#if CLRS_PICK_DUP2
    o2 = v;
#if CLRS_UNIT_ROWS && CLRS_DTYPE <= 1
    /* eight destinations from four sources per step, as vectors (v is even: run is) */
    for (; o2 + 8 <= end; o2 += 8) vstore8(vload4(0, src + sb + (o2 >> 1)).s00112233, 0, dst + db + o2);
#endif
    for (; o2 < end; o2++) COPY(dst, db + o2 * D2, src, sb + (o2 >> 1) * S2);
#else
    for (o2 = v; o2 < end; o2++) COPY(dst, db + o2 * D2, src, sb + (long)ix2[o2] * S2);
#endif
}

/* Global range (ceil(O2 / run), O1, planes * O0). Destination (o1, o2) is the mean of source
 * rows o1 * k1 .. + k1 - 1, columns o2 * k2 .. + k2 - 1: each row's k2 elements added in
 * order, the row sums added in row order, the total scaled by the axis-2 then the axis-1
 * weight (= rows_block). */
__kernel void clrs_interpolate_block(__global const ST *src, long src_off, long sn, long sc, long s0, long s1,
                                     long s2, __global ST *dst, long dst_off, long dn, long dc, long d0,
                                     long d1, long d2, long C, long O0, long O2, long k1, long k2,
                                     __global const int *tab, __global const ACC *wt, long run)
{
    const long v = (long)get_global_id(0) * run, o1 = (long)get_global_id(1), z = (long)get_global_id(2);
    const long o0 = z % O0, p = z / O0;
    const ACC w1 = wt[tab[7]], w2 = wt[tab[11]];
    const long K1 = CLRS_BOX_K1 ? CLRS_BOX_K1 : k1, K2 = CLRS_BOX_K2 ? CLRS_BOX_K2 : k2;
    const long S2 = CLRS_UNIT_ROWS ? 1 : s2, D2 = CLRS_UNIT_ROWS ? 1 : d2;
    long o2, sb, db, end, t, j;
    if (v >= O2) return;
    end = v + run < O2 ? v + run : O2;
    sb = src_off + (p / C) * sn + (p % C) * sc + (long)tab[tab[1] + o0 * tab[2]] * s0 + o1 * K1 * s1;
    db = dst_off + (p / C) * dn + (p % C) * dc + o0 * d0 + o1 * d1;
    o2 = v;
#if CLRS_UNIT_ROWS && CLRS_DTYPE <= 1 && (CLRS_BOX_K2 == 2 || CLRS_BOX_K2 == 4)
    /* BOXV destinations per step, as vectors: the same additions in the same order, lane by
       lane (the even / odd lanes of a row are a destination's first / second element ...) */
#if CLRS_BOX_K2 == 2
#define BOXV 8
#define BOX_ROW(r) (CLRS_VCAT(vload, 16)(0, (r)).even + CLRS_VCAT(vload, 16)(0, (r)).odd)
#else
#define BOXV 8
#define BOX_ROW(r)                                                                               \
    (x4 = vload16(0, (r)), y4 = vload16(1, (r)),                                              \
     (((CLRS_VCAT(ST, 8))(x4.s048c, y4.s048c) + (CLRS_VCAT(ST, 8))(x4.s159d, y4.s159d)) +     \
      (CLRS_VCAT(ST, 8))(x4.s26ae, y4.s26ae)) + (CLRS_VCAT(ST, 8))(x4.s37bf, y4.s37bf))
#endif
    /* up to 8 vectors at a time, the k1 source rows one after the other: each row is read
       front to back (on dense planes the box's rows follow one another in memory, so the
       work-item streams through one run of memory) */
    while (o2 + BOXV <= end) {
        const int nv = (int)((end - o2) / BOXV < 8 ? (end - o2) / BOXV : 8);
        __global const ST *r0 = src + sb + o2 * CLRS_BOX_K2;
        CLRS_VCAT(ST, 16) x4, y4;
        CLRS_VCAT(ST, BOXV) acc[8];
        int q;
        (void)x4, (void)y4;
        for (q = 0; q < nv; q++) acc[q] = BOX_ROW(r0 + q * BOXV * CLRS_BOX_K2);
        for (t = 1; t < K1; t++)
            for (q = 0; q < nv; q++) acc[q] += BOX_ROW(r0 + t * s1 + q * BOXV * CLRS_BOX_K2);
        for (q = 0; q < nv; q++) CLRS_VCAT(vstore, BOXV)((acc[q] * w2) * w1, 0, dst + db + o2 + q * BOXV);
        o2 += nv * BOXV;
    }
#undef BOX_ROW
#undef BOXV
#endif
    for (; o2 < end; o2++) {
        ACC acc = (ACC)0;
        for (t = 0; t < K1; t++) {
            const long a = sb + t * s1 + o2 * K2 * S2;
            ACC h = LOAD(src, a);
            for (j = 1; j < K2; j++) h += LOAD(src, a + j * S2);
            acc = t == 0 ? h : acc + h; /* the first row sum is the start, not 0 + it */
        }
        STORE(dst, db + o2 * D2, (acc * w2) * w1);
    }
}
