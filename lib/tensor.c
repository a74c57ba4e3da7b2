/* tensor.c — tensor views: validation, strides, dtype sizes, host <-> device staging. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

size_t clrs_dtype_size(clrs_dtype dtype)
{
    switch (dtype) {
    case CLRS_F32: return 4;
    case CLRS_F64: return 8;
    case CLRS_F16: return 2;
    case CLRS_BF16: return 2;
    case CLRS_I64: return 8;
    }
    return 0;
}

const char *clrs__dtype_name(clrs_dtype dtype)
{
    switch (dtype) {
    case CLRS_F32: return "f32";
    case CLRS_F64: return "f64";
    case CLRS_F16: return "f16";
    case CLRS_BF16: return "bf16";
    case CLRS_I64: return "i64";
    }
    return "unknown";
}

void clrs__contiguous_strides(int ndim, const int64_t *shape, int64_t *strides)
{
    int64_t s = 1;
    int i;
    for (i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= shape[i] > 0 ? shape[i] : 1;
    }
}

/* No two index tuples reach the same element: with the dims of size > 1 sorted by stride,
 * each stride must exceed the largest offset the smaller ones reach. */
static int self_overlapping(const clrs__view *v)
{
    int order[5], n = 0, i, j;
    int64_t reach = 0;
    for (i = 0; i < v->ndim; i++)
        if (v->shape[i] > 1) order[n++] = i;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v->strides[order[j]] < v->strides[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (i = 0; i < n; i++) {
        int64_t s = v->strides[order[i]];
        if (s <= reach) return 1;
        reach += (v->shape[order[i]] - 1) * s;
    }
    return 0;
}

clrs_status clrs__view_make(const char *op, const char *name, const clrs_context *ctx,
                            const clrs_tensor *t, int ndim, int is_output, clrs__view *v)
{
    int i, all_zero = 1;
    int64_t last = 0;
    if (!t) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is NULL", op, name);
    memset(v, 0, sizeof *v);
    if ((v->esize = clrs_dtype_size(t->dtype)) == 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has an unknown dtype (%d)", op, name,
                          (int)t->dtype);
    if (ndim ? t->ndim != ndim : (t->ndim < 1 || t->ndim > 5))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has ndim %d; expected %d", op, name,
                          t->ndim, ndim ? ndim : 5);
    if ((t->data != NULL) == (t->mem != NULL))
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: %s must have exactly one of data (host memory) and mem (cl_mem)",
                          op, name);
    if (t->offset % v->esize)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: %s offset %zu is not a multiple of the element size %zu", op,
                          name, t->offset, v->esize);
    v->dtype = t->dtype;
    v->ndim = t->ndim;
    v->numel = 1;
    for (i = 0; i < t->ndim; i++) {
        if (t->shape[i] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s shape[%d] is %lld; sizes must be >= 0",
                              op, name, i, (long long)t->shape[i]);
        if (t->strides[i] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s strides[%d] is %lld; strides must be >= 0", op, name, i,
                              (long long)t->strides[i]);
        if (t->strides[i]) all_zero = 0;
        v->shape[i] = t->shape[i];
        if (t->shape[i] && v->numel > INT64_MAX / t->shape[i])
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has too many elements", op, name);
        v->numel *= t->shape[i];
    }
    if (all_zero)
        clrs__contiguous_strides(t->ndim, t->shape, v->strides);
    else
        memcpy(v->strides, t->strides, sizeof v->strides);
    if (v->numel > 0) {
        for (i = 0; i < t->ndim; i++) {
            if (v->strides[i] && v->shape[i] - 1 > (INT64_MAX / 16 - last) / v->strides[i])
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s strides reach too far", op, name);
            last += (v->shape[i] - 1) * v->strides[i];
        }
        v->span = (size_t)(last + 1) * v->esize;
    }
    if (is_output && v->numel > 0 && self_overlapping(v))
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: %s strides make elements overlap; an output must not alias itself",
                          op, name);
    if (t->data) {
        v->host = (char *)t->data + t->offset;
    } else {
        size_t size = 0;
        cl_context owner = NULL;
        if (ctx->is_host)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s is a cl_mem but the context runs on the host; pass host "
                              "memory in data",
                              op, name);
        if (clGetMemObjectInfo(t->mem, CL_MEM_SIZE, sizeof size, &size, NULL) != CL_SUCCESS ||
            clGetMemObjectInfo(t->mem, CL_MEM_CONTEXT, sizeof owner, &owner, NULL) != CL_SUCCESS)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s mem is not a valid cl_mem", op, name);
        if (owner != ctx->cl)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s mem belongs to another cl_context than the context's",
                              op, name);
        if (t->offset > size || v->span > size - t->offset)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s needs %zu bytes from offset %zu but its buffer holds %zu",
                              op, name, v->span, t->offset, size);
        v->mem = t->mem;
        v->offset = t->offset;
    }
    return CLRS_OK;
}

int clrs__views_overlap(const clrs__view *a, const clrs__view *b)
{
    if (!a->span || !b->span) return 0;
    if (a->host && b->host) return a->host < b->host + b->span && b->host < a->host + a->span;
    if (a->mem && a->mem == b->mem)
        return a->offset < b->offset + b->span && b->offset < a->offset + a->span;
    return 0;
}

clrs_status clrs__stage_to_host(clrs_context *ctx, const clrs__view *v, int copy_in,
                                clrs__view *staged)
{
    cl_int err;
    char *p;
    *staged = *v;
    if (v->host || !v->span) return CLRS_OK;
    if (!(p = malloc(v->span))) return clrs__fail(CLRS_ERR_MEMORY, "host staging: out of memory");
    if (copy_in && (err = clEnqueueReadBuffer(ctx->queue, v->mem, CL_TRUE, v->offset, v->span, p,
                                              0, NULL, NULL)) != CL_SUCCESS) {
        free(p);
        return clrs__cl_fail(err, "host staging", "clEnqueueReadBuffer");
    }
    staged->host = p;
    staged->mem = NULL;
    staged->offset = 0;
    return CLRS_OK;
}

clrs_status clrs__stage_from_host(clrs_context *ctx, const clrs__view *orig, clrs__view *staged,
                                  int copy_out)
{
    cl_int err = CL_SUCCESS;
    if (orig->host || !orig->span) return CLRS_OK;
    if (copy_out)
        err = clEnqueueWriteBuffer(ctx->queue, orig->mem, CL_TRUE, orig->offset, orig->span,
                                   staged->host, 0, NULL, NULL);
    free(staged->host);
    staged->host = NULL;
    return err == CL_SUCCESS ? CLRS_OK : clrs__cl_fail(err, "host staging", "clEnqueueWriteBuffer");
}

clrs_status clrs__cl_view_acquire(clrs_context *ctx, const clrs__view *v, int writable,
                                  clrs__cl_buffer *b)
{
    cl_int err;
    memset(b, 0, sizeof *b);
    if (v->mem) {
        b->mem = v->mem;
        b->elem_offset = v->offset / v->esize;
        return CLRS_OK;
    }
    b->mem = clCreateBuffer(ctx->cl, CL_MEM_USE_HOST_PTR | (writable ? CL_MEM_READ_WRITE : CL_MEM_READ_ONLY),
                            v->span, v->host, &err);
    if (!b->mem) return clrs__cl_fail(err, "staging", "clCreateBuffer(CL_MEM_USE_HOST_PTR)");
    b->owned = 1;
    return CLRS_OK;
}

clrs_status clrs__cl_view_release(clrs_context *ctx, const clrs__view *v, int written,
                                  clrs__cl_buffer *b)
{
    clrs_status st = CLRS_OK;
    if (!b->mem || !b->owned) return CLRS_OK;
    if (written) {
        /* mapping a USE_HOST_PTR buffer brings its contents to the host pointer */
        cl_int err;
        void *p = clEnqueueMapBuffer(ctx->queue, b->mem, CL_TRUE, CL_MAP_READ, 0, v->span, 0,
                                     NULL, NULL, &err);
        if (!p) {
            st = clrs__cl_fail(err, "staging", "clEnqueueMapBuffer");
        } else {
            clEnqueueUnmapMemObject(ctx->queue, b->mem, p, 0, NULL, NULL);
            clFinish(ctx->queue);
        }
    }
    clReleaseMemObject(b->mem);
    b->mem = NULL;
    return st;
}
