/* opencl/call.c — one op call on the device: its program, its tensors staged as buffers and
 * released together (written host tensors brought back), kernels created, launched and
 * profiled. Every OpenCL op file builds on it. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <string.h>

clrs_status clrs__cl_call_begin(clrs__cl_call *c, clrs_context *ctx, const char *op, const char *file,
                                clrs_dtype dtype, const char *more_options)
{
    char options[160];
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->op = op;
    snprintf(options, sizeof options, "-DCLRS_DTYPE=%d%s%s", (int)dtype, more_options ? " " : "",
             more_options ? more_options : "");
    return clrs__program_get(ctx, file, options, &c->prog);
}

clrs_status clrs__cl_call_view(clrs__cl_call *c, int slot, const clrs__view *v, int writable)
{
    c->views[slot] = v;
    if (!v || !v->span) return CLRS_OK; /* absent or empty: no buffer */
    if (v->host) c->host_side = 1;
    c->written[slot] = writable;
    return clrs__cl_view_acquire(c->ctx, v, writable, &c->bufs[slot]);
}

clrs_status clrs__cl_call_end(clrs__cl_call *c, clrs_status st)
{
    int i;
    for (i = 0; i < CLRS_MAX_VIEWS; i++)
        if (c->views[i] && c->bufs[i].mem && c->written[i]) {
            clrs_status s2 = clrs__cl_view_release(c->ctx, c->views[i], st == CLRS_OK, &c->bufs[i]);
            if (st == CLRS_OK) st = s2;
        }
    /* host memory must not be touched after we return, nor device scratch freed early */
    if (c->host_side || st != CLRS_OK) clFinish(c->ctx->queue);
    for (i = 0; i < CLRS_MAX_VIEWS; i++)
        if (c->views[i] && c->bufs[i].mem && !c->written[i]) clrs__cl_view_release(c->ctx, c->views[i], 0, &c->bufs[i]);
    return st;
}

clrs_status clrs__cl_kernel(clrs__cl_call *c, const char *name, clrs__args *a)
{
    cl_int err;
    memset(a, 0, sizeof *a);
    if ((a->k = clCreateKernel(c->prog, name, &err)) == NULL) return clrs__cl_fail(err, c->op, "clCreateKernel");
    return CLRS_OK;
}

clrs_status clrs__cl_run(clrs__cl_call *c, clrs__args *a, cl_uint dims, const size_t *global,
                         const size_t *local)
{
    cl_event ev = NULL;
    cl_int err = a->err;
    clrs_status st = CLRS_OK;
    if (err != CL_SUCCESS) {
        st = clrs__cl_fail(err, c->op, "clSetKernelArg");
    } else {
        err = clEnqueueNDRangeKernel(c->ctx->queue, a->k, dims, NULL, global, local, 0, NULL, &ev);
        if (err == CL_INVALID_WORK_GROUP_SIZE && local && !a->exact_local) /* the kernel allows fewer: runtime's choice */
            err = clEnqueueNDRangeKernel(c->ctx->queue, a->k, dims, NULL, global, NULL, 0, NULL, &ev);
        if (err == CL_INVALID_WORK_GROUP_SIZE && a->exact_local)
            st = clrs__fail(CLRS_ERR_UNSUPPORTED,
                            "%s: the kernel needs work-groups of %zu work-items and this device allows it fewer "
                            "(a tuning choice: tune it with other parameters)",
                            c->op, local[0] * (dims > 1 ? local[1] : 1) * (dims > 2 ? local[2] : 1));
        else if (err != CL_SUCCESS) st = clrs__cl_fail(err, c->op, "clEnqueueNDRangeKernel");
        else clrs__set_last_event(c->ctx, ev);
    }
    clReleaseKernel(a->k);
    a->k = NULL;
    return st;
}
