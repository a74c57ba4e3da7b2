/* test_tensor.c — the tensor rules (layout said, broadcast strides, empty tensors without
 * memory, overlap in every address space, DLPack) and the argument findings of the external
 * audit, one regression test per finding, on every backend. Each test failed before its fix. */
#include "clresample_dlpack.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;

static void setup(void) { nbackends = th_backends(backends, MAX_BACKENDS); }
static void teardown(void) { th_backends_free(backends, nbackends); }

static int is_opencl(const th_backend *be) { return clrs_context_cl_context(be->ctx) != NULL; }

#define EXPECT_STATUS(call, want, word)                                                          \
    do {                                                                                         \
        clrs_status st_ = (call);                                                                \
        ck_assert_msg(st_ == (want), "%s: %s, want %s (%s)", #call, clrs_status_name(st_),       \
                      clrs_status_name(want), clrs_error_message());                             \
        ck_assert_msg(strstr(clrs_error_message(), (word)) != NULL, "%s: message '%s' lacks '%s'", \
                      #call, clrs_error_message(), (word));                                      \
    } while (0)
#define EXPECT_OK(call) \
    ck_assert_msg((call) == CLRS_OK, "%s: %s", #call, clrs_error_message())

/* 1. All-zero strides are a broadcast, not "contiguous": a 1-element buffer expanded to
 *    (1, 1, 4, 4) reads that element everywhere (it read 16 floats, out of bounds, before). */
START_TEST(finding01_zero_strides_broadcast)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    const int64_t s4[4] = {1, 1, 4, 4}, s8[4] = {1, 1, 8, 8};
    float *one = malloc(sizeof *one); /* exactly one element: a read past it is an overflow */
    th_tensor y, row;
    clrs_tensor x;
    int64_t i;
    ck_assert_ptr_nonnull(one);
    *one = 3.0f;
    memset(&x, 0, sizeof x);
    x.dtype = CLRS_F32, x.ndim = 4, x.data = one;
    memcpy(x.shape, s4, sizeof s4); /* strides all 0, contiguous 0 */
    th_tensor_alloc(&y, CLRS_F32, 4, s4);
    p.size[0] = p.size[1] = 4;
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &x, &y.t));
    for (i = 0; i < 16; i++) ck_assert_msg(th_get(&y.t, i) == 3.0, "element %lld is %g", (long long)i, th_get(&y.t, i));
    /* bilinear 2x of a row broadcast down H: every output row equals the row's own resize */
    th_tensor_alloc(&row, CLRS_F32, 4, s4);
    row.t.contiguous = 0;
    memset(row.t.strides, 0, sizeof row.t.strides);
    row.t.strides[3] = 1; /* W real, H/C/N broadcast */
    for (i = 0; i < 4; i++) ((float *)row.t.data)[i] = (float)(i * i);
    th_tensor_free(&y);
    th_tensor_alloc(&y, CLRS_F32, 4, s8);
    p.mode = CLRS_LINEAR, p.size[0] = p.size[1] = 8, p.align_corners = 0;
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &row.t, &y.t));
    for (i = 8; i < 64; i++) ck_assert(th_get(&y.t, i) == th_get(&y.t, i % 8));
    /* an output with a 0 stride reaches one element many times: refused */
    y.t.contiguous = 0;
    memset(y.t.strides, 0, sizeof y.t.strides);
    EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &row.t, &y.t), CLRS_ERR_ARGUMENT, "output strides overlap");
    th_tensor_free(&y), th_tensor_free(&row);
    free(one);
}
END_TEST

/* 2. max_pool with a huge dilation: the window stepped past 2^63 and read before the input.
 *    Dim 0 has kernel 1, so the dilation changes nothing: the result equals dilation 1's. */
START_TEST(finding02_max_pool_huge_dilation)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    const int64_t is[4] = {1, 1, 9, 5}, os[4] = {1, 1, 5, 3};
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT, q;
    th_tensor x, y1, i1, y2, i2;
    int64_t k, shape[4];
    th_tensor_alloc(&x, CLRS_F64, 4, is);
    for (k = 0; k < 45; k++) th_set(&x.t, k, sin(0.37 * (double)k));
    th_tensor_alloc(&y1, CLRS_F64, 4, os), th_tensor_alloc(&i1, CLRS_I64, 4, os);
    th_tensor_alloc(&y2, CLRS_F64, 4, os), th_tensor_alloc(&i2, CLRS_I64, 4, os);
    p.kernel[0] = 1, p.kernel[1] = 2, p.stride[0] = p.stride[1] = 2, p.padding[1] = 1, p.ceil_mode = 1;
    q = p;
    p.dilation[0] = INT64_MAX - 1, p.dilation[1] = 1;
    q.dilation[0] = q.dilation[1] = 1;
    EXPECT_OK(clrs_max_pool(be->ctx, &p, &x.t, &y1.t, &i1.t));
    EXPECT_OK(clrs_max_pool(be->ctx, &q, &x.t, &y2.t, &i2.t));
    for (k = 0; k < 15; k++) {
        ck_assert(th_get(&y1.t, k) == th_get(&y2.t, k));
        ck_assert(th_get(&i1.t, k) == th_get(&i2.t, k));
        ck_assert(th_get(&i1.t, k) >= 0 && th_get(&i1.t, k) < 45);
    }
    /* dilation * (kernel - 1) past 2^63: the exact size is negative, "too small", not 5 */
    memset(&q, 0, sizeof q);
    q = p, q.kernel[0] = 4, q.padding[1] = 0, q.dilation[0] = 6148914691236517207LL;
    EXPECT_STATUS(clrs_max_pool_shape(&q, 4, is, shape), CLRS_ERR_ARGUMENT, "too small");
    th_tensor_free(&x), th_tensor_free(&y1), th_tensor_free(&i1), th_tensor_free(&y2), th_tensor_free(&i2);
}
END_TEST

/* 3. conv_transpose_shape's kernel-size product wrapped to 0 and divided by it (SIGFPE). */
START_TEST(finding03_conv_kernel_product_overflow)
{
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    const int64_t in[5] = {1, 1, 1, 1, 1}, w[5] = {1, 1, (int64_t)1 << 30, (int64_t)1 << 30, 16};
    int64_t out[5];
    clrs_status st = clrs_conv_transpose_shape(&p, 5, in, w, out);
    ck_assert_msg(st == CLRS_ERR_UNSUPPORTED, "%s (%s)", clrs_status_name(st), clrs_error_message());
    ck_assert_ptr_nonnull(strstr(clrs_error_message(), "2^31-1"));
}
END_TEST

/* 5. Overflow: exact pooled sizes at INT64_MAX, unpool sizes past 2^63 refused, and the
 *    output_size range printed without wrapping. */
START_TEST(finding05_size_overflow)
{
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    clrs_unpool_params u = CLRS_UNPOOL_PARAMS_INIT;
    int64_t in[3] = {1, 1, INT64_MAX}, out[3];
    p.kernel[0] = 1, p.stride[0] = 1;
    EXPECT_OK(clrs_max_pool_shape(&p, 3, in, out));
    ck_assert_msg(out[2] == INT64_MAX, "pooled size %lld", (long long)out[2]);
    p.kernel[0] = 2, p.stride[0] = 2, p.ceil_mode = 1;
    EXPECT_OK(clrs_max_pool_shape(&p, 3, in, out));
    ck_assert_msg(out[2] == INT64_MAX / 2 + 1, "ceil pooled size %lld", (long long)out[2]);
    in[2] = 4;
    u.kernel[0] = 6148914691236517207LL;
    EXPECT_STATUS(clrs_max_unpool_shape(&u, 3, in, out), CLRS_ERR_ARGUMENT, "out of range");
    u.kernel[0] = 2, u.stride[0] = INT64_MAX, u.output_size[0] = 5, u.output_ndim = 1;
    EXPECT_STATUS(clrs_max_unpool_shape(&u, 3, in, out), CLRS_ERR_ARGUMENT, "out of range");
    ck_assert_ptr_null(strstr(clrs_error_message(), "-9223372036854775"));
}
END_TEST

/* 5b. (fuzz finding) max_pool of a broadcast input of size INT64_MAX: the dilation clip formed
 *     in + padding + 1 past 2^63 (undefined; UBSan stopped the fuzzer). Refused now, cleanly. */
START_TEST(finding05_pool_broadcast_int64_max)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    const int64_t os[3] = {1, 1, 2};
    float one = 5.0f, out[2] = {-1.0f, -1.0f};
    int64_t idx[2] = {-7, -7};
    clrs_tensor x, y = clrs_tensor_host(CLRS_F32, 3, os, out), ix = clrs_tensor_host(CLRS_I64, 3, os, idx);
    memset(&x, 0, sizeof x);
    x.dtype = CLRS_F32, x.ndim = 3, x.data = &one; /* strides all 0: a broadcast */
    x.shape[0] = 1, x.shape[1] = 1, x.shape[2] = INT64_MAX;
    p.kernel[0] = 1, p.stride[0] = INT64_MAX - 1, p.dilation[0] = INT64_MAX; /* two windows */
    /* the second window starts at 2^63 - 2: past what the kernels' index arithmetic allows */
    EXPECT_STATUS(clrs_max_pool(be->ctx, &p, &x, &y, &ix), CLRS_ERR_UNSUPPORTED, "window positions past 2^62");
    ck_assert(out[0] == -1.0f && idx[0] == -7); /* nothing written */
    /* an empty batch with such sizes computes nothing and succeeds, as in PyTorch */
    x.shape[0] = 0, x.data = NULL;
    p.stride[0] = 2, p.dilation[0] = 1;
    {
        int64_t es[3];
        clrs_tensor ey;
        EXPECT_OK(clrs_max_pool_shape(&p, 3, x.shape, es));
        ey = clrs_tensor_host(CLRS_F32, 3, es, NULL);
        ey.contiguous = 0; /* strides all 0: nothing is addressed */
        EXPECT_OK(clrs_max_pool(be->ctx, &p, &x, &ey, NULL));
    }
}
END_TEST

/* 6. An explicit 0 stride, dilation or groups is PyTorch's error; CLRS_DEFAULT is the
 *    default. */
START_TEST(finding06_explicit_zero_is_not_default)
{
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    clrs_unpool_params u = CLRS_UNPOOL_PARAMS_INIT;
    clrs_conv_transpose_params c = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    const int64_t in[4] = {1, 1, 8, 8}, w[4] = {1, 1, 3, 3};
    int64_t out[4];
    p.kernel[0] = p.kernel[1] = 2;
    EXPECT_OK(clrs_max_pool_shape(&p, 4, in, out));
    ck_assert(out[2] == 4 && out[3] == 4);
    p.stride[0] = 0;
    EXPECT_STATUS(clrs_max_pool_shape(&p, 4, in, out), CLRS_ERR_ARGUMENT, "stride should be greater than zero");
    p.stride[0] = CLRS_DEFAULT, p.dilation[1] = 0;
    EXPECT_STATUS(clrs_max_pool_shape(&p, 4, in, out), CLRS_ERR_ARGUMENT, "dilation should be greater than zero");
    u.kernel[0] = u.kernel[1] = 2, u.stride[1] = 0;
    EXPECT_STATUS(clrs_max_unpool_shape(&u, 4, in, out), CLRS_ERR_ARGUMENT, "stride");
    EXPECT_OK(clrs_conv_transpose_shape(&c, 4, in, w, out));
    ck_assert(out[2] == 10);
    c.groups = 0;
    EXPECT_STATUS(clrs_conv_transpose_shape(&c, 4, in, w, out), CLRS_ERR_ARGUMENT, "non-positive groups");
    c.groups = CLRS_DEFAULT, c.stride[0] = 0;
    EXPECT_STATUS(clrs_conv_transpose_shape(&c, 4, in, w, out), CLRS_ERR_ARGUMENT, "non-positive stride");
    c.stride[0] = CLRS_DEFAULT, c.dilation[1] = 0;
    EXPECT_STATUS(clrs_conv_transpose_shape(&c, 4, in, w, out), CLRS_ERR_ARGUMENT, "dilation should be greater");
}
END_TEST

/* 7a. Interleaved outputs that share no element are accepted (offsets 0,2,3,4,5,7: shape
 *     (2, 3), strides (3, 2)); an output whose elements do collide is refused. */
START_TEST(finding07_interleaved_output)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    const int64_t is[4] = {1, 1, 2, 3};
    float buf[8];
    static const int at[6] = {0, 2, 4, 3, 5, 7};
    th_tensor x;
    clrs_tensor y;
    int k;
    th_tensor_alloc(&x, CLRS_F32, 4, is);
    for (k = 0; k < 6; k++) th_set(&x.t, k, 10 + k);
    y = clrs_tensor_host(CLRS_F32, 4, is, buf);
    y.contiguous = 0, y.strides[2] = 3, y.strides[3] = 2, y.strides[1] = y.strides[0] = 8;
    for (k = 0; k < 8; k++) buf[k] = -1;
    p.size[0] = 2, p.size[1] = 3;
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &x.t, &y));
    for (k = 0; k < 6; k++) ck_assert_msg(buf[at[k]] == 10 + k, "buf[%d] = %g", at[k], buf[at[k]]);
    ck_assert(buf[1] == -1 && buf[6] == -1);
    y.strides[2] = 2; /* (0,2,4),(2,4,6): collide */
    EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x.t, &y), CLRS_ERR_ARGUMENT, "overlap");
    th_tensor_free(&x);
}
END_TEST

/* 7b. grid_sample_backward's read-only tensors may share memory (PyTorch allows it); its
 *     outputs may not. */
START_TEST(finding07_read_only_may_share)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    const int64_t is[4] = {1, 1, 2, 2}, gs[4] = {1, 2, 2, 2};
    th_tensor x, g, gx, gg;
    clrs_tensor go;
    int k;
    th_tensor_alloc(&x, CLRS_F32, 4, is), th_tensor_alloc(&g, CLRS_F32, 4, gs);
    th_tensor_alloc(&gx, CLRS_F32, 4, is), th_tensor_alloc(&gg, CLRS_F32, 4, gs);
    for (k = 0; k < 4; k++) th_set(&x.t, k, k + 1);
    for (k = 0; k < 8; k++) th_set(&g.t, k, 0.25 * k - 0.9);
    go = x.t; /* grad_output (1, 1, 2, 2) over the input's memory */
    EXPECT_OK(clrs_grid_sample_backward(be->ctx, &p, &go, &x.t, &g.t, &gx.t, &gg.t));
    EXPECT_STATUS(clrs_grid_sample_backward(be->ctx, &p, &go, &x.t, &g.t, &x.t, NULL), CLRS_ERR_ARGUMENT,
                  "grad_input overlaps");
    th_tensor_free(&x), th_tensor_free(&g), th_tensor_free(&gx), th_tensor_free(&gg);
}
END_TEST

/* 7c. Sub-buffers of one cl_mem, and the host memory a CL_MEM_USE_HOST_PTR buffer wraps, are
 *     the same memory. */
START_TEST(finding07_subbuffers_and_host_ptr)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    const int64_t s[4] = {1, 1, 4, 4};
    cl_context cl = clrs_context_cl_context(be->ctx);
    cl_uint align = 0;
    cl_device_id dev;
    cl_mem root, a, b, c, wrap;
    cl_buffer_region ra, rb, rc;
    cl_int err;
    size_t step;
    float *host;
    clrs_tensor x, y;
    if (!is_opencl(be)) {
        printf("finding 7c [%s]: no cl_mem on the host backend: skipped\n", be->name);
        return;
    }
    clGetContextInfo(cl, CL_CONTEXT_DEVICES, sizeof dev, &dev, NULL);
    clGetDeviceInfo(dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align, &align, NULL);
    step = align / 8 > 64 ? align / 8 : 64; /* bytes; sub-buffer origins must be aligned */
    root = clCreateBuffer(cl, CL_MEM_READ_WRITE, 4 * step, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    ra.origin = 0, ra.size = 2 * step;        /* a: [0, 2 step)     */
    rb.origin = step, rb.size = 2 * step;     /* b: [step, 3 step)  overlaps a */
    rc.origin = 2 * step, rc.size = 2 * step; /* c: [2 step, 4 step) disjoint from a */
    a = clCreateSubBuffer(root, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &ra, &err);
    b = clCreateSubBuffer(root, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &rb, &err);
    c = clCreateSubBuffer(root, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &rc, &err);
    ck_assert(a && b && c);
    p.size[0] = p.size[1] = 4;
    x = clrs_tensor_device(CLRS_F32, 4, s, a, step); /* root bytes [step, step + 64) */
    y = clrs_tensor_device(CLRS_F32, 4, s, b, 0);    /* the same bytes through b */
    EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x, &y), CLRS_ERR_ARGUMENT, "output overlaps input");
    y.mem = c;
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &x, &y));
    /* the root buffer at an offset inside b's region */
    y = clrs_tensor_device(CLRS_F32, 4, s, root, step);
    x = clrs_tensor_device(CLRS_F32, 4, s, b, 0);
    EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x, &y), CLRS_ERR_ARGUMENT, "output overlaps input");
    /* a buffer wrapping host memory, and that host memory */
    host = calloc(32, sizeof *host);
    wrap = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, 32 * sizeof *host, host, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    x = clrs_tensor_host(CLRS_F32, 4, s, host + 8);
    y = clrs_tensor_device(CLRS_F32, 4, s, wrap, 0);
    EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x, &y), CLRS_ERR_ARGUMENT, "output overlaps input");
    x.data = host + 16; /* [16, 32) against [0, 16): disjoint */
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &x, &y));
    clrs_context_finish(be->ctx);
    clReleaseMemObject(a), clReleaseMemObject(b), clReleaseMemObject(c), clReleaseMemObject(root);
    clReleaseMemObject(wrap);
    free(host);
}
END_TEST

/* 8. Context options outside 0 / 1 are refused. */
START_TEST(finding08_options_range)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = (clrs_context *)&o; /* must stay untouched */
    o.device = "host";
    o.host_fallback = 7;
    EXPECT_STATUS(clrs_context_create(&ctx, &o), CLRS_ERR_ARGUMENT, "host_fallback");
    ck_assert_ptr_eq(ctx, (clrs_context *)&o);
    o.host_fallback = 1, o.deterministic = -3;
    EXPECT_STATUS(clrs_context_create(&ctx, &o), CLRS_ERR_ARGUMENT, "deterministic");
    o.deterministic = 1;
    EXPECT_OK(clrs_context_create(&ctx, &o));
    clrs_context_destroy(ctx);
}
END_TEST

/* 9. N = 0: grid_sample succeeds and clears the previous message; affine_grid refuses it as
 *    PyTorch does; backward messages name grad_output. */
START_TEST(finding09_empty_batch)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    const int64_t is[4] = {0, 2, 3, 3}, gs[4] = {0, 2, 2, 2}, os[4] = {0, 2, 2, 2}, ts[3] = {0, 2, 3};
    const int64_t bad[4] = {0, 2, 5, 2};
    clrs_tensor x = clrs_tensor_host(CLRS_F32, 4, is, NULL), g = clrs_tensor_host(CLRS_F32, 4, gs, NULL);
    clrs_tensor y = clrs_tensor_host(CLRS_F32, 4, os, NULL), t = clrs_tensor_host(CLRS_F32, 3, ts, NULL);
    clrs_tensor yb = clrs_tensor_host(CLRS_F32, 4, bad, NULL);
    clrs_grid_sample(be->ctx, NULL, &x, &g, &y); /* leaves a message */
    ck_assert_str_ne(clrs_error_message(), "");
    EXPECT_OK(clrs_grid_sample(be->ctx, &p, &x, &g, &y));
    ck_assert_str_eq(clrs_error_message(), "");
    EXPECT_OK(clrs_grid_sample_backward(be->ctx, &p, &y, &x, &g, &x, &g));
    ck_assert_str_eq(clrs_error_message(), "");
    EXPECT_STATUS(clrs_grid_sample_backward(be->ctx, &p, &yb, &x, &g, NULL, NULL), CLRS_ERR_ARGUMENT,
                  "grad_output has shape");
    EXPECT_STATUS(clrs_affine_grid(be->ctx, 0, &t, &g), CLRS_ERR_ARGUMENT, "Expected non-zero, positive output size");
}
END_TEST

/* 10. A host tensor larger than the device's largest buffer runs on the host with
 *     host_fallback, and otherwise fails with a message naming the tensor and the limit. */
START_TEST(finding10_larger_than_max_alloc)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    const int64_t is[4] = {1, 1, 2, 2}, os[4] = {1, 1, 4, 4};
    const uint64_t limit = clrs_context_device(be->ctx)->max_alloc_bytes;
    clrs_cache_stats stats;
    clrs_context *ctx;
    size_t bytes;
    float *base;
    th_tensor y;
    clrs_tensor x;
    int k;
    if (!is_opencl(be) || !limit || limit > ((uint64_t)1 << 36)) {
        printf("finding 10 [%s]: no device buffer limit to pass: skipped\n", be->name);
        return;
    }
    /* rows limit bytes apart: the 4 elements span past the limit; only two pages are touched */
    bytes = (size_t)limit + 4096 * 2;
    base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ck_assert(base != MAP_FAILED);
    x = clrs_tensor_host(CLRS_F32, 4, is, base);
    x.contiguous = 0, x.strides[3] = 1, x.strides[2] = (int64_t)(limit / 4) + 1;
    base[0] = 1, base[1] = 2, base[x.strides[2]] = 3, base[x.strides[2] + 1] = 4;
    th_tensor_alloc(&y, CLRS_F32, 4, os);
    p.size[0] = p.size[1] = 4;
    o.device = be->spec, o.cache_dir = "", o.host_fallback = 0;
    EXPECT_OK(clrs_context_create(&ctx, &o));
    EXPECT_STATUS(clrs_interpolate(ctx, &p, &x, &y.t), CLRS_ERR_UNSUPPORTED, "input spans");
    ck_assert_ptr_nonnull(strstr(clrs_error_message(), "CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
    clrs_context_destroy(ctx);
    o.host_fallback = 1;
    EXPECT_OK(clrs_context_create(&ctx, &o));
    EXPECT_OK(clrs_interpolate(ctx, &p, &x, &y.t));
    EXPECT_OK(clrs_context_cache_stats(ctx, &stats));
    ck_assert_uint_eq(stats.host_fallbacks, 1);
    for (k = 0; k < 16; k++) ck_assert(th_get(&y.t, k) == 1 + (k / 8) * 2 + (k % 4) / 2);
    clrs_context_destroy(ctx);
    munmap(base, bytes);
    th_tensor_free(&y);
}
END_TEST

/* 13. Zero-element tensors need no memory (PyTorch's empty tensors have data_ptr() == 0). */
START_TEST(finding13_empty_without_memory)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_pool_params pp = CLRS_POOL_PARAMS_INIT;
    const int64_t is[4] = {0, 3, 4, 4}, os[4] = {0, 3, 8, 8}, ps[4] = {0, 3, 2, 2};
    clrs_tensor x = clrs_tensor_host(CLRS_F32, 4, is, NULL), y = clrs_tensor_host(CLRS_F32, 4, os, NULL);
    clrs_tensor py = clrs_tensor_host(CLRS_F32, 4, ps, NULL), pi = clrs_tensor_host(CLRS_I64, 4, ps, NULL);
    p.mode = CLRS_LINEAR, p.scale_factor[0] = p.scale_factor[1] = 2;
    EXPECT_OK(clrs_interpolate(be->ctx, &p, &x, &y));
    EXPECT_OK(clrs_interpolate_backward(be->ctx, &p, &y, &x));
    pp.kernel[0] = pp.kernel[1] = 2;
    EXPECT_OK(clrs_max_pool(be->ctx, &pp, &x, &py, &pi));
    x.shape[0] = 1; /* elements and no memory: refused */
    EXPECT_STATUS(clrs_max_pool(be->ctx, &pp, &x, &py, &pi), CLRS_ERR_ARGUMENT, "neither data");
}
END_TEST

/* 14. max_pool without indices (return_indices=False). */
START_TEST(finding14_max_pool_without_indices)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    const int64_t is[5] = {2, 3, 5, 6, 7}, os[5] = {2, 3, 3, 3, 4};
    th_tensor x, y1, y2, ix;
    int64_t k;
    th_tensor_alloc(&x, CLRS_F32, 5, is);
    for (k = 0; k < th_numel(&x.t); k++) th_set(&x.t, k, cos(0.731 * (double)k));
    th_tensor_alloc(&y1, CLRS_F32, 5, os), th_tensor_alloc(&y2, CLRS_F32, 5, os), th_tensor_alloc(&ix, CLRS_I64, 5, os);
    p.kernel[0] = p.kernel[1] = p.kernel[2] = 2, p.ceil_mode = 1;
    EXPECT_OK(clrs_max_pool(be->ctx, &p, &x.t, &y1.t, &ix.t));
    EXPECT_OK(clrs_max_pool(be->ctx, &p, &x.t, &y2.t, NULL));
    ck_assert(!memcmp(y1.base, y2.base, y1.bytes));
    th_tensor_free(&x), th_tensor_free(&y1), th_tensor_free(&y2), th_tensor_free(&ix);
}
END_TEST

/* 15. max_unpool's output_size may be (N, C, spatial...), as PyTorch takes it. */
START_TEST(finding15_unpool_full_output_size)
{
    clrs_unpool_params u = CLRS_UNPOOL_PARAMS_INIT;
    const int64_t in[4] = {2, 3, 4, 4};
    int64_t a[4], b[4];
    u.kernel[0] = u.kernel[1] = 2;
    u.output_size[0] = 9, u.output_size[1] = 8, u.output_ndim = 2;
    EXPECT_OK(clrs_max_unpool_shape(&u, 4, in, a));
    u.output_size[0] = 2, u.output_size[1] = 3, u.output_size[2] = 9, u.output_size[3] = 8, u.output_ndim = 4;
    EXPECT_OK(clrs_max_unpool_shape(&u, 4, in, b));
    ck_assert(!memcmp(a, b, sizeof a) && a[2] == 9 && a[3] == 8);
    u.output_ndim = 3;
    EXPECT_STATUS(clrs_max_unpool_shape(&u, 4, in, b), CLRS_ERR_ARGUMENT, "output_size must have 2 or 4 elements");
}
END_TEST

/* 16. DLPack: dtypes, compact and strided tensors, devices, and what is refused. */
START_TEST(finding16_dlpack)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    float v[12];
    int64_t shape[4] = {1, 3, 2, 2}, strides[4] = {12, 1, 6, 3}; /* channels-last */
    DLTensor dl;
    clrs_tensor t, keep;
    int k;
    for (k = 0; k < 12; k++) v[k] = (float)k;
    memset(&dl, 0, sizeof dl);
    dl.data = v, dl.device.device_type = kDLCPU, dl.ndim = 4, dl.shape = shape;
    dl.dtype.code = kDLFloat, dl.dtype.bits = 32, dl.dtype.lanes = 1;
    EXPECT_OK(clrs_tensor_from_dlpack(&dl, &t)); /* NULL strides: compact */
    ck_assert(t.contiguous == 1 && t.data == v && t.dtype == CLRS_F32 && t.strides[0] == 12 && t.strides[3] == 1);
    dl.strides = strides, dl.byte_offset = 4;
    EXPECT_OK(clrs_tensor_from_dlpack(&dl, &t));
    ck_assert(t.contiguous == 0 && t.offset == 4 && t.strides[1] == 1 && t.strides[2] == 6);
    {
        static const struct { uint8_t code, bits; clrs_dtype want; } ok[6] = {
            {kDLFloat, 16, CLRS_F16}, {kDLFloat, 32, CLRS_F32}, {kDLFloat, 64, CLRS_F64},
            {kDLBfloat, 16, CLRS_BF16}, {kDLUInt, 8, CLRS_U8}, {kDLInt, 64, CLRS_I64}};
        for (k = 0; k < 6; k++) {
            dl.dtype.code = ok[k].code, dl.dtype.bits = ok[k].bits, dl.byte_offset = 0;
            EXPECT_OK(clrs_tensor_from_dlpack(&dl, &t));
            ck_assert_int_eq(t.dtype, ok[k].want);
        }
    }
    keep = t;
    dl.dtype.code = kDLInt, dl.dtype.bits = 32;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_UNSUPPORTED, "dtype");
    ck_assert(!memcmp(&t, &keep, sizeof t)); /* untouched on failure */
    dl.dtype.code = kDLFloat, dl.dtype.bits = 32, dl.dtype.lanes = 4;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_UNSUPPORTED, "lanes");
    dl.dtype.lanes = 1, dl.ndim = 6;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_UNSUPPORTED, "ndim");
    dl.ndim = 4, strides[2] = -6;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_UNSUPPORTED, "negative stride");
    strides[2] = 6, dl.device.device_type = kDLCUDA;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_UNSUPPORTED, "device");
    dl.device.device_type = kDLCPU, dl.shape = NULL;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, &t), CLRS_ERR_ARGUMENT, "shape");
    EXPECT_STATUS(clrs_tensor_from_dlpack(NULL, &t), CLRS_ERR_ARGUMENT, "NULL");
    dl.shape = shape;
    EXPECT_STATUS(clrs_tensor_from_dlpack(&dl, NULL), CLRS_ERR_ARGUMENT, "NULL");
    /* a DLPack tensor straight into an op: channels-last input, 2x nearest */
    {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        const int64_t os[4] = {1, 3, 4, 4};
        th_tensor y;
        th_tensor_alloc(&y, CLRS_F32, 4, os);
        EXPECT_OK(clrs_tensor_from_dlpack(&dl, &t));
        p.size[0] = p.size[1] = 4;
        EXPECT_OK(clrs_interpolate(be->ctx, &p, &t, &y.t));
        /* y[0, c, h, w] = x[0, c, h/2, w/2] = v[c + 6 (h/2) + 3 (w/2)] */
        for (k = 0; k < 48; k++) {
            const int c = k / 16, h = (k / 4) % 4, w = k % 4;
            ck_assert(th_get(&y.t, k) == v[c + 6 * (h / 2) + 3 * (w / 2)]);
        }
        th_tensor_free(&y);
    }
    if (is_opencl(be)) { /* kDLOpenCL: data is the cl_mem */
        cl_int err;
        cl_mem m = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE, 64, NULL, &err);
        dl.device.device_type = kDLOpenCL, dl.data = m, dl.strides = NULL, dl.byte_offset = 8;
        EXPECT_OK(clrs_tensor_from_dlpack(&dl, &t));
        ck_assert(t.mem == m && t.data == NULL && t.offset == 8);
        clReleaseMemObject(m);
    }
}
END_TEST

/* uint8 images: nearest / nearest-exact interpolate, max_pool and max_unpool move stored
 * values, so a uint8 run equals the float run of the same values exactly (the float picks are
 * PyTorch's, golden-tested); the modes PyTorch refuses for uint8 and every backward refuse it. */
START_TEST(uint8_picks)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    /* per ndim 3, 4, 5: input, interpolated and 2x-pooled shapes */
    static const int64_t shapes[3][3][5] = {
        {{2, 3, 7}, {2, 3, 9}, {2, 3, 3}},
        {{2, 3, 7, 4}, {2, 3, 9, 6}, {2, 3, 3, 2}},
        {{2, 3, 5, 7, 4}, {2, 3, 4, 9, 6}, {2, 3, 2, 3, 2}}};
    uint64_t rng = 77;
    int nd, mode, k, cases = 0;
    for (nd = 3; nd <= 5; nd++) {
        const int64_t *sh_in = shapes[nd - 3][0], *sh_out = shapes[nd - 3][1], *sh_pool = shapes[nd - 3][2];
        th_tensor x8, xf, y8, yf, p8, pf, i8, i_f, u8o;
        int64_t i;
        th_tensor_alloc(&x8, CLRS_U8, nd, sh_in), th_tensor_alloc(&xf, CLRS_F32, nd, sh_in);
        for (i = 0; i < th_numel(&x8.t); i++) {
            double v = (double)(th_rand(&rng) % 256);
            th_set(&x8.t, i, v), th_set(&xf.t, i, v);
        }
        for (mode = CLRS_NEAREST; mode <= CLRS_NEAREST_EXACT; mode++) {
            clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
            p.mode = (clrs_mode)mode;
            for (k = 2; k < nd; k++) p.size[k - 2] = sh_out[k];
            th_tensor_alloc(&y8, CLRS_U8, nd, sh_out), th_tensor_alloc(&yf, CLRS_F32, nd, sh_out);
            EXPECT_OK(clrs_interpolate(be->ctx, &p, &x8.t, &y8.t));
            EXPECT_OK(clrs_interpolate(be->ctx, &p, &xf.t, &yf.t));
            for (i = 0; i < th_numel(&y8.t); i++) ck_assert(th_get(&y8.t, i) == th_get(&yf.t, i));
            EXPECT_STATUS(clrs_interpolate_backward(be->ctx, &p, &y8.t, &x8.t), CLRS_ERR_UNSUPPORTED,
                          "PyTorch: only Tensors of floating point dtype can require gradients");
            /* bilinear takes uint8 on 4-D input (PyTorch's integer passes: test_interpolate's
             * golden_u8); linear / trilinear and area are PyTorch's refusals */
            p.mode = CLRS_LINEAR;
            if (nd == 4)
                EXPECT_OK(clrs_interpolate(be->ctx, &p, &x8.t, &y8.t));
            else
                EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x8.t, &y8.t), CLRS_ERR_UNSUPPORTED,
                              "\"compute_indices_weights_linear\" not implemented for 'Byte'");
            p.mode = CLRS_AREA;
            EXPECT_STATUS(clrs_interpolate(be->ctx, &p, &x8.t, &y8.t), CLRS_ERR_UNSUPPORTED, "not implemented for 'Byte'");
            th_tensor_free(&y8), th_tensor_free(&yf);
            cases++;
        }
        if (nd == 4) { /* grid_sample: PyTorch has no uint8 kernel; the message says its words */
            const int64_t gs[4] = {2, 2, 2, 2}, os[4] = {2, 3, 2, 2};
            clrs_grid_sample_params gp = CLRS_GRID_SAMPLE_PARAMS_INIT;
            th_tensor g, o8;
            th_tensor_alloc(&g, CLRS_F32, 4, gs), th_tensor_alloc(&o8, CLRS_F32, 4, os);
            EXPECT_STATUS(clrs_grid_sample(be->ctx, &gp, &x8.t, &g.t, &o8.t), CLRS_ERR_UNSUPPORTED,
                          "input dtype is u8; grid_sample does not take uint8 tensors (it takes f32, f64, f16 or bf16); "
                          "PyTorch: \"grid_sampler_2d_cpu_kernel_impl\" not implemented for 'Byte'");
            th_tensor_free(&g), th_tensor_free(&o8);
        }
        {
            clrs_pool_params pp = CLRS_POOL_PARAMS_INIT;
            clrs_unpool_params up = CLRS_UNPOOL_PARAMS_INIT;
            for (k = 0; k < nd - 2; k++) pp.kernel[k] = up.kernel[k] = 2, up.output_size[k] = sh_in[k + 2];
            pp.ceil_mode = 0, up.output_ndim = nd - 2;
            th_tensor_alloc(&p8, CLRS_U8, nd, sh_pool), th_tensor_alloc(&pf, CLRS_F32, nd, sh_pool);
            th_tensor_alloc(&i8, CLRS_I64, nd, sh_pool), th_tensor_alloc(&i_f, CLRS_I64, nd, sh_pool);
            th_tensor_alloc(&u8o, CLRS_U8, nd, sh_in);
            EXPECT_OK(clrs_max_pool(be->ctx, &pp, &x8.t, &p8.t, &i8.t));
            EXPECT_OK(clrs_max_pool(be->ctx, &pp, &xf.t, &pf.t, &i_f.t));
            ck_assert(!memcmp(i8.base, i_f.base, i8.bytes));
            for (i = 0; i < th_numel(&p8.t); i++) ck_assert(th_get(&p8.t, i) == th_get(&pf.t, i));
            EXPECT_OK(clrs_max_unpool(be->ctx, &up, &p8.t, &i8.t, &u8o.t));
            for (i = 0; i < th_numel(&p8.t); i++) { /* each maximum back at its index in its plane */
                const int64_t plane = th_numel(&u8o.t) / 6, which = i / (th_numel(&p8.t) / 6);
                ck_assert(th_get(&u8o.t, which * plane + (int64_t)th_get(&i8.t, i)) == th_get(&p8.t, i));
            }
            th_tensor_free(&p8), th_tensor_free(&pf), th_tensor_free(&i8), th_tensor_free(&i_f), th_tensor_free(&u8o);
            cases += 2;
        }
        th_tensor_free(&x8), th_tensor_free(&xf);
    }
    printf("uint8 [%s]: %d nearest / nearest-exact / max_pool / max_unpool cases equal the float picks\n",
           be->name, cases);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, uint8_picks, 0, n);
    tcase_add_loop_test(tc, finding01_zero_strides_broadcast, 0, n);
    tcase_add_loop_test(tc, finding02_max_pool_huge_dilation, 0, n);
    tcase_add_test(tc, finding03_conv_kernel_product_overflow);
    tcase_add_test(tc, finding05_size_overflow);
    tcase_add_loop_test(tc, finding05_pool_broadcast_int64_max, 0, n);
    tcase_add_test(tc, finding06_explicit_zero_is_not_default);
    tcase_add_loop_test(tc, finding07_interleaved_output, 0, n);
    tcase_add_loop_test(tc, finding07_read_only_may_share, 0, n);
    tcase_add_loop_test(tc, finding07_subbuffers_and_host_ptr, 0, n);
    tcase_add_test(tc, finding08_options_range);
    tcase_add_loop_test(tc, finding09_empty_batch, 0, n);
    tcase_add_loop_test(tc, finding10_larger_than_max_alloc, 0, n);
    tcase_add_loop_test(tc, finding13_empty_without_memory, 0, n);
    tcase_add_loop_test(tc, finding14_max_pool_without_indices, 0, n);
    tcase_add_test(tc, finding15_unpool_full_output_size);
    tcase_add_loop_test(tc, finding16_dlpack, 0, n);
}

int main(void) { return th_run("tensor", setup, teardown, add_tests); }
