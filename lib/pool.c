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

static int same_shape(const clrs__view *v, const int64_t *shape, int ndim)
{
    return v->ndim == ndim && !memcmp(v->shape, shape, sizeof(int64_t) * (size_t)ndim);
}

static clrs_status check_float(const char *op, const clrs__view *v, const char *name)
{
    if (v->dtype == CLRS_I64)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype is i64; expected f32, f64, f16 or bf16", op, name);
    return CLRS_OK;
}

static clrs_status check_indices(const char *op, const clrs__view *idx, const int64_t *shape, int ndim)
{
    if (idx->dtype != CLRS_I64)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: indices dtype is %s; indices are i64", op, clrs__dtype_name(idx->dtype));
    if (!same_shape(idx, shape, ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: indices must have the pooled tensor's shape", op);
    return CLRS_OK;
}

/* Every index of every plane lies in [0, plane): read on the host (device indices are read
 * back) before any output is touched. */
static clrs_status check_index_range(clrs_context *ctx, const char *op, const clrs__view *idx,
                                     const clrs__pool_geom *g)
{
    const int64_t plane = g->out[0] * g->out[1] * g->out[2], nin = g->in[0] * g->in[1] * g->in[2];
    const int64_t planes = idx->shape[0] * idx->shape[1];
    int64_t s[5], p, i, bad = -1, badval = 0;
    clrs__view h;
    clrs_status st;
    if (!idx->numel) return CLRS_OK;
    if (idx->mem) {
        if ((st = clrs__stage_to_host(ctx, idx, 1, &h)) != CLRS_OK) return st;
    } else {
        h = *idx;
    }
    clrs__axis_strides(&h, s);
    for (p = 0; p < planes && bad < 0; p++)
        for (i = 0; i < nin; i++) {
            const int64_t k = ((const int64_t *)h.host)[(p / idx->shape[1]) * s[0] + (p % idx->shape[1]) * s[1] +
                                                         clrs_plane_offset(i, g->in[1], g->in[2], s[2], s[3], s[4])];
            if (k < 0 || k >= plane) {
                bad = p * nin + i, badval = k;
                break;
            }
        }
    if (idx->mem) clrs__stage_from_host(ctx, idx, &h, 0);
    if (bad >= 0)
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

clrs_status clrs_max_pool(clrs_context *ctx, const clrs_pool_params *params, const clrs_tensor *input,
                          const clrs_tensor *output, const clrs_tensor *indices)
{
    const char *op = "max_pool";
    clrs__view vi, vo, vx;
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "output", ctx, output, 0, 1, &vo)) != CLRS_OK ||
        (st = clrs__view_make(op, "indices", ctx, indices, 0, 1, &vx)) != CLRS_OK ||
        (st = check_float(op, &vi, "input")) != CLRS_OK ||
        (st = clrs__pool_resolve(op, params, vi.ndim, vi.shape, out, &g)) != CLRS_OK)
        return st;
    if (vo.dtype != vi.dtype || !same_shape(&vo, out, vi.ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output must have the pooled shape and input's dtype", op);
    if ((st = check_indices(op, &vx, out, vi.ndim)) != CLRS_OK) return st;
    if (clrs__views_overlap(&vo, &vi) || clrs__views_overlap(&vx, &vi) || clrs__views_overlap(&vo, &vx))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output or indices overlap another tensor of the call", op);
    if (vi.numel) {
        clrs__view *v[3] = {&vi, &vo, &vx};
        if ((st = clrs__execute(ctx, op, vi.dtype, v, 1, 2, dev_pool, host_pool, &g)) != CLRS_OK) return st;
    }
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_max_pool_backward(clrs_context *ctx, const clrs_pool_params *params,
                                   const clrs_tensor *grad_output, const clrs_tensor *indices,
                                   const clrs_tensor *grad_input)
{
    const char *op = "max_pool_backward";
    clrs__view vgo, vx, vgi;
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "grad_output", ctx, grad_output, 0, 0, &vgo)) != CLRS_OK ||
        (st = clrs__view_make(op, "indices", ctx, indices, 0, 0, &vx)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_input", ctx, grad_input, 0, 1, &vgi)) != CLRS_OK ||
        (st = check_float(op, &vgi, "grad_input")) != CLRS_OK ||
        (st = clrs__pool_resolve(op, params, vgi.ndim, vgi.shape, out, &g)) != CLRS_OK)
        return st;
    if (vgo.dtype != vgi.dtype || !same_shape(&vgo, out, vgi.ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_output must have the pooled shape and grad_input's dtype", op);
    if ((st = check_indices(op, &vx, out, vgi.ndim)) != CLRS_OK) return st;
    if (clrs__views_overlap(&vgi, &vgo) || clrs__views_overlap(&vgi, &vx))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_input overlaps another tensor of the call", op);
    if (vgi.numel) {
        clrs__view *v[3] = {&vgo, &vx, &vgi};
        if ((st = clrs__execute(ctx, op, vgi.dtype, v, 2, 1, dev_pool_bwd, host_pool_bwd, &g)) != CLRS_OK) return st;
    }
    clrs__clear_error();
    return CLRS_OK;
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
    clrs__view vi, vx, vo;
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "indices", ctx, indices, 0, 0, &vx)) != CLRS_OK ||
        (st = clrs__view_make(op, "output", ctx, output, 0, 1, &vo)) != CLRS_OK ||
        (st = check_float(op, &vi, "input")) != CLRS_OK ||
        (st = clrs__unpool_resolve(op, params, vi.ndim, vi.shape, out, &g)) != CLRS_OK ||
        (st = check_indices(op, &vx, vi.shape, vi.ndim)) != CLRS_OK)
        return st;
    if (vo.dtype != vi.dtype || !same_shape(&vo, out, vi.ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output must have the unpooled shape and input's dtype", op);
    if (clrs__views_overlap(&vo, &vi) || clrs__views_overlap(&vo, &vx))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output overlaps another tensor of the call", op);
    if ((st = check_index_range(ctx, op, &vx, &g)) != CLRS_OK) return st;
    if (vo.numel) {
        clrs__view *v[3] = {&vi, &vx, &vo};
        if ((st = clrs__execute(ctx, op, vi.dtype, v, 2, 1, dev_unpool, host_unpool, &g)) != CLRS_OK) return st;
    }
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_max_unpool_backward(clrs_context *ctx, const clrs_unpool_params *params,
                                     const clrs_tensor *grad_output, const clrs_tensor *indices,
                                     const clrs_tensor *grad_input)
{
    const char *op = "max_unpool_backward";
    clrs__view vgo, vx, vgi;
    clrs__pool_geom g;
    int64_t out[5];
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "grad_output", ctx, grad_output, 0, 0, &vgo)) != CLRS_OK ||
        (st = clrs__view_make(op, "indices", ctx, indices, 0, 0, &vx)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_input", ctx, grad_input, 0, 1, &vgi)) != CLRS_OK ||
        (st = check_float(op, &vgi, "grad_input")) != CLRS_OK ||
        (st = clrs__unpool_resolve(op, params, vgi.ndim, vgi.shape, out, &g)) != CLRS_OK ||
        (st = check_indices(op, &vx, vgi.shape, vgi.ndim)) != CLRS_OK)
        return st;
    if (vgo.dtype != vgi.dtype || !same_shape(&vgo, out, vgi.ndim))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_output must have the unpooled shape and grad_input's dtype", op);
    if (clrs__views_overlap(&vgi, &vgo) || clrs__views_overlap(&vgi, &vx))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_input overlaps another tensor of the call", op);
    if ((st = check_index_range(ctx, op, &vx, &g)) != CLRS_OK) return st;
    if (vgi.numel) {
        clrs__view *v[3] = {&vgo, &vx, &vgi};
        if ((st = clrs__execute(ctx, op, vgi.dtype, v, 2, 1, dev_unpool_bwd, host_unpool_bwd, &g)) != CLRS_OK)
            return st;
    }
    clrs__clear_error();
    return CLRS_OK;
}
