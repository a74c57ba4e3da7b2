/* test_pixel_shuffle.c — pixel_shuffle and pixel_unshuffle, forward and backward, on every
 * backend: PyTorch goldens bit for bit on every dtype (f32, f64, f16, bf16, i64, u8; random
 * bit patterns with NaN payloads), the adjoint identity in f64, random strided layouts
 * (channels-last, offsets, broadcast inputs) against a reference written here and OpenCL
 * against the host, cl_mem tensors, empty tensors, and the argument rules (PyTorch's
 * messages; outputs untouched). */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;

static void setup(void) { nbackends = th_backends(backends, MAX_BACKENDS); }
static void teardown(void) { th_backends_free(backends, nbackends); }

static const clrs_dtype all_dtypes[6] = {CLRS_F32, CLRS_F64, CLRS_F16, CLRS_BF16, CLRS_I64, CLRS_U8};
static const char *dtype_text(clrs_dtype d)
{
    static const char *n[6] = {"f32", "f64", "f16", "bf16", "i64", "u8"};
    return (unsigned)d < 6 ? n[d] : "?";
}

typedef clrs_status (*op_fn)(clrs_context *, int64_t, const clrs_tensor *, const clrs_tensor *);
/* [down][backward] */
static const op_fn ops[2][2] = {{clrs_pixel_shuffle, clrs_pixel_shuffle_backward},
                                {clrs_pixel_unshuffle, clrs_pixel_unshuffle_backward}};

/* A NaN with a payload in `dtype` at p (floating dtypes), so payloads are seen to survive. */
static void put_nan(clrs_dtype dt, void *p)
{
    const uint16_t h = 0x7d5a, b = 0x7f95;        /* f16 / bf16 signalling NaNs, payloads */
    const uint32_t f = 0xffa5a5a5u;                /* negative f32 sNaN */
    const uint64_t d = 0x7ff0123456789abcull;      /* f64 sNaN */
    switch (dt) {
    case CLRS_F16: memcpy(p, &h, 2); break;
    case CLRS_BF16: memcpy(p, &b, 2); break;
    case CLRS_F32: memcpy(p, &f, 4); break;
    case CLRS_F64: memcpy(p, &d, 8); break;
    default: break;
    }
}

static void fill_random(void *p, size_t bytes, uint64_t *rng)
{
    size_t i;
    for (i = 0; i < bytes; i++) ((unsigned char *)p)[i] = (unsigned char)(th_rand(rng) >> 24);
}

/* ---- goldens ------------------------------------------------------------------------------ */

START_TEST(golden_pixel_shuffle)
{
    th_backend *be;
    th_record *recs;
    int nrec, k, d, failures = 0, cases[2] = {0, 0}, checks = 0;
    uint64_t rng = 0x5eed;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    nrec = th_records_load("pixel_shuffle.txt", &recs);
    ck_assert_int_gt(nrec, 0);
    for (k = 0; k < nrec; k++) {
        th_record *r = &recs[k];
        const int down = !strcmp(th_record_text(r, "op"), "pixel_unshuffle");
        const int64_t factor = (int64_t)th_record_values(r, "factor", NULL, 0)[-1];
        int64_t is[5], os[5], n, nsrc, i, got[5];
        const int nd = th_record_shape(r, "in_shape", is);
        const double *x = th_record_values(r, "x", &n, 1), *y = th_record_values(r, "y", NULL, 1);
        const double *src = th_record_values(r, "src", &nsrc, 0), *g = th_record_values(r, "g", NULL, 1);
        const double *gx = th_record_values(r, "gx", NULL, 1);
        ck_assert_int_eq(th_record_shape(r, "out_shape", os), nd);
        ck_assert_int_eq(nsrc, n);
        /* the shape entry points agree with PyTorch's shapes */
        ck_assert_int_eq((down ? clrs_pixel_unshuffle_shape : clrs_pixel_shuffle_shape)(factor, nd, is, got), CLRS_OK);
        ck_assert_msg(!memcmp(got, os, sizeof(int64_t) * (size_t)nd), "%s: shape", r->name);
        cases[down]++;
        for (d = 0; d < 6; d++) {
            const clrs_dtype dt = all_dtypes[d];
            const size_t es = clrs_dtype_size(dt);
            th_tensor tx, ty, tg, tgx;
            th_tensor_alloc(&tx, dt, nd, is), th_tensor_alloc(&ty, dt, nd, os);
            th_tensor_alloc(&tg, dt, nd, os), th_tensor_alloc(&tgx, dt, nd, is);
            /* random bits (NaN payloads included) moved as PyTorch's permutation says */
            fill_random(tx.base, tx.bytes, &rng), fill_random(tg.base, tg.bytes, &rng);
            put_nan(dt, tx.base), put_nan(dt, (char *)tg.base + (size_t)(n - 1) * es);
            ck_assert_msg(ops[down][0](be->ctx, factor, &tx.t, &ty.t) == CLRS_OK, "%s: %s", r->name, clrs_error_message());
            ck_assert_msg(ops[down][1](be->ctx, factor, &tg.t, &tgx.t) == CLRS_OK, "%s: %s", r->name, clrs_error_message());
            for (i = 0; i < n; i++) {
                const size_t o = (size_t)i * es, s = (size_t)src[i] * es;
                if (memcmp((char *)ty.base + o, (char *)tx.base + s, es) ||
                    memcmp((char *)tgx.base + s, (char *)tg.base + o, es)) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s: element %lld not moved bit for bit\n", r->name, dtype_text(dt),
                            (long long)i);
                    break;
                }
            }
            checks += 2;
            /* PyTorch's numbers: float32 values as the file holds them (any float dtype holds
             * the file's values rounded the same way on both sides); i64: arange -> src */
            for (i = 0; i < n; i++) {
                if (dt == CLRS_I64 || dt == CLRS_U8) th_set(&tx.t, i, dt == CLRS_U8 ? (double)(i % 256) : (double)i);
                else th_set(&tx.t, i, x[i]);
                if (dt != CLRS_I64 && dt != CLRS_U8) th_set(&tg.t, i, g[i]);
            }
            ck_assert_int_eq(ops[down][0](be->ctx, factor, &tx.t, &ty.t), CLRS_OK);
            if (dt != CLRS_I64 && dt != CLRS_U8) ck_assert_int_eq(ops[down][1](be->ctx, factor, &tg.t, &tgx.t), CLRS_OK);
            for (i = 0; i < n; i++) {
                double want = dt == CLRS_I64 ? src[i] : dt == CLRS_U8 ? fmod(src[i], 256) : th_round(dt, y[i]);
                if (th_get(&ty.t, i) != want ||
                    (dt != CLRS_I64 && dt != CLRS_U8 && th_get(&tgx.t, i) != th_round(dt, gx[i]))) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s: element %lld differs from PyTorch\n", r->name, dtype_text(dt),
                            (long long)i);
                    break;
                }
            }
            checks += dt == CLRS_I64 || dt == CLRS_U8 ? 1 : 2;
            th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&tg), th_tensor_free(&tgx);
        }
    }
    printf("pixel_shuffle golden [%s]: %d pixel_shuffle + %d pixel_unshuffle cases x 6 dtypes, %d comparisons, "
           "bit for bit\n", be->name, cases[0], cases[1], checks);
    th_records_free(recs, nrec);
    ck_assert_msg(failures == 0, "%d pixel_shuffle golden comparisons failed on %s", failures, be->name);
}
END_TEST

/* ---- adjoint identity --------------------------------------------------------------------- */

/* <shuffle(x), y> = <x, unshuffle(y)> in f64 (3-D, 4-D, 5-D; factors 1..3), and the backward
 * of each op is the other op, bit for bit. */
START_TEST(adjoint)
{
    th_backend *be;
    int nd, down, checked = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    for (nd = 3; nd <= 5; nd++)
        for (down = 0; down < 2; down++) {
            int64_t r;
            for (r = 1; r <= 3; r++) {
                int64_t is[5], os[5], i;
                const int b = nd - 3;
                th_tensor tx, ty, tfy, tbx, tby;
                uint64_t rng = 100 + (uint64_t)(nd * 10 + down * 5 + r);
                double lhs = 0, rhs = 0;
                for (i = 0; i < b; i++) is[i] = 2 + i;
                is[b] = down ? 2 : 2 * r * r, is[b + 1] = down ? 3 * r : 3, is[b + 2] = down ? 2 * r : 4;
                ck_assert_int_eq((down ? clrs_pixel_unshuffle_shape : clrs_pixel_shuffle_shape)(r, nd, is, os), CLRS_OK);
                th_tensor_alloc(&tx, CLRS_F64, nd, is), th_tensor_alloc(&ty, CLRS_F64, nd, os);
                th_tensor_alloc(&tfy, CLRS_F64, nd, os);
                th_tensor_alloc(&tbx, CLRS_F64, nd, is), th_tensor_alloc(&tby, CLRS_F64, nd, is);
                for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
                for (i = 0; i < th_numel(&ty.t); i++) th_set(&ty.t, i, th_uniform(&rng));
                ck_assert_int_eq(ops[down][0](be->ctx, r, &tx.t, &tfy.t), CLRS_OK);     /* A x */
                ck_assert_int_eq(ops[!down][0](be->ctx, r, &ty.t, &tbx.t), CLRS_OK);    /* A^T y: the other op */
                ck_assert_int_eq(ops[down][1](be->ctx, r, &ty.t, &tby.t), CLRS_OK);     /* the backward */
                for (i = 0; i < th_numel(&ty.t); i++) lhs += th_get(&tfy.t, i) * th_get(&ty.t, i);
                for (i = 0; i < th_numel(&tx.t); i++) rhs += th_get(&tx.t, i) * th_get(&tbx.t, i);
                ck_assert_msg(fabs(lhs - rhs) <= 1e-12 * fmax(1, fabs(lhs)), "%s %dd r=%lld: %.17g vs %.17g [%s]",
                              down ? "pixel_unshuffle" : "pixel_shuffle", nd, (long long)r, lhs, rhs, be->name);
                ck_assert_msg(!memcmp(tbx.base, tby.base, tbx.bytes), "the backward is not the other op");
                checked++;
                th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&tfy), th_tensor_free(&tbx), th_tensor_free(&tby);
            }
        }
    printf("pixel_shuffle adjoint [%s]: <shuffle(x), y> = <x, unshuffle(y)> and backward = the other op, %d cases\n",
           be->name, checked);
}
END_TEST

/* ---- strided layouts ---------------------------------------------------------------------- */

typedef struct {
    clrs_tensor t;
    unsigned char *base;
    size_t bytes;
} lay;

/* A host tensor in a random layout: dims in a random order (often channels-last), gaps,
 * a byte offset, and (inputs, `bcast`) a broadcast axis with stride 0. The whole allocation
 * is random bytes. */
static void lay_make(lay *L, clrs_dtype dt, int nd, const int64_t *shape, int bcast, uint64_t *rng)
{
    const size_t es = clrs_dtype_size(dt);
    int order[5], i, j, kind = (int)(th_rand(rng) % 4);
    int64_t s = 1 + (int64_t)(th_rand(rng) % 2), last = 0;
    memset(L, 0, sizeof *L);
    for (i = 0; i < nd; i++) order[i] = nd - 1 - i; /* order[0] is the innermost */
    if (kind == 1) { /* channels-last: C innermost, then W, H, batch */
        order[0] = nd - 3;
        for (i = 1, j = nd - 1; j >= 0; j--)
            if (j != nd - 3) order[i++] = j;
    } else if (kind == 2) { /* any permutation */
        for (i = nd - 1; i > 0; i--) {
            int t = order[i], k = (int)(th_rand(rng) % (uint64_t)(i + 1));
            order[i] = order[k], order[k] = t;
        }
    }
    L->t.dtype = dt;
    L->t.ndim = nd;
    for (i = 0; i < nd; i++) {
        const int a = order[i];
        L->t.shape[a] = shape[a];
        L->t.strides[a] = s;
        s *= shape[a] > 0 ? shape[a] : 1;
        if (th_rand(rng) % 3 == 0) s += 1 + (int64_t)(th_rand(rng) % 3); /* a gap */
    }
    if (bcast && th_rand(rng) % 3 == 0) L->t.strides[th_rand(rng) % (uint64_t)nd] = 0;
    if (bcast && th_rand(rng) % 8 == 0)
        for (i = 0; i < nd; i++) L->t.strides[i] = 0; /* every element the same one */
    L->t.offset = (size_t)(th_rand(rng) % 4) * es;
    for (i = 0; i < nd; i++) last += (shape[i] > 0 ? shape[i] - 1 : 0) * L->t.strides[i];
    L->bytes = L->t.offset + (size_t)(last + 1) * es + 8;
    L->base = malloc(L->bytes);
    ck_assert_ptr_nonnull(L->base);
    fill_random(L->base, L->bytes, rng);
    L->t.data = L->base;
    L->t.contiguous = 0;
}

static size_t lay_at(const lay *L, const int64_t *idx)
{
    int64_t off = 0;
    int i;
    for (i = 0; i < L->t.ndim; i++) off += idx[i] * L->t.strides[i];
    return L->t.offset + (size_t)off * clrs_dtype_size(L->t.dtype);
}

/* The reference, written as PyTorch does it: the shuffle input viewed as (*, C, r, r, H, W)
 * and permuted to (*, C, H, r, W, r); unshuffle the other way round. Returns the mismatching
 * elements of dst against src. */
static int64_t reference_mismatches(int down, int64_t r, const lay *src, const lay *dst)
{
    const int nd = dst->t.ndim, b = nd - 3;
    const size_t es = clrs_dtype_size(dst->t.dtype);
    int64_t idx[5], sidx[5], n = 1, i, bad = 0;
    int a;
    for (a = 0; a < nd; a++) n *= dst->t.shape[a];
    for (i = 0; i < n; i++) {
        int64_t rest = i;
        for (a = nd - 1; a >= 0; a--) idx[a] = rest % dst->t.shape[a], rest /= dst->t.shape[a];
        memcpy(sidx, idx, sizeof idx);
        if (!down) { /* out (c, hh*r + i, ww*r + j) = in (c*r*r + i*r + j, hh, ww) */
            const int64_t c = idx[b], hh = idx[b + 1] / r, ii = idx[b + 1] % r, ww = idx[b + 2] / r, jj = idx[b + 2] % r;
            sidx[b] = (c * r + ii) * r + jj, sidx[b + 1] = hh, sidx[b + 2] = ww;
        } else { /* out (c*r*r + i*r + j, hh, ww) = in (c, hh*r + i, ww*r + j) */
            const int64_t c = idx[b] / (r * r), ii = idx[b] / r % r, jj = idx[b] % r;
            sidx[b] = c, sidx[b + 1] = idx[b + 1] * r + ii, sidx[b + 2] = idx[b + 2] * r + jj;
        }
        if (memcmp(dst->base + lay_at(dst, idx), src->base + lay_at(src, sidx), es)) bad++;
    }
    return bad;
}

/* Random shapes, factors, dtypes and layouts on every backend against the reference above; on
 * OpenCL also the whole output allocation (gaps included) bit-identical to the host's. */
START_TEST(layouts)
{
    th_backend *be;
    clrs_context *host = backends[0].ctx;
    uint64_t rng;
    int trial, trials = th_quick() ? 8 : 80;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    rng = th_seed("pixel_shuffle layouts") + (uint64_t)_i;
    for (trial = 0; trial < trials; trial++) {
        const clrs_dtype dt = all_dtypes[th_rand(&rng) % 6];
        const int nd = 3 + (int)(th_rand(&rng) % 3), b = nd - 3, down = (int)(th_rand(&rng) % 2);
        const int backward = (int)(th_rand(&rng) % 2);
        const int64_t r = 1 + (int64_t)(th_rand(&rng) % 3);
        int64_t fin[5], fout[5];
        lay src, dst, ref;
        int i;
        /* the forward input's shape, then the call's src / dst */
        for (i = 0; i < b; i++) fin[i] = 1 + (int64_t)(th_rand(&rng) % 3);
        fin[b] = (1 + (int64_t)(th_rand(&rng) % 3)) * (down ? 1 : r * r);
        fin[b + 1] = (1 + (int64_t)(th_rand(&rng) % 4)) * (down ? r : 1);
        fin[b + 2] = (1 + (int64_t)(th_rand(&rng) % 4)) * (down ? r : 1);
        ck_assert_int_eq((down ? clrs_pixel_unshuffle_shape : clrs_pixel_shuffle_shape)(r, nd, fin, fout), CLRS_OK);
        lay_make(&src, dt, nd, backward ? fout : fin, 1, &rng);
        lay_make(&dst, dt, nd, backward ? fin : fout, 0, &rng);
        ref = dst;
        ref.base = malloc(dst.bytes);
        memcpy(ref.base, dst.base, dst.bytes);
        ref.t.data = ref.base;
        ck_assert_msg(ops[down][backward](be->ctx, r, &src.t, &dst.t) == CLRS_OK, "trial %d: %s", trial,
                      clrs_error_message());
        ck_assert_msg(reference_mismatches(down ^ backward, r, &src, &dst) == 0,
                      "trial %d: %s%s %dd r=%lld %s differs from the reference [%s]", trial,
                      down ? "pixel_unshuffle" : "pixel_shuffle", backward ? "_backward" : "", nd, (long long)r,
                      dtype_text(dt), be->name);
        if (_i > 0) {
            ck_assert_int_eq(ops[down][backward](host, r, &src.t, &ref.t), CLRS_OK);
            ck_assert_msg(!memcmp(ref.base, dst.base, dst.bytes), "trial %d: OpenCL and host differ", trial);
        }
        free(src.base), free(dst.base), free(ref.base);
    }
    printf("pixel_shuffle layouts [%s]: %d random layouts (channels-last, permuted, gaps, offsets, broadcast "
           "inputs), all dtypes, match the reference%s\n",
           be->name, trials, _i > 0 ? " and the host bit for bit" : "");
}
END_TEST

/* ---- cl_mem tensors ----------------------------------------------------------------------- */

/* Device tensors at byte offsets: pixel_shuffle then its backward on the device with no host
 * round trip, read back and compared with the host run. */
START_TEST(device_tensors)
{
    th_backend *be;
    clrs_context *host = backends[0].ctx;
    cl_context cl;
    cl_command_queue q;
    int d;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i == 0) return;
    cl = clrs_context_cl_context(be->ctx);
    q = clrs_context_cl_queue(be->ctx);
    for (d = 0; d < 6; d++) {
        const clrs_dtype dt = all_dtypes[d];
        const size_t es = clrs_dtype_size(dt), off = 3 * es;
        const int64_t is[4] = {2, 12, 3, 5}, os[4] = {2, 3, 6, 10};
        th_tensor hx, hy, hgx, ry, rgx;
        uint64_t rng = 77 + (uint64_t)d;
        clrs_tensor dx, dy, dgx;
        cl_mem mx, my, mgx;
        cl_int err;
        th_tensor_alloc(&hx, dt, 4, is), th_tensor_alloc(&hy, dt, 4, os), th_tensor_alloc(&hgx, dt, 4, is);
        th_tensor_alloc(&ry, dt, 4, os), th_tensor_alloc(&rgx, dt, 4, is);
        fill_random(hx.base, hx.bytes, &rng);
        put_nan(dt, hx.base);
        mx = clCreateBuffer(cl, CL_MEM_READ_WRITE, hx.bytes + off, NULL, &err);
        ck_assert_int_eq(err, CL_SUCCESS);
        my = clCreateBuffer(cl, CL_MEM_READ_WRITE, hy.bytes + off, NULL, &err);
        ck_assert_int_eq(err, CL_SUCCESS);
        mgx = clCreateBuffer(cl, CL_MEM_READ_WRITE, hgx.bytes + off, NULL, &err);
        ck_assert_int_eq(err, CL_SUCCESS);
        ck_assert_int_eq(clEnqueueWriteBuffer(q, mx, CL_TRUE, off, hx.bytes, hx.base, 0, NULL, NULL), CL_SUCCESS);
        dx = clrs_tensor_device(dt, 4, is, mx, off);
        dy = clrs_tensor_device(dt, 4, os, my, off);
        dgx = clrs_tensor_device(dt, 4, is, mgx, off);
        ck_assert_msg(clrs_pixel_shuffle(be->ctx, 2, &dx, &dy) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_msg(clrs_pixel_shuffle_backward(be->ctx, 2, &dy, &dgx) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_int_eq(clEnqueueReadBuffer(q, my, CL_TRUE, off, hy.bytes, hy.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_int_eq(clEnqueueReadBuffer(q, mgx, CL_TRUE, off, hgx.bytes, hgx.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_int_eq(clrs_pixel_shuffle(host, 2, &hx.t, &ry.t), CLRS_OK);
        ck_assert_int_eq(clrs_pixel_shuffle_backward(host, 2, &ry.t, &rgx.t), CLRS_OK);
        ck_assert_msg(!memcmp(hy.base, ry.base, hy.bytes), "%s: device pixel_shuffle differs", dtype_text(dt));
        ck_assert_msg(!memcmp(hgx.base, hx.base, hx.bytes), "%s: backward(shuffle(x)) is not x", dtype_text(dt));
        /* and unshuffle on the device brings y back too */
        ck_assert_int_eq(clrs_pixel_unshuffle(be->ctx, 2, &dy, &dgx), CLRS_OK);
        ck_assert_int_eq(clEnqueueReadBuffer(q, mgx, CL_TRUE, off, hgx.bytes, hgx.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_msg(!memcmp(hgx.base, hx.base, hx.bytes), "%s: unshuffle(shuffle(x)) is not x", dtype_text(dt));
        clReleaseMemObject(mx), clReleaseMemObject(my), clReleaseMemObject(mgx);
        th_tensor_free(&hx), th_tensor_free(&hy), th_tensor_free(&hgx), th_tensor_free(&ry), th_tensor_free(&rgx);
    }
    printf("pixel_shuffle device tensors [%s]: cl_mem at offsets, all dtypes, bit-identical to the host\n", be->name);
}
END_TEST

/* ---- empty tensors ------------------------------------------------------------------------ */

START_TEST(empty_tensors)
{
    th_backend *be;
    const int64_t shapes[3][4] = {{0, 8, 2, 3}, {2, 0, 2, 3}, {1, 4, 0, 3}};
    int k;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    for (k = 0; k < 3; k++) {
        int64_t os[4];
        clrs_tensor x, y;
        ck_assert_int_eq(clrs_pixel_shuffle_shape(2, 4, shapes[k], os), CLRS_OK);
        x = clrs_tensor_host(CLRS_F32, 4, shapes[k], NULL);
        y = clrs_tensor_host(CLRS_F32, 4, os, NULL);
        ck_assert_msg(clrs_pixel_shuffle(be->ctx, 2, &x, &y) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_msg(clrs_pixel_unshuffle(be->ctx, 2, &y, &x) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_msg(clrs_pixel_shuffle_backward(be->ctx, 2, &y, &x) == CLRS_OK, "%s", clrs_error_message());
    }
    /* PyTorch's shapes (the probe lines of the golden file) */
    {
        int64_t os[4];
        ck_assert_int_eq(clrs_pixel_shuffle_shape(2, 4, shapes[2], os), CLRS_OK);
        ck_assert(os[0] == 1 && os[1] == 1 && os[2] == 0 && os[3] == 6);
    }
}
END_TEST

/* ---- argument rules ----------------------------------------------------------------------- */

START_TEST(argument_rules)
{
    th_backend *be;
    const int64_t is[4] = {1, 4, 2, 2}, os[4] = {1, 1, 4, 4}, c5[4] = {1, 5, 2, 2}, h5[4] = {1, 1, 5, 4};
    const int64_t w5[4] = {1, 1, 4, 5}, two[2] = {4, 2}, huge[4] = {1, 16, 0, INT64_MAX / 2};
    const int64_t big_c[4] = {1, INT64_MAX / 2, 2, 2}, six[6] = {1, 1, 1, 4, 2, 2}, zero[4] = {1, 1, 0, 0};
    int64_t out[6];
    th_tensor tx, ty, tx5, ty5, th5, tw5, t2, tf, tu;
    clrs_tensor empty_huge;
    unsigned char canary[4][128];
    int rules = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    th_tensor_alloc(&tx, CLRS_F32, 4, is), th_tensor_alloc(&ty, CLRS_F32, 4, os);
    th_tensor_alloc(&tx5, CLRS_F32, 4, c5), th_tensor_alloc(&ty5, CLRS_F32, 4, os);
    th_tensor_alloc(&th5, CLRS_F32, 4, h5), th_tensor_alloc(&tw5, CLRS_F32, 4, w5);
    th_tensor_alloc(&t2, CLRS_F32, 2, two), th_tensor_alloc(&tf, CLRS_F64, 4, os);
    th_tensor_alloc(&tu, CLRS_U8, 4, os);
    empty_huge = clrs_tensor_host(CLRS_F32, 4, huge, NULL);
    /* every tensor an op may write */
    memset(ty.base, 0xA5, ty.bytes), memcpy(canary[0], ty.base, ty.bytes);
    memset(tx.base, 0x5A, tx.bytes), memcpy(canary[1], tx.base, tx.bytes);
    memset(ty5.base, 0xC3, ty5.bytes), memcpy(canary[2], ty5.base, ty5.bytes);
    memset(tx5.base, 0x3C, tx5.bytes), memcpy(canary[3], tx5.base, tx5.bytes);
#define UNTOUCHED                                                                                       \
    (!memcmp(ty.base, canary[0], ty.bytes) && !memcmp(tx.base, canary[1], tx.bytes) &&                   \
     !memcmp(ty5.base, canary[2], ty5.bytes) && !memcmp(tx5.base, canary[3], tx5.bytes))
#define EXPECT(call, word)                                                                              \
    do {                                                                                                \
        clrs_status st_ = (call);                                                                       \
        ck_assert_msg(st_ == CLRS_ERR_ARGUMENT, "%s: %s", #call, clrs_status_name(st_));                \
        ck_assert_msg(strstr(clrs_error_message(), word), "%s: '%s' lacks '%s'", #call,                 \
                      clrs_error_message(), word);                                                      \
        ck_assert_msg(UNTOUCHED, "%s wrote an output", #call);                                          \
        rules++;                                                                                        \
    } while (0)
    /* factors */
    EXPECT(clrs_pixel_shuffle(be->ctx, 0, &tx.t, &ty.t), "pixel_shuffle expects a positive upscale_factor, but got 0");
    EXPECT(clrs_pixel_shuffle(be->ctx, -1, &tx.t, &ty.t), "pixel_shuffle expects a positive upscale_factor, but got -1");
    EXPECT(clrs_pixel_shuffle_backward(be->ctx, 0, &ty.t, &tx.t), "pixel_shuffle expects a positive upscale_factor, but got 0");
    EXPECT(clrs_pixel_unshuffle(be->ctx, 0, &ty.t, &tx.t), "pixel_unshuffle expects a positive downscale_factor, but got 0");
    EXPECT(clrs_pixel_unshuffle_backward(be->ctx, -3, &tx.t, &ty.t),
           "pixel_unshuffle expects a positive downscale_factor, but got -3");
    /* divisibility */
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, &tx5.t, &ty5.t),
           "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, "
           "but input.size(-3)=5 is not divisible by 4");
    EXPECT(clrs_pixel_shuffle_backward(be->ctx, 2, &ty5.t, &tx5.t), "input.size(-3)=5 is not divisible by 4");
    EXPECT(clrs_pixel_unshuffle(be->ctx, 2, &th5.t, &ty.t),
           "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is not divisible by 2");
    EXPECT(clrs_pixel_unshuffle(be->ctx, 2, &tw5.t, &ty.t),
           "pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=5 is not divisible by 2");
    EXPECT(clrs_pixel_unshuffle_backward(be->ctx, 2, &ty.t, &th5.t), "input.size(-2)=5 is not divisible by 2");
    /* dimensions */
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, &t2.t, &ty.t),
           "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
    EXPECT(clrs_pixel_unshuffle(be->ctx, 2, &t2.t, &ty.t),
           "pixel_unshuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
    EXPECT(clrs_pixel_shuffle_shape(2, 2, two, out), "at least 3 dimensions");
    EXPECT(clrs_pixel_shuffle_shape(2, 6, six, out), "at most 5");
    EXPECT(clrs_pixel_shuffle_shape(2, 4, is, NULL), "out_shape");
    EXPECT(clrs_pixel_unshuffle_shape(2, 4, NULL, out), "in_shape");
    /* out of range: checked arithmetic */
    EXPECT(clrs_pixel_shuffle_shape(4, 4, huge, out), "out of range");
    EXPECT(clrs_pixel_shuffle(be->ctx, 4, &empty_huge, &ty.t), "out of range");
    EXPECT(clrs_pixel_shuffle_shape((int64_t)1 << 32, 4, is, out), "out of range");
    EXPECT(clrs_pixel_unshuffle_shape(2, 4, big_c, out), "out of range");
    EXPECT(clrs_pixel_unshuffle_shape((int64_t)1 << 32, 4, zero, out), "out of range");
    /* tensors: shape, dtype, overlap, NULLs */
    EXPECT(clrs_pixel_shuffle(be->ctx, 1, &tx.t, &ty.t), "expected");
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, &tx.t, &tx.t), "overlaps");
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, &tx.t, &tf.t), "dtype");
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, &tx.t, &tu.t), "dtype");
    EXPECT(clrs_pixel_shuffle_backward(be->ctx, 2, &tx.t, &ty.t), "input.size(-3)=1 is not divisible by 4");
    EXPECT(clrs_pixel_unshuffle_backward(be->ctx, 2, &tx5.t, &ty.t), "expected");
    {
        clrs_tensor alias = ty.t; /* an output sharing the input's memory */
        alias.data = tx.base;
        alias.contiguous = 1;
        EXPECT(clrs_pixel_shuffle(be->ctx, 2, &tx.t, &alias), "overlaps");
    }
    EXPECT(clrs_pixel_shuffle(NULL, 2, &tx.t, &ty.t), "ctx");
    EXPECT(clrs_pixel_shuffle(be->ctx, 2, NULL, &ty.t), "input");
    EXPECT(clrs_pixel_unshuffle_backward(be->ctx, 2, &tx.t, NULL), "grad_input");
#undef EXPECT
#undef UNTOUCHED
    /* and the same calls with the right arguments succeed on every dtype */
    ck_assert_int_eq(clrs_pixel_shuffle(be->ctx, 2, &tx.t, &ty.t), CLRS_OK);
    printf("pixel_shuffle argument rules [%s]: %d checked with PyTorch's messages, outputs untouched\n", be->name,
           rules);
    th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&tx5), th_tensor_free(&ty5), th_tensor_free(&th5);
    th_tensor_free(&tw5), th_tensor_free(&t2), th_tensor_free(&tf), th_tensor_free(&tu);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden_pixel_shuffle, 0, n);
    tcase_add_loop_test(tc, adjoint, 0, n);
    tcase_add_loop_test(tc, layouts, 0, n);
    tcase_add_loop_test(tc, device_tensors, 0, n);
    tcase_add_loop_test(tc, empty_tensors, 0, n);
    tcase_add_loop_test(tc, argument_rules, 0, n);
}

int main(void) { return th_run("pixel_shuffle", setup, teardown, add_tests); }
