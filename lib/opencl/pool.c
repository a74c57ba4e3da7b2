/* opencl/pool.c — the OpenCL backend of max_pool and max_unpool: stages the tensors, sets the
 * arguments of the kernels in pool.cl and enqueues them. max_unpool has two shapes each way,
 * chosen by the tuning parameters (lib/tune.c): a CPU device gets one work-item per plane
 * (forward) or per run of `vec` inputs (backward), a GPU the winner map and one work-item per
 * element. Both give the same bits. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <string.h>

/* slots: 0, 1 read (1 is written too for max_pool's indices), 2 written */
static clrs_status begin(clrs__cl_call *c, clrs_context *ctx, const char *op, clrs_dtype dtype,
                         const clrs__view *a, const clrs__view *b, int b_written, const clrs__view *out)
{
    clrs_status st = clrs__cl_call_begin(c, ctx, op, "pool.cl", dtype, NULL);
    if (st == CLRS_OK) st = clrs__cl_call_view(c, 0, a, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(c, 1, b, b_written);
    if (st == CLRS_OK) st = clrs__cl_call_view(c, 2, out, 1);
    return st;
}

static void tensor_arg(clrs__args *a, const clrs__cl_call *c, int i)
{
    int64_t s[5] = {0, 0, 0, 0, 0};
    if (c->views[i]) clrs__axis_strides(c->views[i], s); /* absent: NULL buffer, unused */
    clrs__arg_tensor(a, &c->bufs[i], s);
}

/* 1 when the three views of an unpool call have packed spatial axes (clrs_unpool_plane,
 * clrs_unpool_backward_run); the view in slot `full` has the unpooled plane. */
static int all_packed(const clrs__cl_call *c, const clrs__pool_geom *g, int forward)
{
    int i;
    for (i = 0; i < 3; i++) {
        int64_t s[5];
        const int full = forward ? i == 2 : i == 0;
        clrs__axis_strides(c->views[i], s);
        if (!clrs__pool_spatial_packed(s, full ? g->out : g->in)) return 0;
    }
    return 1;
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
    clrs__cl_call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, "max_pool", in->dtype, in, idx, 1, out);
    size_t global[3] = {(size_t)g->out[2], (size_t)g->out[1], (size_t)(in->shape[0] * in->shape[1] * g->out[0])};
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_max_pool_forward", &a)) == CLRS_OK) {
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 2);
        tensor_arg(&a, &c, 1);
        clrs__arg_int(&a, idx != NULL);
        clrs__arg_long(&a, in->shape[1]);
        geom_args(&a, g);
        st = clrs__cl_run(&c, &a, 3, global, NULL);
    }
    return clrs__cl_call_end(&c, st);
}

clrs_status clrs__cl_max_pool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                       const clrs__view *gout, const clrs__view *idx,
                                       const clrs__view *gin)
{
    clrs__cl_call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, "max_pool_backward", gin->dtype, gout, idx, 0, gin);
    size_t global[3] = {(size_t)g->in[2], (size_t)g->in[1], (size_t)(gin->shape[0] * gin->shape[1] * g->in[0])};
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_max_pool_backward", &a)) == CLRS_OK) {
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 1);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, gin->shape[1]);
        geom_args(&a, g);
        st = clrs__cl_run(&c, &a, 3, global, NULL);
    }
    return clrs__cl_call_end(&c, st);
}

clrs_status clrs__cl_max_unpool(clrs_context *ctx, const clrs__pool_geom *g, const clrs__view *in,
                                const clrs__view *idx, const clrs__view *out)
{
    const int64_t planes = in->shape[0] * in->shape[1], C = in->shape[1];
    const int64_t nin = g->in[0] * g->in[1] * g->in[2], nout = g->out[0] * g->out[1] * g->out[2];
    clrs__cl_call c;
    clrs__args a;
    cl_mem winner = NULL;
    cl_int err;
    clrs_tune_params tp;
    clrs_status st;
    if (nin > INT32_MAX || (uint64_t)(planes * nout) > SIZE_MAX / 4)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "max_unpool: more than 2^31-1 inputs per plane");
    if ((st = begin(&c, ctx, "max_unpool", in->dtype, in, idx, 0, out)) != CLRS_OK) return clrs__cl_call_end(&c, st);
    clrs__tune_get(ctx, "max_unpool", "all", &tp);
    if (tp.passes == 1 || (tp.passes == 0 && ctx->info.type == CLRS_DEVICE_CPU)) {
        if ((st = clrs__cl_kernel(&c, "clrs_unpool_plane", &a)) == CLRS_OK) {
            size_t global[1] = {(size_t)planes}, local[1];
            tensor_arg(&a, &c, 0);
            tensor_arg(&a, &c, 1);
            tensor_arg(&a, &c, 2);
            clrs__arg_long(&a, C);
            clrs__arg_long(&a, g->in[1]);
            clrs__arg_long(&a, g->in[2]);
            clrs__arg_long(&a, g->out[1]);
            clrs__arg_long(&a, g->out[2]);
            clrs__arg_long(&a, nin);
            clrs__arg_long(&a, nout);
            clrs__arg_int(&a, all_packed(&c, g, 1));
            st = clrs__cl_run(&c, &a, 1, global, clrs__cl_local_for(ctx, tp.wg, 1, global, local));
        }
        return clrs__cl_call_end(&c, st);
    }
    winner = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, (size_t)(planes * nout) * 4, NULL, &err);
    if (!winner) return clrs__cl_call_end(&c, clrs__cl_fail(err, "max_unpool", "clCreateBuffer(winner)"));
    if ((st = clrs__cl_kernel(&c, "clrs_unpool_winner_init", &a)) == CLRS_OK) {
        size_t global[1] = {(size_t)(planes * nout)}, local[1];
        clrs__arg_mem(&a, winner);
        st = clrs__cl_run(&c, &a, 1, global, clrs__cl_tuned_local(ctx, "max_unpool", "all", 1, global, local));
    }
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_unpool_winner", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nin, (size_t)planes}, local[2];
        tensor_arg(&a, &c, 1);
        clrs__arg_mem(&a, winner);
        clrs__arg_long(&a, C);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, nin);
        clrs__arg_long(&a, nout);
        st = clrs__cl_run(&c, &a, 2, global, clrs__cl_tuned_local(ctx, "max_unpool", "all", 2, global, local));
    }
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_unpool_write", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nout, (size_t)planes}, local[2];
        tensor_arg(&a, &c, 0);
        clrs__arg_mem(&a, winner);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, C);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, g->out[1]);
        clrs__arg_long(&a, g->out[2]);
        clrs__arg_long(&a, nout);
        st = clrs__cl_run(&c, &a, 2, global, clrs__cl_tuned_local(ctx, "max_unpool", "all", 2, global, local));
    }
    clReleaseMemObject(winner); /* kept alive by the enqueued kernels */
    return clrs__cl_call_end(&c, st);
}

clrs_status clrs__cl_max_unpool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                         const clrs__view *gout, const clrs__view *idx,
                                         const clrs__view *gin)
{
    const int64_t planes = gin->shape[0] * gin->shape[1];
    const int64_t nin = g->in[0] * g->in[1] * g->in[2];
    clrs__cl_call c;
    clrs__args a;
    clrs_status st = begin(&c, ctx, "max_unpool_backward", gin->dtype, gout, idx, 0, gin);
    clrs_tune_params tp;
    clrs__tune_get(ctx, "max_unpool_backward", "all", &tp);
    if (st == CLRS_OK && tp.vec > 1) {
        const int64_t run = tp.vec;
        if ((st = clrs__cl_kernel(&c, "clrs_unpool_backward_run", &a)) == CLRS_OK) {
            size_t global[2] = {(size_t)((nin + run - 1) / run), (size_t)planes}, local[2];
            tensor_arg(&a, &c, 0);
            tensor_arg(&a, &c, 1);
            tensor_arg(&a, &c, 2);
            clrs__arg_long(&a, gin->shape[1]);
            clrs__arg_long(&a, g->in[1]);
            clrs__arg_long(&a, g->in[2]);
            clrs__arg_long(&a, g->out[1]);
            clrs__arg_long(&a, g->out[2]);
            clrs__arg_long(&a, nin);
            clrs__arg_long(&a, run);
            clrs__arg_int(&a, all_packed(&c, g, 0));
            st = clrs__cl_run(&c, &a, 2, global, clrs__cl_local_for(ctx, tp.wg, 2, global, local));
        }
        return clrs__cl_call_end(&c, st);
    }
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_unpool_backward", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)nin, (size_t)planes}, local[2];
        tensor_arg(&a, &c, 0);
        tensor_arg(&a, &c, 1);
        tensor_arg(&a, &c, 2);
        clrs__arg_long(&a, gin->shape[1]);
        clrs__arg_long(&a, g->in[1]);
        clrs__arg_long(&a, g->in[2]);
        clrs__arg_long(&a, g->out[1]);
        clrs__arg_long(&a, g->out[2]);
        clrs__arg_long(&a, nin);
        st = clrs__cl_run(&c, &a, 2, global, clrs__cl_tuned_local(ctx, "max_unpool_backward", "all", 2, global, local));
    }
    return clrs__cl_call_end(&c, st);
}
