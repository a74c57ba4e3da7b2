/* pixel_shuffle.c — the public pixel_shuffle / pixel_unshuffle entry points and their
 * backwards. One gather runs all four: pixel_shuffle's backward is pixel_unshuffle of
 * grad_output (same factor) and pixel_unshuffle's backward is pixel_shuffle of grad_output,
 * so a backward validates its tensors as the forward would (the rules on grad_input, the
 * forward input's shape) and then runs the other op's gather. */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <string.h>

static clrs_status host_gather(const void *g, clrs__view **v) { return clrs__host_pixel_shuffle(g, v[0], v[1]); }
static clrs_status dev_gather(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_pixel_shuffle(c, g, v[0], v[1]);
}

static clrs_status shape_entry(const char *op, int down, int64_t factor, int ndim, const int64_t *in_shape,
                               int64_t *out_shape)
{
    int64_t tmp[5];
    clrs_status st;
    if (!out_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: out_shape is NULL", op);
    if ((st = clrs__shuffle_resolve(op, down, factor, ndim, in_shape, tmp)) != CLRS_OK) return st;
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_pixel_shuffle_shape(int64_t upscale_factor, int ndim, const int64_t *in_shape, int64_t *out_shape)
{
    return shape_entry("pixel_shuffle_shape", 0, upscale_factor, ndim, in_shape, out_shape);
}

clrs_status clrs_pixel_unshuffle_shape(int64_t downscale_factor, int ndim, const int64_t *in_shape,
                                       int64_t *out_shape)
{
    return shape_entry("pixel_unshuffle_shape", 1, downscale_factor, ndim, in_shape, out_shape);
}

/* The forward op `down` (or its backward): src is read, dst written. Every dtype is taken (a
 * pure permutation); dst must have src's. The rules are checked on the forward input, which
 * is src for a forward call and dst (grad_input) for a backward one. */
static clrs_status call(clrs_context *ctx, const char *op, int down, int backward, int64_t factor,
                        const char *src_name, const clrs_tensor *src, const char *dst_name,
                        const clrs_tensor *dst)
{
    clrs__tensor_arg a[2] = {CLRS__ARG(src_name, src, 0, CLRS__ANY, -1),
                             CLRS__ARG(dst_name, dst, CLRS__OUT, 0, 0)};
    const clrs__view *in, *out;
    clrs__view *v[2];
    clrs__shuffle_geom g;
    int64_t want[5];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK) return st;
    in = backward ? a[1].v : a[0].v;
    out = backward ? a[0].v : a[1].v;
    if ((st = clrs__shuffle_resolve(op, down, factor, in->ndim, in->shape, want)) != CLRS_OK ||
        (st = clrs__check_shape(op, out, in->ndim, want,
                                down ? "the pixel_unshuffle of the input's shape"
                                     : "the pixel_shuffle of the input's shape")) != CLRS_OK)
        return st;
    /* the gather that writes dst: the op's own map forward, the other op's backward */
    clrs__shuffle_geom_make(down ^ backward, factor, a[1].v, &g);
    v[0] = a[0].v, v[1] = a[1].v;
    if (a[1].v->numel &&
        (st = clrs__execute(ctx, op, clrs__shuffle_copy_dtype(a[1].v->esize), v, 1, 1, dev_gather, host_gather, &g)) !=
            CLRS_OK)
        return st;
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_pixel_shuffle(clrs_context *ctx, int64_t upscale_factor, const clrs_tensor *input,
                               const clrs_tensor *output)
{
    return call(ctx, "pixel_shuffle", 0, 0, upscale_factor, "input", input, "output", output);
}

clrs_status clrs_pixel_shuffle_backward(clrs_context *ctx, int64_t upscale_factor, const clrs_tensor *grad_output,
                                        const clrs_tensor *grad_input)
{
    return call(ctx, "pixel_shuffle_backward", 0, 1, upscale_factor, "grad_output", grad_output, "grad_input",
                grad_input);
}

clrs_status clrs_pixel_unshuffle(clrs_context *ctx, int64_t downscale_factor, const clrs_tensor *input,
                                 const clrs_tensor *output)
{
    return call(ctx, "pixel_unshuffle", 1, 0, downscale_factor, "input", input, "output", output);
}

clrs_status clrs_pixel_unshuffle_backward(clrs_context *ctx, int64_t downscale_factor,
                                          const clrs_tensor *grad_output, const clrs_tensor *grad_input)
{
    return call(ctx, "pixel_unshuffle_backward", 1, 1, downscale_factor, "grad_output", grad_output, "grad_input",
                grad_input);
}
