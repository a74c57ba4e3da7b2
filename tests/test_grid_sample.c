/* test_grid_sample.c — grid_sample and affine_grid on every backend: PyTorch goldens
 * (forward, grad_input, grad_grid, grad_theta; f32 and f64), finite differences of grad_grid
 * and grad_theta and the adjoint identity of grad_input in f64, bit-identical deterministic
 * grad_input over repeated runs, atomics against it, and the argument rules. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;
static th_record *records;
static int nrecords;

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

static double err_of(const th_tensor *t, const double *ref, int64_t n, int exact)
{
    double *v = malloc(sizeof *v * (size_t)n), e;
    int64_t i, bad = 0;
    for (i = 0; i < n; i++) {
        v[i] = th_get(&t->t, i);
        if (v[i] != ref[i]) bad++;
    }
    e = exact ? (double)bad : th_rel_error(v, ref, n);
    free(v);
    return e;
}

static clrs_grid_sample_params params_of(th_record *r)
{
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    const char *m = th_record_text(r, "mode"), *pad = th_record_text(r, "padding");
    p.mode = !strcmp(m, "bilinear") ? CLRS_GRID_BILINEAR : !strcmp(m, "nearest") ? CLRS_GRID_NEAREST : CLRS_GRID_BICUBIC;
    p.padding_mode = !strcmp(pad, "zeros") ? CLRS_PADDING_ZEROS : !strcmp(pad, "border") ? CLRS_PADDING_BORDER
                                                                                          : CLRS_PADDING_REFLECTION;
    p.align_corners = (int)th_record_values(r, "align_corners", NULL, 0)[-1];
    return p;
}

/* One golden file: grid_sample.txt is PyTorch 2.15's (compat current), torch1.13/grid_sample.txt
 * Debian's 1.13 on the same cases (compat 1.13). */
static void golden_file(th_backend *be, const char *file, int compat)
{
    int k, failures = 0, checks = 0, dt, det;
    double worst[3][2][2]; /* [mode][f32,f64][fwd,gin/ggrid] */
    memset(worst, 0, sizeof worst);
    nrecords = th_records_load(file, &records);
    for (k = 0; k < nrecords; k++) {
        th_record *r = &records[k];
        clrs_grid_sample_params p = params_of(r);
        p.compat = compat;
        int64_t is[5], gs[5], os[5], nx, ng, ny, n;
        int nd = th_record_shape(r, "in_shape", is);
        th_record_shape(r, "grid_shape", gs);
        th_record_shape(r, "out_shape", os);
        for (dt = 0; dt < 2; dt++) {
            const int f64 = dt == 1;
            const clrs_dtype type = f64 ? CLRS_F64 : CLRS_F32;
            const double tol = f64 ? 1e-12 : 1e-5;
            const double *x = th_record_values(r, "x", &nx, 1), *gr = th_record_values(r, "grid", &ng, 1);
            const double *y = th_record_values(r, f64 ? "y64" : "y32", &ny, !f64), *g = th_record_values(r, "g", &n, 1);
            const double *gx = th_record_values(r, f64 ? "gx64" : "gx32", &n, !f64);
            const double *gg = th_record_values(r, f64 ? "gg64" : "gg32", &n, !f64);
            th_tensor tx, tg, ty, tgo, tgx, tgg;
            double e;
            if (f64 && !clrs_context_device(be->ctx)->fp64) continue;
            make(&tx, type, nd, is, x);
            make(&tg, type, nd, gs, gr);
            make(&ty, type, nd, os, NULL);
            make(&tgo, type, nd, os, g);
            make(&tgx, type, nd, is, NULL);
            make(&tgg, type, nd, gs, NULL);
            ck_assert_msg(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t) == CLRS_OK, "%s: %s", r->name,
                          clrs_error_message());
            e = err_of(&ty, y, ny, p.mode == CLRS_GRID_NEAREST);
            checks++;
            if (p.mode != CLRS_GRID_NEAREST && e > worst[p.mode][dt][0]) worst[p.mode][dt][0] = e;
            if (e > (p.mode == CLRS_GRID_NEAREST ? 0 : tol)) {
                failures++;
                fprintf(stderr, "FAIL %s %s forward: %g\n", r->name, f64 ? "f64" : "f32", e);
            }
            for (det = 0; det < 2; det++) {
                p.deterministic = det;
                ck_assert_msg(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &tgx.t, &tgg.t) == CLRS_OK,
                              "%s: %s", r->name, clrs_error_message());
                e = err_of(&tgx, gx, nx, 0);
                checks++;
                if (e > worst[p.mode][dt][1]) worst[p.mode][dt][1] = e;
                if (e > tol) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s grad_input (%s): %g\n", r->name, f64 ? "f64" : "f32",
                            det ? "deterministic" : "atomic", e);
                }
                e = err_of(&tgg, gg, ng, 0);
                checks++;
                if (e > worst[p.mode][dt][1]) worst[p.mode][dt][1] = e;
                if (e > tol) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s grad_grid: %g\n", r->name, f64 ? "f64" : "f32", e);
                }
            }
            th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
            th_tensor_free(&tgo), th_tensor_free(&tgx), th_tensor_free(&tgg);
        }
    }
    printf("grid_sample golden %s [%s]: %d cases, %d comparisons, worst rel error\n", file, be->name, nrecords,
           checks);
    for (k = 0; k < 3; k++)
        printf("  %-9s forward f32 %.2e f64 %.2e | grads f32 %.2e f64 %.2e%s\n",
               k == 0 ? "bilinear" : k == 1 ? "nearest" : "bicubic", worst[k][0][0], worst[k][1][0],
               worst[k][0][1], worst[k][1][1], k == 1 ? " (forward picks exact)" : "");
    th_records_free(records, nrecords);
    records = NULL;
    ck_assert_msg(failures == 0, "%d grid_sample golden comparisons (%s) failed on %s", failures, file, be->name);
}

START_TEST(golden_grid_sample)
{
    TH_SKIP_MISSING_BACKEND();
    golden_file(&backends[_i], "grid_sample.txt", CLRS_COMPAT_CURRENT);
}
END_TEST

START_TEST(golden_grid_sample_torch113_compat)
{
    TH_SKIP_MISSING_BACKEND();
    golden_file(&backends[_i], "torch1.13/grid_sample.txt", CLRS_COMPAT_TORCH_1_13);
}
END_TEST

START_TEST(golden_affine_grid)
{
    th_backend *be;
    int k, dt, failures = 0;
    double worst[2] = {0, 0};
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    nrecords = th_records_load("affine_grid.txt", &records);
    for (k = 0; k < nrecords; k++) {
        th_record *r = &records[k];
        int64_t size[5], gshape[5], tshape[3], n, i;
        int nd = th_record_shape(r, "size", size), ac = (int)th_record_values(r, "align_corners", NULL, 0)[-1];
        gshape[0] = size[0];
        for (i = 2; i < nd; i++) gshape[i - 1] = size[i];
        gshape[nd - 1] = nd - 2;
        tshape[0] = size[0], tshape[1] = nd - 2, tshape[2] = nd - 1;
        for (dt = 0; dt < 2; dt++) {
            const int f64 = dt == 1;
            const clrs_dtype type = f64 ? CLRS_F64 : CLRS_F32;
            /* torch's float32 linspace is not the correctly rounded one: a few ulps */
            const double tol = f64 ? 1e-12 : 2e-6;
            const double *th = th_record_values(r, "theta", &n, 1), *gref = th_record_values(r, f64 ? "grid64" : "grid32", &n, !f64);
            const double *g = th_record_values(r, "g", &n, 1), *gt = th_record_values(r, f64 ? "gt64" : "gt32", &n, !f64);
            th_tensor tt, tg, tgo, tgt;
            double e;
            if (f64 && !clrs_context_device(be->ctx)->fp64) continue;
            make(&tt, type, 3, tshape, th);
            make(&tg, type, nd, gshape, NULL);
            make(&tgo, type, nd, gshape, g);
            make(&tgt, type, 3, tshape, NULL);
            ck_assert_msg(clrs_affine_grid(be->ctx, ac, &tt.t, &tg.t) == CLRS_OK, "%s: %s", r->name, clrs_error_message());
            e = err_of(&tg, gref, th_numel(&tg.t), 0);
            if (e > worst[0]) worst[0] = e;
            if (e > tol) failures++, fprintf(stderr, "FAIL %s %s grid: %g\n", r->name, f64 ? "f64" : "f32", e);
            ck_assert_msg(clrs_affine_grid_backward(be->ctx, ac, &tgo.t, &tgt.t) == CLRS_OK, "%s: %s", r->name,
                          clrs_error_message());
            e = err_of(&tgt, gt, th_numel(&tgt.t), 0);
            if (e > worst[1]) worst[1] = e;
            if (e > (f64 ? 1e-12 : 1e-5)) failures++, fprintf(stderr, "FAIL %s %s grad_theta: %g\n", r->name, f64 ? "f64" : "f32", e);
            th_tensor_free(&tt), th_tensor_free(&tg), th_tensor_free(&tgo), th_tensor_free(&tgt);
        }
    }
    printf("affine_grid golden [%s]: %d cases; worst rel error grid %.2e, grad_theta %.2e\n", be->name, nrecords,
           worst[0], worst[1]);
    th_records_free(records, nrecords);
    records = NULL;
    ck_assert_msg(failures == 0, "%d affine_grid comparisons failed", failures);
}
END_TEST

/* <grid_sample(x), g> against <x, grad_input> (adjoint) and finite differences of
 * <grid_sample(x, grid), g> in the grid (grad_grid), f64, every mode x padding x dims. */
START_TEST(adjoint_and_fd)
{
    th_backend *be;
    uint64_t rng;
    int combo, checks = 0;
    double worst_adj = 0, worst_fd = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!clrs_context_device(be->ctx)->fp64) {
        printf("adjoint/fd [%s]: no fp64: skipped (the host covers it)\n", be->name);
        return;
    }
    rng = th_seed("grid adjoint/fd");
    for (combo = 0; combo < 3 * 3 * 2 * 2; combo++) {
        clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
        const int dims = 2 + combo % 2;
        int64_t is[5] = {2, 2, 4, 5, 6}, gs[5] = {2, 3, 4, 5, 0}, os[5], nx, ng, ny, i, j;
        th_tensor tx, tg, ty, tgo, tgx, tgg;
        double lhs = 0, rhs = 0, e;
        p.mode = (clrs_grid_mode)(combo / 2 % 3);
        p.padding_mode = (clrs_padding_mode)(combo / 6 % 3);
        p.align_corners = combo / 18;
        p.deterministic = 1;
        gs[dims + 1] = dims;
        os[0] = 2, os[1] = 2;
        for (i = 0; i < dims; i++) os[2 + i] = gs[1 + i];
        make(&tx, CLRS_F64, dims + 2, is, NULL);
        make(&tg, CLRS_F64, dims + 2, gs, NULL);
        make(&ty, CLRS_F64, dims + 2, os, NULL);
        make(&tgo, CLRS_F64, dims + 2, os, NULL);
        make(&tgx, CLRS_F64, dims + 2, is, NULL);
        make(&tgg, CLRS_F64, dims + 2, gs, NULL);
        nx = th_numel(&tx.t), ng = th_numel(&tg.t), ny = th_numel(&ty.t);
        for (i = 0; i < nx; i++) th_set(&tx.t, i, th_uniform(&rng));
        for (i = 0; i < ny; i++) th_set(&tgo.t, i, th_uniform(&rng));
        for (i = 0; i < ng; i++) th_set(&tg.t, i, th_uniform(&rng) * 1.4); /* some past the borders */
        ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
        ck_assert_int_eq(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &tgx.t, &tgg.t), CLRS_OK);
        for (i = 0; i < ny; i++) lhs += th_get(&ty.t, i) * th_get(&tgo.t, i);
        for (i = 0; i < nx; i++) rhs += th_get(&tx.t, i) * th_get(&tgx.t, i);
        e = fabs(lhs - rhs) / fmax(1, fabs(lhs));
        if (e > worst_adj) worst_adj = e;
        ck_assert_msg(e < 1e-12, "adjoint mode %d pad %d ac %d %dd: %.17g vs %.17g", p.mode, p.padding_mode,
                      p.align_corners, dims, lhs, rhs);
        /* central differences of L = <y, g> in each grid entry */
        if (p.mode != CLRS_GRID_NEAREST) {
            for (j = 0; j < ng; j++) {
                const double h = 1e-7, g0 = th_get(&tg.t, j), an = th_get(&tgg.t, j);
                double lp = 0, lm = 0, fd, scale;
                th_set(&tg.t, j, g0 + h);
                ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
                for (i = 0; i < ny; i++) lp += th_get(&ty.t, i) * th_get(&tgo.t, i);
                th_set(&tg.t, j, g0 - h);
                ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
                for (i = 0; i < ny; i++) lm += th_get(&ty.t, i) * th_get(&tgo.t, i);
                th_set(&tg.t, j, g0);
                fd = (lp - lm) / (2 * h);
                scale = fmax(1, fabs(an));
                /* smooth points agree to ~1e-7. A random point can land within h of a kink
                 * (pixel boundary, clip, reflection; seen: g = -0.2 + 1.7e-8, x = 2 + 4e-8):
                 * there the central difference averages two slopes, and the analytic value
                 * must equal one of the one-sided ones, (L(g+h) - L(g)) / h or (L(g) - L(g-h)) / h */
                e = fabs(fd - an) / scale;
                e = fmin(e, fabs((lp - lhs) / h - an) / scale);
                e = fmin(e, fabs((lhs - lm) / h - an) / scale);
                if (e < 1e-3 && e > worst_fd) worst_fd = e;
                ck_assert_msg(e < 1e-3, "fd mode %d pad %d ac %d %dd entry %lld: fd %.10g analytic %.10g",
                              p.mode, p.padding_mode, p.align_corners, dims, (long long)j, fd, an);
                checks++;
            }
        } else {
            for (j = 0; j < ng; j++) ck_assert(th_get(&tgg.t, j) == 0.0);
        }
        th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
        th_tensor_free(&tgo), th_tensor_free(&tgx), th_tensor_free(&tgg);
    }
    printf("grid_sample [%s]: adjoint worst gap %.2e over 36 configurations; %d finite-difference checks of "
           "grad_grid, worst %.2e\n", be->name, worst_adj, checks, worst_fd);
}
END_TEST

/* grad_theta against finite differences (affine_grid is linear in theta: exact up to rounding). */
START_TEST(affine_fd)
{
    th_backend *be;
    int dims, ac;
    double worst = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!clrs_context_device(be->ctx)->fp64) return;
    for (dims = 2; dims <= 3; dims++)
        for (ac = 0; ac < 2; ac++) {
            int64_t ts[3] = {2, dims, dims + 1}, gs[5] = {2, 3, 4, 5, 0}, i, j, ng, nt;
            th_tensor tt, tg, tgo, tgt;
            uint64_t rng = 99;
            gs[dims + 1] = dims;
            make(&tt, CLRS_F64, 3, ts, NULL);
            make(&tg, CLRS_F64, dims + 2, gs, NULL);
            make(&tgo, CLRS_F64, dims + 2, gs, NULL);
            make(&tgt, CLRS_F64, 3, ts, NULL);
            nt = th_numel(&tt.t), ng = th_numel(&tg.t);
            for (i = 0; i < nt; i++) th_set(&tt.t, i, th_uniform(&rng));
            for (i = 0; i < ng; i++) th_set(&tgo.t, i, th_uniform(&rng));
            ck_assert_int_eq(clrs_affine_grid_backward(be->ctx, ac, &tgo.t, &tgt.t), CLRS_OK);
            for (j = 0; j < nt; j++) {
                const double h = 1e-3, t0 = th_get(&tt.t, j);
                double lp = 0, lm = 0, e;
                th_set(&tt.t, j, t0 + h);
                ck_assert_int_eq(clrs_affine_grid(be->ctx, ac, &tt.t, &tg.t), CLRS_OK);
                for (i = 0; i < ng; i++) lp += th_get(&tg.t, i) * th_get(&tgo.t, i);
                th_set(&tt.t, j, t0 - h);
                ck_assert_int_eq(clrs_affine_grid(be->ctx, ac, &tt.t, &tg.t), CLRS_OK);
                for (i = 0; i < ng; i++) lm += th_get(&tg.t, i) * th_get(&tgo.t, i);
                th_set(&tt.t, j, t0);
                e = fabs((lp - lm) / (2 * h) - th_get(&tgt.t, j)) / fmax(1, fabs(th_get(&tgt.t, j)));
                if (e > worst) worst = e;
                ck_assert_msg(e < 1e-9, "grad_theta %dd ac %d entry %lld: %g", dims, ac, (long long)j, e);
            }
            th_tensor_free(&tt), th_tensor_free(&tg), th_tensor_free(&tgo), th_tensor_free(&tgt);
        }
    printf("affine_grid [%s]: grad_theta vs finite differences, worst %.2e\n", be->name, worst);
}
END_TEST

/* The deterministic mode gives identical bits over 20 runs; atomics agree with it. */
START_TEST(deterministic_grad_input)
{
    th_backend *be;
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    int64_t is[4] = {2, 3, 16, 16}, gs[4] = {2, 40, 40, 2}, os[4] = {2, 3, 40, 40}, i, nx;
    th_tensor tx, tg, tgo, tgx, ref;
    uint64_t rng = 5;
    int run;
    double e;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    make(&tx, CLRS_F32, 4, is, NULL);
    make(&tg, CLRS_F32, 4, gs, NULL);
    make(&tgo, CLRS_F32, 4, os, NULL);
    make(&tgx, CLRS_F32, 4, is, NULL);
    make(&ref, CLRS_F32, 4, is, NULL);
    nx = th_numel(&tx.t);
    for (i = 0; i < nx; i++) th_set(&tx.t, i, th_uniform(&rng));
    for (i = 0; i < th_numel(&tg.t); i++) th_set(&tg.t, i, th_uniform(&rng) * 0.3); /* many points per pixel */
    for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
    p.deterministic = 1;
    ck_assert_int_eq(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &ref.t, NULL), CLRS_OK);
    for (run = 0; run < 20; run++) {
        ck_assert_int_eq(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &tgx.t, NULL), CLRS_OK);
        ck_assert_msg(!memcmp(tgx.base, ref.base, tgx.bytes), "deterministic run %d differs [%s]", run, be->name);
    }
    p.deterministic = 0;
    ck_assert_int_eq(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &tgx.t, NULL), CLRS_OK);
    {
        double *a = malloc(sizeof *a * (size_t)nx), *b = malloc(sizeof *b * (size_t)nx);
        for (i = 0; i < nx; i++) a[i] = th_get(&tgx.t, i), b[i] = th_get(&ref.t, i);
        e = th_rel_error(a, b, nx);
        free(a), free(b);
    }
    ck_assert_msg(e < 1e-5, "atomic vs deterministic: %g [%s]", e, be->name);
    printf("grid_sample [%s]: deterministic grad_input bit-identical over 20 runs; atomic mode within %.1e\n",
           be->name, e);
    th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&tgo), th_tensor_free(&tgx), th_tensor_free(&ref);
}
END_TEST

/* OpenCL against the host on random shapes, channels-last strides, offsets, dtypes and memory
 * kinds, forward and both gradients (deterministic and atomic). */
START_TEST(opencl_vs_host)
{
    th_backend *be;
    clrs_context *host = backends[0].ctx;
    uint64_t rng;
    int trial, trials = th_quick() ? 6 : 60;
    double worst[4] = {0, 0, 0, 0};
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i == 0) return;
    rng = th_seed("grid opencl_vs_host");
    for (trial = 0; trial < trials; trial++) {
        clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        const int dims = 2 + (int)(th_rand(&rng) % 2), nd = dims + 2, cl_in = (int)(th_rand(&rng) % 2);
        int64_t is[5], gs[5], os[5], i, k;
        th_tensor ty, tgx, tgg, ry, rgx, rgg;
        cl_mem m[3] = {0};
        if (dt == CLRS_F64 && !clrs_context_device(be->ctx)->fp64) dt = CLRS_F32;
        p.mode = (clrs_grid_mode)(th_rand(&rng) % 3);
        p.padding_mode = (clrs_padding_mode)(th_rand(&rng) % 3);
        p.align_corners = (int)(th_rand(&rng) % 2);
        p.deterministic = (int)(th_rand(&rng) % 2);
        is[0] = gs[0] = os[0] = 1 + (int64_t)(th_rand(&rng) % 2);
        is[1] = os[1] = 1 + (int64_t)(th_rand(&rng) % 4);
        for (k = 0; k < dims; k++) {
            is[2 + k] = 1 + (int64_t)(th_rand(&rng) % 7);
            gs[1 + k] = os[2 + k] = 1 + (int64_t)(th_rand(&rng) % 6);
        }
        gs[dims + 1] = dims;
        {
            th_tensor tx, tg, tgo;
            make(&tx, dt, nd, is, NULL);
            make(&tg, dt, nd, gs, NULL);
            make(&tgo, dt, nd, os, NULL);
            if (cl_in) { /* channels-last input: C innermost */
                int64_t s = is[1];
                tx.t.contiguous = 0;
                tx.t.strides[1] = 1;
                for (k = nd - 1; k >= 2; k--) tx.t.strides[k] = s, s *= is[k];
                tx.t.strides[0] = s;
            }
            for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
            for (i = 0; i < th_numel(&tg.t); i++) th_set(&tg.t, i, th_uniform(&rng) * 1.3);
            for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
            make(&ty, dt, nd, os, NULL), make(&ry, dt, nd, os, NULL);
            make(&tgx, dt, nd, is, NULL), make(&rgx, dt, nd, is, NULL);
            make(&tgg, dt, nd, gs, NULL), make(&rgg, dt, nd, gs, NULL);
            if (th_rand(&rng) % 2) { /* device memory for the outputs */
                cl_int err;
                m[0] = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE, ty.bytes, NULL, &err);
                m[1] = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE, tgx.bytes, NULL, &err);
                m[2] = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE, tgg.bytes, NULL, &err);
                ck_assert(m[0] && m[1] && m[2]);
            }
            {
                clrs_tensor a = ty.t, b = tgx.t, c = tgg.t;
                if (m[0]) a.data = b.data = c.data = NULL, a.mem = m[0], b.mem = m[1], c.mem = m[2];
                ck_assert_msg(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &a) == CLRS_OK, "%s", clrs_error_message());
                ck_assert_msg(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &b, &c) == CLRS_OK, "%s",
                              clrs_error_message());
                if (m[0]) {
                    cl_command_queue q = clrs_context_cl_queue(be->ctx);
                    clEnqueueReadBuffer(q, m[0], CL_TRUE, 0, ty.bytes, ty.base, 0, NULL, NULL);
                    clEnqueueReadBuffer(q, m[1], CL_TRUE, 0, tgx.bytes, tgx.base, 0, NULL, NULL);
                    clEnqueueReadBuffer(q, m[2], CL_TRUE, 0, tgg.bytes, tgg.base, 0, NULL, NULL);
                    for (k = 0; k < 3; k++) clReleaseMemObject(m[k]);
                }
            }
            ck_assert_int_eq(clrs_grid_sample(host, &p, &tx.t, &tg.t, &ry.t), CLRS_OK);
            ck_assert_int_eq(clrs_grid_sample_backward(host, &p, &tgo.t, &tx.t, &tg.t, &rgx.t, &rgg.t), CLRS_OK);
            {
                const th_tensor *got[3] = {&ty, &tgx, &tgg}, *want[3] = {&ry, &rgx, &rgg};
                const double tol = dt == CLRS_F64 ? 1e-12 : dt == CLRS_F32 ? 1e-5 : dt == CLRS_F16 ? 2e-3 : 1.6e-2;
                for (k = 0; k < 3; k++) {
                    int64_t n = th_numel(&want[k]->t);
                    double *a = malloc(sizeof *a * (size_t)n), *b = malloc(sizeof *b * (size_t)n), e;
                    for (i = 0; i < n; i++) a[i] = th_get(&got[k]->t, i), b[i] = th_get(&want[k]->t, i);
                    e = th_rel_error(a, b, n);
                    free(a), free(b);
                    if (e > worst[dt]) worst[dt] = e;
                    ck_assert_msg(e <= tol, "trial %d (%dd mode %d pad %d ac %d det %d dtype %d) %s: OpenCL vs host %g",
                                  trial, dims, p.mode, p.padding_mode, p.align_corners, p.deterministic, dt,
                                  k == 0 ? "output" : k == 1 ? "grad_input" : "grad_grid", e);
                }
            }
            th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&tgo);
            th_tensor_free(&ty), th_tensor_free(&ry), th_tensor_free(&tgx), th_tensor_free(&rgx);
            th_tensor_free(&tgg), th_tensor_free(&rgg);
        }
    }
    printf("grid_sample opencl_vs_host [%s]: %d random layouts; worst rel f32 %.1e f64 %.1e f16 %.1e bf16 %.1e\n",
           be->name, trials, worst[0], worst[1], worst[2], worst[3]);
}
END_TEST

/* NaN and infinite grid coordinates, as PyTorch treats them (its 4-D and 5-D CPU kernels
 * differ). Expected values printed by torch 2.15 (y) and 1.13 (y113) for input
 * arange(20).view(1,1,4,5) (4-D) and arange(40).view(1,1,2,4,5) (5-D), align_corners False,
 * grid points (nan, 0), (inf, 0.1), (-inf, 0.2), (0.3, nan) [5-D: z = 0, which is 0.5 in
 * pixels: 2.15's 5-D nearest rounds it to even (0), 1.13's away from zero (1)]. */
START_TEST(nonfinite_grid)
{
    static const struct {
        int dims, mode, pad;
        double y[4], y113[4]; /* NAN: expect NaN */
    } cases[] = {
        {2, CLRS_GRID_BILINEAR, CLRS_PADDING_ZEROS, {NAN, NAN, NAN, NAN}, {NAN, NAN, NAN, NAN}},
        {2, CLRS_GRID_NEAREST, CLRS_PADDING_ZEROS, {0, 0, 0, 0}, {0, 0, 0, 0}},
        {2, CLRS_GRID_BICUBIC, CLRS_PADDING_ZEROS, {NAN, NAN, NAN, NAN}, {NAN, NAN, NAN, NAN}},
        {2, CLRS_GRID_BILINEAR, CLRS_PADDING_BORDER, {7.5, 12.5, 9.5, 2.75}, {7.5, 12.5, 9.5, 2.75}},
        {2, CLRS_GRID_NEAREST, CLRS_PADDING_BORDER, {10, 14, 10, 3}, {10, 14, 10, 3}},
        {2, CLRS_GRID_BICUBIC, CLRS_PADDING_BORDER, {NAN, NAN, NAN, NAN}, {NAN, NAN, NAN, NAN}},
        {2, CLRS_GRID_BILINEAR, CLRS_PADDING_REFLECTION, {7.5, 8.5, 9.5, 2.75}, {7.5, 8.5, 9.5, 2.75}},
        {2, CLRS_GRID_NEAREST, CLRS_PADDING_REFLECTION, {10, 10, 10, 3}, {10, 10, 10, 3}},
        {2, CLRS_GRID_BICUBIC, CLRS_PADDING_REFLECTION, {NAN, NAN, NAN, NAN}, {NAN, NAN, NAN, NAN}},
        {3, CLRS_GRID_BILINEAR, CLRS_PADDING_ZEROS, {0, 0, 0, 0}, {0, 0, 0, 0}},
        {3, CLRS_GRID_NEAREST, CLRS_PADDING_ZEROS, {0, 0, 0, 0}, {0, 0, 0, 0}},
        {3, CLRS_GRID_BILINEAR, CLRS_PADDING_BORDER, {21.5, 22.5, 19.5, 27.75}, {21.5, 22.5, 19.5, 27.75}},
        {3, CLRS_GRID_NEAREST, CLRS_PADDING_BORDER, {14, 14, 10, 18}, {34, 34, 30, 38}},
        {3, CLRS_GRID_BILINEAR, CLRS_PADDING_REFLECTION, {21.5, 22.5, 23.5, 27.75}, {21.5, 22.5, 23.5, 27.75}},
        {3, CLRS_GRID_NEAREST, CLRS_PADDING_REFLECTION, {14, 14, 14, 18}, {34, 34, 34, 38}},
    };
    const double pts[4][2] = {{NAN, 0.0}, {INFINITY, 0.1}, {-INFINITY, 0.2}, {0.3, NAN}};
    th_backend *be;
    size_t k;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const int dims = cases[k].dims;
        int64_t is[5] = {1, 1, 4, 5, 0}, gs[5] = {1, 1, 4, dims, 0}, os[5] = {1, 1, 1, 4, 0}, i;
        th_tensor tx, tg, ty;
        clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
        if (dims == 3) { /* (1,1,2,4,5), grid (1,1,1,4,3), out (1,1,1,1,4) */
            is[2] = 2, is[3] = 4, is[4] = 5;
            gs[2] = 1, gs[3] = 4, gs[4] = 3;
            os[2] = 1, os[3] = 1, os[4] = 4;
        }
        make(&tx, CLRS_F32, dims + 2, is, NULL);
        make(&tg, CLRS_F32, dims + 2, gs, NULL);
        make(&ty, CLRS_F32, dims + 2, os, NULL);
        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, (double)i);
        for (i = 0; i < 4; i++) {
            th_set(&tg.t, i * dims + 0, pts[i][0]);
            th_set(&tg.t, i * dims + 1, pts[i][1]);
            if (dims == 3) th_set(&tg.t, i * dims + 2, 0.0);
        }
        p.mode = (clrs_grid_mode)cases[k].mode;
        p.padding_mode = (clrs_padding_mode)cases[k].pad;
        for (p.compat = CLRS_COMPAT_CURRENT; p.compat <= CLRS_COMPAT_TORCH_1_13; p.compat++) {
            ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
            for (i = 0; i < 4; i++) {
                double got = th_get(&ty.t, i), want = p.compat ? cases[k].y113[i] : cases[k].y[i];
                ck_assert_msg(isnan(want) ? isnan(got) : fabs(got - want) <= 1e-5 * fmax(1, fabs(want)),
                              "%dd mode %d pad %d compat %d point %lld: got %g, torch %g [%s]", dims,
                              cases[k].mode, cases[k].pad, p.compat, (long long)i, got, want, be->name);
            }
        }
        th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
    }
    printf("grid_sample [%s]: NaN / inf grid points match torch in %d configurations\n", be->name,
           (int)(sizeof cases / sizeof cases[0]));
}
END_TEST

/* Grid coordinates far outside or not finite, in every dtype, mode, padding and layout, forward
 * and backward: beyond what torch does with them (nonfinite_grid pins that down), this is for
 * the sanitizers (make check-sanitize): a tap index must come only from a coordinate that fits
 * in an integer, and no offset from a tap that is not used. Checked here: the calls succeed, a
 * far finite point samples and differentiates to exactly 0 with zeros padding, and to finite
 * values with border and reflection padding, and an OpenCL device gives the host's bits. */
START_TEST(extreme_grid)
{
    static const double vals[] = {NAN, INFINITY, -INFINITY, 1e30, -1e30, 9.3e18, -9.3e18,
                                  4.0e18, -4.0e18, 3e9, -3e9, 1e4, -1e4, 0.3};
    static const clrs_dtype dtypes[] = {CLRS_F32, CLRS_F64, CLRS_F16, CLRS_BF16};
    const int64_t nv = (int64_t)(sizeof vals / sizeof vals[0]);
    th_backend *be;
    int dims, dti, mode, pad, ac, configs = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    for (dims = 2; dims <= 3; dims++)
        for (dti = 0; dti < 4; dti++)
            for (mode = 0; mode < 3; mode++)
                for (pad = 0; pad < 3; pad++)
                    for (ac = 0; ac < 2; ac++) {
                        /* input (1, 2, [3,] 4, 5); grid points (1, [1,] dims, nv): row a has
                         * the extreme value in coordinate a, the others inside */
                        const int64_t is4[4] = {1, 2, 4, 5}, is5[5] = {1, 2, 3, 4, 5};
                        const int64_t gs4[4] = {1, 2, nv, 2}, gs5[5] = {1, 1, 3, nv, 3};
                        const int64_t os4[4] = {1, 2, 2, nv}, os5[5] = {1, 2, 1, 3, nv};
                        const int64_t *is = dims == 2 ? is4 : is5, *gs = dims == 2 ? gs4 : gs5,
                                      *os = dims == 2 ? os4 : os5;
                        const clrs_dtype dt = dtypes[dti];
                        clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
                        th_tensor tx, tg, ty, tgo, tgx, tgg;
                        int64_t i, a, v, c;
                        make(&tx, dt, dims + 2, is, NULL);
                        make(&tg, dt, dims + 2, gs, NULL);
                        make(&ty, dt, dims + 2, os, NULL);
                        make(&tgo, dt, dims + 2, os, NULL);
                        make(&tgx, dt, dims + 2, is, NULL);
                        make(&tgg, dt, dims + 2, gs, NULL);
                        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, 1 + 0.25 * (double)(i % 7));
                        for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, 1 - 0.5 * (double)(i % 3));
                        for (a = 0; a < dims; a++)
                            for (v = 0; v < nv; v++)
                                for (i = 0; i < dims; i++)
                                    th_set(&tg.t, (a * nv + v) * dims + i, i == a ? vals[v] : 0.1 * (double)(i + 1));
                        p.mode = (clrs_grid_mode)mode;
                        p.padding_mode = (clrs_padding_mode)pad;
                        p.align_corners = ac;
                        ck_assert_msg(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t) == CLRS_OK, "%s",
                                      clrs_error_message());
                        ck_assert_msg(clrs_grid_sample_backward(be->ctx, &p, &tgo.t, &tx.t, &tg.t, &tgx.t,
                                                                &tgg.t) == CLRS_OK,
                                      "%s", clrs_error_message());
                        for (a = 0; a < dims; a++)
                            for (v = 0; v < nv; v++) {
                                const double g = th_get(&tg.t, (a * nv + v) * dims + a); /* as stored */
                                const int far = isfinite(g) && fabs(g) >= 1e4;
                                if (!isfinite(g) || (pad == CLRS_PADDING_ZEROS && !far)) continue;
                                for (c = 0; c < 2; c++) {
                                    const double y = th_get(&ty.t, (c * dims + a) * nv + v);
                                    ck_assert_msg(pad == CLRS_PADDING_ZEROS ? y == 0 : isfinite(y),
                                                  "%dd dtype %d mode %d pad %d ac %d: grid %g gives %g [%s]", dims,
                                                  (int)dt, mode, pad, ac, g, y, be->name);
                                }
                                for (i = 0; i < dims; i++) {
                                    const double d = th_get(&tgg.t, (a * nv + v) * dims + i);
                                    ck_assert_msg(pad == CLRS_PADDING_ZEROS ? d == 0 : isfinite(d),
                                                  "%dd dtype %d mode %d pad %d ac %d: grid %g has gradient %g [%s]",
                                                  dims, (int)dt, mode, pad, ac, g, d, be->name);
                                }
                            }
                        if (_i > 0) { /* an OpenCL device: the host's values, bit for bit */
                            const th_tensor *got[3] = {&ty, &tgx, &tgg};
                            th_tensor ry, rgx, rgg;
                            const th_tensor *want[3] = {&ry, &rgx, &rgg};
                            int k;
                            make(&ry, dt, dims + 2, os, NULL);
                            make(&rgx, dt, dims + 2, is, NULL);
                            make(&rgg, dt, dims + 2, gs, NULL);
                            ck_assert_int_eq(clrs_grid_sample(backends[0].ctx, &p, &tx.t, &tg.t, &ry.t), CLRS_OK);
                            ck_assert_int_eq(clrs_grid_sample_backward(backends[0].ctx, &p, &tgo.t, &tx.t, &tg.t,
                                                                       &rgx.t, &rgg.t),
                                             CLRS_OK);
                            for (k = 0; k < 3; k++)
                                for (i = 0; i < th_numel(&want[k]->t); i++) {
                                    const double x = th_get(&got[k]->t, i), r = th_get(&want[k]->t, i);
                                    ck_assert_msg(x == r || (isnan(x) && isnan(r)),
                                                  "%dd dtype %d mode %d pad %d ac %d: %s[%lld] %.17g, host %.17g [%s]",
                                                  dims, (int)dt, mode, pad, ac,
                                                  k == 0 ? "output" : k == 1 ? "grad_input" : "grad_grid",
                                                  (long long)i, x, r, be->name);
                                }
                            th_tensor_free(&ry), th_tensor_free(&rgx), th_tensor_free(&rgg);
                        }
                        th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
                        th_tensor_free(&tgo), th_tensor_free(&tgx), th_tensor_free(&tgg);
                        configs++;
                    }
    printf("grid_sample [%s]: far and non-finite grid points in %d configurations\n", be->name, configs);
}
END_TEST

/* A batch of 0 with spatial sizes whose product passes 2^63: the views hold no elements, so
 * only grid_sample's own size rules stand between those sizes and an overflow. Explicit
 * strides (all 1: nothing is reached), so no contiguous strides are computed from the sizes. */
START_TEST(empty_batch_huge_sizes)
{
    const int64_t big = (int64_t)1 << 40;
    static float buf[6][4]; /* a buffer each: outputs must not overlap inputs */
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    th_backend *be;
    clrs_tensor x, gr, y, th, gx, gg;
    int i;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    memset(&x, 0, sizeof x), memset(&gr, 0, sizeof gr), memset(&y, 0, sizeof y), memset(&th, 0, sizeof th);
    x.dtype = gr.dtype = y.dtype = th.dtype = CLRS_F32;
    x.ndim = gr.ndim = y.ndim = 4, th.ndim = 3;
    x.data = buf[0], gr.data = buf[1], y.data = buf[2], th.data = buf[3];
    for (i = 0; i < 5; i++) x.strides[i] = gr.strides[i] = y.strides[i] = th.strides[i] = 1;
    x.shape[0] = 0, x.shape[1] = 1, x.shape[2] = 3, x.shape[3] = 3;   /* input (0, 1, 3, 3) */
    gr.shape[0] = 0, gr.shape[1] = big, gr.shape[2] = big, gr.shape[3] = 2; /* grid (0, 2^40, 2^40, 2) */
    y.shape[0] = 0, y.shape[1] = 1, y.shape[2] = big, y.shape[3] = big;
    th.shape[0] = 0, th.shape[1] = 2, th.shape[2] = 3;
    gx = x, gg = gr;
    gx.data = buf[4], gg.data = buf[5];
    ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &x, &gr, &y), CLRS_ERR_UNSUPPORTED);
    ck_assert_int_eq(clrs_grid_sample_backward(be->ctx, &p, &y, &x, &gr, &gx, &gg), CLRS_ERR_UNSUPPORTED);
    /* affine_grid refuses an empty batch first, as PyTorch ("Expected non-zero, positive
       output size") */
    ck_assert_int_eq(clrs_affine_grid(be->ctx, 0, &th, &gr), CLRS_ERR_ARGUMENT);
    /* and the input's sizes: (0, 1, 2^40, 2^40) sampled at a (0, 1, 1, 2) grid */
    x.shape[2] = x.shape[3] = big;
    gr.shape[1] = gr.shape[2] = 1;
    y.shape[2] = y.shape[3] = 1;
    ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &x, &gr, &y), CLRS_ERR_UNSUPPORTED);
    printf("grid_sample/affine_grid [%s]: empty batch with sizes past 2^63 refused\n", be->name);
}
END_TEST

/* Argument rules: status, a message naming the argument, outputs untouched. */
START_TEST(argument_rules)
{
    th_backend *be;
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    int64_t is[4] = {1, 2, 4, 4}, gs[4] = {1, 3, 3, 2}, os[4] = {1, 2, 3, 3}, bad[4] = {1, 2, 3, 4};
    th_tensor tx, tg, ty, tbad, tt;
    int64_t ts[3] = {1, 2, 3};
    unsigned char *canary;
    int rules = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    make(&tx, CLRS_F32, 4, is, NULL);
    make(&tg, CLRS_F32, 4, gs, NULL);
    make(&ty, CLRS_F32, 4, os, NULL);
    make(&tbad, CLRS_F32, 4, bad, NULL);
    make(&tt, CLRS_F32, 3, ts, NULL);
    memset(ty.base, 0xA5, ty.bytes);
    canary = malloc(ty.bytes);
    memcpy(canary, ty.base, ty.bytes);
#define EXPECT(call, word)                                                                       \
    do {                                                                                         \
        clrs_status st_ = (call);                                                                \
        ck_assert_msg(st_ == CLRS_ERR_ARGUMENT, "%s: status %s", #call, clrs_status_name(st_));  \
        ck_assert_msg(strstr(clrs_error_message(), word) != NULL, "%s: message '%s' lacks '%s'", \
                      #call, clrs_error_message(), word);                                        \
        ck_assert_msg(!memcmp(ty.base, canary, ty.bytes), "%s wrote to the output", #call);      \
        rules++;                                                                                 \
    } while (0)
    EXPECT(clrs_grid_sample(be->ctx, NULL, &tx.t, &tg.t, &ty.t), "params");
    p.mode = (clrs_grid_mode)7;
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), "mode");
    p.mode = CLRS_GRID_BILINEAR, p.padding_mode = (clrs_padding_mode)9;
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), "padding_mode");
    p.padding_mode = CLRS_PADDING_ZEROS, p.align_corners = -1;
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), "align_corners");
    p.align_corners = 0;
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tbad.t, &ty.t), "grid");
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &tbad.t), "output");
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, NULL), "output");
    EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &tx.t), "output");
    EXPECT(clrs_grid_sample(be->ctx, &p, &tt.t, &tg.t, &ty.t), "input");
    {
        clrs_tensor half = tg.t;
        half.dtype = CLRS_F64;
        EXPECT(clrs_grid_sample(be->ctx, &p, &tx.t, &half, &ty.t), "grid");
    }
    EXPECT(clrs_grid_sample_backward(be->ctx, &p, &tbad.t, &tx.t, &tg.t, NULL, NULL), "grad_output");
    EXPECT(clrs_affine_grid(be->ctx, 2, &tt.t, &ty.t), "align_corners");
    EXPECT(clrs_affine_grid(be->ctx, 0, &tx.t, &ty.t), "theta");
    EXPECT(clrs_affine_grid(be->ctx, 0, &tt.t, &ty.t), "grid");
#undef EXPECT
    printf("grid_sample/affine_grid argument rules [%s]: %d checked, outputs untouched\n", be->name, rules);
    free(canary);
    th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty), th_tensor_free(&tbad), th_tensor_free(&tt);
}
END_TEST

/* Fuzzing findings (tests/fuzz/fuzz_grid_sample). 1: reflection padding of a grid point far
 * outside (|x| = 1e30) converted floor(x / span) to int, undefined past INT_MAX; PyTorch's x86
 * answer (an even count) is kept: the point reflects onto the first pixel. 2: an empty batch
 * with huge spatial sizes multiplied them past 64 bits (signed overflow) before the 2^31 rule.
 * 3: the host's 2-D bilinear row loop computed the four tap offsets of every point, also of a
 * point 4e18 pixels outside, whose index times the row stride overflowed int64. */
START_TEST(fuzz_findings)
{
    th_backend *be;
    const int64_t is[4] = {1, 1, 1, 4}, gs[4] = {1, 1, 2, 2}, os[4] = {1, 1, 1, 2};
    const double x[4] = {5, 6, 7, 8}, grid[4] = {1e30, 0.0, -1e30, 0.0};
    const int64_t big = (int64_t)1 << 40;
    th_tensor tx, tg, ty;
    clrs_tensor ex, eg, ey;
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    int dt, mode;
    clrs_status st;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    for (dt = 0; dt < 2; dt++)
        for (mode = 0; mode < 2; mode++) {
            const clrs_dtype d = dt ? CLRS_F64 : CLRS_F32;
            make(&tx, d, 4, is, x);
            make(&tg, d, 4, gs, grid);
            make(&ty, d, 4, os, NULL);
            p.mode = mode ? CLRS_GRID_NEAREST : CLRS_GRID_BILINEAR;
            p.padding_mode = CLRS_PADDING_REFLECTION;
            ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
            ck_assert_msg(th_get(&ty.t, 0) == 5.0 && th_get(&ty.t, 1) == 5.0, "[%s] got %g %g, want 5 5", be->name,
                          th_get(&ty.t, 0), th_get(&ty.t, 1));
            th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
        }
    {
        const int64_t is3[4] = {1, 1, 2, 4}, gs3[4] = {1, 1, 2, 2}, os3[4] = {1, 1, 1, 2};
        const double x3[8] = {1, 2, 3, 4, 5, 6, 7, 8}, g3[4] = {0.0, -4e18, -1.0, -1.0};
        make(&tx, CLRS_F32, 4, is3, x3);
        make(&tg, CLRS_F32, 4, gs3, g3);
        make(&ty, CLRS_F32, 4, os3, NULL);
        p = (clrs_grid_sample_params)CLRS_GRID_SAMPLE_PARAMS_INIT;
        p.align_corners = 1;
        ck_assert_int_eq(clrs_grid_sample(be->ctx, &p, &tx.t, &tg.t, &ty.t), CLRS_OK);
        ck_assert_msg(th_get(&ty.t, 0) == 0.0 && th_get(&ty.t, 1) == 1.0, "[%s] got %g %g, want 0 1", be->name,
                      th_get(&ty.t, 0), th_get(&ty.t, 1));
        th_tensor_free(&tx), th_tensor_free(&tg), th_tensor_free(&ty);
    }
    /* (0, 1, 2^40, 2^40) with a (0, 2^40, 2^40, 2) grid: no memory, refused by the 2^31 rule */
    memset(&ex, 0, sizeof ex);
    ex.dtype = CLRS_F32, ex.ndim = 4, ex.contiguous = 1;
    ex.shape[0] = 0, ex.shape[1] = 1, ex.shape[2] = big, ex.shape[3] = big;
    eg = ex, ey = ex;
    eg.shape[1] = big, eg.shape[2] = big, eg.shape[3] = 2;
    p = (clrs_grid_sample_params)CLRS_GRID_SAMPLE_PARAMS_INIT;
    st = clrs_grid_sample(be->ctx, &p, &ex, &eg, &ey);
    ck_assert_msg(st == CLRS_ERR_UNSUPPORTED && strstr(clrs_error_message(), "2^31"), "%s: %s", clrs_status_name(st),
                  clrs_error_message());
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden_grid_sample, 0, n);
    tcase_add_loop_test(tc, golden_grid_sample_torch113_compat, 0, n);
    tcase_add_loop_test(tc, golden_affine_grid, 0, n);
    tcase_add_loop_test(tc, adjoint_and_fd, 0, n);
    tcase_add_loop_test(tc, affine_fd, 0, n);
    tcase_add_loop_test(tc, deterministic_grad_input, 0, n);
    tcase_add_loop_test(tc, argument_rules, 0, n);
    tcase_add_loop_test(tc, nonfinite_grid, 0, n);
    tcase_add_loop_test(tc, extreme_grid, 0, n);
    tcase_add_loop_test(tc, empty_batch_huge_sizes, 0, n);
    tcase_add_loop_test(tc, opencl_vs_host, 0, n);
    tcase_add_loop_test(tc, fuzz_findings, 0, n);
}

int main(void) { return th_run("grid_sample", setup, teardown, add_tests); }
