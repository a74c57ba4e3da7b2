/* interpolate.c — the public interpolate entry points: validate everything, build the plan,
 * run it on the context's device or on the host (fallback), in that order. */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

static clrs_status host_gather(const void *plan, clrs__view **v)
{
    return clrs__host_interp_gather(plan, v[0], v[1]);
}
static clrs_status device_gather(clrs_context *ctx, const void *plan, clrs__view **v)
{
    return clrs__cl_interp_gather(ctx, plan, v[0], v[1]);
}

static clrs_status host_u8(const void *plan, clrs__view **v)
{
    return clrs__host_interp_u8(plan, v[0], v[1]);
}
static clrs_status device_u8(clrs_context *ctx, const void *plan, clrs__view **v)
{
    return clrs__cl_interp_u8(ctx, plan, v[0], v[1]);
}

/* uint8 input: nearest / nearest-exact pick stored values (the gather); bilinear, bicubic and
 * lanczos on 4-D input take PyTorch's int16 passes. The rest PyTorch refuses, and so do we. */
static clrs_status u8_mode_check(const char *op, const clrs_interpolate_params *p, int ndim)
{
    if (p->mode == CLRS_NEAREST || p->mode == CLRS_NEAREST_EXACT) return CLRS_OK;
    if (p->mode == CLRS_AREA)
        return clrs__fail(CLRS_ERR_UNSUPPORTED,
                          "%s: input dtype is u8; mode area does not take uint8 (PyTorch: \"%s\" "
                          "not implemented for 'Byte')", op, ndim == 5 ? "adaptive_avg_pool3d_cpu" : "adaptive_avg_pool2d");
    if (ndim != 4 && (p->mode == CLRS_LINEAR || p->mode == CLRS_CUBIC || p->mode == CLRS_LANCZOS))
        return clrs__fail(CLRS_ERR_UNSUPPORTED,
                          "%s: input dtype is u8; mode %s takes uint8 on 4-D input only (PyTorch: %s)", op,
                          p->mode == CLRS_LINEAR ? (ndim == 3 ? "linear" : "trilinear")
                          : p->mode == CLRS_CUBIC ? "cubic" : "lanczos",
                          p->mode == CLRS_LINEAR ? "\"compute_indices_weights_linear\" not implemented for 'Byte'"
                          : p->mode == CLRS_CUBIC ? "bicubic is 4-D only (\"Input Error: Only 3D, 4D and 5D input "
                                                    "Tensors supported ... (got bicubic)\")"
                                                  : "Anti-alias option is restricted to bilinear, bicubic, and "
                                                    "lanczos modes and requires a 4-D tensor as input");
    return CLRS_OK;
}

static clrs_status run(clrs_context *ctx, const char *op, const clrs_interpolate_params *params,
                       const clrs_tensor *src_t, const clrs_tensor *dst_t, int backward)
{
    const char *src_name = backward ? "grad_output" : "input";
    const char *dst_name = backward ? "grad_input" : "output";
    /* uint8 images go forward only (gradients are floating point) */
    clrs__tensor_arg args[2] = {CLRS__ARG(src_name, src_t, 0, backward ? CLRS__FLOAT : CLRS__STORAGE, -1),
                                CLRS__ARG(dst_name, dst_t, CLRS__OUT, CLRS__FLOAT, 0)};
    clrs__view *src, *dst, *in_view, *out_view;
    clrs__interp_geom geom;
    clrs__interp_plan plan;
    int64_t expect[5];
    clrs_status st;

    if ((st = clrs__args_check(op, ctx, args, 2)) != CLRS_OK) return st;
    src = args[0].v, dst = args[1].v;
    if (dst->ndim != src->ndim)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is %d-D but %s is %d-D", op, dst_name,
                          dst->ndim, src_name, src->ndim);
    /* forward resolves against the input; backward against grad_input (the forward input) */
    in_view = backward ? dst : src;
    out_view = backward ? src : dst;
    if ((st = clrs__interp_resolve(op, params, in_view->ndim, in_view->shape, expect, &geom)) != CLRS_OK ||
        (st = clrs__check_shape(op, out_view, out_view->ndim, expect, "the interpolated shape")) != CLRS_OK)
        return st;
    if (geom.compat < 0) geom.compat = ctx->compat;
    if (src->dtype == CLRS_U8 && (st = u8_mode_check(op, params, src->ndim)) != CLRS_OK) return st;
    if (dst->numel == 0) {
        clrs__clear_error();
        return CLRS_OK;
    }
    if (src->dtype == CLRS_U8 && geom.kind[2] != CLRS_AXIS_NEAREST && geom.kind[2] != CLRS_AXIS_NEAREST_EXACT) {
        clrs__u8_plan u8;
        clrs__view *v[2] = {src, dst};
        if ((st = clrs__u8_plan_build(&geom, &u8)) != CLRS_OK) return st;
        st = clrs__execute(ctx, op, CLRS_U8, v, 1, 1, device_u8, host_u8, &u8);
        clrs__u8_plan_free(&u8);
        if (st == CLRS_OK) clrs__clear_error();
        return st;
    }
    if ((st = clrs__interp_plan_build(&geom, src->dtype == CLRS_F64, backward, &plan)) != CLRS_OK)
        return st;
    {
        clrs__view *v[2] = {src, dst};
        st = clrs__execute(ctx, op, src->dtype, v, 1, 1, device_gather, host_gather, &plan);
    }
    clrs__interp_plan_free(&plan);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_interpolate_shape(const clrs_interpolate_params *params, int ndim,
                                   const int64_t *in_shape, int64_t *out_shape)
{
    clrs__interp_geom geom;
    int64_t tmp[5];
    clrs_status st;
    if (!out_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "interpolate_shape: out_shape is NULL");
    if ((st = clrs__interp_resolve("interpolate_shape", params, ndim, in_shape, tmp, &geom)) !=
        CLRS_OK)
        return st;
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_interpolate(clrs_context *ctx, const clrs_interpolate_params *params,
                             const clrs_tensor *input, const clrs_tensor *output)
{
    return run(ctx, "interpolate", params, input, output, 0);
}

clrs_status clrs_interpolate_backward(clrs_context *ctx, const clrs_interpolate_params *params,
                                      const clrs_tensor *grad_output, const clrs_tensor *grad_input)
{
    return run(ctx, "interpolate_backward", params, grad_output, grad_input, 1);
}
