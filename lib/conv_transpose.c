/* conv_transpose.c — the public transposed-convolution entry points: validate everything,
 * resolve, run on the device (CLBlast GEMMs) or on the host (CBLAS) through clrs__execute,
 * with the host fallback when the device cannot (no fp64, kernel build failure, CLBlast
 * missing or unable to run: the device side reports CLRS_ERR_BUILD). */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <string.h>

static clrs_status host_fwd(const void *g, clrs__view **v)
{
    return clrs__host_conv_transpose(g, v[0], v[1], v[2], v[3]);
}
static clrs_status host_bwd(const void *g, clrs__view **v)
{
    return clrs__host_conv_transpose_backward(g, v[0], v[1], v[2], v[3], v[4], v[5]);
}
static clrs_status dev_fwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_conv_transpose(c, g, v[0], v[1], v[2], v[3]);
}
static clrs_status dev_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_conv_transpose_backward(c, g, v[0], v[1], v[2], v[3], v[4], v[5]);
}

clrs_status clrs_conv_transpose_shape(const clrs_conv_transpose_params *params, int ndim,
                                      const int64_t *in_shape, const int64_t *weight_shape,
                                      int64_t *out_shape)
{
    clrs__conv_geom g;
    int64_t out[5];
    clrs_status st;
    if (!out_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "conv_transpose_shape: out_shape is NULL");
    st = clrs__conv_resolve("conv_transpose_shape", params, ndim, in_shape, weight_shape, out, &g);
    if (st != CLRS_OK) return st;
    memcpy(out_shape, out, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_conv_transpose_workspace_size(const clrs_context *ctx,
                                               const clrs_conv_transpose_params *params,
                                               const clrs_tensor *input, const clrs_tensor *weight,
                                               size_t *bytes)
{
    const char *op = "conv_transpose_workspace_size";
    clrs__tensor_arg a[2] = {CLRS__ARG("input", input, 0, CLRS__FLOAT, -1), CLRS__ARG("weight", weight, 0, 0, 0)};
    clrs__conv_geom g;
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if (!bytes) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: bytes is NULL", op);
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, a[0].v, a[1].v, NULL, NULL, &g)) != CLRS_OK)
        return st;
    if (ctx->is_host || g.N == 0 || (a[0].v->dtype == CLRS_F64 && !ctx->info.fp64))
        *bytes = 0;
    else
        *bytes = clrs__cl_conv_transpose_workspace(ctx, &g, a[0].v, a[1].v);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_conv_transpose(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                const clrs_tensor *input, const clrs_tensor *weight,
                                const clrs_tensor *bias, const clrs_tensor *output)
{
    const char *op = "conv_transpose";
    clrs__tensor_arg a[4] = {CLRS__ARG("input", input, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("weight", weight, 0, 0, 0),
                             CLRS__ARG("bias", bias, CLRS__OPTIONAL, 0, 0),
                             CLRS__ARG("output", output, CLRS__OUT, 0, 0)};
    clrs__conv_geom g;
    clrs__view *v[CLRS_MAX_VIEWS] = {NULL, NULL, NULL, NULL, NULL, NULL};
    clrs_status st;
    int i;
    if ((st = clrs__args_check(op, ctx, a, 4)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, a[0].v, a[1].v, a[2].v, a[3].v, &g)) != CLRS_OK)
        return st;
    for (i = 0; i < 4; i++) v[i] = a[i].v;
    st = g.N == 0 ? CLRS_OK : clrs__execute(ctx, op, a[0].v->dtype, v, 3, 1, dev_fwd, host_fwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_conv_transpose_backward(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                         const clrs_tensor *grad_output, const clrs_tensor *input,
                                         const clrs_tensor *weight, const clrs_tensor *grad_input,
                                         const clrs_tensor *grad_weight, const clrs_tensor *grad_bias)
{
    const char *op = "conv_transpose_backward";
    const int opt_out = CLRS__OUT | CLRS__OPTIONAL | CLRS__SAME_SHAPE;
    clrs__tensor_arg a[6] = {CLRS__ARG("grad_output", grad_output, 0, 0, 1),
                             CLRS__ARG("input", input, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("weight", weight, 0, 0, 1),
                             CLRS__ARG("grad_input", grad_input, opt_out, 0, 1),
                             CLRS__ARG("grad_weight", grad_weight, opt_out, 0, 2),
                             CLRS__ARG("grad_bias", grad_bias, CLRS__OUT | CLRS__OPTIONAL, 0, 1)};
    clrs__conv_geom g;
    clrs__view *v[CLRS_MAX_VIEWS];
    clrs_status st;
    int i;
    if ((st = clrs__args_check(op, ctx, a, 6)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, a[1].v, a[2].v, NULL, a[0].v, &g)) != CLRS_OK)
        return st;
    if (a[5].v && (st = clrs__check_shape(op, a[5].v, 1, &g.Cout, "C_out")) != CLRS_OK) return st;
    for (i = 0; i < 6; i++) v[i] = a[i].v;
    /* an empty batch still writes zeros to grad_weight and grad_bias */
    st = !grad_input && !grad_weight && !grad_bias
             ? CLRS_OK
             : clrs__execute(ctx, op, a[1].v->dtype, v, 3, 3, dev_bwd, host_bwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}
