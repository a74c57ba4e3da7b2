/* tensor.c — tensor views: validation, strides, dtype sizes, host <-> device staging. */
#include "internal.h"

#include <stdio.h>
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
    case CLRS_U8: return 1;
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
    case CLRS_U8: return "u8";
    }
    return "unknown";
}

clrs_tensor clrs_tensor_host(clrs_dtype dtype, int ndim, const int64_t *shape, void *data)
{
    clrs_tensor t;
    int i;
    memset(&t, 0, sizeof t);
    t.dtype = dtype;
    t.ndim = ndim;
    t.data = data;
    t.contiguous = 1;
    if (shape && ndim >= 1 && ndim <= 5) {
        for (i = 0; i < ndim; i++) t.shape[i] = shape[i];
        clrs__contiguous_strides(ndim, t.shape, t.strides);
    }
    return t;
}

clrs_tensor clrs_tensor_device(clrs_dtype dtype, int ndim, const int64_t *shape, cl_mem mem,
                               size_t offset)
{
    clrs_tensor t = clrs_tensor_host(dtype, ndim, shape, NULL);
    t.mem = mem;
    t.offset = offset;
    return t;
}

int64_t clrs__size_product(const int64_t *sizes, int n)
{
    int64_t p = 1;
    int i;
    for (i = 0; i < n; i++)
        if (sizes[i] < 0 || clrs__mul64(p, sizes[i], &p)) return -1;
    return p;
}

void clrs__contiguous_strides(int ndim, const int64_t *shape, int64_t *strides)
{
    int64_t s = 1;
    int i;
    for (i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        /* an empty tensor's other sizes may multiply past 64 bits: its strides are never used
           to address anything, so saturate instead */
        if (clrs__mul64(s, shape[i] > 0 ? shape[i] : 1, &s)) s = INT64_MAX;
    }
}

/* ---- overlap ------------------------------------------------------------------------------
 * Views are compared in one address space: host memory by address (a cl_mem made with
 * CL_MEM_USE_HOST_PTR counts as the host memory it wraps), device memory by (root buffer,
 * byte offset) so that sub-buffers of one buffer meet. When the byte ranges of two tensors
 * (or one tensor's strides) cannot be told apart cheaply, the element addresses are listed,
 * sorted and compared exactly, up to a bound. */

#define EXACT_LIMIT ((int64_t)1 << 22) /* elements listed for an exact overlap check */

typedef struct {
    uint64_t at;   /* first byte */
    int who;       /* which tensor */
} elem_addr;

static int addr_cmp(const void *a, const void *b)
{
    const elem_addr *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at ? 1 : x->who - y->who;
}

/* Appends the byte address of every element of v (relative to the shared space). */
static void list_elems(const clrs__view *v, int who, elem_addr *out, int64_t *n)
{
    int64_t idx[5] = {0, 0, 0, 0, 0}, k;
    int d;
    for (k = 0; k < v->numel; k++) {
        int64_t off = 0;
        for (d = 0; d < v->ndim; d++) off += idx[d] * v->strides[d];
        out[*n].at = v->addr + (uint64_t)off * v->esize;
        out[(*n)++].who = who;
        for (d = v->ndim - 1; d >= 0; d--) {
            if (++idx[d] < v->shape[d]) break;
            idx[d] = 0;
        }
    }
}

/* Exact check: 1 overlap, 0 none, -1 too large to list (or out of memory). With b NULL,
 * whether two elements of a share a byte. */
static int exact_overlap(const clrs__view *a, const clrs__view *b)
{
    const int64_t total = a->numel + (b ? b->numel : 0);
    elem_addr *e;
    int64_t n = 0, i;
    uint64_t end[2] = {0, 0};
    int found = 0, seen[2] = {0, 0};
    if (total > EXACT_LIMIT) return -1;
    if (!(e = malloc((size_t)total * sizeof *e))) return -1;
    list_elems(a, 0, e, &n);
    if (b) list_elems(b, 1, e, &n);
    qsort(e, (size_t)n, sizeof *e, addr_cmp);
    for (i = 0; i < n && !found; i++) {
        const int w = e[i].who;
        const size_t es = w ? b->esize : a->esize;
        if (b) { /* does it start inside an element of the other tensor? */
            if (seen[!w] && e[i].at < end[!w]) found = 1;
        } else if (seen[0] && e[i].at < end[0]) {
            found = 1;
        }
        if (!seen[w] || e[i].at + es > end[w]) end[w] = e[i].at + es;
        seen[w] = 1;
    }
    free(e);
    return found;
}

/* No two index tuples reach the same element: a sufficient test (with the dims of size > 1
 * sorted by stride, each stride exceeds the largest offset the smaller ones reach), then the
 * exact one. */
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
        if (s <= reach) return exact_overlap(v, NULL);
        reach += (v->shape[order[i]] - 1) * s;
    }
    return 0;
}

/* Where a device view's bytes live: the root buffer (sub-buffers resolved) and the byte
 * address within it, or the host memory that a CL_MEM_USE_HOST_PTR root wraps. */
static clrs_status locate_mem(const char *op, const char *name, cl_mem mem, size_t offset,
                              clrs__view *v)
{
    cl_mem root = mem, parent = NULL;
    size_t at = offset, sub_off = 0;
    cl_mem_flags flags = 0;
    void *host_ptr = NULL;
    int depth;
    for (depth = 0; depth < 4; depth++) { /* OpenCL sub-buffers nest one level; be lenient */
        if (clGetMemObjectInfo(root, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof parent, &parent, NULL) != CL_SUCCESS)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s mem is not a valid cl_mem", op, name);
        if (!parent) break;
        if (clGetMemObjectInfo(root, CL_MEM_OFFSET, sizeof sub_off, &sub_off, NULL) != CL_SUCCESS)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s mem is not a valid cl_mem", op, name);
        at += sub_off;
        root = parent;
    }
    if (clGetMemObjectInfo(root, CL_MEM_FLAGS, sizeof flags, &flags, NULL) == CL_SUCCESS &&
        (flags & CL_MEM_USE_HOST_PTR) &&
        clGetMemObjectInfo(root, CL_MEM_HOST_PTR, sizeof host_ptr, &host_ptr, NULL) == CL_SUCCESS && host_ptr) {
        v->space = NULL; /* the host memory it wraps */
        v->addr = (uint64_t)(uintptr_t)host_ptr + at;
    } else {
        v->space = root;
        v->addr = at;
    }
    return CLRS_OK;
}

clrs_status clrs__view_make(const char *op, const char *name, const clrs_context *ctx,
                            const clrs_tensor *t, int ndim, int is_output, clrs__view *v)
{
    int i;
    int64_t last = 0;
    if (!t) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is NULL", op, name);
    memset(v, 0, sizeof *v);
    v->name = name;
    if ((v->esize = clrs_dtype_size(t->dtype)) == 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has an unknown dtype (%d)", op, name,
                          (int)t->dtype);
    if (ndim ? t->ndim != ndim : (t->ndim < 1 || t->ndim > 5))
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has ndim %d; expected %d", op, name,
                          t->ndim, ndim ? ndim : 5);
    if (t->contiguous != 0 && t->contiguous != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s contiguous is %d; use 0 (strides as given) or 1",
                          op, name, t->contiguous);
    if (t->data && t->mem)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: %s has both data (host memory) and mem (cl_mem); give one", op, name);
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
        if (!t->contiguous && t->strides[i] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s strides[%d] is %lld; strides must be >= 0", op, name, i,
                              (long long)t->strides[i]);
        v->shape[i] = t->shape[i];
    }
    if ((v->numel = clrs__size_product(v->shape, v->ndim)) < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has more than 2^63-1 elements", op, name);
    if (t->contiguous)
        clrs__contiguous_strides(t->ndim, t->shape, v->strides);
    else
        memcpy(v->strides, t->strides, sizeof v->strides);
    if (v->numel > 0) {
        /* the byte span must fit comfortably in 64 bits (kernels add offsets to it) */
        for (i = 0; i < t->ndim; i++) {
            if (v->strides[i] && v->shape[i] - 1 > (INT64_MAX / 16 - last) / v->strides[i])
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s strides reach past 2^59 elements", op, name);
            last += (v->shape[i] - 1) * v->strides[i];
        }
        if ((uint64_t)(last + 1) > (uint64_t)(INT64_MAX / 16) / v->esize)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s spans more than 2^59 bytes", op, name);
        v->span = (size_t)(last + 1) * v->esize;
        if (!t->data && !t->mem)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: %s has %lld elements but neither data (host memory) nor mem (cl_mem); "
                              "only an empty tensor may have no memory",
                              op, name, (long long)v->numel);
    }
    if (is_output && v->numel > 0) {
        int r = self_overlapping(v);
        if (r)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              r > 0 ? "%s: %s strides overlap: they reach one element twice; an output must address distinct elements"
                                    : "%s: %s strides may overlap (too many elements to check exactly); "
                                      "an output must address distinct elements",
                              op, name);
    }
    if (!v->span) return CLRS_OK; /* nothing is addressed: no memory to check */
    if (t->data) {
        v->host = (char *)t->data + t->offset;
        v->addr = (uint64_t)(uintptr_t)v->host;
    } else {
        size_t size = 0;
        cl_context owner = NULL;
        clrs_status st;
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
        if ((st = locate_mem(op, name, t->mem, t->offset, v)) != CLRS_OK) return st;
        v->mem = t->mem;
        v->offset = t->offset;
    }
    return CLRS_OK;
}

int clrs__views_overlap(const clrs__view *a, const clrs__view *b)
{
    int r;
    if (!a->span || !b->span || a->space != b->space) return 0;
    if (!(a->addr < b->addr + b->span && b->addr < a->addr + a->span)) return 0;
    /* the byte ranges meet: the elements may still interleave without sharing a byte */
    r = exact_overlap(a, b);
    return r != 0; /* too large to check: assume they overlap */
}

/* ---- the one argument checker ---- */

static const char *class_text(int cls)
{
    return cls == CLRS__INDEX ? "i64" : cls == CLRS__STORAGE ? "f32, f64, f16, bf16 or u8" : "f32, f64, f16 or bf16";
}

/* What PyTorch 2.15 says when the op gets a uint8 tensor as argument `name`, or NULL. */
static const char *torch_u8_words(const char *op, const char *name, int ndim, char *buf, size_t len)
{
    const size_t n = strlen(op);
    if (n > 9 && !strcmp(op + n - 9, "_backward"))
        return "only Tensors of floating point dtype can require gradients";
    if (!strcmp(op, "grid_sample"))
        return !strcmp(name, "grid") ? "expected scalar type Float but found Byte"
               : ndim == 5           ? "\"grid_sampler3d_cpu\" not implemented for 'Byte'"
                                     : "\"grid_sampler_2d_cpu_kernel_impl\" not implemented for 'Byte'";
    if (!strcmp(op, "affine_grid")) return "Expected theta to have floating point type, but got torch.uint8";
    if (!strcmp(op, "conv_transpose") && ndim >= 3 && ndim <= 5) {
        snprintf(buf, len, "\"slow_conv_transpose%dd_out_cpu\" not implemented for 'Byte'", ndim - 2);
        return buf;
    }
    return NULL;
}

clrs_status clrs__args_check(const char *op, const clrs_context *ctx, clrs__tensor_arg *a, int n)
{
    int i, j;
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    for (i = 0; i < n; i++) {
        a[i].v = NULL;
        if (!a[i].t) {
            if (a[i].flags & CLRS__OPTIONAL) continue;
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is NULL", op, a[i].name);
        }
        if ((st = clrs__view_make(op, a[i].name, ctx, a[i].t, 0, a[i].flags & CLRS__OUT, &a[i].view)) != CLRS_OK)
            return st;
        a[i].v = &a[i].view;
    }
    for (i = 0; i < n; i++) {
        const clrs__view *v = a[i].v;
        if (!v) continue;
        if (a[i].like >= 0 && a[a[i].like].v) {
            const clrs__tensor_arg *l = &a[a[i].like];
            if (v->dtype != l->v->dtype)
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype %s differs from %s dtype %s", op, a[i].name,
                                  clrs__dtype_name(v->dtype), l->name, clrs__dtype_name(l->v->dtype));
            if (a[i].flags & CLRS__SAME_SHAPE) {
                char what[64];
                snprintf(what, sizeof what, "%s's shape", l->name);
                if ((st = clrs__check_shape(op, v, l->v->ndim, l->v->shape, what)) != CLRS_OK) return st;
            }
        } else if (a[i].cls) {
            const int is_index = v->dtype == CLRS_I64;
            if (v->dtype == CLRS_U8 && a[i].cls == CLRS__FLOAT) {
                char buf[96];
                const char *torch = torch_u8_words(op, a[i].name, v->ndim, buf, sizeof buf);
                return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: %s dtype is u8; %s does not take uint8 tensors (it takes %s)%s%s",
                                  op, a[i].name, op, class_text(a[i].cls), torch ? "; PyTorch: " : "", torch ? torch : "");
            }
            if (is_index != (a[i].cls == CLRS__INDEX))
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype is %s; expected %s", op, a[i].name,
                                  clrs__dtype_name(v->dtype), class_text(a[i].cls));
        }
    }
    /* outputs must share no byte with any other tensor of the call; inputs may share */
    for (i = 0; i < n; i++) {
        if (!a[i].v || !(a[i].flags & CLRS__OUT)) continue;
        for (j = 0; j < n; j++)
            if (j != i && a[j].v && (j > i || !(a[j].flags & CLRS__OUT)) && clrs__views_overlap(a[i].v, a[j].v))
                return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s overlaps %s; an output must not share memory with another tensor of the call",
                                  op, a[i].name, a[j].name);
    }
    return CLRS_OK;
}

static void shape_text(char *buf, size_t cap, int ndim, const int64_t *shape)
{
    size_t n = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "[", (long long)shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, "%s]", ndim ? "" : "[");
}

clrs_status clrs__check_shape(const char *op, const clrs__view *v, int ndim, const int64_t *want,
                              const char *what)
{
    char w[128], g[128];
    if (v->ndim == ndim && !memcmp(v->shape, want, sizeof(int64_t) * (size_t)ndim)) return CLRS_OK;
    shape_text(w, sizeof w, ndim, want);
    shape_text(g, sizeof g, v->ndim, v->shape);
    return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has shape %s; expected %s (%s)", op, v->name, g, w, what);
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
