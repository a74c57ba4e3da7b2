/* conv_transpose.cl — the non-GEMM kernels of transposed convolution (the GEMMs run through
 * CLBlast): col2im (forward; a gather, deterministic), im2col (backward), grad_bias, and the
 * strided <-> contiguous compute-type copies that feed CLBlast with f16 / bf16 tensors or
 * strides it cannot take.
 *
 * Every kernel is 1-D with a bounds check, launched with one fixed work-group size (PoCL then
 * compiles one work-group function per kernel, whatever the shapes).
 * CLRS_DTYPE: 0 f32, 1 f64, 2 f16, 3 bf16 (the clrs_dtype values); the compute type R is
 * double for f64 and float otherwise. Tensors are (buffer, element offset, 5 strides) with
 * axes (n, c, z, y, x); a weight's are (ci, co, k0, k1, k2). The index maps are in
 * resample_math_conv.h, shared with the host backend. */
#include "resample_math_conv.h"

#include "kernel_dtype.h"

/* Global range (total, rounded up): dst[doff + z] = src element z of the (n1, n2, n3, n4)-shaped view in
 * row-major order (axis 0 unbounded: the chunk's entries). */
__kernel void clrs_conv_pack(__global const ST *src, long off, long s0, long s1, long s2, long s3,
                             long s4, long n1, long n2, long n3, long n4, __global R *dst,
                             long doff, long total)
{
    const long z = (long)get_global_id(0);
    long x, y, w, c, n;
    if (z >= total) return;
    x = z % n4, y = (z / n4) % n3, w = (z / (n4 * n3)) % n2;
    c = (z / (n4 * n3 * n2)) % n1, n = z / (n4 * n3 * n2 * n1);
    dst[doff + z] = (R)LOAD(src, off + n * s0 + c * s1 + w * s2 + y * s3 + x * s4);
}

/* Global range (total, rounded up): the inverse of clrs_conv_pack. */
__kernel void clrs_conv_unpack(__global const R *src, long soff, __global ST *dst, long off,
                               long s0, long s1, long s2, long s3, long s4, long n1, long n2,
                               long n3, long n4, long total)
{
    const long z = (long)get_global_id(0);
    long x, y, w, c, n;
    if (z >= total) return;
    x = z % n4, y = (z / n4) % n3, w = (z / (n4 * n3)) % n2;
    c = (z / (n4 * n3 * n2)) % n1, n = z / (n4 * n3 * n2 * n1);
    STORE(dst, off + n * s0 + c * s1 + w * s2 + y * s3 + x * s4, src[soff + z]);
}

/* Global range (nb * C_out * Lout, rounded up): one output pixel (b, channel, o) of the chunk.
 * cols + coff holds nb entries of G column matrices (M x L) each. */
__kernel void clrs_conv_col2im(__global const R *cols, long coff, __global const ST *bias,
                               long boff, long bs, int has_bias, __global ST *y, long yoff,
                               long s0, long s1, long s2, long s3, long s4, clrs_conv_geom g,
                               long total)
{
    const long z = (long)get_global_id(0), Cout = g.G * g.Cout_g, M = g.Cout_g * g.K;
    long o, cog, b, o0, o1, o2, grp;
    R v;
    if (z >= total) return;
    o = z % g.Lout, cog = (z / g.Lout) % Cout, b = z / (g.Lout * Cout);
    o2 = o % g.out[2], o1 = (o / g.out[2]) % g.out[1], o0 = o / (g.out[2] * g.out[1]);
    grp = cog / g.Cout_g;
    v = RFN(clrs_conv_col2im)(cols, coff + (b * g.G + grp) * M * g.L, &g, cog % g.Cout_g, o0, o1, o2);
    if (has_bias) v += (R)LOAD(bias, boff + cog * bs);
    STORE(y, yoff + b * s0 + cog * s1 + o0 * s2 + o1 * s3 + o2 * s4, v);
}

/* Global range (nb * G * M * L, rounded up): column entry z of the chunk, i.e. (b, row, i). */
__kernel void clrs_conv_im2col(__global const ST *gout, long off, long s0, long s1, long s2,
                               long s3, long s4, __global R *cols, long coff, clrs_conv_geom g,
                               long total)
{
    const long z = (long)get_global_id(0), M = g.Cout_g * g.K;
    long i, row, b, grp, co, o0, o1, o2;
    if (z >= total) return;
    i = z % g.L, row = (z / g.L) % (g.G * M), b = z / (g.L * g.G * M);
    grp = row / M;
    cols[coff + z] = clrs_conv_im2col_src(&g, row % M, i, &co, &o0, &o1, &o2)
                         ? (R)LOAD(gout, off + b * s0 + (grp * g.Cout_g + co) * s1 + o0 * s2 + o1 * s3 + o2 * s4)
                         : (R)0;
}

/* Global range (C_out, rounded up): grad_bias[c] = sum over n, then pixels, Kahan-compensated in order
 * (the host's arithmetic). */
__kernel void clrs_conv_grad_bias(__global const ST *gout, long off, long s0, long s1, long s2,
                                  long s3, long s4, __global ST *gb, long gboff, long gbs, long N,
                                  long Cout, clrs_conv_geom g)
{
    const long c = (long)get_global_id(0);
    R sum = (R)0, comp = (R)0;
    long n, o;
    if (c >= Cout) return;
    for (n = 0; n < N; n++)
        for (o = 0; o < g.Lout; o++) {
            const long o2 = o % g.out[2], o1 = (o / g.out[2]) % g.out[1], o0 = o / (g.out[2] * g.out[1]);
            const R yv = (R)LOAD(gout, off + n * s0 + c * s1 + o0 * s2 + o1 * s3 + o2 * s4) - comp;
            const R t = sum + yv;
            comp = (t - sum) - yv;
            sum = t;
        }
    STORE(gb, gboff + c * gbs, sum);
}

/* Global range (total, rounded up): dst[doff + z] = 0. */
__kernel void clrs_conv_zero(__global R *dst, long doff, long total)
{
    const long z = (long)get_global_id(0);
    if (z < total) dst[doff + z] = (R)0;
}
