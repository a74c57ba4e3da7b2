/* opencl/pool.c — the OpenCL backend of max_pool and max_unpool: stages the tensors, sets the
 * arguments of the kernels in pool.cl and enqueues them. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <string.h>

#define NV 3

/* One call: the program, three views, which of them are written, and their buffers. */
typedef struct {
    clrs_context *ctx;
    cl_program prog;
    const clrs__view *v[NV];
    clrs__cl_buffer b[NV];
    int written[NV];
    int host_side;
} call;

/* views a, b, out; `b_written`: b is an output too (max_pool's indices). */
static clrs_status begin(call *c, clrs_context *ctx, clrs_dtype dtype, const clrs__view *a,
                         const clrs__view *b, int b_written, const clrs__view *out)
{
    char options[64];
    clrs_status st;
    int i;
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->v[0] = a, c->v[1] = b, c->v[2] = out;
    c->written[1] = b_written, c->written[2] = 1;
    snprintf(options, sizeof options, "-DCLRS_DTYPE=%d", (int)dtype);
    if ((st = clrs__program_get(ctx, "pool.cl", options, &c->prog)) != CLRS_OK) return st;
    for (i = 0; i < NV; i++) {
        if (c->v[i]->host) c->host_side = 1;
        if ((st = clrs__cl_view_acquire(ctx, c->v[i], c->written[i], &c->b[i])) != CLRS_OK) return st;
    }
    return CLRS_OK;
}

static clrs_status end(call *c, clrs_status st)
{
    int i;
    for (i = 0; i < NV; i++)
        if (c->b[i].mem && c->written[i]) {
            clrs_status s2 = clrs__cl_view_release(c->ctx, c->v[i], st == CLRS_OK, &c->b[i]);
            if (st == CLRS_OK) st = s2;
        }
    if (c->host_side) clFinish(c->ctx->queue);
    for (i = 0; i < NV; i++)
        if (c->b[i].mem && !c->written[i]) clrs__cl_view_release(c->ctx, c->v[i], 0, &c->b[i]);
    return st;
}

static clrs_status run(call *c, const char *name, clrs__args *a, cl_uint dims, const size_t *global)
{
    cl_event ev = NULL;
    cl_int err;
    if (a->err != CL_SUCCESS) return clrs__cl_fail(a->err, name, "clSetKernelArg");
    if ((err = clEnqueueNDRangeKernel(c->ctx->queue, a->k, dims, NULL, global, NULL, 0, NULL, &ev)) != CL_SUCCESS)
        return clrs__cl_fail(err, name, "clEnqueueNDRangeKernel");
    clrs__set_last_event(c->ctx, ev);
    return CLRS_OK;
}

static clrs_status kernel(call *c, const char *kname, const char *op, clrs__args *a)
{
    cl_int err;
    memset(a, 0, sizeof *a);
    if ((a->k = clCreateKernel(c->prog, kname, &err)) == NULL) return clrs__cl_fail(err, op, "clCreateKernel");
    return CLRS_OK;
}

static void tensor_arg(clrs__args *a, const call *c, int i)
{
    int64_t s[5];
    clrs__axis_strides(c->v[i], s);
    clrs__arg_tensor(a, &c->b[i], s);
}

static void geom_args(clrs__args *a, const clrs__pool_geom *g)
{
    int64_t arr[18];
    int i;
    clrs__pool_geom_array(g, arr);
    for (i = 0; i < 18; i++) clrs__arg_long(a, arr[i]);
}

clrs_status clrs__cl_max_pool(clrs_context *ctx, const clrs__pool_geom *g, const clrs__view *in,
                              const clrs__view *out, const clrs__view *idx)
{
    call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, in->dtype, in, idx, 1, out);
    size_t global[3] = {(size_t)g->out[2], (size_t)g->out[1], (size_t)(in->shape[0] * in->shape[1] * g->out[0])};
    if (st == CLRS_OK && (st = kernel(&c, "clrs_max_pool_forward", "max_pool", &a)) == CLRS_OK) {
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 2);
        tensor_arg(&a, &c, 1);
        clrs__arg_long(&a, in->shape[1]);
        geom_args(&a, g);
        st = run(&c, "max_pool", &a, 3, global);
        clReleaseKernel(a.k);
    }
    return end(&c, st);
}

clrs_status clrs__cl_max_pool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                       const clrs__view *gout, const clrs__view *idx,
                                       const clrs__view *gin)
{
    call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, gin->dtype, gout, idx, 0, gin);
    size_t global[3] = {(size_t)g->in[2], (size_t)g->in[1], (size_t)(gin->shape[0] * gin->shape[1] * g->in[0])};
    if (st == CLRS_OK && (st = kernel(&c, "clrs_max_pool_backward", "max_pool_backward", &a)) == CLRS_OK) {
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 1);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, gin->shape[1]);
        geom_args(&a, g);
        st = run(&c, "max_pool_backward", &a, 3, global);
        clReleaseKernel(a.k);
    }
    return end(&c, st);
}

clrs_status clrs__cl_max_unpool(clrs_context *ctx, const clrs__pool_geom *g, const clrs__view *in,
                                const clrs__view *idx, const clrs__view *out)
{
    const int64_t planes = in->shape[0] * in->shape[1], C = in->shape[1];
    const int64_t nin = g->in[0] * g->in[1] * g->in[2], nout = g->out[0] * g->out[1] * g->out[2];
    call c;
    clrs__args a;
    cl_mem winner = NULL;
    cl_int err;
    clrs_status st;
    if (nin > INT32_MAX || (uint64_t)(planes * nout) > SIZE_MAX / 4)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "max_unpool: more than 2^31-1 inputs per plane");
    if ((st = begin(&c, ctx, in->dtype, in, idx, 0, out)) != CLRS_OK) return end(&c, st);
    winner = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, (size_t)(planes * nout) * 4, NULL, &err);
    if (!winner) return end(&c, clrs__cl_fail(err, "max_unpool", "clCreateBuffer(winner)"));
    if ((st = kernel(&c, "clrs_unpool_winner_init", "max_unpool", &a)) == CLRS_OK) {
        size_t global[1] = {(size_t)(planes * nout)};
        clrs__arg_mem(&a, winner);
        st = run(&c, "max_unpool", &a, 1, global);
        clReleaseKernel(a.k);
    }
    if (st == CLRS_OK && (st = kernel(&c, "clrs_unpool_winner", "max_unpool", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nin, (size_t)planes};
        tensor_arg(&a, &c, 1);
        clrs__arg_mem(&a, winner);
        clrs__arg_long(&a, C);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, nin);
        clrs__arg_long(&a, nout);
        st = run(&c, "max_unpool", &a, 2, global);
        clReleaseKernel(a.k);
    }
    if (st == CLRS_OK && (st = kernel(&c, "clrs_unpool_write", "max_unpool", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nout, (size_t)planes};
        tensor_arg(&a, &c, 0);
        clrs__arg_mem(&a, winner);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, C);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, g->out[1]);
        clrs__arg_long(&a, g->out[2]);
        clrs__arg_long(&a, nout);
        st = run(&c, "max_unpool", &a, 2, global);
        clReleaseKernel(a.k);
    }
    clReleaseMemObject(winner); /* kept alive by the enqueued kernels */
    return end(&c, st);
}

clrs_status clrs__cl_max_unpool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                         const clrs__view *gout, const clrs__view *idx,
                                         const clrs__view *gin)
{
    const int64_t planes = gin->shape[0] * gin->shape[1];
    const int64_t nin = g->in[0] * g->in[1] * g->in[2];
    call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, gin->dtype, gout, idx, 0, gin);
    if (st == CLRS_OK && (st = kernel(&c, "clrs_unpool_backward", "max_unpool_backward", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nin, (size_t)planes};
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 1);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, gin->shape[1]);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, g->out[1]);
        clrs__arg_long(&a, g->out[2]);
        clrs__arg_long(&a, nin);
        st = run(&c, "max_unpool_backward", &a, 2, global);
        clReleaseKernel(a.k);
    }
    return end(&c, st);
}
