/* grid_sample.cl — grid_sample forward and backward, and affine_grid, on OpenCL devices.
 *
 * Work-items per grid point (forward, grad_grid, atomic grad_input), per input pixel
 * (deterministic grad_input gather), per batch entry and block of channels (the plane scatter
 * of grad_input, for CPU devices) or per theta entry; all arithmetic is in resample_math.h. CLRS_DTYPE: 0 f32, 1 f64, 2 f16, 3 bf16 (the clrs_dtype values).
 * Strides are 5 per tensor: [n, c, z, y, x] for images, [n, z, y, x, k] for grids. */
#include "resample_math.h"

#include "kernel_dtype.h"

typedef SFX(clrs_grid_taps) taps_t;

/* A 2-D point whose four bilinear taps are all inside the input (the common case), for the
 * unrolled sums below. */
#define GRID_FAST2(dims, t, W, H)                                                               \
    ((dims) == 2 && (t)->n[0] == 2 && (t)->n[1] == 2 && CLRS_GRID_INB((t)->idx[0][0], W) &&     \
     CLRS_GRID_INB((t)->idx[0][1], W) && CLRS_GRID_INB((t)->idx[1][0], H) &&                   \
     CLRS_GRID_INB((t)->idx[1][1], H))

/* Global range (P, N): one grid point, every channel. */
__kernel void clrs_grid_sample_forward(__global const ST *in, long in_off, long is0, long is1,
                                       long is2, long is3, long is4,
                                       __global const ST *grid, long g_off, long gs0, long gs1,
                                       long gs2, long gs3, long gs4,
                                       __global ST *out, long o_off, long os0, long os1, long os2,
                                       long os3, long os4,
                                       long C, long W, long H, long D, long oW, long oH, long P,
                                       int dims, int mode, int padding, int align_corners)
{
    const long p = (long)get_global_id(0), n = (long)get_global_id(1);
    const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
    taps_t t;
    long c;
    if (p >= P) return;
    SFX(clrs_grid_point_taps)(grid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3, gs4, dims, W,
                              H, D, mode, padding, align_corners, &t);
    if (GRID_FAST2(dims, &t, W, H)) {
        /* 2-D, four taps inside: clrs_grid_value's sums unrolled, each from 0 in its order, with
         * the four offsets computed once for all channels */
        const long f0 = t.idx[1][0] * is3 + t.idx[0][0] * is4, f1 = t.idx[1][0] * is3 + t.idx[0][1] * is4;
        const long f2 = t.idx[1][1] * is3 + t.idx[0][0] * is4, f3 = t.idx[1][1] * is3 + t.idx[0][1] * is4;
        const ACC a0 = t.w[0][0], a1 = t.w[0][1], b0 = t.w[1][0], b1 = t.w[1][1], z0 = t.w[2][0];
        for (c = 0; c < C; c++) {
            const long xb = in_off + n * is0 + c * is1;
            ACC accx0 = (ACC)0, accx1 = (ACC)0, accy = (ACC)0, acc = (ACC)0;
            accx0 += a0 * LOAD(in, xb + f0);
            accx0 += a1 * LOAD(in, xb + f1);
            accy += b0 * accx0;
            accx1 += a0 * LOAD(in, xb + f2);
            accx1 += a1 * LOAD(in, xb + f3);
            accy += b1 * accx1;
            acc += z0 * accy;
            STORE(out, o_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4, acc);
        }
        return;
    }
    for (c = 0; c < C; c++)
        STORE(out, o_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4,
              SFX(clrs_grid_value)(in, in_off + n * is0 + c * is1, is4, is3, is2, W, H, D, &t));
}

/* Global range (P, N), as clrs_grid_sample_forward, for CPU devices (tuned passes = 2): the
 * work-group's points compute their taps, then step through the channels together, a barrier
 * between channels. PoCL runs each channel's step as a loop over the group's points (keeping
 * each point's taps in between), so that loop's loads and stores stay in one plane of the
 * input and of the output; the per-point kernel goes through every channel of a point before
 * the next point (the benchmark's 32 planes, 64 KB apart). Same sums, same bits
 * (measured 1.2-1.3x on PoCL with 128-point groups). */
__kernel void clrs_grid_sample_forward_planes(__global const ST *in, long in_off, long is0, long is1,
                                              long is2, long is3, long is4,
                                              __global const ST *grid, long g_off, long gs0, long gs1,
                                              long gs2, long gs3, long gs4,
                                              __global ST *out, long o_off, long os0, long os1, long os2,
                                              long os3, long os4,
                                              long C, long W, long H, long D, long oW, long oH, long P,
                                              int dims, int mode, int padding, int align_corners)
{
    const long p = (long)get_global_id(0), n = (long)get_global_id(1);
    const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
    const int live = p < P;
    taps_t t;
    long c, f0 = 0, f1 = 0, f2 = 0, f3 = 0;
    ACC a0 = (ACC)0, a1 = (ACC)0, b0 = (ACC)0, b1 = (ACC)0, z0 = (ACC)0;
    int fast = 0;
    if (live) {
        SFX(clrs_grid_point_taps)(grid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3, gs4, dims, W,
                                  H, D, mode, padding, align_corners, &t);
        fast = GRID_FAST2(dims, &t, W, H);
        if (fast) {
            f0 = t.idx[1][0] * is3 + t.idx[0][0] * is4, f1 = t.idx[1][0] * is3 + t.idx[0][1] * is4;
            f2 = t.idx[1][1] * is3 + t.idx[0][0] * is4, f3 = t.idx[1][1] * is3 + t.idx[0][1] * is4;
            a0 = t.w[0][0], a1 = t.w[0][1], b0 = t.w[1][0], b1 = t.w[1][1], z0 = t.w[2][0];
        }
    }
    for (c = 0; c < C; c++) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (fast) { /* as in clrs_grid_sample_forward */
            const long xb = in_off + n * is0 + c * is1;
            ACC accx0 = (ACC)0, accx1 = (ACC)0, accy = (ACC)0, acc = (ACC)0;
            accx0 += a0 * LOAD(in, xb + f0);
            accx0 += a1 * LOAD(in, xb + f1);
            accy += b0 * accx0;
            accx1 += a0 * LOAD(in, xb + f2);
            accx1 += a1 * LOAD(in, xb + f3);
            accy += b1 * accx1;
            acc += z0 * accy;
            STORE(out, o_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4, acc);
        } else if (live) {
            STORE(out, o_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4,
                  SFX(clrs_grid_value)(in, in_off + n * is0 + c * is1, is4, is3, is2, W, H, D, &t));
        }
    }
}

#if CLRS_DTYPE == 0
/* float atomic add through a 32-bit compare-exchange (OpenCL 1.1+ core) */
CLRS_INLINE void atomic_add_f32(volatile __global float *p, float v)
{
    union { uint u; float f; } old, upd;
    do {
        old.f = *p;
        upd.f = old.f + v;
    } while (atomic_cmpxchg((volatile __global uint *)p, old.u, upd.u) != old.u);
}
#endif

/* Global range (P, N): grad_grid of one grid point (a gather over channels) and, with
 * atomic_input (f32 only), its scatter into grad_input. */
__kernel void clrs_grid_sample_backward(__global const ST *gout, long go_off, long os0, long os1,
                                        long os2, long os3, long os4,
                                        __global const ST *in, long in_off, long is0, long is1,
                                        long is2, long is3, long is4,
                                        __global const ST *grid, long g_off, long gs0, long gs1,
                                        long gs2, long gs3, long gs4,
                                        __global ST *ggrid, long gg_off, long ggs0, long ggs1,
                                        long ggs2, long ggs3, long ggs4,
                                        __global ST *ginput, long gi_off, long gis0, long gis1,
                                        long gis2, long gis3, long gis4,
                                        long C, long W, long H, long D, long oW, long oH, long P,
                                        int dims, int mode, int padding, int align_corners,
                                        int want_grid, int atomic_input)
{
    const long p = (long)get_global_id(0), n = (long)get_global_id(1);
    const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
    taps_t t;
    ACC acc[3] = {0, 0, 0};
    long c;
    int a;
    if (p >= P) return;
    SFX(clrs_grid_point_taps)(grid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3, gs4, dims, W,
                              H, D, mode, padding, align_corners, &t);
    if (want_grid && !atomic_input && GRID_FAST2(dims, &t, W, H)) {
        /* 2-D, four taps inside: clrs_grid_grad unrolled, taps in its order ((y0, x0), (y0, x1),
         * (y1, x0), (y1, x1)); each tap's products of weights (left to right, as there, before
         * the grad value) and offset computed once for all channels */
        long f[4];
        ACC k0[4], k1[4], k2[4];
        int q;
        for (q = 0; q < 4; q++) {
            const int b = q >> 1, a2 = q & 1;
            f[q] = t.idx[1][b] * is3 + t.idx[0][a2] * is4;
            k0[q] = t.w[2][0] * t.w[1][b] * t.dw[0][a2];
            k1[q] = t.w[2][0] * t.dw[1][b] * t.w[0][a2];
            k2[q] = t.dw[2][0] * t.w[1][b] * t.w[0][a2];
        }
        for (c = 0; c < C; c++) {
            const ACC g = LOAD(gout, go_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4);
            const long xb = in_off + n * is0 + c * is1;
            for (q = 0; q < 4; q++) {
                const ACC v = LOAD(in, xb + f[q]) * g;
                acc[0] += k0[q] * v;
                acc[1] += k1[q] * v;
                acc[2] += k2[q] * v;
            }
        }
        for (a = 0; a < dims; a++)
            STORE(ggrid, gg_off + n * ggs0 + oz * ggs1 + oy * ggs2 + ox * ggs3 + a * ggs4,
                  acc[a] * t.dcoord[a]);
        return;
    }
    for (c = 0; c < C; c++) {
        const ACC g = LOAD(gout, go_off + n * os0 + c * os1 + oz * os2 + oy * os3 + ox * os4);
        if (want_grid)
            SFX(clrs_grid_grad)(in, in_off + n * is0 + c * is1, is4, is3, is2, W, H, D, &t, g, acc);
#if CLRS_DTYPE == 0
        if (atomic_input) {
            int ta, tb, tc;
            for (tc = 0; tc < t.n[2]; tc++)
                for (tb = 0; tb < t.n[1]; tb++)
                    for (ta = 0; ta < t.n[0]; ta++) {
                        if (!CLRS_GRID_INB(t.idx[2][tc], D) || !CLRS_GRID_INB(t.idx[1][tb], H) ||
                            !CLRS_GRID_INB(t.idx[0][ta], W))
                            continue;
                        atomic_add_f32(ginput + gi_off + n * gis0 + c * gis1 + t.idx[2][tc] * gis2 +
                                           t.idx[1][tb] * gis3 + t.idx[0][ta] * gis4,
                                       SFX(clrs_grid_tap_weight)(&t, ta, tb, tc) * g);
                    }
        }
#endif
    }
    if (want_grid)
        for (a = 0; a < dims; a++)
            STORE(ggrid, gg_off + n * ggs0 + oz * ggs1 + oy * ggs2 + ox * ggs3 + a * ggs4,
                  acc[a] * t.dcoord[a]);
}

#if CLRS_DTYPE <= 1
/* Global range (ceil(C / CB), N), work-groups of one: grad_input of channels [c0, c0 + CB) of
 * batch entry n (zeroed before), scattered without atomics by the one work-item that owns those
 * planes, grid point after grid point, each point's taps in (z, y, x) order: per element the
 * same sum in the same order as the deterministic gather over the CSR lists (weight * grad,
 * from 0), so bit-identical to it and deterministic. The taps of a point are computed once for
 * its CB channels. For CPU devices, where a work-group is a loop anyway and the atomics'
 * compare-exchange loops cost more than the whole scatter; f32 and f64 (the planes accumulate
 * in their own storage type). */
__kernel void clrs_grid_sample_scatter_planes(__global const ST *gout, long go_off, long os0, long os1,
                                              long os2, long os3, long os4,
                                              __global const ST *grid, long g_off, long gs0, long gs1,
                                              long gs2, long gs3, long gs4,
                                              __global ST *ginput, long gi_off, long gis0, long gis1,
                                              long gis2, long gis3, long gis4,
                                              long C, long W, long H, long D, long oW, long oH, long P,
                                              int dims, int mode, int padding, int align_corners, long CB)
{
    const long c0 = (long)get_global_id(0) * CB, n = (long)get_global_id(1);
    const long c1 = c0 + CB < C ? c0 + CB : C;
    __global const ST *go = gout + go_off + n * os0;
    __global ST *gi = ginput + gi_off + n * gis0;
    long p, c;
    if (c0 >= C) return;
    for (p = 0; p < P; p++) {
        const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
        const long gpt = oz * os2 + oy * os3 + ox * os4;
        taps_t t;
        long off[64];
        ACC w[64];
        int e, k;
        SFX(clrs_grid_point_taps)(grid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3, gs4, dims, W,
                                  H, D, mode, padding, align_corners, &t);
        k = SFX(clrs_grid_inside_taps)(&t, W, H, D, gis2, gis3, gis4, off, w);
        for (e = 0; e < k; e++)
            for (c = c0; c < c1; c++) gi[c * gis1 + off[e]] += w[e] * go[c * os1 + gpt];
    }
}
#endif

/* Global range (T, C, N): the deterministic grad_input gather of one input pixel. */
__kernel void clrs_grid_sample_gather_input(__global const ST *gout, long go_off, long os0,
                                            long os1, long os2, long os3, long os4,
                                            __global const long *start, __global const int *point,
                                            __global const ACC *weight,
                                            __global ST *ginput, long gi_off, long gis0, long gis1,
                                            long gis2, long gis3, long gis4,
                                            long W, long H, long T, long oW, long oH)
{
    const long t = (long)get_global_id(0), c = (long)get_global_id(1), n = (long)get_global_id(2);
    const long x = t % W, y = (t / W) % H, z = t / (W * H);
    if (t >= T) return;
    SFX(clrs_grid_csr_gather)(gout, go_off + n * os0 + c * os1, os2, os3, os4, oW, oH, start, point,
                              weight, n * T + t, ginput,
                              gi_off + n * gis0 + c * gis1 + z * gis2 + y * gis3 + x * gis4);
}

/* Global range (W, H, N * C * D): zeroes a strided [n, c, z, y, x] view. */
__kernel void clrs_zero5(__global ST *p, long off, long s0, long s1, long s2, long s3, long s4,
                         long C, long D, long H, long W)
{
    const long x = (long)get_global_id(0), y = (long)get_global_id(1), r = (long)get_global_id(2);
    const long z = r % D, c = (r / D) % C, n = r / (D * C);
    if (x >= W || y >= H) return;
    STORE(p, off + n * s0 + c * s1 + z * s2 + y * s3 + x * s4, (ACC)0);
}

/* The base coordinates (x_w, y_h[, z_d], 1) of grid point p. */
CLRS_INLINE void affine_base(long p, long oW, long oH, long oD, int dims, int align_corners, ACC base[4])
{
    const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
    base[0] = RFN(clrs_affine_base)(ox, oW, align_corners);
    base[1] = RFN(clrs_affine_base)(oy, oH, align_corners);
    base[2] = dims == 3 ? RFN(clrs_affine_base)(oz, oD, align_corners) : (ACC)1;
    base[dims] = (ACC)1;
}

/* Global range (P, N). */
__kernel void clrs_affine_grid_forward(__global const ST *theta, long t_off, long ts0, long ts1,
                                       long ts2, __global ST *grid, long g_off, long gs0, long gs1,
                                       long gs2, long gs3, long gs4, long oW, long oH, long oD,
                                       long P, int dims, int align_corners)
{
    const long p = (long)get_global_id(0), n = (long)get_global_id(1);
    const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
    ACC base[4];
    int i;
    if (p >= P) return;
    affine_base(p, oW, oH, oD, dims, align_corners, base);
    for (i = 0; i < dims; i++)
        STORE(grid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3 + i * gs4,
              SFX(clrs_affine_point)(theta, t_off + n * ts0, ts1, ts2, dims, i, base));
}

/* Global range (dims * (dims + 1), N): one theta entry, summed over the points in order. */
__kernel void clrs_affine_grid_backward(__global const ST *ggrid, long g_off, long gs0, long gs1,
                                        long gs2, long gs3, long gs4, __global ST *gtheta,
                                        long t_off, long ts0, long ts1, long ts2, long oW, long oH,
                                        long oD, long P, int dims, int align_corners)
{
    const int e = (int)get_global_id(0), i = e / (dims + 1), j = e % (dims + 1);
    const long n = (long)get_global_id(1);
    ACC acc = (ACC)0, base[4];
    long p;
    if (e >= dims * (dims + 1)) return;
    for (p = 0; p < P; p++) {
        const long ox = p % oW, oy = (p / oW) % oH, oz = p / (oW * oH);
        affine_base(p, oW, oH, oD, dims, align_corners, base);
        acc += LOAD(ggrid, g_off + n * gs0 + oz * gs1 + oy * gs2 + ox * gs3 + i * gs4) * base[j];
    }
    STORE(gtheta, t_off + n * ts0 + i * ts1 + j * ts2, acc);
}
