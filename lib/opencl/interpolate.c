/* opencl/interpolate.c — the OpenCL backend of interpolate: stages the tensors, uploads the
 * plan's tables, sets the arguments of clrs_interpolate_gather and enqueues it. */
#include "opencl/opencl.h"

#include <stdio.h>

clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst)
{
    const int64_t planes = dst->shape[0] * dst->shape[1];
    int64_t s[5];
    clrs__cl_call c;
    clrs__args a;
    cl_mem tab = NULL, wt = NULL;
    cl_int err;
    char taps[96];
    clrs_status st;

    /* constant tap counts where the plan has them: the loops unroll (a few variants at most:
     * 1, 2 or 4 taps per axis for nearest, linear, cubic) */
    snprintf(taps, sizeof taps, "-DCLRS_TAPS0=%d -DCLRS_TAPS1=%d -DCLRS_TAPS2=%d",
             plan->fixed[0] <= 4 ? plan->fixed[0] : 0, plan->fixed[1] <= 4 ? plan->fixed[1] : 0,
             plan->fixed[2] <= 4 ? plan->fixed[2] : 0);
    if ((st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate.cl", dst->dtype, taps)) != CLRS_OK)
        return st;
    if (planes == 0) return CLRS_OK;
    if ((st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK)
        return clrs__cl_call_end(&c, st);
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->tab_len * sizeof(int32_t),
                         plan->tab, &err);
    if (tab)
        wt = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                            (plan->wt_len ? plan->wt_len : 1) * (plan->dbl ? 8 : 4), plan->wt, &err);
    if (!wt) {
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(tables)");
    } else if ((st = clrs__cl_kernel(&c, "clrs_interpolate_gather", &a)) == CLRS_OK) {
        size_t global[3] = {(size_t)plan->dst[2], (size_t)plan->dst[1], (size_t)(planes * plan->dst[0])};
        clrs__axis_strides(src, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__axis_strides(dst, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__arg_long(&a, dst->shape[1]);
        clrs__arg_long(&a, plan->dst[0]);
        clrs__arg_long(&a, plan->dst[1]);
        clrs__arg_long(&a, plan->dst[2]);
        clrs__arg_mem(&a, tab);
        clrs__arg_mem(&a, wt);
        st = clrs__cl_run(&c, &a, 3, global, NULL);
    }
    /* the queue keeps the tables alive until the kernel has finished */
    if (tab) clReleaseMemObject(tab);
    if (wt) clReleaseMemObject(wt);
    return clrs__cl_call_end(&c, st);
}
