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
    clrs__view vi, vw;
    clrs__conv_geom g;
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if (!bytes) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: bytes is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "weight", ctx, weight, 0, 0, &vw)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, &vi, &vw, NULL, NULL, NULL, &g)) != CLRS_OK)
        return st;
    if (ctx->is_host || g.N == 0 || (vi.dtype == CLRS_F64 && !ctx->info.fp64))
        *bytes = 0;
    else
        *bytes = clrs__cl_conv_transpose_workspace(ctx, &g, &vi, &vw);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_conv_transpose(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                const clrs_tensor *input, const clrs_tensor *weight,
                                const clrs_tensor *bias, const clrs_tensor *output)
{
    const char *op = "conv_transpose";
    clrs__view vi, vw, vb, vo;
    clrs__conv_geom g;
    clrs__view *v[CLRS_MAX_VIEWS] = {&vi, &vw, NULL, &vo, NULL, NULL};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "weight", ctx, weight, 0, 0, &vw)) != CLRS_OK ||
        (bias && (st = clrs__view_make(op, "bias", ctx, bias, 0, 0, &vb)) != CLRS_OK) ||
        (st = clrs__view_make(op, "output", ctx, output, 0, 1, &vo)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, &vi, &vw, bias ? &vb : NULL, &vo, "output", &g)) != CLRS_OK)
        return st;
    if (clrs__views_overlap(&vo, &vi) || clrs__views_overlap(&vo, &vw) || (bias && clrs__views_overlap(&vo, &vb)))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output overlaps input, weight or bias; outputs must not alias inputs", op);
    if (bias) v[2] = &vb;
    if (g.N == 0) {
        clrs__clear_error();
        return CLRS_OK;
    }
    st = clrs__execute(ctx, op, vi.dtype, v, 3, 1, dev_fwd, host_fwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

static clrs_status same_as(const char *op, const char *name, const clrs__view *v, const clrs__view *like,
                           const char *like_name)
{
    if (v->dtype != like->dtype || v->ndim != like->ndim ||
        memcmp(v->shape, like->shape, sizeof(int64_t) * (size_t)like->ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s must have %s's shape and dtype", op, name, like_name);
    return CLRS_OK;
}

clrs_status clrs_conv_transpose_backward(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                         const clrs_tensor *grad_output, const clrs_tensor *input,
                                         const clrs_tensor *weight, const clrs_tensor *grad_input,
                                         const clrs_tensor *grad_weight, const clrs_tensor *grad_bias)
{
    const char *op = "conv_transpose_backward";
    static const char *const names[6] = {"grad_output", "input", "weight", "grad_input", "grad_weight", "grad_bias"};
    clrs__view vgo, vi, vw, vgi, vgw, vgb;
    clrs__conv_geom g;
    clrs__view *v[CLRS_MAX_VIEWS] = {&vgo, &vi, &vw, NULL, NULL, NULL};
    clrs_status st;
    int a, b;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "weight", ctx, weight, 0, 0, &vw)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_output", ctx, grad_output, 0, 0, &vgo)) != CLRS_OK ||
        (st = clrs__conv_resolve_views(op, params, &vi, &vw, NULL, &vgo, "grad_output", &g)) != CLRS_OK)
        return st;
    if (grad_input) {
        if ((st = clrs__view_make(op, "grad_input", ctx, grad_input, 0, 1, &vgi)) != CLRS_OK ||
            (st = same_as(op, "grad_input", &vgi, &vi, "input")) != CLRS_OK)
            return st;
        v[3] = &vgi;
    }
    if (grad_weight) {
        if ((st = clrs__view_make(op, "grad_weight", ctx, grad_weight, 0, 1, &vgw)) != CLRS_OK ||
            (st = same_as(op, "grad_weight", &vgw, &vw, "weight")) != CLRS_OK)
            return st;
        v[4] = &vgw;
    }
    if (grad_bias) {
        if ((st = clrs__view_make(op, "grad_bias", ctx, grad_bias, 0, 1, &vgb)) != CLRS_OK) return st;
        if (vgb.dtype != vi.dtype || vgb.ndim != 1 || vgb.shape[0] != g.Cout)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: grad_bias must be 1-dimensional with %lld elements (C_out) and input's dtype", op,
                              (long long)g.Cout);
        v[5] = &vgb;
    }
    for (a = 3; a < 6; a++) {
        if (!v[a]) continue;
        for (b = 0; b < 6; b++)
            if (b != a && v[b] && clrs__views_overlap(v[a], v[b]))
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s overlaps %s; outputs must not alias other tensors", op,
                                  names[a], names[b]);
    }
    if (!grad_input && !grad_weight && !grad_bias) {
        clrs__clear_error();
        return CLRS_OK;
    }
    /* an empty batch still writes zeros to grad_weight and grad_bias */
    st = clrs__execute(ctx, op, vi.dtype, v, 3, 3, dev_bwd, host_bwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}
