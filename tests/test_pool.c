/* test_pool.c — max_pool with indices and max_unpool on every backend: PyTorch goldens
 * (values, indices and picks exact; gradients), the adjoint identity of unpool, duplicate
 * indices resolved the same way every run, out-of-range indices refused with nothing written,
 * OpenCL against the host on random layouts and dtypes, and the argument rules. */
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

static void make(th_tensor *t, clrs_dtype dt, int ndim, const int64_t *s, const double *v)
{
    int64_t i, n;
    th_tensor_alloc(t, dt, ndim, s);
    n = th_numel(&t->t);
    if (v)
        for (i = 0; i < n; i++) th_set(&t->t, i, v[i]);
}

/* NaN-aware exact comparison: the number of mismatching elements. */
static int64_t mismatches(const th_tensor *t, const double *ref)
{
    int64_t i, n = th_numel(&t->t), bad = 0;
    for (i = 0; i < n; i++) {
        double v = th_get(&t->t, i);
        if (!(v == ref[i] || (isnan(v) && isnan(ref[i])))) bad++;
    }
    return bad;
}

static double rel(const th_tensor *t, const double *ref)
{
    int64_t i, n = th_numel(&t->t);
    double *v = malloc(sizeof *v * (size_t)(n ? n : 1)), e;
    for (i = 0; i < n; i++) v[i] = th_get(&t->t, i);
    e = th_rel_error(v, ref, n);
    free(v);
    return e;
}

/* Per spatial dim values of a golden line, into a 3-entry array (unused entries 0). */
static void per_dim(const th_record *r, const char *key, int64_t out[3])
{
    int64_t v[5] = {0, 0, 0, 0, 0};
    int n = th_record_shape(r, key, v), i;
    out[0] = out[1] = out[2] = 0;
    for (i = 0; i < n && i < 3; i++) out[i] = v[i];
}

START_TEST(golden_pool)
{
    th_backend *be;
    th_record *recs;
    int nrec, k, dt, failures = 0, pools = 0, unpools = 0;
    double worst[2][2] = {{0, 0}, {0, 0}}; /* [pool, unpool][f32, f64] gradient error */
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    nrec = th_records_load("pool.txt", &recs);
    for (k = 0; k < nrec; k++) {
        th_record *r = &recs[k];
        const int unpool = !strcmp(th_record_text(r, "op"), "max_unpool");
        int64_t is[5], os[5], nx, ny, nidx;
        const int nd = th_record_shape(r, "in_shape", is);
        const double *x = th_record_values(r, "x", &nx, 1), *idx = th_record_values(r, "idx", &nidx, 0);
        th_record_shape(r, "out_shape", os);
        unpool ? unpools++ : pools++;
        for (dt = 0; dt < 2; dt++) {
            const int f64 = dt == 1;
            const clrs_dtype type = f64 ? CLRS_F64 : CLRS_F32;
            const double *y = th_record_values(r, f64 ? "y64" : "y32", &ny, !f64);
            const double *g = th_record_values(r, "g", NULL, 1);
            const double *gx = th_record_values(r, f64 ? "gx64" : "gx32", NULL, !f64);
            th_tensor tx, ty, ti, tg, tgx;
            clrs_status st;
            int64_t bad;
            double e;
            if (f64 && !clrs_context_device(be->ctx)->fp64) continue;
            make(&tx, type, nd, is, x);
            make(&ty, type, nd, os, NULL);
            make(&tg, type, nd, os, g);
            make(&tgx, type, nd, is, NULL);
            if (!unpool) {
                clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
                per_dim(r, "kernel", p.kernel);
                per_dim(r, "stride", p.stride);
                per_dim(r, "padding", p.padding);
                per_dim(r, "dilation", p.dilation);
                p.ceil_mode = (int)th_record_values(r, "ceil_mode", NULL, 0)[-1];
                make(&ti, CLRS_I64, nd, os, NULL);
                st = clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t);
                ck_assert_msg(st == CLRS_OK, "%s: %s", r->name, clrs_error_message());
                if ((bad = mismatches(&ty, y)) || (bad = mismatches(&ti, idx))) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s forward: %lld values or indices differ\n", r->name,
                            f64 ? "f64" : "f32", (long long)bad);
                }
                st = clrs_max_pool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t);
            } else {
                clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
                per_dim(r, "kernel", p.kernel);
                per_dim(r, "stride", p.stride);
                per_dim(r, "padding", p.padding);
                if (strcmp(th_record_text(r, "output_size"), "none")) {
                    per_dim(r, "output_size", p.output_size);
                    p.output_ndim = nd - 2;
                }
                make(&ti, CLRS_I64, nd, is, idx);
                st = clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t);
                ck_assert_msg(st == CLRS_OK, "%s: %s", r->name, clrs_error_message());
                if ((bad = mismatches(&ty, y))) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s forward: %lld values differ\n", r->name, f64 ? "f64" : "f32",
                            (long long)bad);
                }
                st = clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t);
            }
            ck_assert_msg(st == CLRS_OK, "%s backward: %s", r->name, clrs_error_message());
            e = rel(&tgx, gx);
            if (e > worst[unpool][dt]) worst[unpool][dt] = e;
            if (e > (f64 ? 1e-12 : 1e-6)) {
                failures++;
                fprintf(stderr, "FAIL %s %s backward: rel %g\n", r->name, f64 ? "f64" : "f32", e);
            }
            th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&ti), th_tensor_free(&tg), th_tensor_free(&tgx);
        }
    }
    printf("pool golden [%s]: %d max_pool + %d max_unpool cases; values, indices and picks exact; "
           "worst gradient rel error max_pool f32 %.1e f64 %.1e, max_unpool f32 %.1e f64 %.1e\n",
           be->name, pools, unpools, worst[0][0], worst[0][1], worst[1][0], worst[1][1]);
    th_records_free(recs, nrec);
    ck_assert_msg(failures == 0, "%d pool golden comparisons failed on %s", failures, be->name);
}
END_TEST

/* <unpool(x), g> = <x, unpool_backward(g)> and <maxpool(x), g> = <x, maxpool_backward(g)>
 * along the picks, in f64, with random indices (duplicates included: the adjoint of "last
 * wins" is the gather only where indices are distinct, so those use distinct ones). */
START_TEST(adjoint_unpool)
{
    th_backend *be;
    int dims;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!clrs_context_device(be->ctx)->fp64) return;
    for (dims = 1; dims <= 3; dims++) {
        clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
        int64_t is[5] = {2, 3, 3, 3, 3}, os[5], i, j, plane = 1, nin = 1;
        th_tensor tx, ti, ty, tg, tgx;
        uint64_t rng = 11 + (uint64_t)dims;
        double lhs = 0, rhs = 0;
        int d;
        for (d = 0; d < dims; d++) p.kernel[d] = 2;
        ck_assert_int_eq(clrs_max_unpool_shape(&p, dims + 2, is, os), CLRS_OK);
        for (d = 0; d < dims; d++) plane *= os[2 + d], nin *= is[2 + d];
        make(&tx, CLRS_F64, dims + 2, is, NULL);
        make(&ti, CLRS_I64, dims + 2, is, NULL);
        make(&ty, CLRS_F64, dims + 2, os, NULL);
        make(&tg, CLRS_F64, dims + 2, os, NULL);
        make(&tgx, CLRS_F64, dims + 2, is, NULL);
        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&tg.t); i++) th_set(&tg.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&ti.t); i++) { /* distinct within a plane: a stride through it */
            j = i % nin;
            th_set(&ti.t, i, (double)((j * 7 + (i / nin)) % plane));
        }
        for (i = 0; i < th_numel(&ti.t) / nin; i++) { /* make sure: one plane's indices distinct */
            int64_t a, b;
            for (a = 0; a < nin; a++)
                for (b = a + 1; b < nin; b++)
                    ck_assert(th_get(&ti.t, i * nin + a) != th_get(&ti.t, i * nin + b));
        }
        ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t), CLRS_OK);
        ck_assert_int_eq(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t), CLRS_OK);
        for (i = 0; i < th_numel(&ty.t); i++) lhs += th_get(&ty.t, i) * th_get(&tg.t, i);
        for (i = 0; i < th_numel(&tx.t); i++) rhs += th_get(&tx.t, i) * th_get(&tgx.t, i);
        ck_assert_msg(fabs(lhs - rhs) <= 1e-12 * fmax(1, fabs(lhs)), "unpool %dd adjoint: %.17g vs %.17g [%s]",
                      dims, lhs, rhs, be->name);
        th_tensor_free(&tx), th_tensor_free(&ti), th_tensor_free(&ty), th_tensor_free(&tg), th_tensor_free(&tgx);
    }
    printf("max_unpool [%s]: adjoint identity holds in 1-D, 2-D, 3-D\n", be->name);
}
END_TEST

/* Duplicate indices: the last input of the plane wins, the same bits every run; an index
 * outside the output plane is refused and nothing is written. */
START_TEST(unpool_duplicates_and_bad_indices)
{
    th_backend *be;
    clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
    int64_t is[4] = {1, 2, 2, 2}, os[4] = {1, 2, 4, 4}, i;
    th_tensor tx, ti, ty, first;
    int run;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    p.kernel[0] = p.kernel[1] = 2;
    make(&tx, CLRS_F32, 4, is, NULL);
    make(&ti, CLRS_I64, 4, is, NULL);
    make(&ty, CLRS_F32, 4, os, NULL);
    make(&first, CLRS_F32, 4, os, NULL);
    for (i = 0; i < 8; i++) th_set(&tx.t, i, (double)(i + 1)), th_set(&ti.t, i, 5.0); /* all to 5 */
    ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &first.t), CLRS_OK);
    ck_assert(th_get(&first.t, 5) == 4.0 && th_get(&first.t, 16 + 5) == 8.0); /* the last of each plane */
    for (run = 0; run < 10; run++) {
        ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t), CLRS_OK);
        ck_assert(!memcmp(ty.base, first.base, ty.bytes));
    }
    memset(ty.base, 0xA5, ty.bytes);
    memcpy(first.base, ty.base, ty.bytes);
    th_set(&ti.t, 3, 16.0); /* one past the 4x4 plane */
    ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t), CLRS_ERR_ARGUMENT);
    ck_assert_msg(strstr(clrs_error_message(), "invalid max index") != NULL, "%s", clrs_error_message());
    ck_assert_msg(!memcmp(ty.base, first.base, ty.bytes), "a refused unpool wrote to its output");
    th_set(&ti.t, 3, -1.0);
    ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_max_unpool_backward(be->ctx, &p, &ty.t, &ti.t, &tx.t), CLRS_ERR_ARGUMENT);
    ck_assert(!memcmp(ty.base, first.base, ty.bytes));
    printf("max_unpool [%s]: duplicates resolved identically over 10 runs (last wins); bad indices refused, output untouched\n",
           be->name);
    th_tensor_free(&tx), th_tensor_free(&ti), th_tensor_free(&ty), th_tensor_free(&first);
}
END_TEST

/* Planes larger than the index check's block (1024) and not a multiple of the gather's
 * unroll (4): the backward equals the plain gather; a bad index past the first block is found
 * and named (the first one in element order, -1, 2^63-1 and -2^63 among them), nothing is
 * written. */
START_TEST(unpool_large_planes)
{
    th_backend *be;
    clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
    const int64_t is[4] = {1, 3, 45, 47}, os[4] = {1, 3, 90, 94}, nin = 45 * 47, nout = 90 * 94;
    uint64_t rng = th_seed("pool unpool_large_planes");
    th_tensor tg, ti, tgx, canary;
    int64_t i, *k;
    char want[96];
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    p.kernel[0] = p.kernel[1] = 2;
    make(&tg, CLRS_F32, 4, os, NULL), make(&ti, CLRS_I64, 4, is, NULL);
    make(&tgx, CLRS_F32, 4, is, NULL), make(&canary, CLRS_F32, 4, is, NULL);
    k = (int64_t *)ti.base;
    for (i = 0; i < 3 * nout; i++) th_set(&tg.t, i, th_uniform(&rng));
    for (i = 0; i < 3 * nin; i++) {
        const int64_t r = (i % nin) / 47, c = (i % nin) % 47, w = (int64_t)(th_rand(&rng) % 4);
        k[i] = (2 * r + w / 2) * 94 + 2 * c + w % 2;
    }
    ck_assert_msg(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t) == CLRS_OK, "%s", clrs_error_message());
    for (i = 0; i < 3 * nin; i++)
        ck_assert_msg(th_get(&tgx.t, i) == th_get(&tg.t, (i / nin) * nout + k[i]), "element %lld", (long long)i);
    memset(tgx.base, 0xA5, tgx.bytes);
    memcpy(canary.base, tgx.base, tgx.bytes);
    k[2 * nin + 3] = INT64_MIN, k[nin + 2000] = -1, k[nin + 1500] = nout, k[nin + 1700] = INT64_MAX;
    ck_assert_int_eq(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t), CLRS_ERR_ARGUMENT);
    snprintf(want, sizeof want, "indices element %lld is %lld,", (long long)(nin + 1500), (long long)nout);
    ck_assert_msg(strstr(clrs_error_message(), want) != NULL, "%s", clrs_error_message());
    ck_assert_msg(!memcmp(tgx.base, canary.base, tgx.bytes), "a refused backward wrote to grad_input");
    k[nin + 1500] = 0;
    ck_assert_int_eq(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t), CLRS_ERR_ARGUMENT);
    snprintf(want, sizeof want, "indices element %lld is %lld,", (long long)(nin + 1700), (long long)INT64_MAX);
    ck_assert_msg(strstr(clrs_error_message(), want) != NULL, "%s", clrs_error_message());
    k[nin + 1700] = k[nin + 2000] = 0;
    ck_assert_int_eq(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t), CLRS_ERR_ARGUMENT);
    snprintf(want, sizeof want, "indices element %lld is %lld,", (long long)(2 * nin + 3), (long long)INT64_MIN);
    ck_assert_msg(strstr(clrs_error_message(), want) != NULL, "%s", clrs_error_message());
    ck_assert_msg(!memcmp(tgx.base, canary.base, tgx.bytes), "a refused backward wrote to grad_input");
    th_tensor_free(&tg), th_tensor_free(&ti), th_tensor_free(&tgx), th_tensor_free(&canary);
    { /* past 32 MiB read and written the host streams its f32 stores (16 at a time from 64-byte
         boundaries; planes of 30,120 elements start 16 or 48 bytes past one): the same values */
        const int64_t bs[4] = {1, 70, 120, 251}, bo[4] = {1, 70, 240, 502}, bnin = 120 * 251, bnout = 240 * 502;
        make(&tg, CLRS_F32, 4, bo, NULL), make(&ti, CLRS_I64, 4, bs, NULL), make(&tgx, CLRS_F32, 4, bs, NULL);
        k = (int64_t *)ti.base;
        for (i = 0; i < 70 * bnout; i++) ((float *)tg.base)[i] = (float)th_uniform(&rng);
        for (i = 0; i < 70 * bnin; i++) {
            const int64_t r = (i % bnin) / 251, c = (i % bnin) % 251, w = (int64_t)(th_rand(&rng) % 4);
            k[i] = (2 * r + w / 2) * 502 + 2 * c + w % 2;
        }
        ck_assert_msg(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t) == CLRS_OK, "%s", clrs_error_message());
        for (i = 0; i < 70 * bnin; i++)
            if (((float *)tgx.base)[i] != ((float *)tg.base)[(i / bnin) * bnout + k[i]])
                ck_abort_msg("large backward element %lld", (long long)i);
        th_tensor_free(&tg), th_tensor_free(&ti), th_tensor_free(&tgx);
    }
    printf("max_unpool_backward [%s]: %lld-element planes equal the plain gather; the first of four bad indices "
           "past the first block named, nothing written; a 59 MB call (streamed stores) equals it too\n", be->name, (long long)nin);
}
END_TEST

/* A 4-D tensor of logical shape s in one of three layouts: 0 contiguous, 1 channels-last,
 * 2 rows padded by 3 elements (spatial axes not packed: the general path). */
static void make_layout(th_tensor *t, clrs_dtype dt, const int64_t *s, int layout)
{
    const int64_t N = s[0], C = s[1], H = s[2], W = s[3];
    int64_t phys[4] = {N, C, H, W};
    if (layout == 1) phys[1] = H, phys[2] = W, phys[3] = C;
    if (layout == 2) phys[3] = W + 3;
    th_tensor_alloc(t, dt, 4, phys);
    memcpy(t->t.shape, s, 4 * sizeof *s);
    t->t.contiguous = layout == 0; /* else the strides below would be ignored */
    if (layout == 1) {
        t->t.strides[0] = H * W * C, t->t.strides[1] = 1, t->t.strides[2] = W * C, t->t.strides[3] = C;
    } else if (layout == 2) {
        t->t.strides[3] = 1, t->t.strides[2] = W + 3, t->t.strides[1] = H * (W + 3), t->t.strides[0] = C * H * (W + 3);
    }
}

/* max_unpool and its backward on contiguous, channels-last and padded-row tensors (mixed),
 * against a plain loop: zero, then scatter in plane order (the last duplicate wins); the
 * backward gathers. Then a bad index in a later plane is reported by its element number. */
START_TEST(unpool_layouts)
{
    th_backend *be;
    clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
    const int64_t is[4] = {2, 3, 3, 4}, os[4] = {2, 3, 6, 8}, nin = 12, nout = 48, planes = 6;
    uint64_t rng = th_seed("pool unpool_layouts");
    int lx, lo, shape, shapes = 1;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    p.kernel[0] = p.kernel[1] = 2;
    /* on OpenCL, each kernel shape in turn (lib/tune.c): the defaults, the GPU shapes (winner
       map, one input per work-item), the CPU shapes with odd sizes (a plane per work-item,
       runs of 2, groups of 3) */
    for (shape = 0; shape < shapes; shape++) {
        if (shape == 0) {
            clrs_tune_params tp = {0, 1, 2};
            if (clrs_tune_set(be->ctx, "max_unpool", "all", &tp) == CLRS_OK) shapes = 3;
            clrs_tune_set(be->ctx, "max_unpool", "all", NULL);
        } else {
            const clrs_tune_params tp = shape == 1 ? (clrs_tune_params){256, 1, 2} : (clrs_tune_params){3, 2, 1};
            ck_assert(clrs_tune_set(be->ctx, "max_unpool", "all", &tp) == CLRS_OK);
            ck_assert(clrs_tune_set(be->ctx, "max_unpool_backward", "all", &tp) == CLRS_OK);
        }
        for (lx = 0; lx < 3; lx++)
            for (lo = 0; lo < 3; lo++) {
                th_tensor tx, ti, ty, tg, tgx;
                double ref[2 * 3 * 6 * 8], refg[2 * 3 * 3 * 4];
                int64_t q, i;
                make_layout(&tx, CLRS_F32, is, lx), make_layout(&ti, CLRS_I64, is, (lx + lo) % 3);
                make_layout(&ty, CLRS_F32, os, lo), make_layout(&tg, CLRS_F32, os, (lo + 1) % 3);
                make_layout(&tgx, CLRS_F32, is, (lx + 2) % 3);
                for (i = 0; i < planes * nin; i++) {
                    th_set(&tx.t, i, (double)(i + 1));
                    th_set(&ti.t, i, (double)(th_rand(&rng) % 16)); /* duplicates likely */
                }
                for (i = 0; i < planes * nout; i++) th_set(&ty.t, i, -7.0), th_set(&tg.t, i, th_uniform(&rng));
                for (q = 0; q < planes; q++) {
                    for (i = 0; i < nout; i++) ref[q * nout + i] = 0.0;
                    for (i = 0; i < nin; i++) {
                        const int64_t kk = (int64_t)th_get(&ti.t, q * nin + i);
                        ref[q * nout + kk] = th_get(&tx.t, q * nin + i);
                        refg[q * nin + i] = th_get(&tg.t, q * nout + kk);
                    }
                }
                ck_assert_msg(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t) == CLRS_OK, "%s", clrs_error_message());
                ck_assert_msg(clrs_max_unpool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t) == CLRS_OK, "%s",
                              clrs_error_message());
                ck_assert_msg(mismatches(&ty, ref) == 0, "layouts %d/%d: max_unpool differs from the loop", lx, lo);
                ck_assert_msg(mismatches(&tgx, refg) == 0, "layouts %d/%d: max_unpool backward differs", lx, lo);
                if (lx == lo) {
                    char want[64];
                    th_set(&ti.t, 4 * nin + 5, 48.0), th_set(&ti.t, 5 * nin + 1, -1.0);
                    ck_assert_int_eq(clrs_max_unpool(be->ctx, &p, &tx.t, &ti.t, &ty.t), CLRS_ERR_ARGUMENT);
                    snprintf(want, sizeof want, "indices element %d is 48,", (int)(4 * nin + 5));
                    ck_assert_msg(strstr(clrs_error_message(), want) != NULL, "%s", clrs_error_message());
                }
                th_tensor_free(&tx), th_tensor_free(&ti), th_tensor_free(&ty), th_tensor_free(&tg), th_tensor_free(&tgx);
            }
    }
    clrs_tune_set(be->ctx, "max_unpool", "all", NULL);
    clrs_tune_set(be->ctx, "max_unpool_backward", "all", NULL);
    printf("max_unpool [%s]: contiguous, channels-last and padded-row layouts (mixed) equal the plain loop, "
           "forward and backward, %d kernel shape%s; the first bad index is the one named\n", be->name, shapes,
           shapes > 1 ? "s" : "");
}
END_TEST

/* OpenCL against the host: random shapes, parameters, dtypes, channels-last inputs. */
START_TEST(opencl_vs_host)
{
    th_backend *be;
    clrs_context *host = backends[0].ctx;
    uint64_t rng;
    int trial;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i == 0) return;
    rng = th_seed("pool opencl_vs_host");
    for (trial = 0; trial < (th_quick() ? 6 : 60); trial++) {
        clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
        clrs_unpool_params u = CLRS_UNPOOL_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        const int dims = 1 + (int)(th_rand(&rng) % 3), nd = dims + 2;
        int64_t is[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 3)}, os[5], us[5], i;
        th_tensor tx, ty, ti, ry, ri, tg, tgx, rgx, tu, ru;
        int d;
        if (dt == CLRS_F64 && !clrs_context_device(be->ctx)->fp64) dt = CLRS_F32;
        for (d = 0; d < dims; d++) {
            is[2 + d] = 3 + (int64_t)(th_rand(&rng) % 6);
            p.kernel[d] = u.kernel[d] = 1 + (int64_t)(th_rand(&rng) % 3);
            p.stride[d] = u.stride[d] = 1 + (int64_t)(th_rand(&rng) % 3);
            p.padding[d] = (int64_t)(th_rand(&rng) % (p.kernel[d] / 2 + 1));
            p.dilation[d] = 1 + (int64_t)(th_rand(&rng) % 2);
        }
        p.ceil_mode = (int)(th_rand(&rng) % 2);
        if (clrs_max_pool_shape(&p, nd, is, os) != CLRS_OK) continue;
        make(&tx, dt, nd, is, NULL);
        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, (double)(th_rand(&rng) % 7)); /* ties */
        make(&ty, dt, nd, os, NULL), make(&ry, dt, nd, os, NULL);
        make(&ti, CLRS_I64, nd, os, NULL), make(&ri, CLRS_I64, nd, os, NULL);
        ck_assert_msg(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_int_eq(clrs_max_pool(host, &p, &tx.t, &ry.t, &ri.t), CLRS_OK);
        ck_assert(!memcmp(ty.base, ry.base, ty.bytes) && !memcmp(ti.base, ri.base, ti.bytes));
        make(&tg, dt, nd, os, NULL), make(&tgx, dt, nd, is, NULL), make(&rgx, dt, nd, is, NULL);
        for (i = 0; i < th_numel(&tg.t); i++) th_set(&tg.t, i, th_uniform(&rng));
        ck_assert_int_eq(clrs_max_pool_backward(be->ctx, &p, &tg.t, &ti.t, &tgx.t), CLRS_OK);
        ck_assert_int_eq(clrs_max_pool_backward(host, &p, &tg.t, &ti.t, &rgx.t), CLRS_OK);
        ck_assert_msg(!memcmp(tgx.base, rgx.base, tgx.bytes), "trial %d: max_pool backward differs", trial);
        /* unpool the pooled values back with the pool's indices into the pool's input shape */
        for (d = 0; d < dims; d++) u.output_size[d] = is[2 + d];
        u.output_ndim = dims;
        if (clrs_max_unpool_shape(&u, nd, os, us) == CLRS_OK) {
            make(&tu, dt, nd, us, NULL), make(&ru, dt, nd, us, NULL);
            ck_assert_int_eq(clrs_max_unpool(be->ctx, &u, &ty.t, &ti.t, &tu.t), CLRS_OK);
            ck_assert_int_eq(clrs_max_unpool(host, &u, &ty.t, &ti.t, &ru.t), CLRS_OK);
            ck_assert_msg(!memcmp(tu.base, ru.base, tu.bytes), "trial %d: max_unpool differs", trial);
            th_tensor_free(&tu), th_tensor_free(&ru);
        }
        th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&ry), th_tensor_free(&ti), th_tensor_free(&ri);
        th_tensor_free(&tg), th_tensor_free(&tgx), th_tensor_free(&rgx);
    }
    printf("pool opencl_vs_host [%s]: random shapes, parameters and dtypes bit-identical to the host\n", be->name);
}
END_TEST

START_TEST(argument_rules)
{
    th_backend *be;
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    int64_t is[4] = {1, 1, 4, 4}, os[4] = {1, 1, 2, 2}, out[4];
    th_tensor tx, ty, ti, tf;
    unsigned char canary[64];
    int rules = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    make(&tx, CLRS_F32, 4, is, NULL);
    make(&ty, CLRS_F32, 4, os, NULL);
    make(&ti, CLRS_I64, 4, os, NULL);
    make(&tf, CLRS_F32, 4, os, NULL);
    memset(ty.base, 0xA5, ty.bytes);
    memcpy(canary, ty.base, ty.bytes);
#define EXPECT(call, word)                                                                       \
    do {                                                                                         \
        clrs_status st_ = (call);                                                                \
        ck_assert_msg(st_ == CLRS_ERR_ARGUMENT, "%s: %s", #call, clrs_status_name(st_));         \
        ck_assert_msg(strstr(clrs_error_message(), word), "%s: '%s' lacks '%s'", #call,          \
                      clrs_error_message(), word);                                               \
        ck_assert_msg(!memcmp(ty.base, canary, ty.bytes), "%s wrote its output", #call);         \
        rules++;                                                                                 \
    } while (0)
    p.kernel[0] = p.kernel[1] = 2;
    EXPECT(clrs_max_pool(be->ctx, NULL, &tx.t, &ty.t, &ti.t), "params");
    p.kernel[1] = 0;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "kernel");
    p.kernel[1] = 2, p.padding[0] = 2;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "pad");
    p.padding[0] = 0, p.stride[0] = -1, p.stride[1] = 2;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "stride");
    p.stride[0] = 2, p.dilation[0] = -1, p.dilation[1] = 1;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "dilation");
    p.dilation[0] = 1, p.ceil_mode = 3;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "ceil_mode");
    p.ceil_mode = 0, p.kernel[2] = 2;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &ti.t), "spatial");
    p.kernel[2] = 0, p.kernel[0] = p.kernel[1] = 5, p.stride[0] = p.stride[1] = 1;
    EXPECT(clrs_max_pool_shape(&p, 4, is, out), "too small");
    p.kernel[0] = p.kernel[1] = 2, p.stride[0] = p.stride[1] = 2;
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &tf.t), "indices");
    EXPECT(clrs_max_pool(be->ctx, &p, &tx.t, &ty.t, &tx.t), "indices");
    EXPECT(clrs_max_pool(be->ctx, &p, &ti.t, &ty.t, &ti.t), "input");
#undef EXPECT
    printf("pool argument rules [%s]: %d checked, outputs untouched\n", be->name, rules);
    th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&ti), th_tensor_free(&tf);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden_pool, 0, n);
    tcase_add_loop_test(tc, adjoint_unpool, 0, n);
    tcase_add_loop_test(tc, unpool_duplicates_and_bad_indices, 0, n);
    tcase_add_loop_test(tc, unpool_layouts, 0, n);
    tcase_add_loop_test(tc, unpool_large_planes, 0, n);
    tcase_add_loop_test(tc, opencl_vs_host, 0, n);
    tcase_add_loop_test(tc, argument_rules, 0, n);
}

int main(void) { return th_run("pool", setup, teardown, add_tests); }
