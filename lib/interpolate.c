/* interpolate.c — the public interpolate entry points: validate everything, build the plan,
 * run it on the context's device or on the host (fallback), in that order. */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

static void shape_text(char *buf, size_t cap, int ndim, const int64_t *shape)
{
    size_t n = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "[", (long long)shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, "]");
}

static clrs_status host_gather(const void *plan, clrs__view **v)
{
    return clrs__host_interp_gather(plan, v[0], v[1]);
}
static clrs_status device_gather(clrs_context *ctx, const void *plan, clrs__view **v)
{
    return clrs__cl_interp_gather(ctx, plan, v[0], v[1]);
}

static clrs_status run(clrs_context *ctx, const char *op, const clrs_interpolate_params *params,
                       const clrs_tensor *src_t, const clrs_tensor *dst_t, int backward)
{
    const char *src_name = backward ? "grad_output" : "input";
    const char *dst_name = backward ? "grad_input" : "output";
    clrs__view src, dst;
    clrs__interp_geom geom;
    clrs__interp_plan plan;
    int64_t expect[5];
    const clrs__view *in_view;
    clrs_status st;

    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, src_name, ctx, src_t, 0, 0, &src)) != CLRS_OK) return st;
    if ((st = clrs__view_make(op, dst_name, ctx, dst_t, 0, 1, &dst)) != CLRS_OK) return st;
    if (src.dtype == CLRS_I64)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype is i64; interpolate takes f32, f64, f16 or bf16",
                          op, src_name);
    if (dst.dtype != src.dtype)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype %s differs from %s dtype %s", op,
                          dst_name, clrs__dtype_name(dst.dtype), src_name,
                          clrs__dtype_name(src.dtype));
    if (dst.ndim != src.ndim)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is %d-D but %s is %d-D", op, dst_name,
                          dst.ndim, src_name, src.ndim);
    /* forward resolves against the input; backward against grad_input (the forward input) */
    in_view = backward ? &dst : &src;
    if ((st = clrs__interp_resolve(op, params, in_view->ndim, in_view->shape, expect, &geom)) !=
        CLRS_OK)
        return st;
    {
        const clrs__view *out_view = backward ? &src : &dst;
        if (memcmp(expect, out_view->shape, sizeof(int64_t) * (size_t)out_view->ndim) != 0) {
            char want[128], got[128];
            shape_text(want, sizeof want, out_view->ndim, expect);
            shape_text(got, sizeof got, out_view->ndim, out_view->shape);
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s shape %s does not match the interpolated shape %s", op,
                              backward ? src_name : dst_name, got, want);
        }
    }
    if (clrs__views_overlap(&src, &dst))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s overlaps %s; outputs must not alias inputs",
                          op, dst_name, src_name);
    if ((st = clrs__interp_plan_build(&geom, src.dtype == CLRS_F64, backward, &plan)) != CLRS_OK)
        return st;
    {
        clrs__view *v[2] = {&src, &dst};
        st = clrs__execute(ctx, op, src.dtype, v, 1, 1, device_gather, host_gather, &plan);
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
