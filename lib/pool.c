/* pool.c — the public max_pool / max_unpool entry points: validate everything (for unpool,
 * every index against the output plane, before anything is written), then run on the device
 * or the host. */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"
#include "resample_math.h"

#include <string.h>

static clrs_status host_pool(const void *g, clrs__view **v) { return clrs__host_max_pool(g, v[0], v[1], v[2]); }
static clrs_status host_pool_bwd(const void *g, clrs__view **v)
{
    return clrs__host_max_pool_backward(g, v[0], v[1], v[2]);
}
static clrs_status host_unpool(const void *g, clrs__view **v) { return clrs__host_max_unpool(g, v[0], v[1], v[2]); }
static clrs_status host_unpool_bwd(const void *g, clrs__view **v)
{
    return clrs__host_max_unpool_backward(g, v[0], v[1], v[2]);
}
static clrs_status dev_pool(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_max_pool(c, g, v[0], v[1], v[2]);
}
static clrs_status dev_pool_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_max_pool_backward(c, g, v[0], v[1], v[2]);
}
static clrs_status dev_unpool(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_max_unpool(c, g, v[0], v[1], v[2]);
}
static clrs_status dev_unpool_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_max_unpool_backward(c, g, v[0], v[1], v[2]);
}

/* Every index of every plane lies in [0, plane): read on the host (device indices are read
 * back) before any output is touched. */
static clrs_status check_index_range(clrs_context *ctx, const char *op, const clrs__view *idx,
                                     const clrs__pool_geom *g)
{
    const int64_t plane = g->out[0] * g->out[1] * g->out[2], nin = g->in[0] * g->in[1] * g->in[2];
    const int64_t planes = idx->shape[0] * idx->shape[1];
    int64_t s[5], p, bad = INT64_MAX, badval = 0;
    int packed;
    clrs__view h;
    void *mapped = NULL;
    clrs_status st;
    if (!idx->numel) return CLRS_OK;
    h = *idx;
    if (idx->mem) { /* mapped, not copied: on a CPU device (PoCL) the map is the buffer itself */
        cl_int err;
        mapped = clEnqueueMapBuffer(ctx->queue, idx->mem, CL_TRUE, CL_MAP_READ, idx->offset, idx->span, 0, NULL,
                                    NULL, &err);
        if (!mapped) {
            if ((st = clrs__stage_to_host(ctx, idx, 1, &h)) != CLRS_OK) return st;
        } else {
            h.host = mapped;
            h.mem = NULL;
            h.offset = 0;
        }
    }
    clrs__axis_strides(&h, s);
    /* planes in parallel, each scanned to its first bad index; the smallest bad plane is
       reported, so the message is the one a serial scan gives. Packed planes (NCHW,
       channels-last) step by one stride; others split each flat index into its axes. */
    packed = (g->in[1] <= 1 || s[3] == s[4] * g->in[2]) &&
             (g->in[0] <= 1 || s[2] == s[4] * g->in[2] * g->in[1]);
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (p = 0; p < planes; p++) {
        const int64_t *kp = (const int64_t *)h.host + (p / idx->shape[1]) * s[0] + (p % idx->shape[1]) * s[1];
        int64_t i;
        if (bad < p * nin) continue; /* a smaller plane already failed (this thread's view) */
        if (packed && s[4] == 1) { /* contiguous planes: branch-free blocks */
            i = clrs__host_index_scan(kp, nin, plane);
            if (i < nin && p * nin + i < bad) bad = p * nin + i;
            continue;
        }
        for (i = 0; i < nin; i++) {
            const int64_t k = kp[packed ? i * s[4] : clrs_plane_offset(i, g->in[1], g->in[2], s[2], s[3], s[4])];
            if (k < 0 || k >= plane) {
                if (p * nin + i < bad) bad = p * nin + i;
                break;
            }
        }
    }
    if (bad < INT64_MAX) {
        const int64_t *kp = (const int64_t *)h.host + (bad / nin / idx->shape[1]) * s[0] + (bad / nin % idx->shape[1]) * s[1];
        badval = kp[clrs_plane_offset(bad % nin, g->in[1], g->in[2], s[2], s[3], s[4])];
    }
    if (mapped) {
        cl_event done = NULL;
        const cl_int uerr = clEnqueueUnmapMemObject(ctx->queue, idx->mem, mapped, 0, NULL, &done);
        if (uerr != CL_SUCCESS) return clrs__cl_fail(uerr, op, "clEnqueueUnmapMemObject(indices)");
        if (done) {
            clWaitForEvents(1, &done);
            clReleaseEvent(done);
        }
    } else if (idx->mem) {
        clrs__stage_from_host(ctx, idx, &h, 0);
    }
    if (bad < INT64_MAX)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Found an invalid max index: indices element %lld is %lld, outside the output plane of %lld",
                          op, (long long)bad, (long long)badval, (long long)plane);
    return CLRS_OK;
}

clrs_status clrs_max_pool_shape(const clrs_pool_params *params, int ndim, const int64_t *in_shape,
                                int64_t *out_shape)
{
    clrs__pool_geom g;
    int64_t tmp[5];
    clrs_status st;
    if (!out_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "max_pool_shape: out_shape is NULL");
    if ((st = clrs__pool_resolve("max_pool_shape", params, ndim, in_shape, tmp, &g)) != CLRS_OK) return st;
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

/* The plan's shapes: the tensors whose bit is set in full_mask have the unpooled shape
 * `full`, the others (indices included) the pooled shape. */
static clrs_status check_shapes(const char *op, clrs__tensor_arg *a, int n, const int64_t *pooled,
                                const int64_t *full, int ndim, unsigned full_mask)
{
    int i;
    clrs_status st;
    for (i = 0; i < n; i++) {
        const int is_full = (full_mask >> i) & 1;
        if (a[i].v && (st = clrs__check_shape(op, a[i].v, ndim, is_full ? full : pooled,
                                              is_full ? "the unpooled shape" : "the pooled shape")) != CLRS_OK)
            return st;
    }
    return CLRS_OK;
}

/* Runs a validated call unless it writes nothing. */
static clrs_status finish(clrs_context *ctx, const char *op, clrs__tensor_arg *a, int nin, int nout,
                          int64_t work, clrs__device_fn dev, clrs__host_fn host, const clrs__pool_geom *g)
{
    clrs__view *v[3];
    clrs_status st;
    int i;
    for (i = 0; i < nin + nout; i++) v[i] = a[i].v;
    if (work && (st = clrs__execute(ctx, op, a[0].v->dtype, v, nin, nout, dev, host, g)) != CLRS_OK) return st;
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_max_pool(clrs_context *ctx, const clrs_pool_params *params, const clrs_tensor *input,
                          const clrs_tensor *output, const clrs_tensor *indices)
{
    const char *op = "max_pool";
    clrs__tensor_arg a[3] = {CLRS__ARG("input", input, 0, CLRS__STORAGE, -1),
                             CLRS__ARG("output", output, CLRS__OUT, 0, 0),
                             CLRS__ARG("indices", indices, CLRS__OUT | CLRS__OPTIONAL, CLRS__INDEX, -1)};
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK ||
        (st = clrs__pool_resolve(op, params, a[0].v->ndim, a[0].v->shape, out, &g)) != CLRS_OK ||
        (st = check_shapes(op, a, 3, out, a[0].v->shape, a[0].v->ndim, 1u)) != CLRS_OK ||
        (a[0].v->numel && (st = clrs__pool_check_range(op, &g)) != CLRS_OK))
        return st;
    return finish(ctx, op, a, 1, 2, a[0].v->numel, dev_pool, host_pool, &g);
}

clrs_status clrs_max_pool_backward(clrs_context *ctx, const clrs_pool_params *params,
                                   const clrs_tensor *grad_output, const clrs_tensor *indices,
                                   const clrs_tensor *grad_input)
{
    const char *op = "max_pool_backward";
    clrs__tensor_arg a[3] = {CLRS__ARG("grad_output", grad_output, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("indices", indices, 0, CLRS__INDEX, -1),
                             CLRS__ARG("grad_input", grad_input, CLRS__OUT, 0, 0)};
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK ||
        (st = clrs__pool_resolve(op, params, a[2].v->ndim, a[2].v->shape, out, &g)) != CLRS_OK ||
        (st = check_shapes(op, a, 3, out, a[2].v->shape, a[2].v->ndim, 4u)) != CLRS_OK ||
        (a[2].v->numel && (st = clrs__pool_check_range(op, &g)) != CLRS_OK))
        return st;
    return finish(ctx, op, a, 2, 1, a[2].v->numel, dev_pool_bwd, host_pool_bwd, &g);
}

clrs_status clrs_max_unpool_shape(const clrs_unpool_params *params, int ndim, const int64_t *in_shape,
                                  int64_t *out_shape)
{
    clrs__pool_geom g;
    int64_t tmp[5];
    clrs_status st;
    if (!out_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "max_unpool_shape: out_shape is NULL");
    if ((st = clrs__unpool_resolve("max_unpool_shape", params, ndim, in_shape, tmp, &g)) != CLRS_OK) return st;
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_max_unpool(clrs_context *ctx, const clrs_unpool_params *params, const clrs_tensor *input,
                            const clrs_tensor *indices, const clrs_tensor *output)
{
    const char *op = "max_unpool";
    clrs__tensor_arg a[3] = {CLRS__ARG("input", input, 0, CLRS__STORAGE, -1),
                             CLRS__ARG("indices", indices, 0, CLRS__INDEX, -1),
                             CLRS__ARG("output", output, CLRS__OUT, 0, 0)};
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK ||
        (st = clrs__unpool_resolve(op, params, a[0].v->ndim, a[0].v->shape, out, &g)) != CLRS_OK ||
        (st = check_shapes(op, a, 3, a[0].v->shape, out, a[0].v->ndim, 4u)) != CLRS_OK ||
        (st = check_index_range(ctx, op, a[1].v, &g)) != CLRS_OK)
        return st;
    return finish(ctx, op, a, 2, 1, a[2].v->numel, dev_unpool, host_unpool, &g);
}

clrs_status clrs_max_unpool_backward(clrs_context *ctx, const clrs_unpool_params *params,
                                     const clrs_tensor *grad_output, const clrs_tensor *indices,
                                     const clrs_tensor *grad_input)
{
    const char *op = "max_unpool_backward";
    clrs__tensor_arg a[3] = {CLRS__ARG("grad_output", grad_output, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("indices", indices, 0, CLRS__INDEX, -1),
                             CLRS__ARG("grad_input", grad_input, CLRS__OUT, 0, 0)};
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK ||
        (st = clrs__unpool_resolve(op, params, a[2].v->ndim, a[2].v->shape, out, &g)) != CLRS_OK ||
        (st = check_shapes(op, a, 3, a[2].v->shape, out, a[2].v->ndim, 1u)) != CLRS_OK ||
        (st = check_index_range(ctx, op, a[1].v, &g)) != CLRS_OK)
        return st;
    return finish(ctx, op, a, 2, 1, a[2].v->numel, dev_unpool_bwd, host_unpool_bwd, &g);
}
