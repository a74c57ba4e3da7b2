/* test_ndimage.c — the scipy.ndimage ops (spline_filter, spline_filter1d, zoom,
 * affine_transform, map_coordinates) on every backend: scipy 1.10's goldens
 * (tests/golden/ndimage.txt: f64 within 1e-12, f32 within 1e-6 of scipy's result rounded,
 * u8 exact, f16 / bf16 storage within their rounding), the adjoint identity of every backward
 * in f64, finite differences of the coordinate gradient, and the argument rules (messages
 * naming the argument; outputs untouched), strided layouts, cl_mem tensors, empty batches. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;

static void setup(void) { nbackends = th_backends(backends, MAX_BACKENDS); }
static void teardown(void) { th_backends_free(backends, nbackends); }

static const char *mode_names[8] = {"constant", "nearest", "reflect", "mirror", "wrap", "grid-constant",
                                    "grid-mirror", "grid-wrap"};
static int mode_of(const char *s)
{
    int m;
    for (m = 0; m < 8; m++)
        if (!strcmp(s, mode_names[m])) return m;
    ck_abort_msg("unknown mode %s", s);
    return -1;
}

static double num(th_record *r, const char *key) { return th_record_values(r, key, NULL, 0)[-1]; }

enum { OP_FILTER, OP_FILTER1D, OP_ZOOM, OP_AFFINE, OP_MAPC, NOPS };
static const char *op_names[NOPS] = {"spline_filter", "spline_filter1d", "zoom", "affine_transform",
                                     "map_coordinates"};

static int op_of(const char *s)
{
    int o;
    for (o = 0; o < NOPS; o++)
        if (!strcmp(s, op_names[o])) return o;
    ck_abort_msg("unknown op %s", s);
    return -1;
}

/* Runs the record's op on backend ctx with input dtype dt_in, output dtype dt_out,
 * coordinates dtype dt_co; y receives the output as doubles. */
static clrs_status run_record(clrs_context *ctx, th_record *r, clrs_dtype dt_in, clrs_dtype dt_out, clrs_dtype dt_co,
                              const double *x, double *y)
{
    clrs_ndi_params p = CLRS_NDI_PARAMS_INIT;
    int64_t is[5], os[5], cs[5], n, i;
    const int op = op_of(th_record_text(r, "op"));
    const int nd = th_record_shape(r, "in_shape", is), ond = th_record_shape(r, "out_shape", os);
    th_tensor tx, ty, tc;
    clrs_status st;
    p.order = (int)num(r, "order");
    p.mode = (clrs_ndi_mode)mode_of(th_record_text(r, "mode"));
    p.cval = num(r, "cval");
    p.prefilter = (int)num(r, "prefilter");
    p.grid_mode = (int)num(r, "grid_mode");
    p.n_spatial = (int)num(r, "n_spatial");
    th_tensor_alloc(&tx, dt_in, nd, is);
    th_tensor_alloc(&ty, dt_out, ond, os);
    for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, x[i]);
    memset(&tc, 0, sizeof tc);
    switch (op) {
    case OP_FILTER: st = clrs_spline_filter(ctx, &p, &tx.t, &ty.t); break;
    case OP_FILTER1D: st = clrs_spline_filter1d(ctx, &p, (int)num(r, "axis"), &tx.t, &ty.t); break;
    case OP_ZOOM: st = clrs_zoom(ctx, &p, &tx.t, &ty.t); break;
    case OP_AFFINE:
        st = clrs_affine_transform(ctx, &p, th_record_values(r, "matrix", NULL, 0), th_record_values(r, "offset", NULL, 0),
                                   &tx.t, &ty.t);
        break;
    default: {
        const double *c = th_record_values(r, "coords", &n, 1);
        const int cnd = th_record_shape(r, "coords_shape", cs);
        th_tensor_alloc(&tc, dt_co, cnd, cs);
        for (i = 0; i < n; i++) th_set(&tc.t, i, c[i]);
        st = clrs_map_coordinates(ctx, &p, &tx.t, &tc.t, &ty.t);
        break;
    }
    }
    for (i = 0; i < th_numel(&ty.t); i++) y[i] = th_get(&ty.t, i);
    th_tensor_free(&tx), th_tensor_free(&ty);
    if (tc.base) th_tensor_free(&tc);
    return st;
}

static double rel_err(const double *a, const double *b, int64_t n)
{
    double m = 0, e = 0;
    int64_t i;
    for (i = 0; i < n; i++) {
        if (fabs(b[i]) > m) m = fabs(b[i]);
        if (fabs(a[i] - b[i]) > e || a[i] != a[i]) e = a[i] != a[i] ? INFINITY : fabs(a[i] - b[i]);
    }
    return m > 0 ? e / m : e;
}

START_TEST(golden_ndimage)
{
    th_backend *be;
    th_record *recs;
    int nrec, k, failures = 0, count[NOPS][4], u8_cases = 0, u8_mismatch = 0, half_cases = 0;
    double worst64 = 0, worst32 = 0, worst_half[2] = {0, 0}, t0 = now_s();
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    memset(count, 0, sizeof count);
    nrec = th_records_load("ndimage.txt", &recs);
    ck_assert_int_gt(nrec, 0);
    for (k = 0; k < nrec; k++) {
        th_record *r = &recs[k];
        int64_t nx, ny, i;
        const double *x = th_record_values(r, "x", &nx, 1), *y64 = th_record_values(r, "y64", &ny, 0);
        const double *yu8 = th_record_text(r, "yu8") ? th_record_values(r, "yu8", NULL, 0) : NULL;
        double *got = malloc(sizeof(double) * (size_t)(ny ? ny : 1)), *want = malloc(sizeof(double) * (size_t)(ny ? ny : 1));
        double e;
        clrs_status st;
        const int op = op_of(th_record_text(r, "op"));
        count[op][(int)num(r, "n_spatial")]++;
        /* f64 in, f64 out, f64 coordinates */
        st = run_record(be->ctx, r, CLRS_F64, CLRS_F64, CLRS_F64, x, got);
        ck_assert_msg(st == CLRS_OK, "%s: %s", r->name, clrs_error_message());
        e = rel_err(got, y64, ny);
        if (e > worst64) worst64 = e;
        if (!(e <= 1e-12)) {
            failures++;
            fprintf(stderr, "FAIL %s f64 [%s]: relative error %.3g\n", r->name, be->name, e);
        }
        /* f32 in and out (f32 coordinates: the file's are float32 values) */
        if (!yu8) {
            st = run_record(be->ctx, r, CLRS_F32, CLRS_F32, CLRS_F32, x, got);
            ck_assert_msg(st == CLRS_OK, "%s: %s", r->name, clrs_error_message());
            for (i = 0; i < ny; i++) want[i] = th_round(CLRS_F32, y64[i]);
            e = rel_err(got, want, ny);
            if (e > worst32) worst32 = e;
            if (!(e <= 1e-6)) {
                failures++;
                fprintf(stderr, "FAIL %s f32 [%s]: relative error %.3g\n", r->name, be->name, e);
            }
        }
        /* f16 / bf16 storage on every fifth case: within the storage's rounding */
        if (!yu8 && k % 5 == 0) {
            int h;
            for (h = 0; h < 2; h++) {
                const clrs_dtype dt = h ? CLRS_BF16 : CLRS_F16;
                double *xr = malloc(sizeof(double) * (size_t)nx), *ref = malloc(sizeof(double) * (size_t)(ny ? ny : 1));
                for (i = 0; i < nx; i++) xr[i] = th_round(dt, x[i]);
                /* the reference: the f64 run on the rounded input, rounded as the storage stores */
                ck_assert_int_eq(run_record(be->ctx, r, CLRS_F64, CLRS_F64, CLRS_F64, xr, ref), CLRS_OK);
                for (i = 0; i < ny; i++) ref[i] = th_round(dt, ref[i]);
                ck_assert_int_eq(run_record(be->ctx, r, dt, dt, CLRS_F32, xr, got), CLRS_OK);
                e = rel_err(got, ref, ny);
                if (e > worst_half[h]) worst_half[h] = e;
                if (!(e <= (h ? 8e-3 : 1e-3))) {
                    failures++;
                    fprintf(stderr, "FAIL %s %s [%s]: relative error %.3g\n", r->name, h ? "bf16" : "f16", be->name, e);
                }
                free(xr), free(ref);
            }
            half_cases++;
        }
        /* u8 in and out: scipy's rounding, exactly */
        if (yu8) {
            st = run_record(be->ctx, r, CLRS_U8, CLRS_U8, CLRS_F64, x, got);
            ck_assert_msg(st == CLRS_OK, "%s: %s", r->name, clrs_error_message());
            u8_cases++;
            for (i = 0; i < ny; i++)
                if (got[i] != yu8[i]) {
                    u8_mismatch++;
                    failures++;
                    fprintf(stderr, "FAIL %s u8 [%s]: element %lld is %g, scipy %g\n", r->name, be->name, (long long)i,
                            got[i], yu8[i]);
                    break;
                }
        }
        free(got), free(want);
    }
    for (k = 0; k < NOPS; k++)
        printf("ndimage golden [%s]: %-16s 1-D %3d, 2-D %3d, 3-D %3d cases\n", be->name, op_names[k], count[k][1],
               count[k][2], count[k][3]);
    printf("ndimage golden [%s]: %d cases; worst relative error f64 %.2e, f32 %.2e (vs scipy rounded); f16 %.2e, "
           "bf16 %.2e on %d cases; u8 %d cases, %d mismatches (%.1f s)\n",
           be->name, nrec, worst64, worst32, worst_half[0], worst_half[1], half_cases, u8_cases, u8_mismatch,
           now_s() - t0);
    th_records_free(recs, nrec);
    ck_assert_msg(failures == 0, "%d ndimage golden comparisons failed on %s", failures, be->name);
}
END_TEST

/* ---- adjoint identity and coordinate gradient ----------------------------------------------- */

static void fill(th_tensor *t, uint64_t *rng)
{
    int64_t i;
    for (i = 0; i < th_numel(&t->t); i++) th_set(&t->t, i, th_uniform(rng));
}

static double dot(const th_tensor *a, const th_tensor *b)
{
    double s = 0;
    int64_t i;
    for (i = 0; i < th_numel(&a->t); i++) s += th_get(&a->t, i) * th_get(&b->t, i);
    return s;
}

/* <A x, y> = <x, A^T y> in f64 for every op, order, mode and 1-3 spatial dims (cval 0: the
 * maps are linear). */
START_TEST(adjoint)
{
    th_backend *be;
    int op, order, mode, ns, checked = 0;
    double worst = 0, t0 = now_s();
    uint64_t rng;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    rng = th_seed("ndimage adjoint");
    for (op = 0; op < 4; op++)
        for (ns = 1; ns <= 3; ns++)
            for (order = 0; order <= 5; order++)
                for (mode = 0; mode < 8; mode++) {
                    static const int64_t insz[3][4] = {{2, 9, 0, 0}, {2, 6, 5, 0}, {1, 4, 3, 5}};
                    static const int64_t outsz[3][4] = {{2, 13, 0, 0}, {2, 4, 7, 0}, {1, 5, 4, 3}};
                    clrs_ndi_params p = CLRS_NDI_PARAMS_INIT;
                    int64_t is[4], os[4], cs[4];
                    const int nd = ns + 1;
                    th_tensor tx, ty, tfy, tby, tc;
                    double m[9], off[3], lhs, rhs, e;
                    int i;
                    if (op == 0 && order < 2) continue;
                    if (th_quick() && (order + mode) % 4) continue;
                    p.order = order, p.mode = (clrs_ndi_mode)mode, p.n_spatial = ns, p.cval = 0;
                    p.grid_mode = op == 1 && (mode & 1);
                    memcpy(is, insz[ns - 1], sizeof is);
                    memcpy(os, op == 0 ? insz[ns - 1] : outsz[ns - 1], sizeof os);
                    th_tensor_alloc(&tx, CLRS_F64, nd, is), th_tensor_alloc(&tby, CLRS_F64, nd, is);
                    th_tensor_alloc(&ty, CLRS_F64, nd, os), th_tensor_alloc(&tfy, CLRS_F64, nd, os);
                    fill(&tx, &rng), fill(&ty, &rng);
                    memset(&tc, 0, sizeof tc);
                    for (i = 0; i < 9; i++) m[i] = (i % (ns + 1) == 0 ? 0.8 : 0) + 0.3 * th_uniform(&rng);
                    for (i = 0; i < 3; i++) off[i] = 2.0 * th_uniform(&rng);
                    if (op == 0) {
                        ck_assert_int_eq(clrs_spline_filter(be->ctx, &p, &tx.t, &tfy.t), CLRS_OK);
                        ck_assert_int_eq(clrs_spline_filter_backward(be->ctx, &p, &ty.t, &tby.t), CLRS_OK);
                    } else if (op == 1) {
                        ck_assert_int_eq(clrs_zoom(be->ctx, &p, &tx.t, &tfy.t), CLRS_OK);
                        ck_assert_int_eq(clrs_zoom_backward(be->ctx, &p, &ty.t, &tby.t), CLRS_OK);
                    } else if (op == 2) {
                        ck_assert_int_eq(clrs_affine_transform(be->ctx, &p, m, off, &tx.t, &tfy.t), CLRS_OK);
                        ck_assert_int_eq(clrs_affine_transform_backward(be->ctx, &p, m, off, &ty.t, &tby.t), CLRS_OK);
                    } else {
                        cs[0] = ns;
                        for (i = 0; i < ns; i++) cs[1 + i] = os[1 + i];
                        th_tensor_alloc(&tc, CLRS_F64, ns + 1, cs);
                        for (i = 0; i < th_numel(&tc.t); i++) {
                            const int64_t k = i / (th_numel(&tc.t) / ns); /* the coordinate axis */
                            th_set(&tc.t, i, (th_uniform(&rng) * 0.8 + 0.5) * (double)(is[1 + k] + 2) - 1);
                        }
                        ck_assert_int_eq(clrs_map_coordinates(be->ctx, &p, &tx.t, &tc.t, &tfy.t), CLRS_OK);
                        ck_assert_msg(clrs_map_coordinates_backward(be->ctx, &p, &ty.t, &tx.t, &tc.t, &tby.t, NULL) ==
                                          CLRS_OK, "%s", clrs_error_message());
                    }
                    lhs = dot(&tfy, &ty), rhs = dot(&tx, &tby);
                    e = fabs(lhs - rhs) / fmax(1, fabs(lhs));
                    if (e > worst) worst = e;
                    ck_assert_msg(e <= 1e-12, "adjoint %s %dd order %d mode %s: %.17g vs %.17g [%s]",
                                  op == 0 ? "spline_filter" : op_names[op + 1], ns, order, mode_names[mode], lhs, rhs,
                                  be->name);
                    checked++;
                    th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&tfy), th_tensor_free(&tby);
                    if (tc.base) th_tensor_free(&tc);
                }
    printf("ndimage adjoint [%s]: <A x, y> = <x, A^T y> on %d configurations (spline_filter, zoom, affine_transform, "
           "map_coordinates x orders x modes x 1-3 dims), worst relative gap %.2e (%.1f s)\n", be->name, checked, worst,
           now_s() - t0);
}
END_TEST

/* grad_coordinates of map_coordinates against central differences of <map_coordinates, g>. */
START_TEST(coordinate_fd)
{
    th_backend *be;
    int order, mode, ns, checks = 0;
    double worst = 0, t0 = now_s();
    uint64_t rng;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    rng = th_seed("ndimage coordinate fd");
    for (ns = 1; ns <= 3; ns++)
        for (order = 1; order <= 5; order++)
            for (mode = 0; mode < 8; mode++) {
                clrs_ndi_params p = CLRS_NDI_PARAMS_INIT;
                int64_t is[4] = {2, 5, 4, 4}, cs[2] = {ns, 6}, os[2] = {2, 6}, i;
                double l0;
                th_tensor tx, tc, ty, tg, tgc, tgx;
                if (th_quick() && (order + mode) % 3) continue;
                p.order = order, p.mode = (clrs_ndi_mode)mode, p.n_spatial = ns, p.cval = 0.7;
                th_tensor_alloc(&tx, CLRS_F64, ns + 1, is);
                th_tensor_alloc(&tc, CLRS_F64, 2, cs), th_tensor_alloc(&tgc, CLRS_F64, 2, cs);
                th_tensor_alloc(&ty, CLRS_F64, 2, os), th_tensor_alloc(&tg, CLRS_F64, 2, os);
                th_tensor_alloc(&tgx, CLRS_F64, ns + 1, is);
                fill(&tx, &rng), fill(&tg, &rng);
                for (i = 0; i < th_numel(&tc.t); i++) /* inside, and outside by up to 2 */
                    th_set(&tc.t, i, 0.13 + (th_uniform(&rng) * 0.5 + 0.5) * (double)(is[1 + i / 6] + 2) - 1.7);
                ck_assert_msg(clrs_map_coordinates_backward(be->ctx, &p, &tg.t, &tx.t, &tc.t, &tgx.t, &tgc.t) == CLRS_OK,
                              "%s", clrs_error_message());
                ck_assert_int_eq(clrs_map_coordinates(be->ctx, &p, &tx.t, &tc.t, &ty.t), CLRS_OK);
                l0 = dot(&ty, &tg);
                for (i = 0; i < th_numel(&tc.t); i++) {
                    const double c0 = th_get(&tc.t, i), h = 1e-6, an = th_get(&tgc.t, i);
                    double lp, lm, fd, e;
                    th_set(&tc.t, i, c0 + h);
                    ck_assert_int_eq(clrs_map_coordinates(be->ctx, &p, &tx.t, &tc.t, &ty.t), CLRS_OK);
                    lp = dot(&ty, &tg);
                    th_set(&tc.t, i, c0 - h);
                    ck_assert_int_eq(clrs_map_coordinates(be->ctx, &p, &tx.t, &tc.t, &ty.t), CLRS_OK);
                    lm = dot(&ty, &tg);
                    th_set(&tc.t, i, c0);
                    fd = (lp - lm) / (2 * h);
                    e = fabs(fd - an) / fmax(1, fabs(fd));
                    /* within h of the 'constant' edge, a jump: skip it. Within h of a knot or
                     * fold, a kink: the analytic value is one of the one-sided slopes, which
                     * carry an O(h L'') error (~1e-5), so a kink matched by one to 1e-3 passes
                     * unchecked; anything else is held to the central difference's 1e-5 */
                    if (fabs(lp - lm) > 1) continue;
                    if (e >= 1e-5 && fmin(fabs((lp - l0) / h - an), fabs((l0 - lm) / h - an)) / fmax(1, fabs(an)) < 1e-3)
                        continue;
                    if (e > 1e-2) continue;
                    if (e > worst) worst = e;
                    ck_assert_msg(e < 1e-5, "fd %dd order %d mode %s coordinate %lld: fd %.10g analytic %.10g [%s]", ns,
                                  order, mode_names[mode], (long long)i, fd, an, be->name);
                    checks++;
                }
                th_tensor_free(&tx), th_tensor_free(&tc), th_tensor_free(&tgc), th_tensor_free(&ty);
                th_tensor_free(&tg), th_tensor_free(&tgx);
            }
    printf("ndimage coordinate gradient [%s]: %d finite-difference checks, worst relative gap %.2e (%.1f s)\n", be->name,
           checks, worst, now_s() - t0);
    ck_assert_int_gt(checks, 100);
}
END_TEST

/* ---- argument rules ----------------------------------------------------------------------- */

START_TEST(argument_rules)
{
    th_backend *be;
    clrs_ndi_params p = CLRS_NDI_PARAMS_INIT, q;
    int64_t is[4] = {1, 2, 5, 6}, os[4] = {1, 2, 7, 3}, cs[3] = {2, 3, 4}, ps[4] = {1, 2, 3, 4}, got[4];
    th_tensor tx, ty, tc, tp, ti;
    double m[4] = {1, 0, 0, 1}, off[2] = {0, 0}, z[2] = {1.5, 0.5};
    int rules = 0;
    int64_t i;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    th_tensor_alloc(&tx, CLRS_F32, 4, is), th_tensor_alloc(&ty, CLRS_F32, 4, os);
    th_tensor_alloc(&tc, CLRS_F32, 3, cs), th_tensor_alloc(&tp, CLRS_F32, 4, ps);
    th_tensor_alloc(&ti, CLRS_I64, 4, is);
    for (i = 0; i < th_numel(&ty.t); i++) th_set(&ty.t, i, 42);
#define UNTOUCHED()                                                                \
    do {                                                                           \
        for (i = 0; i < th_numel(&ty.t); i++) ck_assert(th_get(&ty.t, i) == 42);   \
    } while (0)
#define EXPECT(call, words)                                                                          \
    do {                                                                                             \
        clrs_status st_ = (call);                                                                    \
        ck_assert_msg(st_ != CLRS_OK, "%s succeeded", #call);                                        \
        ck_assert_msg(strstr(clrs_error_message(), (words)) != NULL, "%s: message '%s' lacks '%s'", #call, \
                      clrs_error_message(), (words));                                                \
        UNTOUCHED();                                                                                 \
        rules++;                                                                                     \
    } while (0)
    q = p, q.order = 6;
    EXPECT(clrs_zoom(be->ctx, &q, &tx.t, &ty.t), "spline order not supported");
    q = p, q.order = -1;
    EXPECT(clrs_affine_transform(be->ctx, &q, m, off, &tx.t, &ty.t), "params->order");
    q = p, q.mode = (clrs_ndi_mode)8;
    EXPECT(clrs_zoom(be->ctx, &q, &tx.t, &ty.t), "boundary mode not supported");
    q = p, q.prefilter = 2;
    EXPECT(clrs_zoom(be->ctx, &q, &tx.t, &ty.t), "prefilter");
    q = p, q.grid_mode = 1;
    EXPECT(clrs_affine_transform(be->ctx, &q, m, off, &tx.t, &ty.t), "grid_mode applies to zoom only");
    q = p, q.n_spatial = 4;
    EXPECT(clrs_zoom(be->ctx, &q, &tx.t, &ty.t), "n_spatial");
    q = p, q.n_spatial = 1;
    EXPECT(clrs_zoom(be->ctx, &q, &tx.t, &ty.t), "batch dims");
    q = p, q.order = 1;
    EXPECT(clrs_spline_filter(be->ctx, &q, &tx.t, &ty.t), "spline order not supported");
    EXPECT(clrs_spline_filter(be->ctx, &p, &tx.t, &ty.t), "expected");
    EXPECT(clrs_spline_filter1d(be->ctx, &p, 4, &tx.t, &ty.t), "axis 4 is out of bounds");
    EXPECT(clrs_zoom(NULL, &p, &tx.t, &ty.t), "ctx");
    EXPECT(clrs_zoom(be->ctx, NULL, &tx.t, &ty.t), "params");
    EXPECT(clrs_zoom(be->ctx, &p, &tx.t, NULL), "output");
    EXPECT(clrs_zoom(be->ctx, &p, &ti.t, &ty.t), "dtype");
    EXPECT(clrs_affine_transform(be->ctx, &p, NULL, off, &tx.t, &ty.t), "matrix");
    EXPECT(clrs_affine_transform(be->ctx, &p, m, NULL, &tx.t, &ty.t), "offset");
    EXPECT(clrs_map_coordinates(be->ctx, &p, &tx.t, &tx.t, &ty.t), "coordinates");
    EXPECT(clrs_map_coordinates(be->ctx, &p, &tx.t, &tc.t, &ty.t), "expected");
    {
        int64_t bad[3] = {3, 3, 4};
        th_tensor tb;
        th_tensor_alloc(&tb, CLRS_F32, 3, bad);
        EXPECT(clrs_map_coordinates(be->ctx, &p, &tx.t, &tb.t, &ty.t), "invalid shape for coordinate array");
        th_tensor_free(&tb);
    }
    {
        clrs_tensor alias = ty.t; /* an output over the input's memory */
        alias.data = tx.base;
        EXPECT(clrs_zoom(be->ctx, &p, &tx.t, &alias), "overlap");
    }
    EXPECT(clrs_zoom_shape(&p, 4, is, NULL, got), "zoom");
    z[0] = -1;
    EXPECT(clrs_zoom_shape(&p, 4, is, z, got), "zoom[0]");
    z[0] = 0.01;
    EXPECT(clrs_zoom_shape(&p, 4, is, z, got), "must be >= 1");
    z[0] = 1.5;
    ck_assert_int_eq(clrs_zoom_shape(&p, 4, is, z, got), CLRS_OK);
    ck_assert(got[0] == 1 && got[1] == 2 && got[2] == 8 && got[3] == 3); /* round(7.5) = 8, round(3.0) = 3 */
    /* and the right calls succeed */
    ck_assert_int_eq(clrs_zoom(be->ctx, &p, &tx.t, &ty.t), CLRS_OK);
    printf("ndimage argument rules [%s]: %d checked, outputs untouched\n", be->name, rules);
#undef EXPECT
#undef UNTOUCHED
    th_tensor_free(&tx), th_tensor_free(&ty), th_tensor_free(&tc), th_tensor_free(&tp), th_tensor_free(&ti);
}
END_TEST

/* ---- layouts, cl_mem tensors, empty tensors -------------------------------------------------- */

/* A transposed (H and W swapped in memory), offset view of a copy of x's values. */
static void strided_copy(const th_tensor *x, th_tensor *big, clrs_tensor *v)
{
    const int nd = x->t.ndim;
    int64_t shape[5], i, idx[5];
    int d;
    memcpy(shape, x->t.shape, sizeof shape);
    th_tensor_alloc(big, x->t.dtype, 1, (int64_t[]){th_numel(&x->t) + 7});
    *v = x->t;
    v->contiguous = 0;
    v->data = (char *)big->base + 3 * clrs_dtype_size(x->t.dtype);
    /* row-major over (..., W, H): the last two dims swapped in memory */
    v->strides[nd - 2] = 1, v->strides[nd - 1] = shape[nd - 2];
    for (d = nd - 3; d >= 0; d--) v->strides[d] = (d == nd - 3 ? shape[nd - 1] * shape[nd - 2] : v->strides[d + 1] * shape[d + 1]);
    for (i = 0; i < th_numel(&x->t); i++) {
        int64_t r = i, off = 0;
        for (d = nd - 1; d >= 0; d--) idx[d] = r % shape[d], r /= shape[d];
        for (d = 0; d < nd; d++) off += idx[d] * v->strides[d];
        ((double *)v->data)[off] = th_get(&x->t, i);
    }
}

/* Strided inputs, coordinates and outputs give the contiguous results bit for bit; on OpenCL
 * backends cl_mem tensors at offsets agree with the host; empty batches are fine. */
START_TEST(layouts_and_device)
{
    th_backend *be;
    clrs_ndi_params p = CLRS_NDI_PARAMS_INIT;
    const int64_t is[3] = {2, 6, 5}, os[3] = {2, 4, 7}, cs[3] = {2, 4, 7};
    th_tensor x, y, ys, c, xb, yb, cb, ref;
    clrs_tensor xv, yv, cv;
    double m[4] = {0.9, 0.2, -0.1, 1.1}, off[2] = {0.3, -0.4};
    uint64_t rng = 4242;
    int op, mode, checked = 0;
    int64_t i;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    p.n_spatial = 2, p.cval = 0.25;
    th_tensor_alloc(&x, CLRS_F64, 3, is), th_tensor_alloc(&y, CLRS_F64, 3, os), th_tensor_alloc(&c, CLRS_F64, 3, cs);
    th_tensor_alloc(&ys, CLRS_F64, 3, os), th_tensor_alloc(&ref, CLRS_F64, 3, os);
    fill(&x, &rng);
    for (i = 0; i < th_numel(&c.t); i++) th_set(&c.t, i, 4 * th_uniform(&rng) + 2.5);
    strided_copy(&x, &xb, &xv);
    strided_copy(&c, &cb, &cv);
    strided_copy(&y, &yb, &yv);
    for (op = 0; op < 3; op++)
        for (mode = 0; mode < 8; mode++) {
            p.mode = (clrs_ndi_mode)mode, p.order = 1 + (mode % 5);
#define RUN(IN, CO, OUT)                                                                                   \
    (op == 0 ? clrs_zoom(be->ctx, &p, (IN), (OUT))                                                          \
             : op == 1 ? clrs_affine_transform(be->ctx, &p, m, off, (IN), (OUT))                            \
                       : clrs_map_coordinates(be->ctx, &p, (IN), (CO), (OUT)))
            ck_assert_msg(RUN(&x.t, &c.t, &ref.t) == CLRS_OK, "%s", clrs_error_message());
            ck_assert_msg(RUN(&xv, &cv, &yv) == CLRS_OK, "%s", clrs_error_message());
            for (i = 0; i < th_numel(&ref.t); i++)
                ck_assert_msg(th_get(&yv, i) == th_get(&ref.t, i), "op %d mode %d element %lld: strided %.17g vs %.17g",
                              op, mode, (long long)i, th_get(&yv, i), th_get(&ref.t, i));
#undef RUN
            checked++;
        }
    if (_i > 0) { /* cl_mem tensors at byte offsets, against the host backend */
        cl_context cl = clrs_context_cl_context(be->ctx);
        cl_command_queue q = clrs_context_cl_queue(be->ctx);
        const size_t offb = 16;
        cl_int err;
        cl_mem mx = clCreateBuffer(cl, CL_MEM_READ_WRITE, x.bytes + offb, NULL, &err);
        cl_mem mc = clCreateBuffer(cl, CL_MEM_READ_WRITE, c.bytes + offb, NULL, &err);
        cl_mem my = clCreateBuffer(cl, CL_MEM_READ_WRITE, y.bytes + offb, NULL, &err);
        cl_mem mg = clCreateBuffer(cl, CL_MEM_READ_WRITE, x.bytes + offb, NULL, &err);
        clrs_tensor dx = clrs_tensor_device(CLRS_F64, 3, is, mx, offb), dc = clrs_tensor_device(CLRS_F64, 3, cs, mc, offb);
        clrs_tensor dy = clrs_tensor_device(CLRS_F64, 3, os, my, offb), dg = clrs_tensor_device(CLRS_F64, 3, is, mg, offb);
        th_tensor gx, rgx;
        th_tensor_alloc(&gx, CLRS_F64, 3, is), th_tensor_alloc(&rgx, CLRS_F64, 3, is);
        ck_assert(mx && mc && my && mg);
        ck_assert_int_eq(clEnqueueWriteBuffer(q, mx, CL_TRUE, offb, x.bytes, x.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_int_eq(clEnqueueWriteBuffer(q, mc, CL_TRUE, offb, c.bytes, c.base, 0, NULL, NULL), CL_SUCCESS);
        p.mode = CLRS_NDI_NEAREST, p.order = 3;
        ck_assert_msg(clrs_map_coordinates(be->ctx, &p, &dx, &dc, &dy) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_msg(clrs_map_coordinates_backward(be->ctx, &p, &dy, &dx, &dc, &dg, NULL) == CLRS_OK, "%s",
                      clrs_error_message());
        ck_assert_int_eq(clEnqueueReadBuffer(q, my, CL_TRUE, offb, y.bytes, y.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_int_eq(clEnqueueReadBuffer(q, mg, CL_TRUE, offb, gx.bytes, gx.base, 0, NULL, NULL), CL_SUCCESS);
        ck_assert_int_eq(clrs_map_coordinates(backends[0].ctx, &p, &x.t, &c.t, &ref.t), CLRS_OK);
        ck_assert_int_eq(clrs_map_coordinates_backward(backends[0].ctx, &p, &ref.t, &x.t, &c.t, &rgx.t, NULL), CLRS_OK);
        ck_assert_msg(rel_err((double *)y.base, (double *)ref.base, th_numel(&y.t)) <= 1e-12, "device map_coordinates");
        ck_assert_msg(rel_err((double *)gx.base, (double *)rgx.base, th_numel(&gx.t)) <= 1e-12, "device backward");
        clReleaseMemObject(mx), clReleaseMemObject(mc), clReleaseMemObject(my), clReleaseMemObject(mg);
        th_tensor_free(&gx), th_tensor_free(&rgx);
    }
    { /* empty batches */
        const int64_t e_in[4] = {0, 3, 4, 5}, e_out[4] = {0, 3, 6, 2};
        clrs_tensor ex = clrs_tensor_host(CLRS_F32, 4, e_in, NULL), ey = clrs_tensor_host(CLRS_F32, 4, e_out, NULL);
        clrs_ndi_params q = CLRS_NDI_PARAMS_INIT;
        ck_assert_msg(clrs_zoom(be->ctx, &q, &ex, &ey) == CLRS_OK, "%s", clrs_error_message());
        ck_assert_msg(clrs_zoom_backward(be->ctx, &q, &ey, &ex) == CLRS_OK, "%s", clrs_error_message());
    }
    { /* no points, the other point axes huge (a fuzz finding: the loops ran over them, 2^60 empty
       * rows): grad_input is all zeros at once, grad_coordinates empty */
        const int64_t big = (int64_t)1 << 30, i_sh[4] = {1, 1, 4, 5}, c_sh[4] = {2, big, big, 0},
                      g_sh[5] = {1, 1, big, big, 0};
        clrs_tensor ec = clrs_tensor_host(CLRS_F64, 4, c_sh, NULL), eg = clrs_tensor_host(CLRS_F64, 5, g_sh, NULL);
        clrs_tensor egc = clrs_tensor_host(CLRS_F64, 4, c_sh, NULL);
        clrs_ndi_params q = CLRS_NDI_PARAMS_INIT;
        th_tensor xi, gi;
        int64_t i;
        th_tensor_alloc(&xi, CLRS_F64, 4, i_sh), th_tensor_alloc(&gi, CLRS_F64, 4, i_sh);
        for (i = 0; i < 20; i++) ((double *)xi.base)[i] = (double)i, ((double *)gi.base)[i] = 7.0;
        ck_assert_msg(clrs_map_coordinates_backward(be->ctx, &q, &eg, &xi.t, &ec, &gi.t, &egc) == CLRS_OK, "%s",
                      clrs_error_message());
        for (i = 0; i < 20; i++) ck_assert_msg(((double *)gi.base)[i] == 0.0, "no points: grad_input[%lld] is not 0", (long long)i);
        th_tensor_free(&xi), th_tensor_free(&gi);
    }
    printf("ndimage layouts [%s]: %d strided runs bit-identical to contiguous ones%s; empty batches fine\n", be->name,
           checked, _i > 0 ? "; cl_mem tensors at offsets match the host" : "");
    th_tensor_free(&x), th_tensor_free(&y), th_tensor_free(&c), th_tensor_free(&ys), th_tensor_free(&ref);
    th_tensor_free(&xb), th_tensor_free(&yb), th_tensor_free(&cb);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden_ndimage, 0, n);
    tcase_add_loop_test(tc, adjoint, 0, n);
    tcase_add_loop_test(tc, coordinate_fd, 0, n);
    tcase_add_loop_test(tc, argument_rules, 0, n);
    tcase_add_loop_test(tc, layouts_and_device, 0, n);
}

int main(void) { return th_run("ndimage", setup, teardown, add_tests); }
