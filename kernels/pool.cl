/* pool.cl — max_pool with indices (forward, gather backward) and max_unpool (forward through a
 * deterministic "last input wins" winner map, gather backward) on OpenCL devices.
 * Tensors are (N, C, axis 0, 1, 2) with strides [n, c, a0, a1, a2]; g0..g17 are the
 * pooling geometry (in, out, kernel, stride, padding, dilation per axis). All per-element
 * arithmetic is in resample_math.h. CLRS_DTYPE: 0 f32, 1 f64, 2 f16, 3 bf16. */
#include "resample_math.h"

#include "kernel_dtype.h"

#define GEOM_ARGS                                                                             \
    long g0, long g1, long g2, long g3, long g4, long g5, long g6, long g7, long g8, long g9, \
        long g10, long g11, long g12, long g13, long g14, long g15, long g16, long g17
#define GEOM_ARRAY                                                                            \
    const long g[18] = {g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15, g16, g17}

/* Global range (out2, out1, N * C * out0). has_idx 0: no indices tensor (idx is NULL). */
__kernel void clrs_max_pool_forward(__global const ST *x, long x_off, long xs0, long xs1, long xs2,
                                    long xs3, long xs4, __global ST *y, long y_off, long ys0,
                                    long ys1, long ys2, long ys3, long ys4, __global long *idx,
                                    long i_off, long is0, long is1, long is2, long is3, long is4,
                                    int has_idx, long C, GEOM_ARGS)
{
    GEOM_ARRAY;
    const long o2 = (long)get_global_id(0), o1 = (long)get_global_id(1), z = (long)get_global_id(2);
    const long o0 = z % g[3], c = (z / g[3]) % C, n = z / (g[3] * C);
    ACC v;
    long k;
    if (o2 >= g[5] || o1 >= g[4]) return;
    SFX(clrs_max_pool_point)(x, x_off + n * xs0 + c * xs1, xs2, xs3, xs4, g, o0, o1, o2, &v, &k);
    STORE(y, y_off + n * ys0 + c * ys1 + o0 * ys2 + o1 * ys3 + o2 * ys4, v);
    if (has_idx) idx[i_off + n * is0 + c * is1 + o0 * is2 + o1 * is3 + o2 * is4] = k;
}

/* Global range (in2, in1, N * C * in0). */
__kernel void clrs_max_pool_backward(__global const ST *go, long go_off, long gs0, long gs1,
                                     long gs2, long gs3, long gs4, __global const long *idx,
                                     long i_off, long is0, long is1, long is2, long is3, long is4,
                                     __global ST *gi, long gi_off, long ds0, long ds1, long ds2,
                                     long ds3, long ds4, long C, GEOM_ARGS)
{
    GEOM_ARRAY;
    const long i2 = (long)get_global_id(0), i1 = (long)get_global_id(1), z = (long)get_global_id(2);
    const long i0 = z % g[0], c = (z / g[0]) % C, n = z / (g[0] * C);
    if (i2 >= g[2] || i1 >= g[1]) return;
    STORE(gi, gi_off + n * ds0 + c * ds1 + i0 * ds2 + i1 * ds3 + i2 * ds4,
          SFX(clrs_max_pool_grad_point)(go, go_off + n * gs0 + c * gs1, gs2, gs3, gs4, idx,
                                        i_off + n * is0 + c * is1, is2, is3, is4, g, i0, i1, i2));
}

/* max_unpool, step 1 (global: N * C * out plane): no input claims the position yet. */
__kernel void clrs_unpool_winner_init(__global int *winner) { winner[get_global_id(0)] = -1; }

/* Step 2 (global: in plane, N * C): each input claims its target; the largest (last) input
 * position wins — an integer max, so the result does not depend on the order. */
__kernel void clrs_unpool_winner(__global const long *idx, long i_off, long is0, long is1, long is2,
                                 long is3, long is4, __global int *winner, long C, long in1,
                                 long in2, long nin, long nout)
{
    const long i = (long)get_global_id(0), nc = (long)get_global_id(1);
    const long n = nc / C, c = nc % C;
    if (i >= nin) return;
    atomic_max(winner + nc * nout + idx[i_off + n * is0 + c * is1 + clrs_plane_offset(i, in1, in2, is2, is3, is4)],
               (int)i);
}

/* Step 3 (global: out plane, N * C): every output element written once — its winner's value,
 * or 0. */
__kernel void clrs_unpool_write(__global const ST *x, long x_off, long xs0, long xs1, long xs2,
                                long xs3, long xs4, __global const int *winner, __global ST *y,
                                long y_off, long ys0, long ys1, long ys2, long ys3, long ys4, long C,
                                long in1, long in2, long out1, long out2, long nout)
{
    const long o = (long)get_global_id(0), nc = (long)get_global_id(1);
    const long n = nc / C, c = nc % C;
    const long yi = y_off + n * ys0 + c * ys1 + clrs_plane_offset(o, out1, out2, ys2, ys3, ys4);
    int w;
    if (o >= nout) return;
    w = winner[nc * nout + o];
    if (w >= 0)
        COPY(y, yi, x, x_off + n * xs0 + c * xs1 + clrs_plane_offset(w, in1, in2, xs2, xs3, xs4));
    else
        STORE(y, yi, (ACC)0);
}

/* Global (in plane, N * C): grad_input[i] = grad_output[index[i]]. */
__kernel void clrs_unpool_backward(__global const ST *go, long go_off, long gs0, long gs1, long gs2,
                                   long gs3, long gs4, __global const long *idx, long i_off,
                                   long is0, long is1, long is2, long is3, long is4, __global ST *gi,
                                   long gi_off, long ds0, long ds1, long ds2, long ds3, long ds4,
                                   long C, long in1, long in2, long out1, long out2, long nin)
{
    const long i = (long)get_global_id(0), nc = (long)get_global_id(1);
    const long n = nc / C, c = nc % C;
    long k;
    if (i >= nin) return;
    k = idx[i_off + n * is0 + c * is1 + clrs_plane_offset(i, in1, in2, is2, is3, is4)];
    COPY(gi, gi_off + n * ds0 + c * ds1 + clrs_plane_offset(i, in1, in2, ds2, ds3, ds4), go,
         go_off + n * gs0 + c * gs1 + clrs_plane_offset(k, out1, out2, gs2, gs3, gs4));
}

/* ---- the CPU shapes (OpenCL CPU devices such as PoCL; lib/tune.c chooses) -------------------
 * A CPU device runs a work-group as a loop over its work-items, so a work-item that walks a
 * contiguous run with one multiply per element beats one work-item per element with a chain
 * of divisions (clrs_plane_offset) and, for the forward, an atomic winner map. packed: every
 * view's spatial axes are packed (element i of a plane at i * stride 4: NCHW, channels-last),
 * so a flat plane index needs no splitting. */

/* max_unpool in one pass (global: N * C): each work-item zeroes its plane, then writes the
 * inputs in plane order — the last duplicate wins, the same element the winner map picks. */
__kernel void clrs_unpool_plane(__global const ST *x, long x_off, long xs0, long xs1, long xs2,
                                long xs3, long xs4, __global const long *idx, long i_off,
                                long is0, long is1, long is2, long is3, long is4, __global ST *y,
                                long y_off, long ys0, long ys1, long ys2, long ys3, long ys4,
                                long C, long in1, long in2, long out1, long out2, long nin,
                                long nout, int packed)
{
    const long nc = (long)get_global_id(0), n = nc / C, c = nc % C;
    const long xb = x_off + n * xs0 + c * xs1, ib = i_off + n * is0 + c * is1, yb = y_off + n * ys0 + c * ys1;
    long i;
    if (packed) {
        for (i = 0; i < nout; i++) STORE(y, yb + i * ys4, (ACC)0);
        for (i = 0; i < nin; i++) COPY(y, yb + idx[ib + i * is4] * ys4, x, xb + i * xs4);
    } else {
        for (i = 0; i < nout; i++) STORE(y, yb + clrs_plane_offset(i, out1, out2, ys2, ys3, ys4), (ACC)0);
        for (i = 0; i < nin; i++)
            COPY(y, yb + clrs_plane_offset(idx[ib + clrs_plane_offset(i, in1, in2, is2, is3, is4)], out1, out2, ys2, ys3, ys4),
                 x, xb + clrs_plane_offset(i, in1, in2, xs2, xs3, xs4));
    }
}

/* max_unpool's backward in runs (global: ceil(nin / run), N * C): each work-item gathers
 * `run` consecutive inputs of its plane, grad_input[i] = grad_output[index[i]]. */
__kernel void clrs_unpool_backward_run(__global const ST *go, long go_off, long gs0, long gs1,
                                       long gs2, long gs3, long gs4, __global const long *idx,
                                       long i_off, long is0, long is1, long is2, long is3,
                                       long is4, __global ST *gi, long gi_off, long ds0,
                                       long ds1, long ds2, long ds3, long ds4, long C, long in1,
                                       long in2, long out1, long out2, long nin, long run,
                                       int packed)
{
    const long r = (long)get_global_id(0), nc = (long)get_global_id(1), n = nc / C, c = nc % C;
    const long gb = go_off + n * gs0 + c * gs1, ib = i_off + n * is0 + c * is1, db = gi_off + n * ds0 + c * ds1;
    const long first = r * run, end = first + run < nin ? first + run : nin;
    long i;
    if (packed) {
        for (i = first; i < end; i++) COPY(gi, db + i * ds4, go, gb + idx[ib + i * is4] * gs4);
    } else {
        for (i = first; i < end; i++)
            COPY(gi, db + clrs_plane_offset(i, in1, in2, ds2, ds3, ds4), go,
                 gb + clrs_plane_offset(idx[ib + clrs_plane_offset(i, in1, in2, is2, is3, is4)], out1, out2, gs2, gs3, gs4));
    }
}
