/* opencl/interpolate.c — the OpenCL backend of interpolate: stages the tensors, uploads the
 * plan's tables, sets the arguments of clrs_interpolate_gather and enqueues it. */
#include "opencl/opencl.h"

#include <stdio.h>

#define SET_ARG(k, i, v)                                                                   \
    do {                                                                                   \
        if (err == CL_SUCCESS) err = clSetKernelArg((k), (i), sizeof(v), &(v));            \
    } while (0)

clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst)
{
    const int64_t planes = dst->shape[0] * dst->shape[1];
    cl_long O0 = plan->dst[0], O1 = plan->dst[1], O2 = plan->dst[2], C = dst->shape[1];
    cl_long sarg[5], darg[5], soff, doff;
    int64_t ss[5], ds[5];
    clrs__cl_buffer sb = {0}, db = {0};
    cl_mem tab = NULL, wt = NULL;
    cl_program prog;
    cl_kernel k = NULL;
    cl_int err = CL_SUCCESS;
    char options[128];
    clrs_status st;
    int i, host_side = src->host != NULL || dst->host != NULL;

    /* constant tap counts where the plan has them: the loops unroll (a few variants at most:
     * 1, 2 or 4 taps per axis for nearest, linear, cubic) */
    snprintf(options, sizeof options, "-DCLRS_DTYPE=%d -DCLRS_TAPS0=%d -DCLRS_TAPS1=%d -DCLRS_TAPS2=%d",
             (int)dst->dtype, plan->fixed[0] <= 4 ? plan->fixed[0] : 0,
             plan->fixed[1] <= 4 ? plan->fixed[1] : 0, plan->fixed[2] <= 4 ? plan->fixed[2] : 0);
    if ((st = clrs__program_get(ctx, "interpolate.cl", options, &prog)) != CLRS_OK) return st;
    if (planes == 0) return CLRS_OK;
    k = clCreateKernel(prog, "clrs_interpolate_gather", &err);
    if (!k) return clrs__cl_fail(err, "interpolate", "clCreateKernel");
    if ((st = clrs__cl_view_acquire(ctx, src, 0, &sb)) != CLRS_OK) goto done;
    if ((st = clrs__cl_view_acquire(ctx, dst, 1, &db)) != CLRS_OK) goto done;
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                         plan->tab_len * sizeof(int32_t), plan->tab, &err);
    if (!tab) {
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(tables)");
        goto done;
    }
    wt = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                        (plan->wt_len ? plan->wt_len : 1) * (plan->dbl ? 8 : 4), plan->wt, &err);
    if (!wt) {
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(weights)");
        goto done;
    }
    clrs__axis_strides(src, ss);
    clrs__axis_strides(dst, ds);
    for (i = 0; i < 5; i++) sarg[i] = ss[i], darg[i] = ds[i];
    soff = (cl_long)sb.elem_offset;
    doff = (cl_long)db.elem_offset;
    SET_ARG(k, 0, sb.mem);
    SET_ARG(k, 1, soff);
    for (i = 0; i < 5; i++) SET_ARG(k, 2 + i, sarg[i]);
    SET_ARG(k, 7, db.mem);
    SET_ARG(k, 8, doff);
    for (i = 0; i < 5; i++) SET_ARG(k, 9 + i, darg[i]);
    SET_ARG(k, 14, C);
    SET_ARG(k, 15, O0);
    SET_ARG(k, 16, O1);
    SET_ARG(k, 17, O2);
    SET_ARG(k, 18, tab);
    SET_ARG(k, 19, wt);
    if (err != CL_SUCCESS) {
        st = clrs__cl_fail(err, "interpolate", "clSetKernelArg");
        goto done;
    }
    {
        size_t global[3] = {(size_t)O2, (size_t)O1, (size_t)(planes * O0)};
        cl_event ev = NULL;
        err = clEnqueueNDRangeKernel(ctx->queue, k, 3, NULL, global, NULL, 0, NULL, &ev);
        if (err != CL_SUCCESS) st = clrs__cl_fail(err, "interpolate", "clEnqueueNDRangeKernel");
        else clrs__set_last_event(ctx, ev);
    }
done:
    if (db.mem) {
        clrs_status st2 = clrs__cl_view_release(ctx, dst, st == CLRS_OK, &db);
        if (st == CLRS_OK) st = st2;
    }
    if (host_side) clFinish(ctx->queue); /* host memory must not be read after we return */
    if (sb.mem) clrs__cl_view_release(ctx, src, 0, &sb);
    if (tab) clReleaseMemObject(tab);
    if (wt) clReleaseMemObject(wt);
    if (k) clReleaseKernel(k);
    return st;
}
