/* ndimage.cl — scipy.ndimage's spline_filter, zoom, affine_transform and map_coordinates on
 * OpenCL devices. All arithmetic is in resample_math_ndimage.h (clrs_ndr: double with fp64,
 * else float); the kernels only schedule:
 *   clrs_ndi_pad       one work-item per coefficient: the input (or the padding) as clrs_ndr
 *   clrs_ndi_filter    one work-item per line of one axis: the recursive prefilter runs
 *                      sequentially along the line; consecutive work-items take neighbouring
 *                      lines (adjacent in memory for every axis but the innermost), so the
 *                      loads of a work-group coalesce
 *   clrs_ndi_store     one work-item per element: the coefficients into the output tensor
 *   clrs_ndi_sample_*  one work-item per output point: coordinate, taps, footprint sum, from
 *                      the coefficient array or straight from the input
 * Dtypes from -D switches (clrs_dtype values; default f32): CLRS_DTYPE the input's,
 * CLRS_NDI_OUT the output's, CLRS_NDI_CO the coordinates'. Tensors are (B0, B1, S0, S1, S2)
 * with 5 strides; coordinates (k, P0, P1, P2) with 4. */
#include "resample_math.h"

#ifndef CLRS_DTYPE
#define CLRS_DTYPE 0
#endif
#ifndef CLRS_NDI_OUT
#define CLRS_NDI_OUT CLRS_DTYPE
#endif
#ifndef CLRS_NDI_CO
#define CLRS_NDI_CO 0
#endif

/* typed loads / stores of one element, by clrs_dtype value */
#define NDI_T_0 float
#define NDI_T_1 double
#define NDI_T_2 half
#define NDI_T_3 ushort
#define NDI_T_5 uchar
#define NDI_T_(d) NDI_T_##d
#define NDI_T(d) NDI_T_(d)
#define NDI_LOAD_0(p, i) ((clrs_ndr)(p)[i])
#define NDI_LOAD_1(p, i) ((clrs_ndr)(p)[i])
#define NDI_LOAD_2(p, i) ((clrs_ndr)vload_half((size_t)(i), (p)))
#define NDI_LOAD_3(p, i) ((clrs_ndr)clrs_bf16_to_float((p)[i]))
#define NDI_LOAD_5(p, i) ((clrs_ndr)(p)[i])
#define NDI_LOAD_(d, p, i) NDI_LOAD_##d(p, i)
#define NDI_LOAD(d, p, i) NDI_LOAD_(d, p, i)
#define NDI_STORE_0(p, i, v) ((p)[i] = (float)(v))
#define NDI_STORE_1(p, i, v) ((p)[i] = (v))
#define NDI_STORE_2(p, i, v) vstore_half_rte((float)(v), (size_t)(i), (p))
#define NDI_STORE_3(p, i, v) ((p)[i] = clrs_float_to_bf16((float)(v)))
#define NDI_STORE_5(p, i, v) ((p)[i] = clrs_ndi_to_u8(v))
#define NDI_STORE_(d, p, i, v) NDI_STORE_##d(p, i, v)
#define NDI_STORE(d, p, i, v) NDI_STORE_(d, p, i, v)

#define IN_T NDI_T(CLRS_DTYPE)
#define OUT_T NDI_T(CLRS_NDI_OUT)
#define CO_T NDI_T(CLRS_NDI_CO)

/* The source index along an axis of padded position i ('edge' padding for 'nearest'; -1:
 * the padding value). */
inline long ndi_unpad(long i, long npad, long in, int mode)
{
    const long j = i - npad;
    if (j >= 0 && j < in) return j;
    if (mode == CLRS_NDI_M_NEAREST) return j < 0 ? 0 : in - 1;
    return -1;
}

/* Global range: B0 * B1 * coef0 * coef1 * coef2 (1-D). */
__kernel void clrs_ndi_pad(__global const IN_T *x, long x_off, long xs0, long xs1, long xs2, long xs3, long xs4,
                           __global clrs_ndr *c, long B1, long c0, long c1, long c2, long in0, long in1, long in2,
                           long p0, long p1, long p2, int mode, clrs_ndr pad_value, long total)
{
    const long e = (long)get_global_id(0);
    long r = e, i0, i1, i2, b0, b1, j0, j1, j2;
    if (e >= total) return;
    i2 = r % c2, r /= c2;
    i1 = r % c1, r /= c1;
    i0 = r % c0, r /= c0;
    b1 = r % B1, b0 = r / B1;
    j0 = ndi_unpad(i0, p0, in0, mode), j1 = ndi_unpad(i1, p1, in1, mode), j2 = ndi_unpad(i2, p2, in2, mode);
    c[e] = j0 < 0 || j1 < 0 || j2 < 0
               ? pad_value
               : NDI_LOAD(CLRS_DTYPE, x, x_off + b0 * xs0 + b1 * xs1 + j0 * xs2 + j1 * xs3 + j2 * xs4);
}

/* Global range: the number of lines along axis ax of the contiguous five-axis array of sizes
 * d0..d4. Line l's position over the other axes is l in row-major order, so neighbouring
 * work-items start at neighbouring elements when ax is not the innermost axis. */
__kernel void clrs_ndi_filter(__global clrs_ndr *c, long d0, long d1, long d2, long d3, long d4, int ax, int order,
                              int mode, int adjoint, long lines)
{
    const long l = (long)get_global_id(0);
    long d[5], s[5], r = l, base = 0;
    int a;
    if (l >= lines) return;
    d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3, d[4] = d4;
    s[4] = 1;
    for (a = 3; a >= 0; a--) s[a] = s[a + 1] * d[a + 1];
    for (a = 4; a >= 0; a--)
        if (a != ax) base += (r % d[a]) * s[a], r /= d[a];
    if (adjoint) clrs_ndi_filter_line_adj(c + base, d[ax], s[ax], order, mode);
    else clrs_ndi_filter_line(c + base, d[ax], s[ax], order, mode);
}

/* Global range: B0 * B1 * d2 * d3 * d4 (1-D): the contiguous array into the output tensor. */
__kernel void clrs_ndi_store(__global const clrs_ndr *c, __global OUT_T *y, long y_off, long ys0, long ys1, long ys2,
                             long ys3, long ys4, long B1, long d2, long d3, long d4, long total)
{
    const long e = (long)get_global_id(0);
    long r = e, i0, i1, i2, b0, b1;
    if (e >= total) return;
    i2 = r % d4, r /= d4;
    i1 = r % d3, r /= d3;
    i0 = r % d2, r /= d2;
    b1 = r % B1, b0 = r / B1;
    NDI_STORE(CLRS_NDI_OUT, y, y_off + b0 * ys0 + b1 * ys1 + i0 * ys2 + i1 * ys3 + i2 * ys4, c[e]);
}

/* The coordinate of point p along axis a (op: 1 zoom, 2 affine_transform, 3 map_coordinates). */
inline clrs_ndr ndi_coord(int op, int a, const long *p, const int *real, int ns, int grid_mode, long npad,
                          const clrs_ndr *scale, const clrs_ndr *m, const clrs_ndr *off, __global const CO_T *co,
                          long co_off, const long *cs)
{
    clrs_ndr cc;
    int c;
    if (op == 1) return clrs_ndi_zoom_coord(p[a], scale[a], grid_mode, npad);
    if (op == 2) { /* = NI_GeometricTransform: sum_l o[l] * M[h][l] + shift, then the padding */
        cc = 0;
        for (c = 0; c < 3; c++)
            if (real[c]) cc += (clrs_ndr)p[c] * m[a * 3 + c];
        cc += off[a];
        return cc + (clrs_ndr)npad;
    }
    cc = NDI_LOAD(CLRS_NDI_CO, co, co_off + (a - (3 - ns)) * cs[0] + p[0] * cs[1] + p[1] * cs[2] + p[2] * cs[3]);
    return cc + (clrs_ndr)npad;
}

/* The body of both samplers: SRC / LOADC name where the coefficients come from. */
#define NDI_SAMPLE_BODY(LOADC)                                                                             \
    const long p2 = (long)get_global_id(0), p1 = (long)get_global_id(1), z = (long)get_global_id(2);       \
    long p[3], cs[4];                                                                                   \
    int real[3], a, inside = 1;                                                                         \
    clrs_ndr scale[3], m[9], off[3], v = cval;                                                          \
    clrs_ndi_taps t[3];                                                                                 \
    const long ln[3] = {cl0, cl1, cl2};                                                                 \
    long b, b0, b1, base;                                                                               \
    if (p2 >= o2 || p1 >= o1) return;                                                                   \
    p[0] = z % o0, b = z / o0, p[1] = p1, p[2] = p2;                                                    \
    b0 = b / B1, b1 = b % B1;                                                                           \
    real[0] = (realmask >> 0) & 1, real[1] = (realmask >> 1) & 1, real[2] = (realmask >> 2) & 1;          \
    scale[0] = sc0, scale[1] = sc1, scale[2] = sc2;                                                      \
    m[0] = m00, m[1] = m01, m[2] = m02, m[3] = m10, m[4] = m11, m[5] = m12, m[6] = m20, m[7] = m21, m[8] = m22; \
    off[0] = of0, off[1] = of1, off[2] = of2;                                                            \
    cs[0] = cs0, cs[1] = cs1, cs[2] = cs2, cs[3] = cs3;                                                  \
    for (a = 0; a < 3; a++) {                                                                           \
        if (!real[a]) {                                                                                 \
            clrs_ndi_unit_taps(&t[a]);                                                                  \
            continue;                                                                                   \
        }                                                                                               \
        if (!clrs_ndi_axis_taps(ndi_coord(op, a, p, real, ns, grid_mode, npad, scale, m, off, co, co_off, cs), \
                                ln[a], order, mode, 0, &t[a]))                                          \
            inside = 0;                                                                                 \
    }                                                                                                   \
    if (inside) {                                                                                       \
        base = SRC_BASE;                                                                                \
        CLRS_NDI_SUM(v, t[0], t[1], t[2], real, base, ss0, ss1, ss2, cval, order, LOADC);                              \
    }                                                                                                   \
    NDI_STORE(CLRS_NDI_OUT, y, y_off + b0 * ys0 + b1 * ys1 + p[0] * ys2 + p[1] * ys3 + p[2] * ys4, v);

#define NDI_SAMPLE_ARGS                                                                                    \
    __global const CO_T *co, long co_off, long cs0, long cs1, long cs2, long cs3, __global OUT_T *y, long y_off,  \
        long ys0, long ys1, long ys2, long ys3, long ys4, long B1, long o0, long o1, long o2, long cl0, long cl1, \
        long cl2, int op, int order, int mode, int grid_mode, int ns, int realmask, long npad, clrs_ndr cval,     \
        clrs_ndr sc0, clrs_ndr sc1, clrs_ndr sc2, clrs_ndr m00, clrs_ndr m01, clrs_ndr m02, clrs_ndr m10,         \
        clrs_ndr m11, clrs_ndr m12, clrs_ndr m20, clrs_ndr m21, clrs_ndr m22, clrs_ndr of0, clrs_ndr of1,         \
        clrs_ndr of2

/* Global range (o2, o1, B0 * B1 * o0): from the contiguous coefficient array. */
#define LOAD_COEF(o) (c[o])
#define SRC_BASE (b * cl0 * cl1 * cl2)
__kernel void clrs_ndi_sample_coef(__global const clrs_ndr *c, long ss0, long ss1, long ss2, NDI_SAMPLE_ARGS)
{
    NDI_SAMPLE_BODY(LOAD_COEF)
}
#undef SRC_BASE

/* Global range (o2, o1, B0 * B1 * o0): straight from the input (no prefilter). */
#define LOAD_IN(o) NDI_LOAD(CLRS_DTYPE, x, o)
#define SRC_BASE (x_off + b0 * xs0 + b1 * xs1)
__kernel void clrs_ndi_sample_input(__global const IN_T *x, long x_off, long xs0, long xs1, long ss0, long ss1,
                                    long ss2, NDI_SAMPLE_ARGS)
{
    NDI_SAMPLE_BODY(LOAD_IN)
}
#undef SRC_BASE

/* ---- backward: grad_input ------------------------------------------------------------------
 * For these kernels CLRS_DTYPE is grad_output's dtype and CLRS_NDI_OUT grad_input's. The
 * transposed footprint sum is a scatter: each output point adds its weighted grad_output into
 * the coefficient gradient with a compare-exchange loop (64-bit with fp64, which needs
 * cl_khr_int64_base_atomics; the host checks for it and otherwise runs the deterministic host
 * backward). The order of the additions varies from run to run: not bit-reproducible. */
#if CLRS_HAVE_DOUBLE && defined(cl_khr_int64_base_atomics)
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
inline void ndi_atomic_add(volatile __global clrs_ndr *p, clrs_ndr v)
{
    union { ulong u; double f; } old, upd;
    do {
        old.f = *p;
        upd.f = old.f + v;
    } while (atom_cmpxchg((volatile __global ulong *)p, old.u, upd.u) != old.u);
}
#define NDI_HAVE_ATOMIC 1
#elif !CLRS_HAVE_DOUBLE
inline void ndi_atomic_add(volatile __global clrs_ndr *p, clrs_ndr v)
{
    union { uint u; float f; } old, upd;
    do {
        old.f = *p;
        upd.f = old.f + v;
    } while (atomic_cmpxchg((volatile __global uint *)p, old.u, upd.u) != old.u);
}
#define NDI_HAVE_ATOMIC 1
#endif

/* Global range: total (1-D). */
__kernel void clrs_ndi_zero(__global clrs_ndr *c, long total)
{
    const long e = (long)get_global_id(0);
    if (e < total) c[e] = 0;
}

#ifdef NDI_HAVE_ATOMIC
/* Global range (o2, o1, B0 * B1 * o0): one output point's grad_output spread over its
 * footprint in the coefficient gradient gc (contiguous, the coefficient layout). */
__kernel void clrs_ndi_scatter(__global const IN_T *g, long g_off, long gs0, long gs1, long gs2, long gs3, long gs4,
                               __global const CO_T *co, long co_off, long cs0, long cs1, long cs2, long cs3,
                               __global clrs_ndr *gc, long B1, long o0, long o1, long o2, long cl0, long cl1,
                               long cl2, int op, int order, int mode, int grid_mode, int ns, int realmask, long npad,
                               clrs_ndr sc0, clrs_ndr sc1, clrs_ndr sc2, clrs_ndr m00, clrs_ndr m01, clrs_ndr m02,
                               clrs_ndr m10, clrs_ndr m11, clrs_ndr m12, clrs_ndr m20, clrs_ndr m21, clrs_ndr m22,
                               clrs_ndr of0, clrs_ndr of1, clrs_ndr of2)
{
    const long p2 = (long)get_global_id(0), p1 = (long)get_global_id(1), z = (long)get_global_id(2);
    long p[3], cs[4], b, b0, b1, base;
    int real[3], a, i, j, k;
    clrs_ndr scale[3], m[9], off[3], gy;
    clrs_ndi_taps t[3];
    const long ln[3] = {cl0, cl1, cl2};
    if (p2 >= o2 || p1 >= o1) return;
    p[0] = z % o0, b = z / o0, p[1] = p1, p[2] = p2;
    b0 = b / B1, b1 = b % B1;
    real[0] = (realmask >> 0) & 1, real[1] = (realmask >> 1) & 1, real[2] = (realmask >> 2) & 1;
    scale[0] = sc0, scale[1] = sc1, scale[2] = sc2;
    m[0] = m00, m[1] = m01, m[2] = m02, m[3] = m10, m[4] = m11, m[5] = m12, m[6] = m20, m[7] = m21, m[8] = m22;
    off[0] = of0, off[1] = of1, off[2] = of2;
    cs[0] = cs0, cs[1] = cs1, cs[2] = cs2, cs[3] = cs3;
    for (a = 0; a < 3; a++) {
        if (!real[a]) {
            clrs_ndi_unit_taps(&t[a]);
            continue;
        }
        if (!clrs_ndi_axis_taps(ndi_coord(op, a, p, real, ns, grid_mode, npad, scale, m, off, co, co_off, cs), ln[a],
                                order, mode, 0, &t[a]))
            return;
    }
    gy = NDI_LOAD(CLRS_DTYPE, g, g_off + b0 * gs0 + b1 * gs1 + p[0] * gs2 + p[1] * gs3 + p[2] * gs4);
    base = b * cl0 * cl1 * cl2;
    for (i = 0; i < t[0].n; i++)
        for (j = 0; j < t[1].n; j++)
            for (k = 0; k < t[2].n; k++) {
                clrs_ndr w = gy;
                if (t[0].cv[i] || t[1].cv[j] || t[2].cv[k]) continue;
                if (order > 0) {
                    if (real[0]) w *= t[0].w[i];
                    if (real[1]) w *= t[1].w[j];
                    if (real[2]) w *= t[2].w[k];
                }
                ndi_atomic_add(gc + base + (t[0].idx[i] * cl1 + t[1].idx[j]) * cl2 + t[2].idx[k], w);
            }
}
#endif

/* Global range: B0 * B1 * in0 * in1 * in2 (1-D): grad_input from the coefficient gradient,
 * the padding's transpose ('nearest' edge copies add into the border element). */
__kernel void clrs_ndi_unpad(__global const clrs_ndr *gc, __global OUT_T *y, long y_off, long ys0, long ys1, long ys2,
                             long ys3, long ys4, long B1, long in0, long in1, long in2, long cl0, long cl1, long cl2,
                             long p0, long p1, long p2, int mode, long total)
{
    const long e = (long)get_global_id(0);
    long r = e, j[3], lo[3], hi[3], pad[3], cl[3], in[3], b, x, yy, w;
    clrs_ndr s = 0;
    int a;
    if (e >= total) return;
    in[0] = in0, in[1] = in1, in[2] = in2, cl[0] = cl0, cl[1] = cl1, cl[2] = cl2, pad[0] = p0, pad[1] = p1, pad[2] = p2;
    j[2] = r % in2, r /= in2;
    j[1] = r % in1, r /= in1;
    j[0] = r % in0, b = r / in0;
    for (a = 0; a < 3; a++) {
        lo[a] = hi[a] = j[a] + pad[a];
        if (pad[a] && mode == CLRS_NDI_M_NEAREST) {
            if (j[a] == 0) lo[a] = 0;
            if (j[a] == in[a] - 1) hi[a] = cl[a] - 1;
        }
    }
    for (x = lo[0]; x <= hi[0]; x++)
        for (yy = lo[1]; yy <= hi[1]; yy++)
            for (w = lo[2]; w <= hi[2]; w++) s += gc[((b * cl0 + x) * cl1 + yy) * cl2 + w];
    NDI_STORE(CLRS_NDI_OUT, y, y_off + (b / B1) * ys0 + (b % B1) * ys1 + j[0] * ys2 + j[1] * ys3 + j[2] * ys4, s);
}

/* ---- backward: grad_coordinates ------------------------------------------------------------
 * Global range: the points P = o0 * o1 * o2 (1-D). Per point, d output / d coordinate of every
 * spatial axis (the weights' derivatives times the mode's fold sign) summed against grad_output
 * over the batch, read from the coefficient array c (the forward's, CLRS_DTYPE the dtype of
 * grad_output and of the input), stored in the coordinates' dtype. */
__kernel void clrs_ndi_coord_grad(__global const clrs_ndr *c, __global const IN_T *g, long g_off, long gs0, long gs1,
                                  long gs2, long gs3, long gs4, __global const CO_T *co, long co_off, long cs0,
                                  long cs1, long cs2, long cs3, __global CO_T *gco, long gco_off, long gcs0, long gcs1,
                                  long gcs2, long gcs3, long B, long B1, long o0, long o1, long o2, long cl0, long cl1,
                                  long cl2, int order, int mode, int ns, int realmask, long npad, clrs_ndr cval)
{
    const long q = (long)get_global_id(0);
    long p[3], cs[4], b;
    int real[3], a, i, j, k, inside = 1;
    clrs_ndr acc[3] = {0, 0, 0}, dummy[9];
    clrs_ndi_taps t[3];
    const long ln[3] = {cl0, cl1, cl2};
    if (q >= o0 * o1 * o2) return;
    p[2] = q % o2, p[1] = (q / o2) % o1, p[0] = q / o2 / o1;
    real[0] = (realmask >> 0) & 1, real[1] = (realmask >> 1) & 1, real[2] = (realmask >> 2) & 1;
    cs[0] = cs0, cs[1] = cs1, cs[2] = cs2, cs[3] = cs3;
    for (a = 0; a < 9; a++) dummy[a] = 0;
    for (a = 0; a < 3; a++) {
        if (!real[a]) {
            clrs_ndi_unit_taps(&t[a]);
            continue;
        }
        if (!clrs_ndi_axis_taps(ndi_coord(3, a, p, real, ns, 0, npad, dummy, dummy, dummy, co, co_off, cs), ln[a], order,
                                mode, 1, &t[a]))
            inside = 0;
    }
    for (b = 0; inside && order > 0 && b < B; b++) {
        const clrs_ndr gy = NDI_LOAD(CLRS_DTYPE, g, g_off + (b / B1) * gs0 + (b % B1) * gs1 + p[0] * gs2 + p[1] * gs3 +
                                                        p[2] * gs4);
        for (i = 0; i < t[0].n; i++)
            for (j = 0; j < t[1].n; j++)
                for (k = 0; k < t[2].n; k++) {
                    clrs_ndr v;
                    if (t[0].cv[i] || t[1].cv[j] || t[2].cv[k]) v = cval;
                    else v = c[((b * cl0 + t[0].idx[i]) * cl1 + t[1].idx[j]) * cl2 + t[2].idx[k]];
                    v *= gy;
                    for (a = 0; a < 3; a++) {
                        clrs_ndr d = v;
                        if (!real[a]) continue;
                        d *= a == 0 ? t[0].dw[i] : real[0] ? t[0].w[i] : (clrs_ndr)1;
                        d *= a == 1 ? t[1].dw[j] : real[1] ? t[1].w[j] : (clrs_ndr)1;
                        d *= a == 2 ? t[2].dw[k] : real[2] ? t[2].w[k] : (clrs_ndr)1;
                        acc[a] += d;
                    }
                }
    }
    for (a = 0; a < 3; a++)
        if (real[a])
            NDI_STORE(CLRS_NDI_CO, gco, gco_off + (a - (3 - ns)) * gcs0 + p[0] * gcs1 + p[1] * gcs2 + p[2] * gcs3, acc[a]);
}
