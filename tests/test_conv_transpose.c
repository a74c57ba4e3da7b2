/* test_conv_transpose.c — transposed convolution on every backend: PyTorch goldens (forward,
 * grad_input, grad_weight, grad_bias; f32 and f64), a direct-definition reference on random
 * configurations and memory layouts, the adjoint identities in f64 (<y(x), g> = <x, grad_input>
 * = <W, grad_weight>), finite differences of grad_weight and grad_bias, bit-identical repeated
 * runs, the argument rules with untouched outputs, and OpenCL against the host in f16, bf16,
 * f32 and f64 with strided views in host and device memory. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 8
static th_backend backends[MAX_BACKENDS];
static int nbackends;

/* golden records through the harness's generic reader */
static th_record *records;
static int nrecords;

static const double *values(th_record *r, const char *key, int64_t *n, int f32)
{
    return th_record_values(r, key, n, f32);
}

static int ints(const th_record *r, const char *key, int64_t *s)
{
    int n = th_record_shape(r, key, s);
    ck_assert_msg(n > 0, "%s: no %s", r->name, key);
    return n;
}

static void setup(void) { nbackends = th_backends(backends, MAX_BACKENDS); }
static void teardown(void) { th_backends_free(backends, nbackends); }

static int has_fp64(const th_backend *be) { return clrs_context_device(be->ctx)->fp64; }

/* 0 (with a note) when an OpenCL backend cannot run conv_transpose because the library was
 * built without CLBlast: the harness's contexts have host_fallback off, so such a build fails
 * with CLRS_ERR_BUILD (the fallback test checks the host_fallback path). */
static int usable(const th_backend *be)
{
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    float x[2] = {1, 2}, w[1] = {3}, y[2] = {0, 0};
    clrs_tensor tx, tw, ty;
    clrs_status st;
    memset(&tx, 0, sizeof tx);
    tx.dtype = CLRS_F32, tx.ndim = 3, tx.shape[0] = 1, tx.shape[1] = 1, tx.shape[2] = 2, tx.data = x;
    tx.contiguous = 1;
    tw = tx, tw.shape[2] = 1, tw.data = w;
    ty = tx, ty.data = y;
    st = clrs_conv_transpose(be->ctx, &p, &tx, &tw, NULL, &ty);
    if (st == CLRS_ERR_BUILD && strstr(clrs_error_message(), "without CLBlast")) {
        printf("conv_transpose [%s]: library built without CLBlast: skipped (%s)\n", be->name, clrs_error_message());
        return 0;
    }
    ck_assert_msg(st == CLRS_OK && y[0] == 3 && y[1] == 6, "conv_transpose [%s]: %s", be->name, clrs_error_message());
    return 1;
}

/* ---- a configuration and its direct-definition reference ---- */
typedef struct {
    int nsd, bias;
    int64_t N, Cin, Cout_g, G;
    int64_t in[3], k[3], s[3], p[3], op[3], d[3], out[3]; /* first nsd entries */
} cfg;

static clrs_conv_transpose_params params_of(const cfg *c)
{
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    int a;
    for (a = 0; a < c->nsd; a++) {
        p.stride[a] = c->s[a], p.padding[a] = c->p[a];
        p.output_padding[a] = c->op[a], p.dilation[a] = c->d[a];
    }
    p.groups = c->G;
    return p;
}

static void shapes(const cfg *c, int64_t xs[5], int64_t ws[5], int64_t ys[5])
{
    int a;
    xs[0] = c->N, xs[1] = c->Cin;
    ws[0] = c->Cin, ws[1] = c->Cout_g;
    ys[0] = c->N, ys[1] = c->Cout_g * c->G;
    for (a = 0; a < c->nsd; a++) xs[2 + a] = c->in[a], ws[2 + a] = c->k[a], ys[2 + a] = c->out[a];
}

static int64_t prod(const int64_t *v, int n)
{
    int64_t p = 1;
    int i;
    for (i = 0; i < n; i++) p *= v[i];
    return p;
}

/* y = conv_transpose(x, w) + b and the three gradients of <y, go>, by the definition: every
 * (input pixel, tap) pair adds x * w at out = in * stride - padding + tap * dilation. */
static void reference(const cfg *c, const double *x, const double *w, const double *b, const double *go,
                      double *y, double *gx, double *gw, double *gb)
{
    int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1}, S[3] = {1, 1, 1}, P[3] = {0, 0, 0}, D[3] = {1, 1, 1};
    const int64_t Cout = c->Cout_g * c->G, Cin_g = c->Cin / c->G;
    int64_t L, Lo, KK, n, ci, co, i, t, a;
    int u = 3 - c->nsd;
    for (a = 0; a < c->nsd; a++)
        I[u + a] = c->in[a], O[u + a] = c->out[a], K[u + a] = c->k[a], S[u + a] = c->s[a], P[u + a] = c->p[a],
                 D[u + a] = c->d[a];
    L = I[0] * I[1] * I[2], Lo = O[0] * O[1] * O[2], KK = K[0] * K[1] * K[2];
    memset(y, 0, sizeof *y * (size_t)(c->N * Cout * Lo));
    memset(gx, 0, sizeof *gx * (size_t)(c->N * c->Cin * L));
    memset(gw, 0, sizeof *gw * (size_t)(c->Cin * c->Cout_g * KK));
    memset(gb, 0, sizeof *gb * (size_t)Cout);
    for (n = 0; n < c->N; n++)
        for (ci = 0; ci < c->Cin; ci++)
            for (i = 0; i < L; i++)
                for (co = 0; co < c->Cout_g; co++)
                    for (t = 0; t < KK; t++) {
                        const int64_t i0 = i / (I[1] * I[2]), i1 = (i / I[2]) % I[1], i2 = i % I[2];
                        const int64_t k0 = t / (K[1] * K[2]), k1 = (t / K[2]) % K[1], k2 = t % K[2];
                        const int64_t o0 = i0 * S[0] - P[0] + k0 * D[0], o1 = i1 * S[1] - P[1] + k1 * D[1];
                        const int64_t o2 = i2 * S[2] - P[2] + k2 * D[2];
                        int64_t yi, xi, wi;
                        if (o0 < 0 || o0 >= O[0] || o1 < 0 || o1 >= O[1] || o2 < 0 || o2 >= O[2]) continue;
                        yi = (n * Cout + (ci / Cin_g) * c->Cout_g + co) * Lo + (o0 * O[1] + o1) * O[2] + o2;
                        xi = (n * c->Cin + ci) * L + i;
                        wi = (ci * c->Cout_g + co) * KK + t;
                        y[yi] += x[xi] * w[wi];
                        gx[xi] += w[wi] * go[yi];
                        gw[wi] += x[xi] * go[yi];
                    }
    for (n = 0; n < c->N; n++)
        for (co = 0; co < Cout; co++)
            for (i = 0; i < Lo; i++) {
                if (b) y[(n * Cout + co) * Lo + i] += b[co];
                gb[co] += go[(n * Cout + co) * Lo + i];
            }
}

/* ---- tensors with layouts ---- */
/* Layout: dimension `inner` (-1: none) innermost, the rest row-major; `gap` pads the
 * second-innermost extent by one (strides BLAS cannot take: the backends pack); `off`
 * elements of offset. */
typedef struct {
    int inner, gap;
    int64_t off;
} layout;

static void make_layout(th_tensor *t, clrs_dtype dt, int nd, const int64_t *shape, layout lo)
{
    int order[5], n = 0, d;
    int64_t s = 1;
    size_t es = clrs_dtype_size(dt);
    memset(t, 0, sizeof *t);
    if (lo.inner >= 0) order[n++] = lo.inner;
    for (d = nd - 1; d >= 0; d--)
        if (d != lo.inner) order[n++] = d;
    t->t.dtype = dt;
    t->t.ndim = nd;
    for (d = 0; d < nd; d++) {
        t->t.shape[d] = shape[d];
        t->t.strides[order[d]] = s;
        s *= shape[order[d]] + (lo.gap && d == 0 ? 1 : 0);
    }
    t->bytes = (size_t)(s + lo.off) * es;
    t->base = calloc(1, t->bytes);
    ck_assert_ptr_nonnull(t->base);
    t->t.data = t->base;
    t->t.offset = (size_t)lo.off * es;
}

static void fill(th_tensor *t, const double *v)
{
    int64_t i, n = th_numel(&t->t);
    for (i = 0; i < n; i++) th_set(&t->t, i, v[i]);
}

static double *read_all(const th_tensor *t)
{
    int64_t i, n = th_numel(&t->t);
    double *v = malloc(sizeof *v * (size_t)(n ? n : 1));
    ck_assert_ptr_nonnull(v);
    for (i = 0; i < n; i++) v[i] = th_get(&t->t, i);
    return v;
}

static double rel_err(const th_tensor *t, const double *ref)
{
    double *v = read_all(t), e = th_rel_error(v, ref, th_numel(&t->t));
    free(v);
    return e;
}

/* Device copies of host tensors (same bytes, strides and offset), for device-memory runs. */
static clrs_tensor to_device(const th_backend *be, const th_tensor *t, cl_mem *m)
{
    clrs_tensor d = t->t;
    cl_int err;
    *m = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, t->bytes, t->base,
                        &err);
    ck_assert_msg(*m != NULL, "clCreateBuffer: %d", err);
    d.data = NULL;
    d.mem = *m;
    return d;
}

static void from_device(const th_backend *be, th_tensor *t, cl_mem m)
{
    ck_assert_int_eq(clEnqueueReadBuffer(clrs_context_cl_queue(be->ctx), m, CL_TRUE, 0, t->bytes, t->base, 0, NULL,
                                         NULL),
                     CL_SUCCESS);
    clReleaseMemObject(m);
}

/* One forward + backward run on a backend; outputs land in y, gx, gw, gb (host tensors).
 * on_device: every tensor in device memory. */
static void run_case(const th_backend *be, const cfg *c, th_tensor *x, th_tensor *w, th_tensor *b, th_tensor *go,
                     th_tensor *y, th_tensor *gx, th_tensor *gw, th_tensor *gb, int on_device)
{
    clrs_conv_transpose_params p = params_of(c);
    clrs_status st;
    if (!on_device) {
        st = clrs_conv_transpose(be->ctx, &p, &x->t, &w->t, b ? &b->t : NULL, &y->t);
        ck_assert_msg(st == CLRS_OK, "conv_transpose [%s]: %s", be->name, clrs_error_message());
        st = clrs_conv_transpose_backward(be->ctx, &p, &go->t, &x->t, &w->t, gx ? &gx->t : NULL, gw ? &gw->t : NULL,
                                          gb ? &gb->t : NULL);
        ck_assert_msg(st == CLRS_OK, "conv_transpose_backward [%s]: %s", be->name, clrs_error_message());
    } else {
        cl_mem m[8] = {0};
        clrs_tensor dx = to_device(be, x, &m[0]), dw = to_device(be, w, &m[1]), dgo = to_device(be, go, &m[3]);
        clrs_tensor dy = to_device(be, y, &m[4]), db, dgx, dgw, dgb;
        if (b) db = to_device(be, b, &m[2]);
        if (gx) dgx = to_device(be, gx, &m[5]);
        if (gw) dgw = to_device(be, gw, &m[6]);
        if (gb) dgb = to_device(be, gb, &m[7]);
        st = clrs_conv_transpose(be->ctx, &p, &dx, &dw, b ? &db : NULL, &dy);
        ck_assert_msg(st == CLRS_OK, "conv_transpose [%s, device memory]: %s: %s", be->name, clrs_status_name(st), clrs_error_message());
        st = clrs_conv_transpose_backward(be->ctx, &p, &dgo, &dx, &dw, gx ? &dgx : NULL, gw ? &dgw : NULL,
                                          gb ? &dgb : NULL);
        ck_assert_msg(st == CLRS_OK, "conv_transpose_backward [%s, device memory]: %s", be->name,
                      clrs_error_message());
        from_device(be, y, m[4]);
        if (gx) from_device(be, gx, m[5]);
        if (gw) from_device(be, gw, m[6]);
        if (gb) from_device(be, gb, m[7]);
        clReleaseMemObject(m[0]), clReleaseMemObject(m[1]), clReleaseMemObject(m[3]);
        if (b) clReleaseMemObject(m[2]);
    }
}

/* ---- goldens ---- */

START_TEST(golden)
{
    th_backend *be;
    int k, dt, q, failures = 0, checks = 0;
    double worst[2][4][2]; /* [f32, f64][y, gx, gw, gb][vs torch f32 / f64] */
    static const char *qn[4] = {"output", "grad_input", "grad_weight", "grad_bias"};
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    memset(worst, 0, sizeof worst);
    nrecords = th_records_load("conv_transpose.txt", &records);
    for (k = 0; k < nrecords; k++) {
        th_record *r = &records[k];
        cfg c;
        int64_t xs[5], ws[5], ys[5], gs[5], n, tmp[5];
        int nd = ints(r, "in_shape", xs), a;
        memset(&c, 0, sizeof c);
        c.nsd = nd - 2;
        ints(r, "weight_shape", ws);
        ints(r, "out_shape", ys);
        ints(r, "stride", c.s), ints(r, "padding", c.p), ints(r, "output_padding", c.op), ints(r, "dilation", c.d);
        ints(r, "groups", tmp), c.G = tmp[0];
        ints(r, "bias", tmp), c.bias = (int)tmp[0];
        c.N = xs[0], c.Cin = xs[1], c.Cout_g = ws[1];
        for (a = 0; a < c.nsd; a++) c.in[a] = xs[2 + a], c.k[a] = ws[2 + a], c.out[a] = ys[2 + a];
        {
            clrs_conv_transpose_params p = params_of(&c);
            ck_assert_int_eq(clrs_conv_transpose_shape(&p, nd, xs, ws, gs), CLRS_OK);
            ck_assert_msg(!memcmp(gs, ys, sizeof(int64_t) * (size_t)nd), "%s: shape differs from torch's", r->name);
        }
        for (dt = 0; dt < 2; dt++) {
            const int f64 = dt == 1;
            const clrs_dtype type = f64 ? CLRS_F64 : CLRS_F32;
            const double tol = f64 ? 1e-12 : 1e-5;
            const double *x = values(r, "x", &n, 1), *w = values(r, "w", &n, 1), *g = values(r, "g", &n, 1);
            const double *b = c.bias ? values(r, "b", &n, 1) : NULL;
            const double *ref[4][2];
            th_tensor tx, tw, tb, tgo, out[4];
            const int64_t bs[1] = {ys[1]};
            layout lo = {-1, 0, 0};
            if (f64 && !has_fp64(be)) continue;
            ref[0][0] = values(r, "y32", &n, 1), ref[0][1] = values(r, "y64", &n, 0);
            ref[1][0] = values(r, "gx32", &n, 1), ref[1][1] = values(r, "gx64", &n, 0);
            ref[2][0] = values(r, "gw32", &n, 1), ref[2][1] = values(r, "gw64", &n, 0);
            if (c.bias) ref[3][0] = values(r, "gb32", &n, 1), ref[3][1] = values(r, "gb64", &n, 0);
            make_layout(&tx, type, nd, xs, lo), fill(&tx, x);
            make_layout(&tw, type, nd, ws, lo), fill(&tw, w);
            make_layout(&tgo, type, nd, ys, lo), fill(&tgo, g);
            make_layout(&tb, type, 1, bs, lo);
            if (b) fill(&tb, b);
            make_layout(&out[0], type, nd, ys, lo);
            make_layout(&out[1], type, nd, xs, lo);
            make_layout(&out[2], type, nd, ws, lo);
            make_layout(&out[3], type, 1, bs, lo);
            run_case(be, &c, &tx, &tw, c.bias ? &tb : NULL, &tgo, &out[0], &out[1], &out[2], c.bias ? &out[3] : NULL, 0);
            for (q = 0; q < (c.bias ? 4 : 3); q++) {
                int src;
                for (src = f64; src < 2; src++) { /* f32 against torch f32 and f64; f64 against f64 */
                    double e = rel_err(&out[q], ref[q][src]);
                    checks++;
                    if (e > worst[dt][q][src]) worst[dt][q][src] = e;
                    if (!(e <= tol)) {
                        failures++;
                        fprintf(stderr, "FAIL %s %s %s vs torch %s: %g [%s]\n", r->name, f64 ? "f64" : "f32", qn[q],
                                src ? "f64" : "f32", e, be->name);
                    }
                }
            }
            th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tb), th_tensor_free(&tgo);
            for (q = 0; q < 4; q++) th_tensor_free(&out[q]);
        }
    }
    printf("conv_transpose golden [%s]: %d cases, %d comparisons, worst rel error\n", be->name, nrecords, checks);
    for (q = 0; q < 4; q++)
        printf("  %-11s f32 vs torch f32 %.2e, vs torch f64 %.2e | f64 vs torch f64 %.2e\n", qn[q], worst[0][q][0],
               worst[0][q][1], worst[1][q][1]);
    th_records_free(records, nrecords);
    records = NULL;
    ck_assert_msg(failures == 0, "%d conv_transpose golden comparisons failed on %s", failures, be->name);
}
END_TEST

/* ---- random configurations ---- */

static void random_cfg(uint64_t *rng, cfg *c, int small)
{
    int a;
    for (;;) {
        int ok = 1;
        memset(c, 0, sizeof *c);
        c->nsd = 1 + (int)(th_rand(rng) % 3);
        c->G = 1 + (int64_t)(th_rand(rng) % 3);
        c->N = 1 + (int64_t)(th_rand(rng) % 2);
        c->Cin = c->G * (1 + (int64_t)(th_rand(rng) % 3));
        c->Cout_g = 1 + (int64_t)(th_rand(rng) % 3);
        c->bias = (int)(th_rand(rng) % 2);
        for (a = 0; a < c->nsd; a++) {
            const int64_t maxin = small || c->nsd == 3 ? 4 : 7;
            c->in[a] = 1 + (int64_t)(th_rand(rng) % (uint64_t)maxin);
            c->k[a] = 1 + (int64_t)(th_rand(rng) % 3);
            c->s[a] = 1 + (int64_t)(th_rand(rng) % 3);
            c->d[a] = 1 + (int64_t)(th_rand(rng) % 2);
            c->p[a] = (int64_t)(th_rand(rng) % 3);
            c->op[a] = (int64_t)(th_rand(rng) % (uint64_t)(c->s[a] > c->d[a] ? c->s[a] : c->d[a]));
            c->out[a] = (c->in[a] - 1) * c->s[a] - 2 * c->p[a] + c->d[a] * (c->k[a] - 1) + c->op[a] + 1;
            if (c->out[a] < 1) ok = 0;
        }
        if (ok) return;
    }
}

static void describe(const cfg *c, char *buf, size_t cap)
{
    int a, n = snprintf(buf, cap, "%dd N%lld Cin%lld Cout/g%lld G%lld bias%d", c->nsd, (long long)c->N,
                        (long long)c->Cin, (long long)c->Cout_g, (long long)c->G, c->bias);
    for (a = 0; a < c->nsd && n < (int)cap; a++)
        n += snprintf(buf + n, cap - (size_t)n, " [in%lld k%lld s%lld p%lld op%lld d%lld]", (long long)c->in[a],
                      (long long)c->k[a], (long long)c->s[a], (long long)c->p[a], (long long)c->op[a],
                      (long long)c->d[a]);
}

/* A random layout: contiguous, channels-last (C innermost; for the weight C_in innermost), or
 * padded (packing), with an offset. */
static layout random_layout(uint64_t *rng, int is_weight)
{
    layout lo;
    int kind = (int)(th_rand(rng) % 3);
    lo.inner = kind == 1 ? (is_weight ? 0 : 1) : -1;
    lo.gap = kind == 2;
    lo.off = (int64_t)(th_rand(rng) % 3);
    return lo;
}

/* A bias with stride 2 (torch's b[::2]), channels-last input and output, a weight with its
 * kernel axes swapped, groups and dilation: float32 (oneDNN on the host) against float64
 * (CBLAS) on the same values. oneDNN 2.6 reads a bias densely whatever its strides; the
 * library reorders it first (found by tests/test_dlpack_torch.py). */
START_TEST(strided_bias)
{
    th_backend *be;
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    const int64_t xs[4] = {2, 4, 5, 6}, ws[4] = {4, 3, 3, 4}, bs2[1] = {12};
    int64_t ys[4], i;
    uint64_t rng = th_seed("conv_transpose strided_bias");
    th_tensor x[2], w[2], b[2], y[2];
    double *ref, e;
    int k;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be) || (_i > 0 && !has_fp64(be))) return;
    p.stride[0] = 2, p.stride[1] = 1, p.padding[0] = 1, p.output_padding[0] = 1;
    p.dilation[0] = 1, p.dilation[1] = 2, p.groups = 2;
    ck_assert_int_eq(clrs_conv_transpose_shape(&p, 4, xs, ws, ys), CLRS_OK);
    for (k = 0; k < 2; k++) {
        const clrs_dtype dt = k ? CLRS_F64 : CLRS_F32;
        make_layout(&x[k], dt, 4, xs, (layout){1, 0, 0});
        make_layout(&y[k], dt, 4, ys, (layout){1, 0, 0});
        {
            const int64_t wt[4] = {4, 3, 4, 3}; /* allocated (..., kw, kh), viewed (..., kh, kw) */
            make_layout(&w[k], dt, 4, wt, (layout){-1, 0, 0});
            w[k].t.shape[2] = 3, w[k].t.shape[3] = 4;
            w[k].t.strides[2] = 1, w[k].t.strides[3] = 3;
        }
        make_layout(&b[k], dt, 1, bs2, (layout){-1, 0, 0});
        b[k].t.shape[0] = 6, b[k].t.strides[0] = 2;
    }
    for (i = 0; i < th_numel(&x[0].t); i++) {
        const double v = th_round(CLRS_F32, th_uniform(&rng));
        th_set(&x[0].t, i, v), th_set(&x[1].t, i, v);
    }
    for (i = 0; i < th_numel(&w[0].t); i++) {
        const double v = th_round(CLRS_F32, th_uniform(&rng));
        th_set(&w[0].t, i, v), th_set(&w[1].t, i, v);
    }
    for (i = 0; i < 6; i++) {
        const double v = th_round(CLRS_F32, 1 + th_uniform(&rng));
        th_set(&b[0].t, i, v), th_set(&b[1].t, i, v);
    }
    for (k = 0; k < 2; k++)
        ck_assert_msg(clrs_conv_transpose(be->ctx, &p, &x[k].t, &w[k].t, &b[k].t, &y[k].t) == CLRS_OK, "%s",
                      clrs_error_message());
    ref = read_all(&y[1]);
    e = rel_err(&y[0], ref);
    ck_assert_msg(e <= 1e-5, "[%s] float32 vs float64 with a strided bias: rel %g", be->name, e);
    printf("conv_transpose [%s]: strided bias, channels-last, swapped kernel axes, groups, dilation: float32 "
           "within %.1e of float64\n", be->name, e);
    free(ref);
    for (k = 0; k < 2; k++) th_tensor_free(&x[k]), th_tensor_free(&w[k]), th_tensor_free(&b[k]), th_tensor_free(&y[k]);
}
END_TEST

/* The host's sub-pixel forwards (a strided transposed convolution as one oneDNN convolution
 * per output phase, CLRS_DNNL_SUBPIXEL=phases, or as one convolution over all phases, the
 * default where it applies) against oneDNN's deconvolution (CLRS_DNNL_SUBPIXEL=0), on random
 * strided, undilated configurations and layouts (channels innermost, padded rows, offsets),
 * groups and bias; every other trial has kernel sizes that the stride divides (where the fused
 * form applies). A build without oneDNN runs the same path three times. */
START_TEST(subpixel_forward)
{
    th_backend *be;
    uint64_t rng;
    int trial, compared = 0, m;
    double worst = 0;
    static const char *const modes[2] = {"phases", "1"};
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i != 0) return; /* the host backend's path */
    rng = th_seed("conv_transpose subpixel_forward");
    for (trial = 0; trial < (th_quick() ? 8 : 40); trial++) {
        clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
        const int nsd = 1 + (int)(th_rand(&rng) % 3), nd = nsd + 2;
        /* odd trials: ungrouped (oneDNN 2.6 has only its reference loops for these grouped ones) */
        const int64_t G = trial % 2 ? 1 : 1 + (int64_t)(th_rand(&rng) % 2);
        int64_t xs[5], ws[5], ys[5], bs[1], i, n;
        th_tensor x, w, b, y0, y1;
        double *v0;
        int d, m;
        xs[0] = 1 + (int64_t)(th_rand(&rng) % 2), xs[1] = G * (1 + (int64_t)(th_rand(&rng) % 3));
        ws[0] = xs[1], ws[1] = 1 + (int64_t)(th_rand(&rng) % 3);
        if (trial % 2) /* channels for which oneDNN has JIT kernels (not its reference loops) */
            xs[1] = G * 8 * (1 + (int64_t)(th_rand(&rng) % 2)), ws[0] = xs[1], ws[1] = 8 * (1 + (int64_t)(th_rand(&rng) % 2));
        for (d = 0; d < nsd; d++) {
            ws[2 + d] = 1 + (int64_t)(th_rand(&rng) % 5);
            xs[2 + d] = 1 + (int64_t)(th_rand(&rng) % (nsd == 3 ? 5 : 9));
            p.stride[d] = 1 + (int64_t)(th_rand(&rng) % 3);
            if (trial % 2) ws[2 + d] = p.stride[d] * (1 + (int64_t)(th_rand(&rng) % 2));
            p.padding[d] = (int64_t)(th_rand(&rng) % ws[2 + d]);
            p.output_padding[d] = (int64_t)(th_rand(&rng) % p.stride[d]);
            p.dilation[d] = 1;
        }
        p.groups = G;
        bs[0] = ws[1] * G;
        if (clrs_conv_transpose_shape(&p, nd, xs, ws, ys) != CLRS_OK) continue;
        make_layout(&x, CLRS_F32, nd, xs, random_layout(&rng, 0));
        make_layout(&w, CLRS_F32, nd, ws, random_layout(&rng, 1));
        make_layout(&b, CLRS_F32, 1, bs, (layout){-1, 0, 0});
        make_layout(&y0, CLRS_F32, nd, ys, random_layout(&rng, 0));
        make_layout(&y1, CLRS_F32, nd, ys, random_layout(&rng, 0));
        for (i = 0; i < th_numel(&x.t); i++) th_set(&x.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&w.t); i++) th_set(&w.t, i, th_uniform(&rng));
        for (i = 0; i < bs[0]; i++) th_set(&b.t, i, th_uniform(&rng));
        setenv("CLRS_DNNL_SUBPIXEL", "0", 1);
        ck_assert_msg(clrs_conv_transpose(be->ctx, &p, &x.t, &w.t, &b.t, &y0.t) == CLRS_OK, "%s", clrs_error_message());
        v0 = read_all(&y0);
        n = th_numel(&y0.t);
        for (m = 0; m < 2; m++) {
            double e;
            for (i = 0; i < n; i++) th_set(&y1.t, i, NAN); /* an element left unwritten shows */
            setenv("CLRS_DNNL_SUBPIXEL", modes[m], 1);
            ck_assert_msg(clrs_conv_transpose(be->ctx, &p, &x.t, &w.t, &b.t, &y1.t) == CLRS_OK, "%s",
                          clrs_error_message());
            e = rel_err(&y1, v0);
            ck_assert_msg(e <= 1e-5, "trial %d (%dd, groups %d): sub-pixel (%s) vs deconvolution rel %g", trial, nsd,
                          (int)G, modes[m], e);
            if (e > worst) worst = e;
        }
        unsetenv("CLRS_DNNL_SUBPIXEL");
        compared += n > 0;
        free(v0);
        th_tensor_free(&x), th_tensor_free(&w), th_tensor_free(&b), th_tensor_free(&y0), th_tensor_free(&y1);
    }
    for (m = 0; m < 2; m++) {
        /* the fused form on a few batch entries, the benchmark's 4x4 stride 2: 3 entries go in
           two chunks (each entry's convolution output, 4 x 16 channels x 90^2 floats, is 2 MB);
           5 entries, with 2 or more threads, one entry per thread in one parallel region */
        clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
        const int64_t xs[4] = {m ? 5 : 3, 8, 89, 89}, ws[4] = {8, 16, 4, 4}, bs[1] = {16};
        int64_t ys[4], i, n;
        th_tensor x, w, b, y0, y1;
        double *v0, e;
        p.stride[0] = p.stride[1] = 2, p.padding[0] = p.padding[1] = 1;
        ck_assert_int_eq(clrs_conv_transpose_shape(&p, 4, xs, ws, ys), CLRS_OK);
        make_layout(&x, CLRS_F32, 4, xs, (layout){-1, 0, 0});
        make_layout(&w, CLRS_F32, 4, ws, (layout){-1, 0, 0});
        make_layout(&b, CLRS_F32, 1, bs, (layout){-1, 0, 0});
        make_layout(&y0, CLRS_F32, 4, ys, (layout){-1, 0, 0});
        make_layout(&y1, CLRS_F32, 4, ys, (layout){-1, 0, 0});
        for (i = 0; i < th_numel(&x.t); i++) th_set(&x.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&w.t); i++) th_set(&w.t, i, th_uniform(&rng));
        for (i = 0; i < bs[0]; i++) th_set(&b.t, i, th_uniform(&rng));
        n = th_numel(&y1.t);
        for (i = 0; i < n; i++) th_set(&y1.t, i, NAN);
        setenv("CLRS_DNNL_SUBPIXEL", "0", 1);
        ck_assert_msg(clrs_conv_transpose(be->ctx, &p, &x.t, &w.t, &b.t, &y0.t) == CLRS_OK, "%s", clrs_error_message());
        unsetenv("CLRS_DNNL_SUBPIXEL");
        ck_assert_msg(clrs_conv_transpose(be->ctx, &p, &x.t, &w.t, &b.t, &y1.t) == CLRS_OK, "%s", clrs_error_message());
        v0 = read_all(&y0);
        e = rel_err(&y1, v0);
        ck_assert_msg(e <= 1e-5, "%d x 8 x 89^2, 4x4 stride 2: sub-pixel vs deconvolution rel %g", (int)xs[0], e);
        if (e > worst) worst = e;
        compared++;
        free(v0);
        th_tensor_free(&x), th_tensor_free(&w), th_tensor_free(&b), th_tensor_free(&y0), th_tensor_free(&y1);
    }
    printf("conv_transpose sub-pixel forwards [%s]: %d configurations, both forms equal the deconvolution within %.1e\n",
           be->name, compared, worst);
}
END_TEST

/* Every backend against the reference on random configurations and layouts, in every dtype.
 * Inputs are rounded to the dtype first, so the reference sees what the library sees; outputs
 * start as NaN, so an element left unwritten (or a GEMM that reads C with beta 0) shows. */
START_TEST(reference_layouts)
{
    th_backend *be;
    uint64_t rng;
    int trial, trials = th_quick() ? 8 : 40;
    double worst[4][4]; /* [dtype][y, gx, gw, gb] */
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    memset(worst, 0, sizeof worst);
    rng = th_seed("conv_transpose reference_layouts");
    for (trial = 0; trial < trials; trial++) {
        cfg c;
        clrs_dtype dt = (clrs_dtype)(th_rand(&rng) % 4);
        int64_t xs[5], ws[5], ys[5], bs[1], nx, nw, ny, i;
        double *x, *w, *b, *g, *y, *gx, *gw, *gb, tol;
        th_tensor tx, tw, tb, tgo, out[4];
        int q, nd, on_device;
        char desc[300];
        random_cfg(&rng, &c, 0);
        if (dt == CLRS_F64 && !has_fp64(be)) dt = CLRS_F32;
        tol = dt == CLRS_F64 ? 1e-12 : dt == CLRS_F32 ? 1e-5 : dt == CLRS_F16 ? 2e-3 : 1.6e-2;
        on_device = _i > 0 && th_rand(&rng) % 2;
        nd = c.nsd + 2;
        shapes(&c, xs, ws, ys);
        bs[0] = ys[1];
        nx = prod(xs, nd), nw = prod(ws, nd), ny = prod(ys, nd);
        x = malloc(sizeof *x * (size_t)nx), w = malloc(sizeof *w * (size_t)nw), g = malloc(sizeof *g * (size_t)ny);
        b = malloc(sizeof *b * (size_t)bs[0]);
        y = malloc(sizeof *y * (size_t)ny), gx = malloc(sizeof *gx * (size_t)nx), gw = malloc(sizeof *gw * (size_t)nw);
        gb = malloc(sizeof *gb * (size_t)bs[0]);
        for (i = 0; i < nx; i++) x[i] = th_round(dt, th_uniform(&rng));
        for (i = 0; i < nw; i++) w[i] = th_round(dt, th_uniform(&rng));
        for (i = 0; i < ny; i++) g[i] = th_round(dt, th_uniform(&rng));
        for (i = 0; i < bs[0]; i++) b[i] = th_round(dt, th_uniform(&rng));
        reference(&c, x, w, c.bias ? b : NULL, g, y, gx, gw, gb);
        make_layout(&tx, dt, nd, xs, random_layout(&rng, 0)), fill(&tx, x);
        make_layout(&tw, dt, nd, ws, random_layout(&rng, 1)), fill(&tw, w);
        make_layout(&tgo, dt, nd, ys, random_layout(&rng, 0)), fill(&tgo, g);
        if (th_rand(&rng) % 2) { /* a strided bias (every other element: torch's b[::2]) */
            const int64_t twice[1] = {2 * bs[0]};
            make_layout(&tb, dt, 1, twice, random_layout(&rng, 1));
            tb.t.shape[0] = bs[0], tb.t.strides[0] *= 2;
        } else {
            make_layout(&tb, dt, 1, bs, random_layout(&rng, 1));
        }
        fill(&tb, b);
        make_layout(&out[0], dt, nd, ys, random_layout(&rng, 0));
        make_layout(&out[1], dt, nd, xs, random_layout(&rng, 0));
        make_layout(&out[2], dt, nd, ws, random_layout(&rng, 1));
        make_layout(&out[3], dt, 1, bs, random_layout(&rng, 1));
        for (q = 0; q < 4; q++) memset(out[q].base, 0xFF, out[q].bytes); /* NaN: every element must be written */
        describe(&c, desc, sizeof desc);
        run_case(be, &c, &tx, &tw, c.bias ? &tb : NULL, &tgo, &out[0], &out[1], &out[2], &out[3], on_device);
        {
            const double *ref[4] = {y, gx, gw, gb};
            static const char *qn[4] = {"output", "grad_input", "grad_weight", "grad_bias"};
            for (q = 0; q < 4; q++) {
                double e = rel_err(&out[q], ref[q]);
                if (e > worst[dt][q]) worst[dt][q] = e;
                ck_assert_msg(e <= tol, "trial %d (%s, dtype %d%s) %s: rel error %g vs the reference [%s]", trial, desc,
                              (int)dt, on_device ? ", device memory" : "", qn[q], e, be->name);
            }
        }
        th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tb), th_tensor_free(&tgo);
        for (q = 0; q < 4; q++) th_tensor_free(&out[q]);
        free(x), free(w), free(b), free(g), free(y), free(gx), free(gw), free(gb);
    }
    printf("conv_transpose reference [%s]: %d random configurations and layouts; worst rel error "
           "(output/grad_input/grad_weight/grad_bias)\n", be->name, trials);
    for (trial = 0; trial < 4; trial++)
        printf("  %-4s %.1e %.1e %.1e %.1e\n", trial == 0 ? "f32" : trial == 1 ? "f64" : trial == 2 ? "f16" : "bf16",
               worst[trial][0], worst[trial][1], worst[trial][2], worst[trial][3]);
}
END_TEST

static double dot(const th_tensor *a, const th_tensor *b)
{
    double s = 0;
    int64_t i, n = th_numel(&a->t);
    for (i = 0; i < n; i++) s += th_get(&a->t, i) * th_get(&b->t, i);
    return s;
}

/* f64: <y(x, W), g> = <x, grad_input> = <W, grad_weight> (bias 0); central differences of
 * L = <y, g> in weight entries and bias entries against grad_weight and grad_bias; grad_bias
 * against the plain sum of g. */
START_TEST(adjoint_and_fd)
{
    th_backend *be;
    uint64_t rng;
    int trial, trials = th_quick() ? 4 : 16, fd_checks = 0;
    double worst_adj = 0, worst_fd = 0, worst_gb = 0;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    if (!has_fp64(be)) {
        printf("conv_transpose adjoint/fd [%s]: no fp64: skipped (the host covers it)\n", be->name);
        return;
    }
    rng = th_seed("conv_transpose adjoint/fd");
    for (trial = 0; trial < trials; trial++) {
        cfg c;
        clrs_conv_transpose_params p;
        int64_t xs[5], ws[5], ys[5], bs[1], i, j;
        th_tensor tx, tw, tb, tgo, ty, tgx, tgw, tgb, tz;
        layout lo = {-1, 0, 0};
        double lhs, r1, r2, e;
        int nd, f;
        random_cfg(&rng, &c, 1);
        p = params_of(&c);
        nd = c.nsd + 2;
        shapes(&c, xs, ws, ys);
        bs[0] = ys[1];
        make_layout(&tx, CLRS_F64, nd, xs, lo), make_layout(&tw, CLRS_F64, nd, ws, lo);
        make_layout(&tgo, CLRS_F64, nd, ys, lo), make_layout(&ty, CLRS_F64, nd, ys, lo);
        make_layout(&tgx, CLRS_F64, nd, xs, lo), make_layout(&tgw, CLRS_F64, nd, ws, lo);
        make_layout(&tb, CLRS_F64, 1, bs, lo), make_layout(&tgb, CLRS_F64, 1, bs, lo), make_layout(&tz, CLRS_F64, 1, bs, lo);
        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&tw.t); i++) th_set(&tw.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
        for (i = 0; i < bs[0]; i++) th_set(&tb.t, i, th_uniform(&rng));
        ck_assert_int_eq(clrs_conv_transpose(be->ctx, &p, &tx.t, &tw.t, NULL, &ty.t), CLRS_OK);
        ck_assert_int_eq(clrs_conv_transpose_backward(be->ctx, &p, &tgo.t, &tx.t, &tw.t, &tgx.t, &tgw.t, &tgb.t),
                         CLRS_OK);
        lhs = dot(&ty, &tgo), r1 = dot(&tx, &tgx), r2 = dot(&tw, &tgw);
        e = fmax(fabs(lhs - r1), fabs(lhs - r2)) / fmax(1, fabs(lhs));
        if (e > worst_adj) worst_adj = e;
        ck_assert_msg(e < 1e-12, "adjoint trial %d: <y,g> %.17g <x,gx> %.17g <w,gw> %.17g [%s]", trial, lhs, r1, r2,
                      be->name);
        /* grad_bias = sum of g over batch and pixels */
        for (j = 0; j < bs[0]; j++) {
            double s = 0;
            int64_t per = th_numel(&tgo.t) / (c.N * bs[0]), n;
            for (n = 0; n < c.N; n++)
                for (i = 0; i < per; i++) s += th_get(&tgo.t, (n * bs[0] + j) * per + i);
            e = fabs(th_get(&tgb.t, j) - s) / fmax(1, fabs(s));
            if (e > worst_gb) worst_gb = e;
            ck_assert_msg(e < 1e-12, "grad_bias[%lld] %.17g vs sum %.17g [%s]", (long long)j, th_get(&tgb.t, j), s,
                          be->name);
        }
        /* central differences of L = <y(x, W, b), g>: L is affine in W and b, so they agree
         * to rounding */
        for (f = 0; f < 4; f++) {
            const int in_bias = f == 3;
            th_tensor *t = in_bias ? &tb : &tw, *gr = in_bias ? &tgb : &tgw;
            const int64_t idx = (int64_t)(th_rand(&rng) % (uint64_t)th_numel(&t->t));
            const double h = 1e-3, v0 = th_get(&t->t, idx);
            double lp, lm, fd;
            th_set(&t->t, idx, v0 + h);
            ck_assert_int_eq(clrs_conv_transpose(be->ctx, &p, &tx.t, &tw.t, &tb.t, &ty.t), CLRS_OK);
            lp = dot(&ty, &tgo);
            th_set(&t->t, idx, v0 - h);
            ck_assert_int_eq(clrs_conv_transpose(be->ctx, &p, &tx.t, &tw.t, &tb.t, &ty.t), CLRS_OK);
            lm = dot(&ty, &tgo);
            th_set(&t->t, idx, v0);
            fd = (lp - lm) / (2 * h);
            e = fabs(fd - th_get(&gr->t, idx)) / fmax(1, fabs(fd));
            if (e > worst_fd) worst_fd = e;
            fd_checks++;
            ck_assert_msg(e < 1e-9, "fd of %s[%lld]: %.17g vs %.17g [%s]", in_bias ? "bias" : "weight", (long long)idx, fd,
                          th_get(&gr->t, idx), be->name);
        }
        th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tb), th_tensor_free(&tgo), th_tensor_free(&ty);
        th_tensor_free(&tgx), th_tensor_free(&tgw), th_tensor_free(&tgb), th_tensor_free(&tz);
    }
    printf("conv_transpose [%s]: adjoint identities over %d configurations within %.1e; %d finite differences "
           "(grad_weight, grad_bias) within %.1e; grad_bias vs sum within %.1e\n",
           be->name, trials, worst_adj, fd_checks, worst_fd, worst_gb);
}
END_TEST

/* Repeated runs are bit-identical (no atomics on any backend). */
START_TEST(deterministic)
{
    th_backend *be;
    cfg c = {2, 1, 2, 6, 3, 2, {6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 0}, {1, 2}, {0, 0}};
    int64_t xs[5], ws[5], ys[5], bs[1], i;
    th_tensor tx, tw, tb, tgo, ref[4], out[4];
    layout lo = {-1, 0, 0};
    uint64_t rng = 11;
    int run, q;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    for (i = 0; i < 2; i++) c.out[i] = (c.in[i] - 1) * c.s[i] - 2 * c.p[i] + c.d[i] * (c.k[i] - 1) + c.op[i] + 1;
    shapes(&c, xs, ws, ys);
    bs[0] = ys[1];
    make_layout(&tx, CLRS_F32, 4, xs, lo), make_layout(&tw, CLRS_F32, 4, ws, lo);
    make_layout(&tgo, CLRS_F32, 4, ys, lo), make_layout(&tb, CLRS_F32, 1, bs, lo);
    for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
    for (i = 0; i < th_numel(&tw.t); i++) th_set(&tw.t, i, th_uniform(&rng));
    for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
    for (i = 0; i < bs[0]; i++) th_set(&tb.t, i, th_uniform(&rng));
    make_layout(&ref[0], CLRS_F32, 4, ys, lo), make_layout(&out[0], CLRS_F32, 4, ys, lo);
    make_layout(&ref[1], CLRS_F32, 4, xs, lo), make_layout(&out[1], CLRS_F32, 4, xs, lo);
    make_layout(&ref[2], CLRS_F32, 4, ws, lo), make_layout(&out[2], CLRS_F32, 4, ws, lo);
    make_layout(&ref[3], CLRS_F32, 1, bs, lo), make_layout(&out[3], CLRS_F32, 1, bs, lo);
    run_case(be, &c, &tx, &tw, &tb, &tgo, &ref[0], &ref[1], &ref[2], &ref[3], 0);
    for (run = 0; run < 10; run++) {
        run_case(be, &c, &tx, &tw, &tb, &tgo, &out[0], &out[1], &out[2], &out[3], 0);
        for (q = 0; q < 4; q++)
            ck_assert_msg(!memcmp(out[q].base, ref[q].base, ref[q].bytes), "run %d: output %d differs [%s]", run, q,
                          be->name);
    }
    printf("conv_transpose [%s]: forward and all gradients bit-identical over 10 runs\n", be->name);
    th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tgo), th_tensor_free(&tb);
    for (q = 0; q < 4; q++) th_tensor_free(&ref[q]), th_tensor_free(&out[q]);
}
END_TEST

/* OpenCL against the host, same tensors and layouts, every dtype. */
START_TEST(opencl_vs_host)
{
    th_backend *be;
    clrs_context *host = backends[0].ctx;
    uint64_t rng;
    int trial, trials = th_quick() ? 6 : 30;
    double worst[4] = {0, 0, 0, 0};
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i == 0) return;
    if (!usable(be)) return;
    rng = th_seed("conv_transpose opencl_vs_host");
    for (trial = 0; trial < trials; trial++) {
        cfg c;
        clrs_dtype dt = (clrs_dtype)(trial % 4);
        int64_t xs[5], ws[5], ys[5], bs[1], i;
        th_tensor tx, tw, tb, tgo, d[4], h[4];
        int q, nd, on_device = (int)(th_rand(&rng) % 2);
        layout lo[4];
        char desc[300];
        random_cfg(&rng, &c, 0);
        if (dt == CLRS_F64 && !has_fp64(be)) dt = CLRS_F32;
        nd = c.nsd + 2;
        shapes(&c, xs, ws, ys);
        bs[0] = ys[1];
        make_layout(&tx, dt, nd, xs, random_layout(&rng, 0));
        make_layout(&tw, dt, nd, ws, random_layout(&rng, 1));
        make_layout(&tgo, dt, nd, ys, random_layout(&rng, 0));
        make_layout(&tb, dt, 1, bs, random_layout(&rng, 1));
        for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&tw.t); i++) th_set(&tw.t, i, th_uniform(&rng));
        for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
        for (i = 0; i < bs[0]; i++) th_set(&tb.t, i, th_uniform(&rng));
        for (q = 0; q < 4; q++) lo[q] = random_layout(&rng, q >= 2);
        make_layout(&d[0], dt, nd, ys, lo[0]), make_layout(&h[0], dt, nd, ys, lo[0]);
        make_layout(&d[1], dt, nd, xs, lo[1]), make_layout(&h[1], dt, nd, xs, lo[1]);
        make_layout(&d[2], dt, nd, ws, lo[2]), make_layout(&h[2], dt, nd, ws, lo[2]);
        make_layout(&d[3], dt, 1, bs, lo[3]), make_layout(&h[3], dt, 1, bs, lo[3]);
        describe(&c, desc, sizeof desc);
        run_case(be, &c, &tx, &tw, c.bias ? &tb : NULL, &tgo, &d[0], &d[1], &d[2], &d[3], on_device);
        run_case(&backends[0], &c, &tx, &tw, c.bias ? &tb : NULL, &tgo, &h[0], &h[1], &h[2], &h[3], 0);
        (void)host;
        {
            const double tol = dt == CLRS_F64 ? 1e-12 : dt == CLRS_F32 ? 1e-5 : dt == CLRS_F16 ? 2e-3 : 1.6e-2;
            for (q = 0; q < 4; q++) {
                double *ref = read_all(&h[q]), e = rel_err(&d[q], ref);
                free(ref);
                if (e > worst[dt]) worst[dt] = e;
                ck_assert_msg(e <= tol, "trial %d (%s, dtype %d%s): tensor %d OpenCL vs host %g", trial, desc, (int)dt,
                              on_device ? ", device memory" : "", q, e);
            }
        }
        th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tb), th_tensor_free(&tgo);
        for (q = 0; q < 4; q++) th_tensor_free(&d[q]), th_tensor_free(&h[q]);
    }
    printf("conv_transpose opencl_vs_host [%s]: %d random layouts; worst rel f32 %.1e f64 %.1e f16 %.1e bf16 %.1e\n",
           be->name, trials, worst[0], worst[1], worst[2], worst[3]);
}
END_TEST

/* A device context with host_fallback on: the same results as the host, counted as fallbacks
 * only when the device cannot run the op (no CLBlast in the build). */
START_TEST(fallback)
{
    th_backend *be;
    clrs_context *ctx = NULL;
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_cache_stats stats;
    cfg c = {2, 1, 2, 4, 3, 2, {5, 4}, {3, 2}, {2, 1}, {1, 0}, {1, 0}, {1, 2}, {0, 0}};
    int64_t xs[5], ws[5], ys[5], bs[1], i;
    th_tensor tx, tw, tb, tgo, h[4], d[4];
    layout lo = {-1, 0, 0};
    uint64_t rng = 3;
    int q, ok;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (_i == 0) return;
    ok = usable(be);
    o.device = be->spec, o.cache_dir = "", o.host_fallback = 1;
    ck_assert_int_eq(clrs_context_create(&ctx, &o), CLRS_OK);
    for (i = 0; i < 2; i++) c.out[i] = (c.in[i] - 1) * c.s[i] - 2 * c.p[i] + c.d[i] * (c.k[i] - 1) + c.op[i] + 1;
    shapes(&c, xs, ws, ys);
    bs[0] = ys[1];
    make_layout(&tx, CLRS_F32, 4, xs, lo), make_layout(&tw, CLRS_F32, 4, ws, lo);
    make_layout(&tgo, CLRS_F32, 4, ys, lo), make_layout(&tb, CLRS_F32, 1, bs, lo);
    for (i = 0; i < th_numel(&tx.t); i++) th_set(&tx.t, i, th_uniform(&rng));
    for (i = 0; i < th_numel(&tw.t); i++) th_set(&tw.t, i, th_uniform(&rng));
    for (i = 0; i < th_numel(&tgo.t); i++) th_set(&tgo.t, i, th_uniform(&rng));
    for (i = 0; i < bs[0]; i++) th_set(&tb.t, i, th_uniform(&rng));
    make_layout(&h[0], CLRS_F32, 4, ys, lo), make_layout(&d[0], CLRS_F32, 4, ys, lo);
    make_layout(&h[1], CLRS_F32, 4, xs, lo), make_layout(&d[1], CLRS_F32, 4, xs, lo);
    make_layout(&h[2], CLRS_F32, 4, ws, lo), make_layout(&d[2], CLRS_F32, 4, ws, lo);
    make_layout(&h[3], CLRS_F32, 1, bs, lo), make_layout(&d[3], CLRS_F32, 1, bs, lo);
    run_case(&backends[0], &c, &tx, &tw, &tb, &tgo, &h[0], &h[1], &h[2], &h[3], 0);
    {
        th_backend fb = *be;
        fb.ctx = ctx;
        run_case(&fb, &c, &tx, &tw, &tb, &tgo, &d[0], &d[1], &d[2], &d[3], 1);
    }
    for (q = 0; q < 4; q++) {
        double *ref = read_all(&h[q]), e = rel_err(&d[q], ref);
        free(ref);
        ck_assert_msg(e <= 1e-5, "tensor %d: %g [%s, host_fallback on]", q, e, be->name);
    }
    ck_assert_int_eq(clrs_context_cache_stats(ctx, &stats), CLRS_OK);
    ck_assert_msg(ok ? stats.host_fallbacks == 0 : stats.host_fallbacks == 2, "%llu host fallbacks [%s]",
                  (unsigned long long)stats.host_fallbacks, be->name);
    printf("conv_transpose [%s, host_fallback on]: matches the host; %llu host fallbacks\n", be->name,
           (unsigned long long)stats.host_fallbacks);
    clrs_context_destroy(ctx);
    th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tgo), th_tensor_free(&tb);
    for (q = 0; q < 4; q++) th_tensor_free(&h[q]), th_tensor_free(&d[q]);
}
END_TEST

/* Fuzzing finding (tests/fuzz/fuzz_conv_transpose): the backward of an empty batch (N = 0)
 * still allocated the column matrices, whose size follows the spatial sizes: an empty input of
 * 2^30 pixels asked for 100 GB (out of memory) before writing grad_weight's zeros. */
START_TEST(fuzz_empty_batch_huge_spatial)
{
    th_backend *be;
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    int64_t xs[4] = {0, 2, (int64_t)1 << 20, (int64_t)1 << 10}, ws[4] = {2, 3, 3, 3}, ys[4], bs[1] = {3};
    clrs_tensor x, gy;
    th_tensor tw, tgw, tgb;
    layout lo = {-1, 0, 0};
    clrs_status st;
    int64_t i;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    ck_assert_int_eq(clrs_conv_transpose_shape(&p, 4, xs, ws, ys), CLRS_OK);
    x = clrs_tensor_host(CLRS_F32, 4, xs, NULL); /* empty: no memory */
    gy = clrs_tensor_host(CLRS_F32, 4, ys, NULL);
    make_layout(&tw, CLRS_F32, 4, ws, lo), make_layout(&tgw, CLRS_F32, 4, ws, lo), make_layout(&tgb, CLRS_F32, 1, bs, lo);
    for (i = 0; i < th_numel(&tgw.t); i++) th_set(&tgw.t, i, 7);
    for (i = 0; i < 3; i++) th_set(&tgb.t, i, 7);
    st = clrs_conv_transpose_backward(be->ctx, &p, &gy, &x, &tw.t, NULL, &tgw.t, &tgb.t);
    ck_assert_msg(st == CLRS_OK, "[%s] %s: %s", be->name, clrs_status_name(st), clrs_error_message());
    for (i = 0; i < th_numel(&tgw.t); i++) ck_assert(th_get(&tgw.t, i) == 0);
    for (i = 0; i < 3; i++) ck_assert(th_get(&tgb.t, i) == 0);
    /* grad_input alone (empty too) and grad_bias: nothing but grad_bias's zeros to compute */
    for (i = 0; i < 3; i++) th_set(&tgb.t, i, 7);
    st = clrs_conv_transpose_backward(be->ctx, &p, &gy, &x, &tw.t, &x, NULL, &tgb.t);
    ck_assert_msg(st == CLRS_OK, "[%s] %s: %s", be->name, clrs_status_name(st), clrs_error_message());
    for (i = 0; i < 3; i++) ck_assert(th_get(&tgb.t, i) == 0);
    th_tensor_free(&tw), th_tensor_free(&tgw), th_tensor_free(&tgb);
}
END_TEST

/* Shapes, workspace sizes, empty batches and absent outputs. */
START_TEST(shapes_and_workspace)
{
    th_backend *be;
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    int64_t xs[4] = {2, 4, 5, 6}, ws[4] = {4, 3, 3, 2}, ys[4], want[4] = {2, 6, 0, 0};
    int64_t x0[4] = {0, 4, 5, 6}, y0[4] = {0, 6, 0, 0}, bs[1] = {6};
    th_tensor tx, tw, tx0, ty0, tgx0, tgw, tgb;
    layout lo = {-1, 0, 0};
    size_t bytes = 12345, bytes16 = 0;
    int64_t i;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    p.stride[0] = 2, p.stride[1] = 1, p.padding[0] = 1, p.output_padding[0] = 1, p.dilation[1] = 2;
    p.dilation[0] = 1, p.groups = 2;
    ck_assert_int_eq(clrs_conv_transpose_shape(&p, 4, xs, ws, ys), CLRS_OK);
    want[2] = y0[2] = (5 - 1) * 2 - 2 * 1 + 1 * (3 - 1) + 1 + 1; /* 10 */
    want[3] = y0[3] = (6 - 1) * 1 - 0 + 2 * (2 - 1) + 0 + 1;     /* 8 */
    ck_assert_msg(!memcmp(ys, want, sizeof want), "shape (%lld %lld %lld %lld)", (long long)ys[0], (long long)ys[1],
                  (long long)ys[2], (long long)ys[3]);
    make_layout(&tx, CLRS_F32, 4, xs, lo), make_layout(&tw, CLRS_F32, 4, ws, lo);
    ck_assert_int_eq(clrs_conv_transpose_workspace_size(be->ctx, &p, &tx.t, &tw.t, &bytes), CLRS_OK);
    if (_i == 0) {
        ck_assert_uint_eq(bytes, 0);
    } else {
        /* the column matrices at least: C_out * K * L floats per batch entry */
        ck_assert_uint_ge(bytes, (size_t)(6 * 6 * 30) * 4);
        tx.t.dtype = tw.t.dtype = CLRS_F16; /* + float copies of input and weight */
        ck_assert_int_eq(clrs_conv_transpose_workspace_size(be->ctx, &p, &tx.t, &tw.t, &bytes16), CLRS_OK);
        ck_assert_uint_gt(bytes16, bytes);
        tx.t.dtype = tw.t.dtype = CLRS_F32;
    }
    /* an empty batch: nothing to write forward; grad_weight and grad_bias are zeros */
    make_layout(&tx0, CLRS_F32, 4, x0, lo), make_layout(&ty0, CLRS_F32, 4, y0, lo), make_layout(&tgx0, CLRS_F32, 4, x0, lo);
    make_layout(&tgw, CLRS_F32, 4, ws, lo), make_layout(&tgb, CLRS_F32, 1, bs, lo);
    for (i = 0; i < th_numel(&tgw.t); i++) th_set(&tgw.t, i, 7);
    for (i = 0; i < 6; i++) th_set(&tgb.t, i, 7);
    ck_assert_int_eq(clrs_conv_transpose(be->ctx, &p, &tx0.t, &tw.t, NULL, &ty0.t), CLRS_OK);
    ck_assert_msg(clrs_conv_transpose_backward(be->ctx, &p, &ty0.t, &tx0.t, &tw.t, &tgx0.t, &tgw.t, &tgb.t) == CLRS_OK,
                  "%s", clrs_error_message());
    for (i = 0; i < th_numel(&tgw.t); i++) ck_assert(th_get(&tgw.t, i) == 0);
    for (i = 0; i < 6; i++) ck_assert(th_get(&tgb.t, i) == 0);
    /* no gradient asked: nothing to do */
    ck_assert_int_eq(clrs_conv_transpose_backward(be->ctx, &p, &ty0.t, &tx0.t, &tw.t, NULL, NULL, NULL), CLRS_OK);
    printf("conv_transpose [%s]: shape, workspace (%zu bytes f32, %zu f16), empty batch\n", be->name, bytes, bytes16);
    th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tx0), th_tensor_free(&ty0), th_tensor_free(&tgx0);
    th_tensor_free(&tgw), th_tensor_free(&tgb);
}
END_TEST

/* Argument rules: status, a message naming the rule, outputs untouched. */
START_TEST(argument_rules)
{
    th_backend *be;
    clrs_conv_transpose_params p0 = CLRS_CONV_TRANSPOSE_PARAMS_INIT, p;
    int64_t xs[4] = {1, 4, 3, 3}, ws[4] = {4, 2, 2, 2}, ys[4] = {1, 4, 4, 4}, bs[1] = {4}, bad[4] = {1, 4, 3, 4};
    int64_t w3[3] = {4, 2, 2}, bs5[1] = {5}, shape_out[5] = {-7, -7, -7, -7, -7};
    th_tensor tx, tw, tb, ty, tbad, tw3, tb5, tgx, tgw, tgb, tx64, ti64;
    layout lo = {-1, 0, 0};
    unsigned char *canary[4];
    th_tensor *outs[4] = {&ty, &tgx, &tgw, &tgb};
    int rules = 0, q;
    size_t bytes = 99;
    TH_SKIP_MISSING_BACKEND();
    be = &backends[_i];
    if (!usable(be)) return;
    p0.groups = 2;
    make_layout(&tx, CLRS_F32, 4, xs, lo), make_layout(&tw, CLRS_F32, 4, ws, lo), make_layout(&tb, CLRS_F32, 1, bs, lo);
    make_layout(&ty, CLRS_F32, 4, ys, lo), make_layout(&tbad, CLRS_F32, 4, bad, lo), make_layout(&tw3, CLRS_F32, 3, w3, lo);
    make_layout(&tb5, CLRS_F32, 1, bs5, lo), make_layout(&tgx, CLRS_F32, 4, xs, lo), make_layout(&tgw, CLRS_F32, 4, ws, lo);
    make_layout(&tgb, CLRS_F32, 1, bs, lo), make_layout(&tx64, CLRS_F64, 4, xs, lo), make_layout(&ti64, CLRS_I64, 4, xs, lo);
    for (q = 0; q < 4; q++) {
        memset(outs[q]->base, 0xA5, outs[q]->bytes);
        canary[q] = malloc(outs[q]->bytes);
        memcpy(canary[q], outs[q]->base, outs[q]->bytes);
    }
    ck_assert_int_eq(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tb.t, &ty.t), CLRS_OK); /* the valid call */
    memcpy(ty.base, canary[0], ty.bytes);
#define EXPECT(call, word)                                                                          \
    do {                                                                                            \
        clrs_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == CLRS_ERR_ARGUMENT, "%s: status %s", #call, clrs_status_name(st_));     \
        ck_assert_msg(strstr(clrs_error_message(), word) != NULL, "%s: message '%s' lacks '%s'",    \
                      #call, clrs_error_message(), word);                                           \
        for (q = 0; q < 4; q++)                                                                     \
            ck_assert_msg(!memcmp(outs[q]->base, canary[q], outs[q]->bytes), "%s wrote to output %d", #call, q); \
        rules++;                                                                                    \
    } while (0)
#define FWD(pp) clrs_conv_transpose(be->ctx, pp, &tx.t, &tw.t, &tb.t, &ty.t)
    EXPECT(clrs_conv_transpose(NULL, &p0, &tx.t, &tw.t, &tb.t, &ty.t), "ctx");
    EXPECT(FWD(NULL), "params");
    p = p0, p.groups = -1;
    EXPECT(FWD(&p), "non-positive groups is not supported");
    p = p0, p.stride[0] = -1;
    EXPECT(FWD(&p), "non-positive stride is not supported");
    p = p0, p.stride[0] = 2, p.stride[1] = 0; /* an explicit 0 is an error, never the default */
    EXPECT(FWD(&p), "non-positive stride is not supported");
    p = p0, p.padding[1] = -1;
    EXPECT(FWD(&p), "negative padding is not supported");
    p = p0, p.output_padding[0] = -1;
    EXPECT(FWD(&p), "negative output_padding is not supported");
    p = p0, p.dilation[0] = -1, p.dilation[1] = 1;
    EXPECT(FWD(&p), "dilation should be greater than zero");
    p = p0, p.output_padding[0] = 1; /* stride 1, dilation 1 */
    EXPECT(FWD(&p), "output padding must be smaller than either stride or dilation");
    p = p0, p.stride[0] = p.stride[1] = 2, p.dilation[0] = p.dilation[1] = 1, p.output_padding[1] = 2;
    EXPECT(FWD(&p), "output padding must be smaller than either stride or dilation");
    p = p0, p.padding[2] = 1;
    EXPECT(FWD(&p), "spatial dim");
    p = p0, p.groups = 3;
    EXPECT(FWD(&p), "divisible by 3");
    p = p0, p.groups = 8;
    EXPECT(FWD(&p), "at least 8");
    p = p0, p.padding[0] = 3; /* (3-1)*1 - 6 + 1 + 1 = -2 */
    EXPECT(FWD(&p), "output size is too small");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tbad.t, &tw.t, &tb.t, &ty.t), "expected [1, 4, 4, 5]");
    {
        clrs_tensor x3 = tx.t;
        x3.shape[1] = 3; /* channels != weight's C_in */
        EXPECT(clrs_conv_transpose(be->ctx, &p0, &x3, &tw.t, &tb.t, &ty.t), "channels");
    }
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw3.t, &tb.t, &ty.t), "dimensional");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx64.t, &tw.t, &tb.t, &ty.t), "weight dtype");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &ti64.t, &tw.t, &tb.t, &ty.t), "i64");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tb5.t, &ty.t), "bias");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tw.t, &ty.t), "bias");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tb.t, NULL), "output");
    EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tb.t, &tbad.t), "output");
    {
        clrs_tensor w0 = tw.t; /* an empty weight */
        w0.shape[2] = 0;
        EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &w0, &tb.t, &ty.t), "non-empty weight");
        w0 = tw.t, w0.dtype = CLRS_F64;
        EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &w0, &tb.t, &ty.t), "weight dtype");
    }
    {
        clrs_tensor alias = ty.t; /* output over the input's memory */
        alias.data = tx.base;
        EXPECT(clrs_conv_transpose(be->ctx, &p0, &tx.t, &tw.t, &tb.t, &alias), "overlaps");
    }
    /* backward */
    EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &tbad.t, &tx.t, &tw.t, &tgx.t, &tgw.t, &tgb.t), "grad_output");
    EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &ty.t, &tx.t, &tw.t, &tbad.t, &tgw.t, &tgb.t), "grad_input");
    EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &ty.t, &tx.t, &tw.t, &tgx.t, &tx.t, &tgb.t), "grad_weight");
    EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &ty.t, &tx.t, &tw.t, &tgx.t, &tgw.t, &tb5.t), "grad_bias");
    {
        clrs_tensor alias = tgw.t; /* grad_weight over the weight */
        alias.data = tw.base;
        EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &ty.t, &tx.t, &tw.t, &tgx.t, &alias, &tgb.t), "overlaps");
        alias = tgb.t, alias.data = tgx.base; /* two outputs over each other */
        EXPECT(clrs_conv_transpose_backward(be->ctx, &p0, &ty.t, &tx.t, &tw.t, &tgx.t, &tgw.t, &alias), "overlaps");
    }
    p = p0, p.output_padding[1] = 5;
    EXPECT(clrs_conv_transpose_backward(be->ctx, &p, &ty.t, &tx.t, &tw.t, &tgx.t, &tgw.t, &tgb.t), "output padding");
    /* shape and workspace queries leave their outputs alone too */
    EXPECT(clrs_conv_transpose_shape(&p0, 2, xs, ws, shape_out), "3-D, 4-D or 5-D");
    EXPECT(clrs_conv_transpose_shape(&p0, 4, xs, ws, NULL), "out_shape");
    p = p0, p.dilation[0] = -2;
    EXPECT(clrs_conv_transpose_shape(&p, 4, xs, ws, shape_out), "dilation");
    for (q = 0; q < 5; q++) ck_assert_int_eq(shape_out[q], -7);
    EXPECT(clrs_conv_transpose_workspace_size(be->ctx, &p0, &tx.t, &tw.t, NULL), "bytes");
    EXPECT(clrs_conv_transpose_workspace_size(be->ctx, &p, &tx.t, &tw.t, &bytes), "dilation");
    ck_assert_uint_eq(bytes, 99);
#undef FWD
#undef EXPECT
    printf("conv_transpose argument rules [%s]: %d checked, outputs untouched\n", be->name, rules);
    for (q = 0; q < 4; q++) free(canary[q]);
    th_tensor_free(&tx), th_tensor_free(&tw), th_tensor_free(&tb), th_tensor_free(&ty), th_tensor_free(&tbad);
    th_tensor_free(&tw3), th_tensor_free(&tb5), th_tensor_free(&tgx), th_tensor_free(&tgw), th_tensor_free(&tgb);
    th_tensor_free(&tx64), th_tensor_free(&ti64);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    tcase_add_loop_test(tc, golden, 0, n);
    tcase_add_loop_test(tc, reference_layouts, 0, n);
    tcase_add_loop_test(tc, subpixel_forward, 0, n);
    tcase_add_loop_test(tc, strided_bias, 0, n);
    tcase_add_loop_test(tc, adjoint_and_fd, 0, n);
    tcase_add_loop_test(tc, deterministic, 0, n);
    tcase_add_loop_test(tc, shapes_and_workspace, 0, n);
    tcase_add_loop_test(tc, fuzz_empty_batch_huge_spatial, 0, n);
    tcase_add_loop_test(tc, argument_rules, 0, n);
    tcase_add_loop_test(tc, opencl_vs_host, 0, n);
    tcase_add_loop_test(tc, fallback, 0, n);
}

int main(void) { return th_run("conv_transpose", setup, teardown, add_tests); }
