/* interpolate.cl — the separable gather kernel of interpolate, forward and backward.
 *
 * One work-item per destination element. The plan's tables say which source elements feed
 * it and with which weights (forward: output <- input; backward: grad_input <- grad_output
 * through the transposed tables). All arithmetic is in resample_math.h.
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
