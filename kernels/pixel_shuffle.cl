/* pixel_shuffle.cl — pixel_shuffle and pixel_unshuffle on OpenCL devices: one gather kernel,
 * one work-item per destination element, copying the source element the shared index map
 * names (clrs_shuffle_src in resample_math_shuffle.h). Elements move as unsigned integers of
 * the dtype's size, so every dtype is bit-exact and no fp64 / fp16 support is needed.
 * CLRS_DTYPE picks the size: 5 (u8) 1 byte, 2 / 3 (f16, bf16) 2 bytes, 1 / 4 (f64, i64)
 * 8 bytes, otherwise (f32) 4 bytes. Tensors are (B0, B1, C, H, W) with 5 strides. */
#include "resample_math.h"

#ifndef CLRS_DTYPE
#define CLRS_DTYPE 0
#endif
#if CLRS_DTYPE == 5
#define ET uchar
#elif CLRS_DTYPE == 2 || CLRS_DTYPE == 3
#define ET ushort
#elif CLRS_DTYPE == 1 || CLRS_DTYPE == 4
#define ET ulong
#else
#define ET uint
#endif

/* Global range (min(r, W), H, B0 * B1 * C) of the destination: work-item (j, h, z) writes the
 * destination row's elements w = j, j + r, j + 2r, ... Along a row the map is periodic-linear
 * with period r (resample_math_shuffle.h), so the shared map is called twice per work-item and
 * the loop only adds: no division per element (PoCL's CPU device spent most of the one-element
 * kernel's time in 64-bit divisions). down: 0 pixel_shuffle's map, 1 pixel_unshuffle's. */
__kernel void clrs_pixel_shuffle(__global const ET *x, long x_off, long xs0, long xs1, long xs2,
                                 long xs3, long xs4, __global ET *y, long y_off, long ys0,
                                 long ys1, long ys2, long ys3, long ys4, int down, long r,
                                 long B1, long C, long H, long W)
{
    const long j = (long)get_global_id(0), h = (long)get_global_id(1), z = (long)get_global_id(2);
    const long c = z % C, b1 = (z / C) % B1, b0 = z / C / B1;
    long w, src, step;
    __global const ET *xb;
    __global ET *yb;
    if (j >= r || j >= W || h >= H) return;
    xb = x + x_off + b0 * xs0 + b1 * xs1;
    yb = y + y_off + b0 * ys0 + b1 * ys1 + c * ys2 + h * ys3;
    src = clrs_shuffle_src(down, r, c, h, j, xs2, xs3, xs4);
    step = clrs_shuffle_src(down, r, c, h, r, xs2, xs3, xs4) - clrs_shuffle_src(down, r, c, h, 0, xs2, xs3, xs4);
    for (w = j; w < W; w += r, src += step) yb[w * ys4] = xb[src];
}
