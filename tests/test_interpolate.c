/* test_interpolate.c — interpolate forward and backward on every backend: PyTorch goldens
 * (f32, f64; f16 and bf16 against the f32 goldens), adjoint identities in f64, and OpenCL
 * against the host on random shapes, strides, offsets, dtypes and memory kinds. */
#include "harness.h"
#include "workloads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;
static th_golden *golden, *golden113;
static int ngolden, ngolden113;

/* interpolate.txt is PyTorch 2.15's (compat "current"); torch1.13/interpolate.txt is Debian's
 * PyTorch 1.13 on the same cases, checked with compat CLRS_COMPAT_TORCH_1_13. */
static void setup(void)
{
    nbackends = th_backends(backends, MAX_BACKENDS);
    ngolden = th_golden_load("interpolate.txt", &golden);
    ngolden113 = th_golden_load("torch1.13/interpolate.txt", &golden113);
}
static void teardown(void)
{
    th_backends_free(backends, nbackends);
    th_golden_free(golden, ngolden);
    th_golden_free(golden113, ngolden113);
}

/* Runs forward (or backward) on host tensors of `dtype` built from `src` values; writes the
 * destination values to dst. Returns the status. */
static clrs_status run(clrs_context *ctx, const clrs_interpolate_params *p, clrs_dtype dtype,
                       int ndim, const int64_t *in_shape, const int64_t *out_shape,
                       const double *src, double *dst, int backward)
{
    th_tensor a, b;
    int64_t i, ns, nd;
    clrs_status st;
    th_tensor_alloc(&a, dtype, ndim, backward ? out_shape : in_shape);
    th_tensor_alloc(&b, dtype, ndim, backward ? in_shape : out_shape);
    ns = th_numel(&a.t);
    nd = th_numel(&b.t);
    for (i = 0; i < ns; i++) th_set(&a.t, i, src[i]);
    st = backward ? clrs_interpolate_backward(ctx, p, &a.t, &b.t) : clrs_interpolate(ctx, p, &a.t, &b.t);
    for (i = 0; i < nd; i++) dst[i] = th_get(&b.t, i);
    th_tensor_free(&a);
    th_tensor_free(&b);
    return st;
}

/* ---- worst errors per mode, for the report ---- */
typedef struct {
    char key[48];
    double fwd32, fwd64, bwd32, bwd64;
    int cases;
} mode_stat;

static mode_stat *stat_for(mode_stat *s, int *n, const th_golden *c)
{
    static const char *names[] = {"nearest", "nearest-exact", "linear", "cubic", "area", "lanczos"};
    char key[48];
    int i;
    snprintf(key, sizeof key, "%s %dd%s", names[c->p.mode], c->ndim - 2,
             c->p.antialias ? " antialias" : "");
    for (i = 0; i < *n; i++)
        if (!strcmp(s[i].key, key)) return &s[i];
    memset(&s[*n], 0, sizeof s[*n]);
    snprintf(s[*n].key, sizeof s[*n].key, "%s", key);
    return &s[(*n)++];
}

static int is_nearest(const th_golden *c)
{
    return c->p.mode == CLRS_NEAREST || c->p.mode == CLRS_NEAREST_EXACT;
}

static double exact_mismatches(const double *a, const double *b, int64_t n)
{
    int64_t i, bad = 0;
    for (i = 0; i < n; i++)
        if (a[i] != b[i] && !(isnan(a[i]) && isnan(b[i]))) bad++;
    return (double)bad;
}

/* Every case of a golden set in f32 and f64, forward and backward, with `compat`. */
static void golden_pass(th_backend *be, const th_golden *set, int nset, int compat, const char *label)
{
    mode_stat stats[32];
    int nstats = 0, k, failures = 0;
    for (k = 0; k < nset; k++) {
        th_golden cc = set[k], *c = &cc;
        mode_stat *s = stat_for(stats, &nstats, c);
        cc.p.compat = compat;
        double *y = malloc(sizeof *y * (size_t)(c->ny + c->nx)), e;
        clrs_status st;
        ck_assert_ptr_nonnull(y);
        s->cases++;
        /* forward f32: PyTorch f32 (nearest picks exactly), and f64 within 1e-5 */
        st = run(be->ctx, &c->p, CLRS_F32, c->ndim, c->in_shape, c->out_shape, c->x, y, 0);
        ck_assert_msg(st == CLRS_OK, "%s [%s]: %s", c->name, be->name, clrs_error_message());
        if (is_nearest(c)) {
            e = exact_mismatches(y, c->y32, c->ny);
            if (e) { failures++; fprintf(stderr, "FAIL %s f32 forward: %g picks differ\n", c->name, e); }
        } else {
            e = th_rel_error(y, c->y32, c->ny);
            if (e > s->fwd32) s->fwd32 = e;
            if (e > 1e-5) { failures++; fprintf(stderr, "FAIL %s f32 forward: rel %g vs torch f32\n", c->name, e); }
            e = th_rel_error(y, c->y64, c->ny);
            if (e > 1e-5) { failures++; fprintf(stderr, "FAIL %s f32 forward: rel %g vs torch f64\n", c->name, e); }
        }
        /* backward f32 and f64 */
        st = run(be->ctx, &c->p, CLRS_F32, c->ndim, c->in_shape, c->out_shape, c->g, y, 1);
        ck_assert_msg(st == CLRS_OK, "%s [%s] backward: %s", c->name, be->name, clrs_error_message());
        e = th_rel_error(y, c->gx32, c->nx);
        if (e > s->bwd32) s->bwd32 = e;
        if (e > 1e-5) { failures++; fprintf(stderr, "FAIL %s f32 backward: rel %g\n", c->name, e); }
        e = th_rel_error(y, c->gx64, c->nx);
        if (e > 1e-5) { failures++; fprintf(stderr, "FAIL %s f32 backward: rel %g vs torch f64\n", c->name, e); }
        if (!clrs_context_device(be->ctx)->fp64) { /* no fp64: f64 is the host's job */
            if (k == 0) printf("golden [%s]: no fp64 on this device: f64 cases skipped\n", be->name);
            free(y);
            continue;
        }
        /* forward f64 */
        st = run(be->ctx, &c->p, CLRS_F64, c->ndim, c->in_shape, c->out_shape, c->x, y, 0);
        ck_assert_msg(st == CLRS_OK, "%s [%s] f64: %s", c->name, be->name, clrs_error_message());
        e = is_nearest(c) ? exact_mismatches(y, c->y64, c->ny) : th_rel_error(y, c->y64, c->ny);
        if (!is_nearest(c) && e > s->fwd64) s->fwd64 = e;
        if (e > (is_nearest(c) ? 0 : 1e-12)) { failures++; fprintf(stderr, "FAIL %s f64 forward: %g\n", c->name, e); }
        st = run(be->ctx, &c->p, CLRS_F64, c->ndim, c->in_shape, c->out_shape, c->g, y, 1);
        ck_assert_msg(st == CLRS_OK, "%s [%s] backward f64: %s", c->name, be->name, clrs_error_message());
        e = th_rel_error(y, c->gx64, c->nx);
        if (e > s->bwd64) s->bwd64 = e;
        if (e > 1e-12) { failures++; fprintf(stderr, "FAIL %s f64 backward: rel %g\n", c->name, e); }
        free(y);
    }
    printf("golden %s [%s]: %d cases x (f32, f64) x (forward, backward); worst relative error:\n",
           label, be->name, nset);
    printf("  %-26s %5s %10s %10s %10s %10s\n", "mode", "cases", "fwd f32", "fwd f64", "bwd f32", "bwd f64");
    for (k = 0; k < nstats; k++)
        printf("  %-26s %5d %10.2e %10.2e %10.2e %10.2e%s\n", stats[k].key, stats[k].cases,
               stats[k].fwd32, stats[k].fwd64, stats[k].bwd32, stats[k].bwd64,
               strncmp(stats[k].key, "nearest", 7) ? "" : "  (forward picks exact)");
    fflush(stdout);
    ck_assert_msg(failures == 0, "%d golden comparisons (%s) failed on %s", failures, label, be->name);
}

START_TEST(golden_f32_f64)
{
    TH_SKIP_MISSING_BACKEND();
    golden_pass(&backends[_i], golden, ngolden, CLRS_COMPAT_CURRENT, "PyTorch 2.15");
}
END_TEST

START_TEST(golden_torch113_compat)
{
    TH_SKIP_MISSING_BACKEND();
    golden_pass(&backends[_i], golden113, ngolden113, CLRS_COMPAT_TORCH_1_13, "PyTorch 1.13 (compat 1.13)");
}
END_TEST

/* f16 and bf16 store the inputs coarsely and compute in float: compare with PyTorch's f32
 * result within the storage precision. */
START_TEST(golden_f16_bf16)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    static const clrs_dtype dts[2] = {CLRS_F16, CLRS_BF16};
    static const double tol[2] = {4e-3, 3e-2};
    double worst[2] = {0, 0};
    int k, d, step = th_quick() ? 17 : 1;
    for (k = 0; k < ngolden; k += step) {
        const th_golden *c = &golden[k];
        double *y = malloc(sizeof *y * (size_t)(c->ny + c->nx)), e;
        ck_assert_ptr_nonnull(y);
        for (d = 0; d < 2; d++) {
            ck_assert_int_eq(run(be->ctx, &c->p, dts[d], c->ndim, c->in_shape, c->out_shape, c->x, y, 0), CLRS_OK);
            e = th_rel_error(y, c->y32, c->ny);
            if (e > worst[d]) worst[d] = e;
            ck_assert_msg(e <= tol[d], "%s [%s] %s forward: rel %g", c->name, be->name, d ? "bf16" : "f16", e);
            ck_assert_int_eq(run(be->ctx, &c->p, dts[d], c->ndim, c->in_shape, c->out_shape, c->g, y, 1), CLRS_OK);
            e = th_rel_error(y, c->gx32, c->nx);
            if (e > worst[d]) worst[d] = e;
            ck_assert_msg(e <= tol[d], "%s [%s] %s backward: rel %g", c->name, be->name, d ? "bf16" : "f16", e);
        }
        free(y);
    }
    printf("golden [%s]: f16 worst rel %.2e (limit %g), bf16 worst rel %.2e (limit %g)\n",
           be->name, worst[0], tol[0], worst[1], tol[1]);
}
END_TEST

/* ---- uint8: PyTorch 2.15's integer arithmetic, bit for bit ---- */

/* Makes x (allocated contiguous) channels-last (N, H, W, C in memory) when nhwc. */
static void set_layout(th_tensor *x, int nhwc)
{
    const int64_t *s = x->t.shape;
    if (!nhwc) return;
    x->t.contiguous = 0;
    x->t.strides[1] = 1, x->t.strides[3] = s[1], x->t.strides[2] = s[3] * s[1];
    x->t.strides[0] = s[2] * s[3] * s[1];
}

/* tests/golden/interpolate_u8.txt: every case on this backend, the output in the input's
 * layout and (every other case) in the other one; 0 differing bytes allowed. */
START_TEST(golden_u8)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    th_record *recs;
    const int nrec = th_records_load("interpolate_u8.txt", &recs);
    static const char *keys[5] = {"bilinear", "bilinear aa", "bicubic", "bicubic aa", "lanczos"};
    int cases[5] = {0}, diff_cases[5] = {0}, k;
    int64_t diff_bytes[5] = {0}, bytes[5] = {0};
    ck_assert_int_gt(nrec, 0);
    for (k = 0; k < nrec; k++) {
        th_record *r = &recs[k];
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        const char *mode = th_record_text(r, "mode");
        const int nhwc = !strcmp(th_record_text(r, "layout"), "nhwc");
        int64_t is[5], os[5], n, i, bad = 0;
        const double *x = th_record_values(r, "x", &n, 0), *y = th_record_values(r, "y", NULL, 0);
        th_tensor tx, ty;
        int key;
        ck_assert_int_eq(th_record_shape(r, "in_shape", is), 4);
        ck_assert_int_eq(th_record_shape(r, "out_shape", os), 4);
        p.mode = !strcmp(mode, "bilinear") ? CLRS_LINEAR : !strcmp(mode, "bicubic") ? CLRS_CUBIC : CLRS_LANCZOS;
        p.antialias = (int)th_record_values(r, "antialias", NULL, 0)[-1];
        p.align_corners = (int)th_record_values(r, "align_corners", NULL, 0)[-1];
        if (th_record_text(r, "size")) {
            int64_t sz[5];
            ck_assert_int_eq(th_record_shape(r, "size", sz), 2);
            p.size[0] = sz[0], p.size[1] = sz[1];
        } else {
            ck_assert_int_eq(sscanf(th_record_text(r, "scale"), "%lf %lf", &p.scale_factor[0], &p.scale_factor[1]), 2);
        }
        key = p.mode == CLRS_LANCZOS ? 4 : (p.mode == CLRS_CUBIC ? 2 : 0) + p.antialias;
        th_tensor_alloc(&tx, CLRS_U8, 4, is), th_tensor_alloc(&ty, CLRS_U8, 4, os);
        set_layout(&tx, nhwc);
        set_layout(&ty, (k & 1) ? !nhwc : nhwc);
        for (i = 0; i < n; i++) th_set(&tx.t, i, x[i]);
        memset(ty.base, 0xa5, ty.bytes);
        ck_assert_msg(clrs_interpolate(be->ctx, &p, &tx.t, &ty.t) == CLRS_OK, "%s [%s]: %s", r->name, be->name,
                      clrs_error_message());
        for (i = 0; i < th_numel(&ty.t); i++)
            if (th_get(&ty.t, i) != y[i]) {
                if (!bad) fprintf(stderr, "FAIL %s [%s]: element %lld is %g, PyTorch %g\n", r->name, be->name,
                                  (long long)i, th_get(&ty.t, i), y[i]);
                bad++;
            }
        cases[key]++, bytes[key] += th_numel(&ty.t), diff_bytes[key] += bad, diff_cases[key] += bad > 0;
        th_tensor_free(&tx), th_tensor_free(&ty);
    }
    printf("golden uint8 [%s]: PyTorch 2.15's uint8 interpolate, bit for bit\n", be->name);
    printf("  %-12s %5s %9s %15s\n", "mode", "cases", "bytes", "differing bytes");
    for (k = 0; k < 5; k++)
        printf("  %-12s %5d %9lld %15lld\n", keys[k], cases[k], (long long)bytes[k], (long long)diff_bytes[k]);
    fflush(stdout);
    th_records_free(recs, nrec);
    for (k = 0; k < 5; k++)
        ck_assert_msg(diff_cases[k] == 0, "%s: %d uint8 cases differ from PyTorch on %s", keys[k], diff_cases[k],
                      be->name);
}
END_TEST

/* <interp(x), g> == <x, interp_backward(g)> in f64 for every mode and dims. */
START_TEST(adjoint_f64)
{
    TH_SKIP_MISSING_BACKEND();
    if (!clrs_context_device(backends[_i].ctx)->fp64) {
        printf("adjoint [%s]: no fp64 on this device: skipped (the host covers it)\n", backends[_i].name);
        return;
    }
    th_backend *be = &backends[_i];
    uint64_t rng = th_seed("adjoint");
    int combo, trial, checked = 0;
    double worst = 0;
    for (combo = 0; combo < 8 * 3; combo++) {
        int kind = combo / 3, nsd = combo % 3 + 1;
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        if (kind >= 5 && nsd != 2) continue; /* antialias and lanczos: 2-D only */
        p.mode = kind == 5 ? CLRS_LINEAR : kind == 6 ? CLRS_CUBIC : kind == 7 ? CLRS_LANCZOS : (clrs_mode)kind;
        p.antialias = kind >= 5;
        for (trial = 0; trial < 4; trial++) {
            int64_t in[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 3)}, out[5];
            int ndim = nsd + 2, d;
            int64_t nx = in[0] * in[1], ny;
            double *x, *g, *y, *gx, lhs = 0, rhs = 0, e;
            if (p.mode == CLRS_LINEAR || p.mode == CLRS_CUBIC) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
            for (d = 0; d < nsd; d++) {
                in[2 + d] = 1 + (int64_t)(th_rand(&rng) % 9);
                p.size[d] = 1 + (int64_t)(th_rand(&rng) % 13);
                nx *= in[2 + d];
            }
            ck_assert_int_eq(clrs_interpolate_shape(&p, ndim, in, out), CLRS_OK);
            ny = th_numel(&(clrs_tensor){.ndim = ndim, .shape = {out[0], out[1], out[2], out[3], out[4]}});
            x = malloc(sizeof *x * (size_t)nx), gx = malloc(sizeof *gx * (size_t)nx);
            g = malloc(sizeof *g * (size_t)ny), y = malloc(sizeof *y * (size_t)ny);
            for (d = 0; d < nx; d++) x[d] = th_uniform(&rng);
            for (d = 0; d < ny; d++) g[d] = th_uniform(&rng);
            ck_assert_int_eq(run(be->ctx, &p, CLRS_F64, ndim, in, out, x, y, 0), CLRS_OK);
            ck_assert_int_eq(run(be->ctx, &p, CLRS_F64, ndim, in, out, g, gx, 1), CLRS_OK);
            for (d = 0; d < ny; d++) lhs += y[d] * g[d];
            for (d = 0; d < nx; d++) rhs += x[d] * gx[d];
            e = fabs(lhs - rhs) / fmax(1.0, fabs(lhs));
            if (e > worst) worst = e;
            ck_assert_msg(e < 1e-12, "adjoint mode %d aa %d %dd: <Ax,g>=%.17g <x,A'g>=%.17g [%s]",
                          p.mode, p.antialias, nsd, lhs, rhs, be->name);
            checked++;
            free(x), free(g), free(y), free(gx);
        }
    }
    printf("adjoint [%s]: %d checks (every mode x dims), worst relative gap %.2e\n", be->name,
           checked, worst);
}
END_TEST

/* ---- OpenCL against the host on random layouts ---- */

/* A strided host tensor: spatial dims permuted to channels-last or padded, with an offset. */
static void random_layout(th_tensor *x, uint64_t *rng, clrs_dtype dtype, int ndim, const int64_t *shape)
{
    int64_t order[5], s, pad = (int64_t)(th_rand(rng) % 3), total;
    int i, kind = (int)(th_rand(rng) % 3);
    size_t esize = clrs_dtype_size(dtype), off = (size_t)(th_rand(rng) % 4) * esize;
    memset(x, 0, sizeof *x);
    x->t.dtype = dtype;
    x->t.ndim = ndim;
    x->t.contiguous = kind == 0; /* said contiguous: the strides below are the same anyway */
    for (i = 0; i < ndim; i++) x->t.shape[i] = shape[i], order[i] = i;
    if (kind == 1) { /* channels-last: N, spatial..., C */
        for (i = 1; i < ndim - 1; i++) order[i] = i + 1;
        order[ndim - 1] = 1;
    }
    s = 1;
    for (i = ndim - 1; i >= 0; i--) {
        x->t.strides[order[i]] = s;
        s *= shape[order[i]] + (i == ndim - 1 ? pad : 0);
    }
    total = s;
    x->bytes = (size_t)total * esize + off + esize;
    x->base = calloc(1, x->bytes);
    ck_assert_ptr_nonnull(x->base);
    x->t.data = x->base;
    x->t.offset = off;
}

START_TEST(opencl_vs_host)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("opencl_vs_host");
    int trial, trials = th_quick() ? 10 : 120;
    double worst[4] = {0, 0, 0, 0};
    if (_i == 0) return; /* the host itself */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        int nsd = 1 + (int)(th_rand(&rng) % 3), ndim = nsd + 2, d, backward = (int)(th_rand(&rng) % 2);
        int kind = (int)(th_rand(&rng) % 7), on_device = (int)(th_rand(&rng) % 2);
        int64_t in[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 4)}, out[5];
        th_tensor a, b, ref;
        int64_t n, i;
        double *va, *vr, e;
        cl_mem ma = NULL, mb = NULL;
        if (kind >= 5) nsd = 2, ndim = 4;
        p.mode = kind == 5 ? CLRS_LINEAR : kind == 6 ? CLRS_CUBIC : (clrs_mode)kind;
        p.antialias = kind >= 5;
        if (p.mode == CLRS_LINEAR || p.mode == CLRS_CUBIC) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
        for (d = 0; d < nsd; d++) {
            in[2 + d] = 1 + (int64_t)(th_rand(&rng) % 17);
            if (th_rand(&rng) % 2) p.size[d] = 1 + (int64_t)(th_rand(&rng) % 19);
        }
        if (!p.size[0]) {
            for (d = 0; d < nsd; d++) p.size[d] = 0, p.scale_factor[d] = 0.3 + (double)(th_rand(&rng) % 40) / 10.0;
            if (p.mode != CLRS_AREA) p.recompute_scale_factor = (int)(th_rand(&rng) % 3) - 1;
        }
        if (clrs_interpolate_shape(&p, ndim, in, out) != CLRS_OK) continue;
        /* the OpenCL backend's one-pass, two-pass and band kernels, and its own choice, in turn */
        setenv("CLRS_INTERP_PASSES", trial % 4 == 0 ? "1" : trial % 4 == 1 ? "2" : trial % 4 == 2 ? "3" : "auto", 1);
        random_layout(&a, &rng, dt, ndim, backward ? out : in);
        random_layout(&b, &rng, dt, ndim, backward ? in : out);
        th_tensor_alloc(&ref, dt, ndim, backward ? in : out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, th_uniform(&rng));
        if (dt == CLRS_F64 && !clrs_context_device(be->ctx)->fp64) dt = CLRS_F32; /* host's job */
        if (on_device) { /* the same layouts in device buffers */
            cl_int err;
            ma = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, a.bytes, a.base, &err);
            mb = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, b.bytes, b.base, &err);
            ck_assert(ma && mb);
        }
        {
            clrs_tensor ta = a.t, tb = b.t;
            if (on_device) ta.data = NULL, ta.mem = ma, tb.data = NULL, tb.mem = mb;
            ck_assert_msg((backward ? clrs_interpolate_backward(be->ctx, &p, &ta, &tb)
                                    : clrs_interpolate(be->ctx, &p, &ta, &tb)) == CLRS_OK,
                          "trial %d: %s", trial, clrs_error_message());
            if (on_device)
                ck_assert_int_eq(clEnqueueReadBuffer(clrs_context_cl_queue(be->ctx), mb, CL_TRUE, 0, b.bytes, b.base, 0, NULL, NULL), CL_SUCCESS);
        }
        ck_assert_int_eq(backward ? clrs_interpolate_backward(host, &p, &a.t, &ref.t)
                                  : clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        n = th_numel(&ref.t);
        va = malloc(sizeof *va * (size_t)n), vr = malloc(sizeof *vr * (size_t)n);
        for (i = 0; i < n; i++) va[i] = th_get(&b.t, i), vr[i] = th_get(&ref.t, i);
        e = th_rel_error(va, vr, n);
        if (e > worst[dt]) worst[dt] = e;
        ck_assert_msg(e <= (dt == CLRS_F64 ? 1e-13 : dt == CLRS_F32 ? 1e-6 : dt == CLRS_F16 ? 1e-3 : 8e-3),
                      "trial %d (mode %d aa %d %dd %s %s, %s): OpenCL vs host rel %g", trial, p.mode,
                      p.antialias, nsd, backward ? "backward" : "forward",
                      on_device ? "device memory" : "host memory", be->name, e);
        free(va), free(vr);
        if (ma) clReleaseMemObject(ma);
        if (mb) clReleaseMemObject(mb);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    unsetenv("CLRS_INTERP_PASSES");
    printf("opencl_vs_host [%s]: %d random layouts (one-pass, two-pass, band and chosen kernels in turn); worst rel f32 %.1e f64 %.1e f16 %.1e bf16 %.1e\n",
           be->name, trials, worst[0], worst[1], worst[2], worst[3]);
}
END_TEST

/* uint8 bilinear / bicubic / lanczos: the OpenCL passes against the host's, byte for byte, on
 * random shapes (up to 70 x 70, C 1-6), layouts (contiguous, channels-last, padded rows,
 * offsets) and memory kinds (host memory, device buffers). */
START_TEST(opencl_vs_host_u8)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("opencl_vs_host_u8");
    int trial, trials = th_quick() ? 8 : 60, checked = 0;
    int64_t bytes = 0;
    if (_i == 0) return; /* the host itself */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        const int kind = (int)(th_rand(&rng) % 5), on_device = (int)(th_rand(&rng) % 2);
        int64_t in[4] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 6),
                         1 + (int64_t)(th_rand(&rng) % 70), 1 + (int64_t)(th_rand(&rng) % 70)}, out[4], n, i;
        th_tensor a, b, ref;
        cl_mem ma = NULL, mb = NULL;
        p.mode = kind < 2 ? CLRS_LINEAR : kind < 4 ? CLRS_CUBIC : CLRS_LANCZOS;
        p.antialias = kind == 4 || kind % 2;
        if (p.mode != CLRS_LANCZOS) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
        if (th_rand(&rng) % 3) {
            p.size[0] = 1 + (int64_t)(th_rand(&rng) % 80), p.size[1] = 1 + (int64_t)(th_rand(&rng) % 80);
        } else {
            p.scale_factor[0] = 0.2 + (double)(th_rand(&rng) % 30) / 10.0;
            p.scale_factor[1] = 0.2 + (double)(th_rand(&rng) % 30) / 10.0;
        }
        if (clrs_interpolate_shape(&p, 4, in, out) != CLRS_OK) continue;
        random_layout(&a, &rng, CLRS_U8, 4, in);
        random_layout(&b, &rng, CLRS_U8, 4, out);
        /* every third trial gapless channels-last on both sides (the W pass's pixel rows), C 3 or 4 */
        while (trial % 3 == 0 && in[1] >= 3 && in[1] <= 4 && (a.t.strides[1] != 1 || a.t.strides[3] != in[1] || b.t.strides[1] != 1 || b.t.strides[3] != out[1])) {
            th_tensor_free(&a), th_tensor_free(&b);
            random_layout(&a, &rng, CLRS_U8, 4, in);
            random_layout(&b, &rng, CLRS_U8, 4, out);
        }
        th_tensor_alloc(&ref, CLRS_U8, 4, out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, (double)(th_rand(&rng) % 4 == 0 ? 255 * (th_rand(&rng) % 2) : th_rand(&rng) % 256));
        if (on_device) {
            cl_int err;
            ma = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, a.bytes, a.base, &err);
            mb = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, b.bytes, b.base, &err);
            ck_assert(ma && mb);
        }
        {
            clrs_tensor ta = a.t, tb = b.t;
            if (on_device) ta.data = NULL, ta.mem = ma, tb.data = NULL, tb.mem = mb;
            ck_assert_msg(clrs_interpolate(be->ctx, &p, &ta, &tb) == CLRS_OK, "trial %d: %s", trial, clrs_error_message());
            if (on_device)
                ck_assert_int_eq(clEnqueueReadBuffer(clrs_context_cl_queue(be->ctx), mb, CL_TRUE, 0, b.bytes, b.base, 0, NULL, NULL), CL_SUCCESS);
        }
        ck_assert_int_eq(clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        n = th_numel(&ref.t);
        for (i = 0; i < n; i++)
            ck_assert_msg(th_get(&b.t, i) == th_get(&ref.t, i),
                          "trial %d (mode %d aa %d, %lldx%lldx%lldx%lld -> %lldx%lld, %s, %s): element %lld is %g, host %g",
                          trial, p.mode, p.antialias, (long long)in[0], (long long)in[1], (long long)in[2],
                          (long long)in[3], (long long)out[2], (long long)out[3],
                          on_device ? "device memory" : "host memory", be->name, (long long)i, th_get(&b.t, i),
                          th_get(&ref.t, i));
        checked++, bytes += n;
        if (ma) clReleaseMemObject(ma);
        if (mb) clReleaseMemObject(mb);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    printf("opencl_vs_host_u8 [%s]: %d random uint8 cases, %lld bytes, all equal to the host's\n", be->name, checked,
           (long long)bytes);
}
END_TEST

/* uint8 on OpenCL: the CPU-shaped kernel (kernels/interpolate_u8.cl, tuned vec above 1) against
 * the one work-item per byte kernel (vec 1), byte for byte, on random shapes (up to 90 x 90,
 * C 1-6, scales 0.1x-3x so that tap counts run from 1 to over 60), layouts and memory kinds, at
 * every vec and a few work-group sizes. */
START_TEST(opencl_u8_variants)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    static const clrs_tune_params ps[] = {{0, 2, 0}, {1, 4, 0}, {7, 8, 0}, {256, 16, 0}, {64, 4, 0}, {4096, 8, 0}};
    const clrs_tune_params old = {0, 1, 0};
    uint64_t rng = th_seed("opencl_u8_variants");
    int trial, trials = th_quick() ? 6 : 40, checked = 0;
    int64_t bytes = 0;
    size_t k;
    if (_i == 0) return; /* the host has no such kernels */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        const int kind = (int)(th_rand(&rng) % 5), on_device = (int)(th_rand(&rng) % 2);
        int64_t in[4] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 6),
                         1 + (int64_t)(th_rand(&rng) % 90), 1 + (int64_t)(th_rand(&rng) % 90)}, out[4], n, i;
        th_tensor a, b, ref;
        cl_mem ma = NULL, mb = NULL;
        p.mode = kind < 2 ? CLRS_LINEAR : kind < 4 ? CLRS_CUBIC : CLRS_LANCZOS;
        p.antialias = kind == 4 || kind % 2;
        if (p.mode != CLRS_LANCZOS) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
        p.scale_factor[0] = 0.1 + (double)(th_rand(&rng) % 30) / 10.0;
        p.scale_factor[1] = 0.1 + (double)(th_rand(&rng) % 30) / 10.0;
        if (clrs_interpolate_shape(&p, 4, in, out) != CLRS_OK) continue;
        random_layout(&a, &rng, CLRS_U8, 4, in);
        random_layout(&b, &rng, CLRS_U8, 4, out);
        th_tensor_alloc(&ref, CLRS_U8, 4, out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, (double)(th_rand(&rng) % 4 == 0 ? 255 * (th_rand(&rng) % 2) : th_rand(&rng) % 256));
        if (on_device) {
            cl_int err;
            ma = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, a.bytes, a.base, &err);
            mb = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, b.bytes, b.base, &err);
            ck_assert(ma && mb);
        }
        for (k = 0; k <= sizeof ps / sizeof ps[0]; k++) {
            clrs_tensor ta = a.t, tb = b.t;
            clrs_tune_choice used;
            const clrs_tune_params *q = k == 0 ? &old : &ps[(k - 1 + (size_t)trial) % (sizeof ps / sizeof ps[0])];
            if (on_device) ta.data = NULL, ta.mem = ma, tb.data = NULL, tb.mem = mb;
            ck_assert(clrs_tune_set(be->ctx, "interpolate_u8", "all", q) == CLRS_OK);
            ck_assert_msg(clrs_interpolate(be->ctx, &p, &ta, &tb) == CLRS_OK, "trial %d: %s", trial, clrs_error_message());
            ck_assert(clrs_context_last_tune(be->ctx, &used) == CLRS_OK);
            ck_assert_str_eq(used.kernel, "interpolate_u8");
            ck_assert_int_eq(used.params.vec, q->vec);
            if (on_device)
                ck_assert_int_eq(clEnqueueReadBuffer(clrs_context_cl_queue(be->ctx), mb, CL_TRUE, 0, b.bytes, b.base, 0, NULL, NULL), CL_SUCCESS);
            if (k == 0) {
                for (i = 0; i < th_numel(&ref.t); i++) th_set(&ref.t, i, th_get(&b.t, i));
                continue;
            }
            for (i = 0; i < th_numel(&ref.t); i++)
                ck_assert_msg(th_get(&b.t, i) == th_get(&ref.t, i),
                              "trial %d (mode %d aa %d, %lldx%lldx%lldx%lld -> %lldx%lld, %s, %s, wg %d vec %d): element %lld is %g, vec 1 %g",
                              trial, p.mode, p.antialias, (long long)in[0], (long long)in[1], (long long)in[2],
                              (long long)in[3], (long long)out[2], (long long)out[3],
                              on_device ? "device memory" : "host memory", be->name, q->wg, q->vec, (long long)i,
                              th_get(&b.t, i), th_get(&ref.t, i));
            bytes += th_numel(&ref.t);
        }
        checked++;
        if (ma) clReleaseMemObject(ma);
        if (mb) clReleaseMemObject(mb);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    ck_assert(clrs_tune_set(be->ctx, "interpolate_u8", "all", NULL) == CLRS_OK);
    printf("opencl_u8_variants [%s]: %d random uint8 cases, %lld bytes at other vec / wg, all equal to vec 1's\n", be->name,
           checked, (long long)bytes);
}
END_TEST

/* uint8 on the host: the AVX2 rows, and in every other trial the AVX-512 rows too
 * (CLRS_U8_NO_AVX512 in the others), against the SSE2 rows (CLRS_U8_NO_AVX2, read per call), byte
 * for byte, on random channels-last and other layouts up to 300 pixels wide (whole SIMD blocks,
 * row ends, odd tap counts, odd row counts). On a machine without AVX2 both runs take the same
 * rows; the scalar sums are checked against these by opencl_vs_host_u8 and the goldens. */
START_TEST(host_u8_avx2_vs_sse2)
{
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("host_u8_avx2_vs_sse2");
    int trial, trials = th_quick() ? 6 : 40, checked = 0;
    int64_t bytes = 0;
    if (_i != 0) return; /* host only */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        const int kind = (int)(th_rand(&rng) % 5);
        int64_t in[4] = {1 + (int64_t)(th_rand(&rng) % 2), 3 + (int64_t)(th_rand(&rng) % 2),
                         1 + (int64_t)(th_rand(&rng) % 300), 1 + (int64_t)(th_rand(&rng) % 300)}, out[4], n, i;
        th_tensor a, b, ref;
        p.mode = kind < 2 ? CLRS_LINEAR : kind < 4 ? CLRS_CUBIC : CLRS_LANCZOS;
        p.antialias = kind == 4 || kind % 2;
        if (p.mode != CLRS_LANCZOS) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
        p.size[0] = 1 + (int64_t)(th_rand(&rng) % 200), p.size[1] = 1 + (int64_t)(th_rand(&rng) % 200);
        if (th_rand(&rng) % 2) in[1] = 1 + (int64_t)(th_rand(&rng) % 6);
        if (clrs_interpolate_shape(&p, 4, in, out) != CLRS_OK) continue;
        random_layout(&a, &rng, CLRS_U8, 4, in);
        random_layout(&b, &rng, CLRS_U8, 4, out);
        /* every third trial gapless channels-last on both sides (the W pass's pixel rows), C 3 or 4 */
        while (trial % 3 == 0 && in[1] >= 3 && in[1] <= 4 && (a.t.strides[1] != 1 || a.t.strides[3] != in[1] || b.t.strides[1] != 1 || b.t.strides[3] != out[1])) {
            th_tensor_free(&a), th_tensor_free(&b);
            random_layout(&a, &rng, CLRS_U8, 4, in);
            random_layout(&b, &rng, CLRS_U8, 4, out);
        }
        th_tensor_alloc(&ref, CLRS_U8, 4, out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, (double)(th_rand(&rng) % 4 == 0 ? 255 * (th_rand(&rng) % 2) : th_rand(&rng) % 256));
        if (trial % 2) setenv("CLRS_U8_NO_AVX512", "1", 1); /* AVX2 and AVX-512 rows in turn */
        ck_assert_msg(clrs_interpolate(host, &p, &a.t, &b.t) == CLRS_OK, "trial %d: %s", trial, clrs_error_message());
        unsetenv("CLRS_U8_NO_AVX512");
        setenv("CLRS_U8_NO_AVX2", "1", 1);
        ck_assert_int_eq(clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        unsetenv("CLRS_U8_NO_AVX2");
        n = th_numel(&ref.t);
        for (i = 0; i < n; i++)
            ck_assert_msg(th_get(&b.t, i) == th_get(&ref.t, i),
                          "trial %d (mode %d aa %d, %lldx%lldx%lldx%lld -> %lldx%lld): element %lld is %g, SSE2 %g",
                          trial, p.mode, p.antialias, (long long)in[0], (long long)in[1], (long long)in[2],
                          (long long)in[3], (long long)out[2], (long long)out[3], (long long)i, th_get(&b.t, i),
                          th_get(&ref.t, i));
        checked++, bytes += n;
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    printf("host_u8_avx2_vs_sse2: %d random uint8 cases, %lld bytes, equal\n", checked, (long long)bytes);
}
END_TEST

/* Backward is a gather: bit-identical from run to run. */
START_TEST(backward_deterministic)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    const th_golden *c = &golden[ngolden / 2];
    int k;
    double *first = malloc(sizeof(double) * (size_t)c->nx), *again = malloc(sizeof(double) * (size_t)c->nx);
    ck_assert_int_eq(run(be->ctx, &c->p, CLRS_F32, c->ndim, c->in_shape, c->out_shape, c->g, first, 1), CLRS_OK);
    for (k = 0; k < 10; k++) {
        ck_assert_int_eq(run(be->ctx, &c->p, CLRS_F32, c->ndim, c->in_shape, c->out_shape, c->g, again, 1), CLRS_OK);
        ck_assert_msg(!memcmp(first, again, sizeof(double) * (size_t)c->nx), "run %d differs", k);
    }
    free(first), free(again);
}
END_TEST

/* Every benchmark workload (tools/workloads.c), scaled down, on this backend against the host:
 * the benchmark's shapes and parameters are exercised by the tests, not only timed. */
START_TEST(bench_workloads)
{
    th_backend *be = &backends[_i];
    clrs_context *host = backends[0].ctx;
    int k, r, ran, skipped = 0;
    TH_SKIP_MISSING_BACKEND();
    for (k = 0; k < clrs_nworkloads; k++) {
        clrs_workload w = clrs_workload_small(&clrs_workloads[k], 16);
        clrs_workload_tensors got, want;
        ck_assert_msg(clrs_workload_bytes(&clrs_workloads[k]) > 0, "%s: no bytes", w.name);
        clrs_workload_layout(&w, &got);
        for (r = 0; r < CLRS_WL_ROLES; r++) {
            size_t nb = clrs_workload_role_bytes(&got.t[r]);
            got.t[r].data = nb ? calloc(1, nb) : NULL;
        }
        want = got;
        for (r = CLRS_WL_FIRST_OUTPUT; r < CLRS_WL_ROLES; r++) {
            size_t nb = clrs_workload_role_bytes(&got.t[r]);
            want.t[r].data = nb ? calloc(1, nb) : NULL;
        }
        ck_assert_msg(clrs_workload_prepare(host, &w, &got) == CLRS_OK, "%s: %s", w.name, clrs_error_message());
        ran = clrs_workload_run(host, &w, &want) != CLRS_ERR_UNSUPPORTED;
        if (!ran) {
            /* a workload for an op the library does not have yet (uint8 filters): the bench
               reports it as unsupported; here it is named as skipped */
            printf("bench workloads [%s]: %s skipped, the host refuses it: %s\n", be->name, w.name,
                   clrs_error_message());
            skipped++;
        } else {
            ck_assert_msg(clrs_workload_run(be->ctx, &w, &got) == CLRS_OK, "%s [%s]: %s", w.name, be->name,
                          clrs_error_message());
        }
        for (r = CLRS_WL_FIRST_OUTPUT; r < CLRS_WL_ROLES && ran; r++) {
            int64_t i, n;
            double *va, *vr, e;
            if (!got.t[r].ndim) continue;
            n = th_numel(&got.t[r]);
            va = malloc(sizeof *va * (size_t)n), vr = malloc(sizeof *vr * (size_t)n);
            for (i = 0; i < n; i++) va[i] = th_get(&got.t[r], i), vr[i] = th_get(&want.t[r], i);
            e = th_rel_error(va, vr, n);
            ck_assert_msg(e <= 1e-5, "%s [%s]: rel %g against the host", w.name, be->name, e);
            free(va), free(vr);
        }
        for (r = 0; r < CLRS_WL_ROLES; r++) {
            free(got.t[r].data);
            if (r >= CLRS_WL_FIRST_OUTPUT) free(want.t[r].data);
        }
    }
    printf("bench workloads [%s]: %d scaled-down workloads agree with the host (%d skipped)\n", be->name,
           clrs_nworkloads - skipped, skipped);
}
END_TEST

/* The host's integer-factor block mean (area at k1 x k2, host/interpolate_rows.h rows_block)
 * against its row engine (CLRS_HOST_NO_BLOCK) on random factors, dtypes and layouts:
 * bit-identical when both factors are powers of two (the weights scale exactly), else within
 * a few ulps (another addition order). */
START_TEST(area_block_vs_rows)
{
    TH_SKIP_MISSING_BACKEND();
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("area_block_vs_rows");
    int trial, trials = th_quick() ? 40 : 200, exact_cases = 0;
    double worst[4] = {0, 0, 0, 0};
    if (_i != 0) return; /* a host path */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        int nsd = 1 + (int)(th_rand(&rng) % 2), ndim = nsd + 2, d, pow2 = 1;
        int64_t in[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 3)}, out[5];
        th_tensor a, b, ref;
        int64_t n, i;
        double *va, *vr, e;
        p.mode = CLRS_AREA;
        for (d = 0; d < nsd; d++) {
            const int64_t k = 1 + (int64_t)(th_rand(&rng) % 5);
            p.size[d] = 1 + (int64_t)(th_rand(&rng) % 9);
            in[2 + d] = p.size[d] * k;
            pow2 = pow2 && (k & (k - 1)) == 0;
        }
        ck_assert_int_eq(clrs_interpolate_shape(&p, ndim, in, out), CLRS_OK);
        random_layout(&a, &rng, dt, ndim, in);
        random_layout(&b, &rng, dt, ndim, out);
        th_tensor_alloc(&ref, dt, ndim, out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, th_uniform(&rng) * 100.0);
        ck_assert_msg(clrs_interpolate(host, &p, &a.t, &b.t) == CLRS_OK, "trial %d: %s", trial, clrs_error_message());
        setenv("CLRS_HOST_NO_BLOCK", "1", 1);
        ck_assert_int_eq(clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        unsetenv("CLRS_HOST_NO_BLOCK");
        n = th_numel(&ref.t);
        va = malloc(sizeof *va * (size_t)n), vr = malloc(sizeof *vr * (size_t)n);
        for (i = 0; i < n; i++) va[i] = th_get(&b.t, i), vr[i] = th_get(&ref.t, i);
        if (pow2) {
            ck_assert_msg(exact_mismatches(va, vr, n) == 0, "trial %d (%dd, dtype %d): power-of-two factors differ from the row engine", trial, nsd, (int)dt);
            exact_cases++;
        }
        e = th_rel_error(va, vr, n);
        if (e > worst[dt]) worst[dt] = e;
        ck_assert_msg(e <= (dt == CLRS_F64 ? 1e-13 : dt == CLRS_F32 ? 1e-6 : dt == CLRS_F16 ? 1e-3 : 8e-3),
                      "trial %d (%dd, dtype %d): block vs row engine rel %g", trial, nsd, (int)dt, e);
        free(va), free(vr);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    printf("area_block_vs_rows: %d random integer-factor area cases (%d power-of-two, bit-identical); worst rel f32 %.1e f64 %.1e f16 %.1e bf16 %.1e\n",
           trials, exact_cases, worst[0], worst[1], worst[2], worst[3]);
}
END_TEST

/* The host row engine's fast forms (host/interpolate_rows.h rows_h_reg: tap-major loops over
 * a regular run of outputs; the AVX-512 instance) against its per-output loop in the default
 * build (CLRS_HOST_NO_REGULAR, CLRS_HOST_NO_AVX512), and the row engine against the element
 * loop over the shared gather body (CLRS_HOST_ELEMENT_LOOP), on random separable modes
 * (antialias and lanczos included), sizes, directions, dtypes and layouts: bit-identical (the
 * same products added in the same order; a zero's sign aside). */
START_TEST(host_rows_fast_vs_plain)
{
    TH_SKIP_MISSING_BACKEND();
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("host_rows_fast_vs_plain");
    int trial, trials = th_quick() ? 30 : 150, ran = 0;
    if (_i != 0) return; /* a host path */
    for (trial = 0; trial < trials; trial++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        int nsd = 1 + (int)(th_rand(&rng) % 3), ndim, d, backward = (int)(th_rand(&rng) % 2);
        int kind = (int)(th_rand(&rng) % 5);
        int64_t in[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 3)}, out[5];
        th_tensor a, b, ref;
        int64_t n, i;
        double *va, *vr;
        if (kind >= 2) nsd = 2; /* antialias and lanczos: 2-D */
        ndim = nsd + 2;
        p.mode = kind == 0 || kind == 2 ? CLRS_LINEAR : kind == 4 ? CLRS_LANCZOS : CLRS_CUBIC;
        p.antialias = kind >= 2;
        if (!p.antialias) p.align_corners = (int)(th_rand(&rng) % 3) - 1;
        for (d = 0; d < nsd; d++) {
            in[2 + d] = 1 + (int64_t)(th_rand(&rng) % 70);
            p.scale_factor[d] = th_rand(&rng) % 2 ? 0.2 + (double)(th_rand(&rng) % 8) / 10.0
                                                   : 1.0 + (double)(th_rand(&rng) % 30) / 10.0;
        }
        if (clrs_interpolate_shape(&p, ndim, in, out) != CLRS_OK) continue;
        random_layout(&a, &rng, dt, ndim, backward ? out : in);
        random_layout(&b, &rng, dt, ndim, backward ? in : out);
        th_tensor_alloc(&ref, dt, ndim, backward ? in : out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, th_uniform(&rng) * 2.0 - 1.0);
        /* the fast forms in turn: tap-major only, AVX-512 only (where the CPU has it), both */
        if (trial % 3 == 0) setenv("CLRS_HOST_NO_AVX512", "1", 1);
        if (trial % 3 == 1) setenv("CLRS_HOST_NO_REGULAR", "1", 1);
        ck_assert_msg((backward ? clrs_interpolate_backward(host, &p, &a.t, &b.t) : clrs_interpolate(host, &p, &a.t, &b.t)) == CLRS_OK,
                      "trial %d: %s", trial, clrs_error_message());
        setenv("CLRS_HOST_NO_REGULAR", "1", 1);
        setenv("CLRS_HOST_NO_AVX512", "1", 1);
        ck_assert_int_eq(backward ? clrs_interpolate_backward(host, &p, &a.t, &ref.t) : clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        unsetenv("CLRS_HOST_NO_REGULAR");
        unsetenv("CLRS_HOST_NO_AVX512");
        n = th_numel(&ref.t);
        va = malloc(sizeof *va * (size_t)n), vr = malloc(sizeof *vr * (size_t)n);
        for (i = 0; i < n; i++) va[i] = th_get(&b.t, i), vr[i] = th_get(&ref.t, i);
        ck_assert_msg(exact_mismatches(va, vr, n) == 0, "trial %d (mode %d aa %d %dd %s, dtype %d): fast rows differ from the plain rows",
                      trial, p.mode, p.antialias, nsd, backward ? "backward" : "forward", (int)dt);
        /* and the element loop over the shared gather body (the row engine's fused outer sums
         * included): equal up to the sign of a zero */
        setenv("CLRS_HOST_ELEMENT_LOOP", "1", 1);
        ck_assert_int_eq(backward ? clrs_interpolate_backward(host, &p, &a.t, &ref.t) : clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        unsetenv("CLRS_HOST_ELEMENT_LOOP");
        for (i = 0; i < n; i++) vr[i] = th_get(&ref.t, i);
        ck_assert_msg(exact_mismatches(va, vr, n) == 0, "trial %d (mode %d aa %d %dd %s, dtype %d): rows differ from the element loop",
                      trial, p.mode, p.antialias, nsd, backward ? "backward" : "forward", (int)dt);
        ran++;
        free(va), free(vr);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    printf("host_rows_fast_vs_plain: %d random separable cases bit-identical to the plain rows and the element loop\n", ran);
}
END_TEST

/* Pick rows (nearest, nearest-exact) of a destination of 16 MiB or more are built in scratch
 * and written with streaming stores when every row starts and ends on a 16-byte boundary:
 * against the ordinary stores (CLRS_HOST_NO_STREAM), byte for byte, for each dtype, 2x (the
 * duplicating loop) and other factors, rows repeated or not, contiguous and channels-last;
 * rows off the boundaries (which keep ordinary stores) too. */
START_TEST(host_pick_streamed)
{
    TH_SKIP_MISSING_BACKEND();
    clrs_context *host = backends[0].ctx;
    uint64_t rng_pick = 0x5eed;
    static const struct {
        clrs_dtype dt;
        int64_t in[4];
        double sh, sw;
        int exact, cl;
    } cases[] = {
        {CLRS_F32, {1, 4, 512, 515}, 2, 2, 0, 0},   {CLRS_F32, {1, 4, 700, 701}, 1.5, 1.75, 1, 0},
        {CLRS_F64, {1, 2, 512, 513}, 2, 2, 0, 0},   {CLRS_F16, {2, 4, 512, 700}, 2, 1.5, 0, 0},
        {CLRS_BF16, {1, 8, 600, 489}, 1.8, 2, 1, 1}, {CLRS_F32, {1, 3, 1024, 700}, 2, 2, 0, 1},
        {CLRS_F32, {1, 4, 512, 514}, 2, 2, 0, 0},   {CLRS_F16, {2, 4, 512, 704}, 2, 1.5, 1, 0},
    };
    size_t k;
    if (_i != 0) return; /* a host path */
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        int64_t out[4], i;
        th_tensor a, b, ref;
        p.mode = cases[k].exact ? CLRS_NEAREST_EXACT : CLRS_NEAREST;
        p.scale_factor[0] = cases[k].sh, p.scale_factor[1] = cases[k].sw;
        ck_assert_int_eq(clrs_interpolate_shape(&p, 4, cases[k].in, out), CLRS_OK);
        th_tensor_alloc(&a, cases[k].dt, 4, cases[k].in);
        th_tensor_alloc(&b, cases[k].dt, 4, out), th_tensor_alloc(&ref, cases[k].dt, 4, out);
        /* channels-last source and destination: the row is W x C */
        set_layout(&a, cases[k].cl), set_layout(&b, cases[k].cl), set_layout(&ref, cases[k].cl);
        ck_assert_msg(b.bytes >= ((size_t)16 << 20), "case %zu: %zu bytes, under the streaming size", k, b.bytes);
        for (i = 0; i < th_numel(&a.t); i++) th_set(&a.t, i, th_uniform(&rng_pick) * 8.0);
        ck_assert_int_eq(clrs_interpolate(host, &p, &a.t, &b.t), CLRS_OK);
        setenv("CLRS_HOST_NO_STREAM", "1", 1);
        ck_assert_int_eq(clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        unsetenv("CLRS_HOST_NO_STREAM");
        ck_assert_msg(!memcmp(b.base, ref.base, b.bytes), "case %zu: streamed pick rows differ from ordinary stores", k);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&ref);
    }
    printf("host_pick_streamed: %zu nearest cases of 16 MiB or more equal to ordinary stores, byte for byte\n",
           sizeof cases / sizeof cases[0]);
}
END_TEST

/* The OpenCL row kernels (interpolate_box.cl: nearest forward picks; area and nearest
 * backward at power-of-two block weights) against interpolate's general kernels and the host,
 * value for value, on random sizes, factors, dtypes and layouts, each with random tuning
 * (16 * vec destinations per work-item, odd work-groups). Factors that are not of their form
 * (area 3x, nearest 1.5x) run the general kernels either way and are checked too. */
START_TEST(opencl_row_kernels)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_context *host = backends[0].ctx;
    uint64_t rng = th_seed("opencl_row_kernels");
    int trial, trials = th_quick() ? 30 : 150, rows = 0;
    if (_i == 0) return; /* an OpenCL path */
    for (trial = 0; trial < trials; trial++) {
        static const int wgs[] = {0, 1, 3, 64, 4096};
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        const int nsd = 1 + (int)(th_rand(&rng) % 3), ndim = nsd + 2, kind = (int)(th_rand(&rng) % 3);
        const int backward = kind == 1;
        int64_t in[5] = {1 + (int64_t)(th_rand(&rng) % 2), 1 + (int64_t)(th_rand(&rng) % 3)}, out[5], n, i;
        clrs_tune_params row = {wgs[th_rand(&rng) % 5], 1 << (int)(th_rand(&rng) % 5), 1}, general = {0, 4, 2};
        clrs_tune_choice used;
        th_tensor a, b, c, ref;
        double *vb, *vc, *vr;
        int d;
        p.mode = kind == 2 ? CLRS_AREA : CLRS_NEAREST;
        if (dt == CLRS_F64 && !clrs_context_device(be->ctx)->fp64) dt = CLRS_F32;
        for (d = 0; d < nsd; d++) {
            const int64_t k = 1 + (int64_t)(th_rand(&rng) % 5); /* 1..5: powers of two and not */
            const int64_t small = 1 + (int64_t)(th_rand(&rng) % 40);
            if (kind == 2) p.size[d] = small, in[2 + d] = small * k; /* area k x down */
            else in[2 + d] = small, p.size[d] = th_rand(&rng) % 4 ? small * k : small * 3 / 2 + 1;
        }
        ck_assert_int_eq(clrs_interpolate_shape(&p, ndim, in, out), CLRS_OK);
        random_layout(&a, &rng, dt, ndim, backward ? out : in);
        random_layout(&b, &rng, dt, ndim, backward ? in : out);
        random_layout(&c, &rng, dt, ndim, backward ? in : out);
        th_tensor_alloc(&ref, dt, ndim, backward ? in : out);
        n = th_numel(&a.t);
        for (i = 0; i < n; i++) th_set(&a.t, i, th_uniform(&rng) * 50.0);
        ck_assert(clrs_tune_set(be->ctx, "interpolate_pick", "all", &row) == CLRS_OK);
        ck_assert(clrs_tune_set(be->ctx, "interpolate_block", "all", &row) == CLRS_OK);
        ck_assert_msg((backward ? clrs_interpolate_backward(be->ctx, &p, &a.t, &b.t) : clrs_interpolate(be->ctx, &p, &a.t, &b.t)) == CLRS_OK,
                      "trial %d: %s", trial, clrs_error_message());
        ck_assert(clrs_context_last_tune(be->ctx, &used) == CLRS_OK);
        rows += !strncmp(used.kernel, "interpolate_", 12) && used.params.passes == 1;
        ck_assert(clrs_tune_set(be->ctx, "interpolate_pick", "all", &general) == CLRS_OK);
        ck_assert(clrs_tune_set(be->ctx, "interpolate_block", "all", &general) == CLRS_OK);
        ck_assert_int_eq(backward ? clrs_interpolate_backward(be->ctx, &p, &a.t, &c.t) : clrs_interpolate(be->ctx, &p, &a.t, &c.t), CLRS_OK);
        ck_assert_int_eq(backward ? clrs_interpolate_backward(host, &p, &a.t, &ref.t) : clrs_interpolate(host, &p, &a.t, &ref.t), CLRS_OK);
        n = th_numel(&ref.t);
        vb = malloc(sizeof *vb * (size_t)n), vc = malloc(sizeof *vc * (size_t)n), vr = malloc(sizeof *vr * (size_t)n);
        for (i = 0; i < n; i++) vb[i] = th_get(&b.t, i), vc[i] = th_get(&c.t, i), vr[i] = th_get(&ref.t, i);
        ck_assert_msg(exact_mismatches(vb, vc, n) == 0, "trial %d (%s %dd %s, dtype %d, wg %d vec %d): row kernels differ from the general ones",
                      trial, kind == 2 ? "area" : "nearest", nsd, backward ? "backward" : "forward", (int)dt, row.wg, row.vec);
        ck_assert_msg(th_rel_error(vb, vr, n) <= (dt == CLRS_F64 ? 1e-13 : dt == CLRS_F32 ? 1e-6 : dt == CLRS_F16 ? 1e-3 : 8e-3),
                      "trial %d: OpenCL vs host rel %g", trial, th_rel_error(vb, vr, n));
        free(vb), free(vc), free(vr);
        th_tensor_free(&a), th_tensor_free(&b), th_tensor_free(&c), th_tensor_free(&ref);
    }
    clrs_tune_set(be->ctx, "interpolate_pick", "all", NULL);
    clrs_tune_set(be->ctx, "interpolate_block", "all", NULL);
    printf("opencl_row_kernels [%s]: %d random nearest / area cases (%d through the row kernels) equal the general kernels value for value\n",
           be->name, trials, rows);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden_f32_f64, 0, n);
    tcase_add_loop_test(tc, golden_torch113_compat, 0, n);
    tcase_add_loop_test(tc, golden_f16_bf16, 0, n);
    tcase_add_loop_test(tc, golden_u8, 0, n);
    tcase_add_loop_test(tc, adjoint_f64, 0, n);
    tcase_add_loop_test(tc, opencl_vs_host, 0, n);
    tcase_add_loop_test(tc, opencl_vs_host_u8, 0, n);
    tcase_add_loop_test(tc, opencl_row_kernels, 0, n);
    tcase_add_loop_test(tc, opencl_u8_variants, 0, n);
    tcase_add_loop_test(tc, host_u8_avx2_vs_sse2, 0, n);
    tcase_add_loop_test(tc, backward_deterministic, 0, n);
    tcase_add_loop_test(tc, bench_workloads, 0, n);
    tcase_add_loop_test(tc, area_block_vs_rows, 0, n);
    tcase_add_loop_test(tc, host_rows_fast_vs_plain, 0, n);
    tcase_add_loop_test(tc, host_pick_streamed, 0, n);
}

int main(void) { return th_run("interpolate", setup, teardown, add_tests); }
