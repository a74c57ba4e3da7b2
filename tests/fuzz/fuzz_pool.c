/* fuzz_pool.c — clrs_max_pool, _backward, _shape, clrs_max_unpool, _backward, _shape and
 * clrs_pixel_shuffle / _unshuffle (+ _backward, _shape) on the host backend with arbitrary parameters and tensors (see fuzz_common.h). Index tensors
 * are filled with small values (mostly inside the plane), random bits or extremes. */
#include "fuzz_common.h"

#include <string.h>

static int64_t pad(fz_in *in)
{
    const uint8_t b = fz_u8(in);
    return b < 170 ? 0 : b < 220 ? 1 + b % 2 : fz_i64(in);
}

static void pool_params(fz_in *in, clrs_pool_params *p)
{
    int i;
    for (i = 0; i < 3; i++) {
        p->kernel[i] = fz_param(in);
        p->stride[i] = fz_param(in);
        p->padding[i] = pad(in);
        p->dilation[i] = fz_pick(in, 2) ? CLRS_DEFAULT : fz_param(in);
    }
    p->ceil_mode = fz_pick(in, 8) ? fz_pick(in, 2) : fz_enum(in, 2);
}

static void unpool_params(fz_in *in, clrs_unpool_params *p, int nsd, const int64_t *shape)
{
    int i;
    for (i = 0; i < 3; i++) {
        p->kernel[i] = fz_param(in);
        p->stride[i] = fz_param(in);
        p->padding[i] = pad(in);
    }
    p->output_ndim = fz_pick(in, 2) ? 0 : fz_pick(in, 2) ? nsd + 2 * fz_pick(in, 2) : fz_enum(in, 6);
    for (i = 0; i < 5; i++)
        p->output_size[i] = fz_pick(in, 2) && i < nsd + 2 && shape[i] >= 0 && shape[i] < 65536
                                ? shape[i] * 2 + fz_pick(in, 3) - 1 : fz_size(in);
}

/* The shape functions: arbitrary ndim; in_shape / out_shape arrays of exactly the entries given. */
static void shape_call(fz_in *in, int which, const void *params, int ndim, const int64_t *shape)
{
    const int nd = fz_pick(in, 4) ? ndim : fz_enum(in, 8);
    const size_t n = nd >= 0 && nd <= 8 ? (size_t)nd : 8;
    size_t *w_in, *w_out;
    int64_t *ins = fz_buffer(in, n * sizeof(int64_t), 1, &w_in);
    int64_t *outs = fz_buffer(in, n * sizeof(int64_t), 1, &w_out);
    clrs_status st;
    int i;
    if (ins)
        for (i = 0; i < (int)n; i++) ins[i] = i < 5 && fz_pick(in, 4) ? shape[i] : fz_i64(in);
    fz_snapshot();
    if (which == 0) {
        st = clrs_max_pool_shape(params, nd, ins, outs);
        if (st == CLRS_OK) *w_out = n * sizeof(int64_t);
        fz_check("clrs_max_pool_shape", st);
    } else {
        st = clrs_max_unpool_shape(params, nd, ins, outs);
        if (st == CLRS_OK) *w_out = n * sizeof(int64_t);
        fz_check("clrs_max_unpool_shape", st);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    clrs_pool_params pp;
    clrs_unpool_params up;
    const void *params;
    const int op = fz_pick(&in, 8);
    const int ndim = 3 + fz_pick(&in, 3);
    const clrs_dtype dtype = (clrs_dtype)(fz_pick(&in, 4) == 0 ? CLRS_F64 : fz_pick(&in, 4) == 0 ? CLRS_F16
                                          : fz_pick(&in, 4) == 0 ? CLRS_U8 : CLRS_F32);
    int64_t shape[5], other[5], factor = 0;
    int unshuffle = 0;
    fz_tensor t[3];
    clrs_context *ctx;
    clrs_status st;
    int i, have, null_params;

    fz_begin();
    memset(&pp, 0, sizeof pp);
    memset(&up, 0, sizeof up);
    for (i = 0; i < 5; i++) shape[i] = i < ndim ? fz_size(&in) : 0;
    if (op < 3) pool_params(&in, &pp);
    else if (op < 6) unpool_params(&in, &up, ndim - 2, shape);
    else factor = fz_param(&in), unshuffle = fz_pick(&in, 2);
    null_params = fz_rare(&in, 32);
    params = null_params ? NULL : op < 3 ? (const void *)&pp : (const void *)&up;

    switch (op) {
    case 0: /* max_pool: input, then the pooled output and indices (or NULL indices) */
        fz_tensor_make(&in, &t[0], ndim, dtype, shape, 0, 0);
        have = !null_params && t[0].t.ndim >= 3 && t[0].t.ndim <= 5 &&
               FZ_HINT_OK(clrs_max_pool_shape(params, t[0].t.ndim, t[0].t.shape, other));
        fz_tensor_make(&in, &t[1], have ? t[0].t.ndim : ndim, dtype, have ? other : shape, 1, 0);
        fz_tensor_make(&in, &t[2], have ? t[0].t.ndim : ndim, CLRS_I64, have ? other : shape, 1, 1);
        ctx = fz_ctx(&in);
        st = clrs_max_pool(ctx, params, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_max_pool", st);
        break;
    case 1: /* max_pool_backward: grad_input (the input's shape), grad_output and indices pooled */
        fz_tensor_make(&in, &t[2], ndim, dtype, shape, 1, 0);
        have = !null_params && t[2].t.ndim >= 3 && t[2].t.ndim <= 5 &&
               FZ_HINT_OK(clrs_max_pool_shape(params, t[2].t.ndim, t[2].t.shape, other));
        fz_tensor_make(&in, &t[0], have ? t[2].t.ndim : ndim, dtype, have ? other : shape, 0, 0);
        fz_tensor_make(&in, &t[1], have ? t[2].t.ndim : ndim, CLRS_I64, have ? other : shape, 0, 0);
        ctx = fz_ctx(&in);
        st = clrs_max_pool_backward(ctx, params, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_max_pool_backward", st);
        break;
    case 2:
        shape_call(&in, 0, params, ndim, shape);
        break;
    case 3: /* max_unpool: input and indices pooled, output unpooled */
        fz_tensor_make(&in, &t[0], ndim, dtype, shape, 0, 0);
        fz_tensor_make(&in, &t[1], ndim, CLRS_I64, t[0].t.shape, 0, 0);
        have = !null_params && t[0].t.ndim >= 3 && t[0].t.ndim <= 5 &&
               FZ_HINT_OK(clrs_max_unpool_shape(params, t[0].t.ndim, t[0].t.shape, other));
        fz_tensor_make(&in, &t[2], have ? t[0].t.ndim : ndim, dtype, have ? other : shape, 1, 0);
        ctx = fz_ctx(&in);
        st = clrs_max_unpool(ctx, params, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_max_unpool", st);
        break;
    case 4: /* max_unpool_backward: grad_input and indices pooled, grad_output unpooled */
        fz_tensor_make(&in, &t[2], ndim, dtype, shape, 1, 0);
        fz_tensor_make(&in, &t[1], ndim, CLRS_I64, t[2].t.shape, 0, 0);
        have = !null_params && t[2].t.ndim >= 3 && t[2].t.ndim <= 5 &&
               FZ_HINT_OK(clrs_max_unpool_shape(params, t[2].t.ndim, t[2].t.shape, other));
        fz_tensor_make(&in, &t[0], have ? t[2].t.ndim : ndim, dtype, have ? other : shape, 0, 0);
        ctx = fz_ctx(&in);
        st = clrs_max_unpool_backward(ctx, params, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_max_unpool_backward", st);
        break;
    case 5:
        shape_call(&in, 1, params, ndim, shape);
        break;
    case 6: /* pixel_shuffle / pixel_unshuffle: any dtype, output from the shape function */
        fz_tensor_make(&in, &t[0], ndim, dtype, shape, 0, 0);
        have = t[0].t.ndim >= 3 && t[0].t.ndim <= 5 &&
               FZ_HINT_OK(unshuffle ? clrs_pixel_unshuffle_shape(factor, t[0].t.ndim, t[0].t.shape, other)
                                    : clrs_pixel_shuffle_shape(factor, t[0].t.ndim, t[0].t.shape, other));
        fz_tensor_make(&in, &t[1], have ? t[0].t.ndim : ndim, dtype, have ? other : shape, 1, 0);
        ctx = fz_ctx(&in);
        st = unshuffle ? clrs_pixel_unshuffle(ctx, factor, fz_ptr(&t[0]), fz_ptr(&t[1]))
                       : clrs_pixel_shuffle(ctx, factor, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check(unshuffle ? "clrs_pixel_unshuffle" : "clrs_pixel_shuffle", st);
        break;
    default: /* their backward: grad_input has the forward input's shape */
        fz_tensor_make(&in, &t[1], ndim, dtype, shape, 1, 0);
        have = t[1].t.ndim >= 3 && t[1].t.ndim <= 5 &&
               FZ_HINT_OK(unshuffle ? clrs_pixel_unshuffle_shape(factor, t[1].t.ndim, t[1].t.shape, other)
                                    : clrs_pixel_shuffle_shape(factor, t[1].t.ndim, t[1].t.shape, other));
        fz_tensor_make(&in, &t[0], have ? t[1].t.ndim : ndim, dtype, have ? other : shape, 0, 0);
        ctx = fz_ctx(&in);
        st = unshuffle ? clrs_pixel_unshuffle_backward(ctx, factor, fz_ptr(&t[0]), fz_ptr(&t[1]))
                       : clrs_pixel_shuffle_backward(ctx, factor, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check(unshuffle ? "clrs_pixel_unshuffle_backward" : "clrs_pixel_shuffle_backward", st);
        break;
    }
    return 0;
}
