/* plan/pixel_shuffle.c — pixel_shuffle's and pixel_unshuffle's argument rules and output
 * shapes (PyTorch's: aten/src/ATen/native/PixelShuffle.cpp), and the five-axis form of the
 * tensors that both backends use. */
#include "plan/plan.h"

clrs_status clrs__shuffle_resolve(const char *op, int down, int64_t factor, int ndim,
                                  const int64_t *in_shape, int64_t *out_shape)
{
    const char *torch_op = down ? "pixel_unshuffle" : "pixel_shuffle";
    const char *fname = down ? "downscale_factor" : "upscale_factor";
    int64_t r2, C, H, W;
    int d;
    if (ndim < 3)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: %s expects input to have at least 3 dimensions, but got input with %d dimension(s)",
                          op, torch_op, ndim);
    if (ndim > 5)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: input has %d dimensions; at most 5 are supported ((*, C, H, W) with up to 2 batch dims)",
                          op, ndim);
    if (!in_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: in_shape is NULL", op);
    for (d = 0; d < ndim; d++)
        if (in_shape[d] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input shape[%d] is %lld; sizes must be >= 0", op, d,
                              (long long)in_shape[d]);
    if (factor <= 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s expects a positive %s, but got %lld", op, torch_op, fname,
                          (long long)factor);
    C = in_shape[ndim - 3], H = in_shape[ndim - 2], W = in_shape[ndim - 1];
    for (d = 0; d < ndim - 3; d++) out_shape[d] = in_shape[d];
    if (!down) {
        if (clrs__mul64(factor, factor, &r2))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: upscale_factor %lld is out of range: its square exceeds 2^63-1",
                              op, (long long)factor);
        if (C % r2)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                              "of upscale_factor, but input.size(-3)=%lld is not divisible by %lld",
                              op, (long long)C, (long long)r2);
        if (clrs__mul64(H, factor, &out_shape[ndim - 2]) || clrs__mul64(W, factor, &out_shape[ndim - 1]))
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: the output size is out of range: input.size(-2) or input.size(-1) times "
                              "upscale_factor %lld exceeds 2^63-1",
                              op, (long long)factor);
        out_shape[ndim - 3] = C / r2;
    } else {
        if (H % factor)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: pixel_unshuffle expects height to be divisible by downscale_factor, but "
                              "input.size(-2)=%lld is not divisible by %lld",
                              op, (long long)H, (long long)factor);
        if (W % factor)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: pixel_unshuffle expects width to be divisible by downscale_factor, but "
                              "input.size(-1)=%lld is not divisible by %lld",
                              op, (long long)W, (long long)factor);
        if (clrs__mul64(factor, factor, &r2) || clrs__mul64(C, r2, &out_shape[ndim - 3]))
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: the output size is out of range: input.size(-3) times downscale_factor^2 "
                              "(%lld^2) exceeds 2^63-1",
                              op, (long long)factor);
        out_shape[ndim - 2] = H / factor;
        out_shape[ndim - 1] = W / factor;
    }
    if (clrs__size_product(out_shape, ndim) < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the output is out of range: more than 2^63-1 elements", op);
    return CLRS_OK;
}

void clrs__shuffle_strides(const clrs__view *v, int64_t s[5])
{
    const int lead = 5 - v->ndim;
    int a;
    for (a = 0; a < 5; a++) s[a] = a >= lead ? v->strides[a - lead] : 0;
}

void clrs__shuffle_geom_make(int down, int64_t r, const clrs__view *dst, clrs__shuffle_geom *g)
{
    const int lead = 5 - dst->ndim;
    int a;
    g->down = down;
    g->r = r;
    for (a = 0; a < 5; a++) g->dst[a] = a >= lead ? dst->shape[a - lead] : 1;
}

clrs_dtype clrs__shuffle_copy_dtype(size_t esize)
{
    return esize == 1 ? CLRS_U8 : esize == 2 ? CLRS_BF16 : esize == 8 ? CLRS_I64 : CLRS_F32;
}
