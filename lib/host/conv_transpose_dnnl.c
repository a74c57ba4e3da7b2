/* host/conv_transpose_dnnl.c — conv_transpose on the host through oneDNN, float32 only: a
 * strided forward as sub-pixel convolutions (one over all output phases, or one per phase)
 * with our gather into the caller's tensor; otherwise oneDNN's deconvolution primitives
 * (forward, backward data, backward weights).
 *
 * The caller's tensors are described to oneDNN with their own strides (NCHW, channels-last,
 * any view), the weight (C_in, C_out/g, k...) as oneDNN's (G,) C_out/g, C_in/g, k... with
 * strides, so nothing is packed by us. Each primitive is asked for twice: on the caller's
 * image layouts, and on oneDNN's own ("any", its blocked layouts, the tensors reordered in and
 * out); the direct JIT kernel wins over the GEMM-based one (what plain NCHW gets, 2-3x slower
 * here), the caller's layout on a tie (channels-last has direct kernels). Weights are always
 * "any" (small; a reorder at most). Primitive descriptors and primitives are cached here, so a
 * repeated shape costs no JIT. Anything oneDNN refuses or has only reference loops for returns
 * 0 and the caller runs its CBLAS path. */
#include "host/host.h"

#ifdef HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dnnl_engine_t engine;
static int engine_ok;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_init(void)
{
    engine_ok = dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success;
}

/* Created primitives, kept for the life of the process: creating a primitive descriptor
 * (oneDNN's choice of kernel, blocking heuristics) costs tens of ms for the brgemm kernels,
 * more than running them, and oneDNN 2.6 caches only the primitives, not the descriptors.
 * Keyed by the bytes of the operation descriptor (or of a reorder's two memory descriptors)
 * and the hint; at most CACHE_MAX entries, never evicted (an entry in use by one thread
 * cannot be destroyed by another), beyond that created and destroyed per call. */
#define CACHE_MAX 128
#define KEY_MAX (sizeof(dnnl_convolution_desc_t) + 2 * sizeof(dnnl_memory_desc_t) + sizeof(void *) + 1)
static struct {
    unsigned char key[KEY_MAX];
    size_t len;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
} cache[CACHE_MAX];
static int ncache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* The cached pd for key, or a new one made by make() (cached when there is room). */
static dnnl_primitive_desc_t pd_get(const unsigned char *key, size_t len,
                                    dnnl_status_t (*make)(dnnl_primitive_desc_t *, const void *), const void *arg)
{
    dnnl_primitive_desc_t pd = NULL;
    int i;
    pthread_mutex_lock(&cache_lock);
    for (i = 0; i < ncache; i++)
        if (cache[i].len == len && !memcmp(cache[i].key, key, len)) {
            pd = cache[i].pd;
            break;
        }
    pthread_mutex_unlock(&cache_lock);
    if (pd) return pd;
    if (make(&pd, arg) != dnnl_success) return NULL;
    pthread_mutex_lock(&cache_lock);
    if (ncache < CACHE_MAX) {
        memcpy(cache[ncache].key, key, len);
        cache[ncache].len = len;
        cache[ncache].pd = pd;
        cache[ncache].prim = NULL;
        ncache++;
    }
    pthread_mutex_unlock(&cache_lock);
    return pd;
}

static int cached_index(const_dnnl_primitive_desc_t pd)
{
    int i;
    for (i = 0; i < ncache; i++)
        if (cache[i].pd == pd) return i;
    return -1;
}

/* Gives back a pd from pd_get: destroyed unless the cache holds it. */
static void pd_release(dnnl_primitive_desc_t pd)
{
    int i;
    if (!pd) return;
    pthread_mutex_lock(&cache_lock);
    i = cached_index(pd);
    pthread_mutex_unlock(&cache_lock);
    if (i < 0) dnnl_primitive_desc_destroy(pd);
}

/* The primitive of pd: the cached one (made once), or a new one for the caller to destroy
 * (*owned set). */
static dnnl_primitive_t prim_get(const_dnnl_primitive_desc_t pd, int *owned)
{
    dnnl_primitive_t prim = NULL;
    int i;
    *owned = 0;
    pthread_mutex_lock(&cache_lock);
    i = cached_index(pd);
    if (i >= 0) {
        if (!cache[i].prim && dnnl_primitive_create(&cache[i].prim, pd) != dnnl_success) cache[i].prim = NULL;
        prim = cache[i].prim;
    }
    pthread_mutex_unlock(&cache_lock);
    if (i >= 0) return prim;
    *owned = 1;
    return dnnl_primitive_create(&prim, pd) == dnnl_success ? prim : NULL;
}

typedef struct {
    const void *desc;
    const_dnnl_primitive_desc_t hint;
} op_arg;

static dnnl_status_t make_op(dnnl_primitive_desc_t *pd, const void *arg)
{
    const op_arg *a = arg;
    return dnnl_primitive_desc_create(pd, a->desc, NULL, engine, a->hint);
}

/* The pd of an operation descriptor (convolution and deconvolution share the type). */
static dnnl_primitive_desc_t op_pd(const dnnl_convolution_desc_t *d, const_dnnl_primitive_desc_t hint)
{
    unsigned char key[KEY_MAX];
    op_arg a;
    key[0] = 'o';
    memcpy(key + 1, d, sizeof *d);
    memcpy(key + 1 + sizeof *d, &hint, sizeof hint);
    a.desc = d, a.hint = hint;
    return pd_get(key, 1 + sizeof *d + sizeof hint, make_op, &a);
}

typedef struct {
    const dnnl_memory_desc_t *from, *to;
} reorder_arg;

static dnnl_status_t make_reorder(dnnl_primitive_desc_t *pd, const void *arg)
{
    const reorder_arg *a = arg;
    return dnnl_reorder_primitive_desc_create(pd, a->from, engine, a->to, engine, NULL);
}

/* A user tensor bound to one primitive argument. */
typedef struct {
    int arg;                   /* DNNL_ARG_... */
    dnnl_memory_desc_t md;     /* the caller's layout */
    void *ptr;
    int is_output;
    dnnl_memory_t user, prim;  /* prim: the primitive's layout when it differs, else user */
} binding;

/* Image (N, C, spatial...) with its strides; weight as (G,) OC/g, IC/g, k... */
static int image_md(const clrs__view *v, dnnl_memory_desc_t *md)
{
    dnnl_dims_t dims, strides;
    int i;
    for (i = 0; i < v->ndim; i++) {
        dims[i] = v->shape[i];
        strides[i] = v->strides[i];
        if (strides[i] <= 0 && dims[i] > 1) return 0; /* broadcast: not for oneDNN */
        if (strides[i] <= 0) strides[i] = 1;
    }
    return dnnl_memory_desc_init_by_strides(md, v->ndim, dims, dnnl_f32, strides) == dnnl_success;
}

static int weight_md(const clrs__view *w, const clrs__conv_geom *g, dnnl_memory_desc_t *md)
{
    dnnl_dims_t dims, strides;
    int nsd = w->ndim - 2, i, o = 0;
    if (g->G > 1) dims[o] = g->G, strides[o] = g->Cin_g * w->strides[0], o++;
    dims[o] = g->Cout_g, strides[o] = w->strides[1], o++;
    dims[o] = g->Cin_g, strides[o] = w->strides[0], o++;
    for (i = 0; i < nsd; i++) dims[o] = w->shape[2 + i], strides[o] = w->strides[2 + i], o++;
    for (i = 0; i < o; i++) {
        if (strides[i] <= 0 && dims[i] > 1) return 0;
        if (strides[i] <= 0) strides[i] = 1;
    }
    return dnnl_memory_desc_init_by_strides(md, o, dims, dnnl_f32, strides) == dnnl_success;
}

static void any_md(const dnnl_memory_desc_t *like, dnnl_memory_desc_t *md)
{
    dnnl_memory_desc_init_by_tag(md, like->ndims, like->dims, dnnl_f32, dnnl_format_tag_any);
}

static void image_layout(const dnnl_memory_desc_t *user, int keep, dnnl_memory_desc_t *md)
{
    if (keep) *md = *user;
    else any_md(user, md);
}

/* oneDNN's strides, dilation (d - 1), left and right padding for the spatial axes. */
static void conv_params(const clrs__conv_geom *g, dnnl_dims_t s, dnnl_dims_t dil, dnnl_dims_t pl,
                        dnnl_dims_t pr)
{
    int a, i = 0;
    for (a = 3 - g->nsd; a < 3; a++, i++) {
        s[i] = g->s[a], dil[i] = g->d[a] - 1, pl[i] = g->p[a];
        /* out = (in - 1) s - pl - pr + d (k - 1) + 1: pr carries output_padding (pr = p - op) */
        pr[i] = (g->in[a] - 1) * g->s[a] + g->d[a] * (g->k[a] - 1) + 1 - g->out[a] - g->p[a];
    }
}

static int reorder(dnnl_memory_t from, dnnl_memory_t to, dnnl_stream_t stream)
{
    const dnnl_memory_desc_t *fmd, *tmd;
    unsigned char key[KEY_MAX];
    dnnl_primitive_desc_t rpd;
    dnnl_primitive_t r = NULL;
    dnnl_exec_arg_t args[2];
    reorder_arg ra;
    int ok, owned = 0;
    dnnl_memory_get_memory_desc(from, &fmd);
    dnnl_memory_get_memory_desc(to, &tmd);
    key[0] = 'r';
    memcpy(key + 1, fmd, sizeof *fmd);
    memcpy(key + 1 + sizeof *fmd, tmd, sizeof *tmd);
    ra.from = fmd, ra.to = tmd;
    rpd = pd_get(key, 1 + 2 * sizeof *fmd, make_reorder, &ra);
    ok = rpd && (r = prim_get(rpd, &owned)) != NULL;
    args[0].arg = DNNL_ARG_FROM, args[0].memory = from;
    args[1].arg = DNNL_ARG_TO, args[1].memory = to;
    ok = ok && dnnl_primitive_execute(r, stream, 2, args) == dnnl_success;
    if (owned && r) dnnl_primitive_destroy(r);
    pd_release(rpd);
    return ok;
}

/* The md the primitive wants for argument `arg`. */
static const dnnl_memory_desc_t *prim_md(const_dnnl_primitive_desc_t pd, int arg)
{
    return dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg);
}

/* Runs pd with the bindings: inputs reordered in where the primitive's layout differs,
 * outputs reordered out. 1 when everything ran. */
static int run(dnnl_primitive_desc_t pd, binding *b, int nb)
{
    dnnl_stream_t stream = NULL;
    dnnl_primitive_t prim = NULL;
    dnnl_exec_arg_t args[8];
    int i, owned = 0, ok = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) == dnnl_success &&
                           (prim = prim_get(pd, &owned)) != NULL;
    for (i = 0; i < nb; i++) b[i].user = b[i].prim = NULL;
    for (i = 0; i < nb && ok; i++) {
        const dnnl_memory_desc_t *want = prim_md(pd, b[i].arg);
        ok = want && dnnl_memory_create(&b[i].user, &b[i].md, engine, b[i].ptr) == dnnl_success;
        if (ok && !dnnl_memory_desc_equal(want, &b[i].md)) {
            ok = dnnl_memory_create(&b[i].prim, want, engine, DNNL_MEMORY_ALLOCATE) == dnnl_success;
            if (ok && !b[i].is_output) ok = reorder(b[i].user, b[i].prim, stream);
        }
        args[i].arg = b[i].arg, args[i].memory = b[i].prim ? b[i].prim : b[i].user;
    }
    ok = ok && dnnl_primitive_execute(prim, stream, nb, args) == dnnl_success;
    for (i = 0; i < nb && ok; i++)
        if (b[i].is_output && b[i].prim) ok = reorder(b[i].prim, b[i].user, stream);
    ok = ok && dnnl_stream_wait(stream) == dnnl_success;
    for (i = 0; i < nb; i++) {
        if (b[i].prim) dnnl_memory_destroy(b[i].prim);
        if (b[i].user) dnnl_memory_destroy(b[i].user);
    }
    if (prim && owned) dnnl_primitive_destroy(prim);
    if (stream) dnnl_stream_destroy(stream);
    return ok;
}

/* How good an implementation is: 0 oneDNN's reference loops, 1 its GEMM-based one (im2col +
 * SGEMM, what plain NCHW gets), 2 a direct JIT kernel (blocked or channels-last layouts). */
static int rank(const_dnnl_primitive_desc_t pd)
{
    const char *impl = NULL;
    if (!pd) return -1;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    if (!impl || !strncmp(impl, "ref", 3)) return 0;
    return strstr(impl, "gemm") ? 1 : 2;
}

/* Of a primitive on the caller's layouts and one on oneDNN's own ("any", reordered in and
 * out), the better ranked; the caller's on a tie (no reorders). $CLRS_DNNL_LAYOUT = keep or
 * any forces one (comparisons). The other is destroyed. */
static dnnl_primitive_desc_t pick(dnnl_primitive_desc_t keep, dnnl_primitive_desc_t any)
{
    const char *force = getenv("CLRS_DNNL_LAYOUT");
    int use_any = force && !strcmp(force, "any") ? any != NULL
                  : force && !strcmp(force, "keep") ? keep == NULL
                                                    : rank(any) > rank(keep);
    dnnl_primitive_desc_t drop = use_any ? keep : any;
    pd_release(drop);
    return use_any ? any : keep;
}

/* A view that is a permutation of a contiguous tensor: no gaps, no overlaps. */
static int dense(const clrs__view *v)
{
    int i;
    for (i = 0; i < v->ndim; i++)
        if (v->strides[i] <= 0 && v->shape[i] > 1) return 0;
    return v->numel > 0 && v->span == (size_t)v->numel * v->esize;
}

static int usable(const clrs__conv_geom *g, const clrs__view *a)
{
    return g->N > 0 && a->dtype == CLRS_F32 && engine_ok;
}

/* The forward primitive; keep: the images (src, dst) on the given layouts, else "any". */
static dnnl_primitive_desc_t fwd_pd(const clrs__conv_geom *g, const dnnl_memory_desc_t *x,
                                    const dnnl_memory_desc_t *w, const dnnl_memory_desc_t *b,
                                    const dnnl_memory_desc_t *y, int keep)
{
    dnnl_deconvolution_desc_t d;
    dnnl_memory_desc_t xa, wa, ya;
    dnnl_dims_t s, dil, pl, pr;
    dnnl_primitive_desc_t pd = NULL;
    conv_params(g, s, dil, pl, pr);
    any_md(w, &wa);
    image_layout(x, keep, &xa), image_layout(y, keep, &ya);
    memset(&d, 0, sizeof d); /* padding bytes too: the descriptor is a cache key */
    if (dnnl_dilated_deconvolution_forward_desc_init(&d, dnnl_forward_training, dnnl_deconvolution_direct, &xa,
                                                     &wa, b, &ya, s, dil, pl, pr) != dnnl_success)
        return NULL;
    pd = op_pd(&d, NULL);
    return pd;
}

/* Backward data (what = 1) or weights (2), with the forward of the same layouts as hint. */
static dnnl_primitive_desc_t bwd_pd(const clrs__conv_geom *g, const dnnl_memory_desc_t *x,
                                    const dnnl_memory_desc_t *w, const dnnl_memory_desc_t *y, int keep,
                                    int what)
{
    dnnl_deconvolution_desc_t d;
    dnnl_memory_desc_t xa, wa, ya;
    dnnl_dims_t s, dil, pl, pr;
    dnnl_primitive_desc_t hint = fwd_pd(g, x, w, NULL, y, keep), pd = NULL;
    dnnl_status_t st;
    if (!hint) return NULL;
    conv_params(g, s, dil, pl, pr);
    any_md(w, &wa);
    image_layout(x, keep, &xa), image_layout(y, keep, &ya);
    memset(&d, 0, sizeof d);
    st = what == 1 ? dnnl_dilated_deconvolution_backward_data_desc_init(&d, dnnl_deconvolution_direct, &xa, &wa,
                                                                        &ya, s, dil, pl, pr)
                   : dnnl_dilated_deconvolution_backward_weights_desc_init(&d, dnnl_deconvolution_direct, &xa, &wa,
                                                                           NULL, &ya, s, dil, pl, pr);
    pd = st == dnnl_success ? op_pd(&d, hint) : NULL;
    pd_release(hint);
    return pd;
}

/* One phase's weights for group grp, dense (C_out/g, C_in/g, J...): tap t along axis i is
 * w[r_i + s_i (J_i - 1 - t)] (the flipped sub-kernel). Nested loops, no divisions: for the
 * benchmark's 32K weights the per-element index arithmetic took 0.6 ms. */
static float *phase_weights(const clrs__conv_geom *g, const clrs__view *weight, int64_t grp, const int64_t *r,
                            const int64_t *s, const int64_t *J, float *dst)
{
    const int nsd = g->nsd;
    const float *w = (const float *)weight->host;
    int64_t ws[5], st[3] = {0, 0, 0}, jj[3] = {1, 1, 1}, k0[3] = {0, 0, 0}, co, ci, t0, t1, t2;
    int i;
    clrs__conv_strides(weight, ws);
    for (i = 0; i < nsd; i++) {
        const int a = 3 - nsd + i;
        jj[a] = J[i], st[a] = -s[i] * ws[2 + a], k0[a] = (r[i] + s[i] * (J[i] - 1)) * ws[2 + a];
    }
    for (co = 0; co < g->Cout_g; co++)
        for (ci = 0; ci < g->Cin_g; ci++) {
            const float *b = w + (grp * g->Cin_g + ci) * ws[0] + co * ws[1] + k0[0] + k0[1] + k0[2];
            for (t0 = 0; t0 < jj[0]; t0++)
                for (t1 = 0; t1 < jj[1]; t1++)
                    for (t2 = 0; t2 < jj[2]; t2++) *dst++ = b[t0 * st[0] + t1 * st[1] + t2 * st[2]];
        }
    return dst;
}

/* $CLRS_DNNL_SUBPIXEL: 0 the deconvolution primitive; "phases" one convolution per output
 * phase; otherwise (unset, 1) the fused form where it applies, else the phases. */
static int subpixel_mode(void)
{
    const char *env = getenv("CLRS_DNNL_SUBPIXEL");
    if (env && !strcmp(env, "0")) return 0;
    if (env && !strcmp(env, "phases")) return 2;
    return 1;
}

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The forward of a strided, undilated transposed convolution as s_0 x s_1 (x s_2) ordinary
 * convolutions, one per output phase (sub-pixel): along an axis of stride s, kernel K,
 * padding p, the outputs o with o + p = s q + r read only the taps k = r + s j, from input
 * q - j, so phase r is a stride-1 convolution of the input with the flipped sub-kernel
 * w[r + s (J - 1 - t)], t < J = ceil((K - r) / s), written into every s-th output from
 * o = s q0 + r - p on. oneDNN's forward convolutions are its fastest kernels; its
 * deconvolution forward is its convolution backward-data kernel: for the benchmark's 4x4
 * stride-2 case DNNL_VERBOSE gave 4 x 1.75 ms of convolutions + 5 x 0.65 ms of reorders
 * against 26 ms + 1.5 ms (a lead's A/B on the loaded VM: 8.1 against 15.9 ms wall). It runs
 * where fused_forward below does not apply (the stride does not divide the kernel), or alone
 * with $CLRS_DNNL_SUBPIXEL=phases (tests/test_conv_transpose.c checks both forms against the
 * deconvolution). Phases that would need negative padding, or have no taps, keep the deconvolution. Each
 * phase's output goes straight into the strided view of the caller's output (reordered out by
 * run()). 1 when done; 0 when not applicable or a phase failed (the caller recomputes all). */
static int subpixel_forward(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                            const clrs__view *bias, const clrs__view *out)
{
    enum { MAXS = 8 };
    const int nsd = g->nsd;
    int64_t s[3] = {1, 1, 1}, J[3][MAXS], q0[3][MAXS], Q[3][MAXS], pl[3][MAXS], pr[3][MAXS];
    int64_t os[5];
    int i, nph = 1, ph, ok = 1;
    dnnl_memory_t staged = NULL; /* the input in the first phase's layout, reordered once */
    dnnl_memory_desc_t staged_copy; /* (a copy: a pd that is not cached goes with its phase) */
    const dnnl_memory_desc_t *staged_md = NULL;
    clrs__conv_strides(out, os);
    for (i = 0; i < nsd; i++) {
        const int a = 3 - nsd + i;
        int64_t r;
        s[i] = g->s[a];
        if (g->d[a] != 1 || s[i] > MAXS) return 0;
        nph *= (int)s[i];
        for (r = 0; r < s[i]; r++) {
            J[i][r] = r < g->k[a] ? (g->k[a] - r + s[i] - 1) / s[i] : 0;
            q0[i][r] = -floor_div(r - g->p[a], s[i]);                          /* ceil((p - r) / s) */
            Q[i][r] = floor_div(g->out[a] - 1 + g->p[a] - r, s[i]) - q0[i][r] + 1;
            pl[i][r] = J[i][r] - 1 - q0[i][r];
            pr[i][r] = Q[i][r] - 1 - g->in[a] - pl[i][r] + J[i][r];
            if (J[i][r] == 0 || Q[i][r] <= 0 || pl[i][r] < 0 || pr[i][r] < 0) return 0;
        }
    }
    if (nph == 1) return 0;
    for (ph = 0; ph < nph && ok; ph++) {
        int64_t r[3] = {0, 0, 0}, rest = ph, nw, off = 0;
        dnnl_dims_t wd, wst, dd, dst_strides, one, cpl, cpr;
        dnnl_memory_desc_t xa, wa, ya, wmd, ymd, bdense;
        dnnl_convolution_desc_t cd;
        dnnl_primitive_desc_t pd = NULL;
        binding b[4];
        float *wbuf;
        int nd = 0, nb = 3;
        for (i = nsd - 1; i >= 0; i--) r[i] = rest % s[i], rest /= s[i];
        /* the phase's weights, (G,) C_out/g, C_in/g, J..., dense */
        if (g->G > 1) wd[nd++] = g->G;
        wd[nd++] = g->Cout_g, wd[nd++] = g->Cin_g;
        for (i = 0; i < nsd; i++) wd[nd++] = J[i][r[i]];
        nw = 1;
        for (i = nd - 1; i >= 0; i--) wst[i] = nw, nw *= wd[i];
        if (!(wbuf = malloc(sizeof(float) * (size_t)nw))) return 0;
        {
            int64_t rr[3], jr[3], grp;
            float *w = wbuf;
            for (i = 0; i < nsd; i++) rr[i] = r[i], jr[i] = J[i][r[i]];
            for (grp = 0; grp < g->G; grp++) w = phase_weights(g, weight, grp, rr, s, jr, w);
        }
        /* the phase's outputs: every s-th element of the caller's output from its first */
        dd[0] = g->N, dd[1] = g->Cout, dst_strides[0] = os[0], dst_strides[1] = os[1];
        for (i = 0; i < nsd; i++) {
            const int a = 3 - nsd + i;
            dd[2 + i] = Q[i][r[i]];
            dst_strides[2 + i] = s[i] * os[2 + a];
            off += (s[i] * q0[i][r[i]] + r[i] - g->p[a]) * os[2 + a];
            one[i] = 1, cpl[i] = pl[i][r[i]], cpr[i] = pr[i][r[i]];
        }
        memset(b, 0, sizeof b);
        ok = image_md(input, &b[0].md) &&
             dnnl_memory_desc_init_by_strides(&wmd, nd, wd, dnnl_f32, wst) == dnnl_success &&
             dnnl_memory_desc_init_by_strides(&ymd, nsd + 2, dd, dnnl_f32, dst_strides) == dnnl_success &&
             (!bias || image_md(bias, &b[3].md));
        if (ok) {
            any_md(&b[0].md, &xa), any_md(&wmd, &wa), any_md(&ymd, &ya);
            memset(&cd, 0, sizeof cd);
            if (bias) any_md(&b[3].md, &bdense); /* read densely by the kernels: reordered in */
            ok = dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &xa, &wa,
                                                    bias ? &bdense : NULL, &ya, one, cpl, cpr) == dnnl_success &&
                 (pd = op_pd(&cd, NULL)) != NULL && rank(pd) > 0;
        }
        if (ok && !staged) { /* every phase reads the same input: into its layout once */
            dnnl_memory_t user = NULL;
            dnnl_stream_t st = NULL;
            staged_md = prim_md(pd, DNNL_ARG_SRC);
            if (staged_md) staged_copy = *staged_md, staged_md = &staged_copy;
            if (staged_md && !dnnl_memory_desc_equal(staged_md, &b[0].md) &&
                dnnl_memory_create(&user, &b[0].md, engine, input->host) == dnnl_success &&
                dnnl_memory_create(&staged, staged_md, engine, DNNL_MEMORY_ALLOCATE) == dnnl_success &&
                dnnl_stream_create(&st, engine, dnnl_stream_default_flags) == dnnl_success) {
                if (!reorder(user, staged, st) || dnnl_stream_wait(st) != dnnl_success) {
                    dnnl_memory_destroy(staged);
                    staged = NULL;
                }
            }
            if (st) dnnl_stream_destroy(st);
            if (user) dnnl_memory_destroy(user);
        }
        if (ok) {
            const dnnl_memory_desc_t *want = prim_md(pd, DNNL_ARG_SRC);
            void *handle = NULL;
            b[0].arg = DNNL_ARG_SRC, b[0].ptr = input->host;
            if (staged && want && dnnl_memory_desc_equal(want, staged_md) &&
                dnnl_memory_get_data_handle(staged, &handle) == dnnl_success)
                b[0].md = *staged_md, b[0].ptr = handle;
            b[1].arg = DNNL_ARG_WEIGHTS, b[1].md = wmd, b[1].ptr = wbuf;
            b[2].arg = DNNL_ARG_DST, b[2].md = ymd, b[2].ptr = (float *)(void *)out->host + off, b[2].is_output = 1;
            if (bias) b[3].arg = DNNL_ARG_BIAS, b[3].ptr = bias->host, nb = 4;
            ok = run(pd, b, nb);
        }
        pd_release(pd);
        free(wbuf);
    }
    if (staged) dnnl_memory_destroy(staged);
    return ok;
}

/* One output row of the fused form's gather: drow[co sc + x sx] = srow[tx[x] + co] for
 * co0 <= co < C, x0 <= x < W (tx: the source offset of each output column: its position and
 * phase block). */
static void gather_row(const float *srow, const int64_t *tx, float *drow, int64_t C, int64_t W, int64_t sc,
                       int64_t sx, int64_t co0, int64_t x0)
{
    int64_t co, x;
    if (sc == 1) /* channels innermost on both sides: runs of C */
        for (x = x0; x < W; x++)
            for (co = co0; co < C; co++) drow[x * sx + co] = srow[tx[x] + co];
    else
        for (co = co0; co < C; co++)
            for (x = x0; x < W; x++) drow[co * sc + x * sx] = srow[tx[x] + co];
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define CLRS_CT_AVX512 1

/* 16 rows of 16 floats transposed in registers: unpacks, then 4-float and 128-bit lane
 * shuffles (r[c] ends holding element c of every row). */
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16])
{
    __m512 t[16];
    int i, k;
    for (i = 0; i < 8; i++)
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]), t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    for (i = 0; i < 4; i++) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (k = 0; k < 4; k++) {
        t[k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x88);
        t[4 + k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xDD);
        t[8 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x88);
        t[12 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xDD);
    }
    for (k = 0; k < 4; k++) {
        r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
        r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
        r[4 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0x88);
        r[12 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0xDD);
    }
}

/* gather_row for output columns adjacent in memory (sx = 1: NCHW): per 16 channels x 16
 * columns, 16 loads of 16 channels, a register transpose, 16 stores of 16 columns; the
 * channels and columns left over (C, W mod 16) go through gather_row. Data movement only: the
 * values are those gather_row writes. */
__attribute__((target("avx512f"))) static void gather_row_avx512(const float *srow, const int64_t *tx, float *drow,
                                                                  int64_t C, int64_t W, int64_t sc)
{
    const int64_t C16 = C - C % 16, W16 = W - W % 16;
    int64_t co, x, j;
    for (co = 0; co < C16; co += 16)
        for (x = 0; x < W16; x += 16) {
            __m512 r[16];
            for (j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(srow + tx[x + j] + co);
            transpose16(r);
            for (j = 0; j < 16; j++) _mm512_storeu_ps(drow + (co + j) * sc + x, r[j]);
        }
    if (W16 < W) gather_row(srow, tx, drow, C16, W, sc, 1, 0, W16);
    if (C16 < C) gather_row(srow, tx, drow, C, W, sc, 1, C16, 0);
}
#endif

/* Where the fused form's gather reads and writes: the convolution output (channels-last,
 * sn floats per batch entry) and the caller's output (strides sN, sc, sz, sy, sx). */
typedef struct {
    int64_t W, H, D, Cg, G, NP, sn, sN, sc, sz, sy, sx;
    const int64_t *tx, *ty, *tz; /* per output index: source offset (ty, tz: one 0 entry when absent) */
    int avx512;
} gather_geo;

/* Rows row0 <= row < row1 of the gather, a row being (n, grp, z, y) with n counted from src / dst. */
static void gather_rows(const gather_geo *q, const float *src, float *dst, int64_t row0, int64_t row1)
{
    int64_t row;
    for (row = row0; row < row1; row++) {
        const int64_t y = row % q->H, z = (row / q->H) % q->D, grp = (row / (q->H * q->D)) % q->G,
                      n = row / (q->H * q->D * q->G);
        const float *srow = src + n * q->sn + grp * q->NP * q->Cg + q->tz[q->D > 1 ? z : 0] + q->ty[q->H > 1 ? y : 0];
        float *drow = dst + n * q->sN + grp * q->Cg * q->sc + z * q->sz + y * q->sy;
#ifdef CLRS_CT_AVX512
        if (q->avx512) {
            gather_row_avx512(srow, q->tx, drow, q->Cg, q->W, q->sc);
            continue;
        }
#endif
        gather_row(srow, q->tx, drow, q->Cg, q->W, q->sc, q->sx, 0, 0);
    }
}

#ifdef _OPENMP
#include <omp.h>

typedef struct {
    const void *desc;                 /* an operation descriptor, or NULL for a reorder */
    const dnnl_memory_desc_t *from, *to;
} user_arg;

/* A pd with a user-managed scratchpad (every thread passes its own), cached under its own key. */
static dnnl_status_t make_user(dnnl_primitive_desc_t *pd, const void *arg)
{
    const user_arg *a = arg;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_status_t st = dnnl_primitive_attr_create(&attr);
    if (st == dnnl_success) st = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (st == dnnl_success)
        st = a->desc ? dnnl_primitive_desc_create(pd, a->desc, attr, engine, NULL)
                     : dnnl_reorder_primitive_desc_create(pd, a->from, engine, a->to, engine, attr);
    if (attr) dnnl_primitive_attr_destroy(attr);
    return st;
}

static dnnl_primitive_desc_t user_pd(const dnnl_convolution_desc_t *d, const dnnl_memory_desc_t *from,
                                     const dnnl_memory_desc_t *to)
{
    unsigned char key[KEY_MAX];
    size_t len;
    user_arg a;
    a.desc = d, a.from = from, a.to = to;
    if (d) {
        key[0] = 'u';
        memcpy(key + 1, d, sizeof *d);
        len = 1 + sizeof *d;
    } else {
        key[0] = 'U';
        memcpy(key + 1, from, sizeof *from);
        memcpy(key + 1 + sizeof *from, to, sizeof *to);
        len = 1 + 2 * sizeof *from;
    }
    return pd_get(key, len, make_user, &a);
}

static size_t scratch_bytes(const_dnnl_primitive_desc_t pd)
{
    const dnnl_memory_desc_t *m = pd ? dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0) : NULL;
    return m ? dnnl_memory_desc_get_size(m) : 0;
}

/* The fused form one batch entry at a time per thread, all in ONE parallel region: each thread
 * takes the next entry (dynamic), converts it to the convolution's layout, runs the convolution
 * on it and gathers it, with oneDNN running single-threaded inside the region and a scratchpad
 * per thread. The chunked form below runs 3 parallel regions per chunk (24 for the benchmark),
 * each waiting for the slowest thread: on a loaded machine a descheduled thread stalls every
 * one of them; here a thread that falls behind holds one entry. 1 when done; 0 when not set up
 * (nothing written) or a oneDNN call failed (the caller recomputes everything). */
static int by_entries(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *out,
                      const gather_geo *gq, int nsd, const int64_t *M, const int64_t *PL, const int64_t *PR,
                      int64_t Cp, int nd, const dnnl_dim_t *wd, float *wbuf, float *bbuf)
{
    static const dnnl_format_tag_t cl_tag[4] = {dnnl_format_tag_undef, dnnl_acb, dnnl_acdb, dnnl_acdeb};
    static const dnnl_format_tag_t plain_tag[7] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc,
                                                   dnnl_abcd, dnnl_abcde, dnnl_abcdef};
    clrs__view x1 = *input;
    dnnl_dims_t cdims, bdims, one, cpl, cpr;
    dnnl_memory_desc_t xmd, xa, wmd, wa, bmd, ymd, srcmd, wuse;
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t cpd = NULL, rpd = NULL;
    dnnl_primitive_t cprim = NULL, rprim = NULL;
    dnnl_memory_t wstaged = NULL;
    size_t cscr, rscr;
    void *wptr = wbuf;
    int cown = 0, rown = 0, ok, failed = 0, i;
    x1.shape[0] = 1;
    cdims[0] = 1, cdims[1] = Cp, bdims[0] = Cp;
    for (i = 0; i < nsd; i++) cdims[2 + i] = M[i], one[i] = 1, cpl[i] = PL[i], cpr[i] = PR[i];
    ok = image_md(&x1, &xmd) && dnnl_memory_desc_init_by_tag(&wmd, nd, wd, dnnl_f32, plain_tag[nd]) == dnnl_success &&
         dnnl_memory_desc_init_by_tag(&bmd, 1, bdims, dnnl_f32, dnnl_a) == dnnl_success &&
         dnnl_memory_desc_init_by_tag(&ymd, nsd + 2, cdims, dnnl_f32, cl_tag[nsd]) == dnnl_success;
    if (!ok) return 0;
    any_md(&xmd, &xa), any_md(&wmd, &wa);
    memset(&cd, 0, sizeof cd);
    ok = dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &xa, &wa, &bmd, &ymd,
                                            one, cpl, cpr) == dnnl_success &&
         (cpd = user_pd(&cd, NULL, NULL)) != NULL && rank(cpd) > 0 && prim_md(cpd, DNNL_ARG_SRC) &&
         prim_md(cpd, DNNL_ARG_WEIGHTS) && prim_md(cpd, DNNL_ARG_DST) &&
         dnnl_memory_desc_equal(prim_md(cpd, DNNL_ARG_DST), &ymd);
    if (ok) {
        srcmd = *prim_md(cpd, DNNL_ARG_SRC);
        wuse = *prim_md(cpd, DNNL_ARG_WEIGHTS);
        if (!dnnl_memory_desc_equal(&srcmd, &xmd)) ok = (rpd = user_pd(NULL, &xmd, &srcmd)) != NULL;
    }
    if (ok && !dnnl_memory_desc_equal(&wuse, &wmd)) { /* the weights in the kernel's layout, once */
        dnnl_memory_t user = NULL;
        dnnl_stream_t st = NULL;
        ok = dnnl_memory_create(&user, &wmd, engine, wbuf) == dnnl_success &&
             dnnl_memory_create(&wstaged, &wuse, engine, DNNL_MEMORY_ALLOCATE) == dnnl_success &&
             dnnl_stream_create(&st, engine, dnnl_stream_default_flags) == dnnl_success && reorder(user, wstaged, st) &&
             dnnl_stream_wait(st) == dnnl_success && dnnl_memory_get_data_handle(wstaged, &wptr) == dnnl_success;
        if (st) dnnl_stream_destroy(st);
        if (user) dnnl_memory_destroy(user);
    } else if (ok)
        wuse = wmd;
    ok = ok && (cprim = prim_get(cpd, &cown)) != NULL && (!rpd || (rprim = prim_get(rpd, &rown)) != NULL);
    cscr = scratch_bytes(cpd), rscr = scratch_bytes(rpd);
    if (ok) {
#pragma omp parallel reduction(| : failed)
        {
            dnnl_stream_t st = NULL;
            dnnl_memory_t mx = NULL, ms = NULL, mw = NULL, mb = NULL, my = NULL, mcs = NULL, mrs = NULL;
            dnnl_memory_desc_t cs_md, rs_md;
            float *yb = malloc(sizeof(float) * (size_t)gq->sn);
            int bad = !yb;
            int64_t n;
            if (cscr) cs_md = *dnnl_primitive_desc_query_md(cpd, dnnl_query_scratchpad_md, 0);
            if (rscr) rs_md = *dnnl_primitive_desc_query_md(rpd, dnnl_query_scratchpad_md, 0);
            bad = bad || dnnl_stream_create(&st, engine, dnnl_stream_default_flags) != dnnl_success ||
                  dnnl_memory_create(&mx, &xmd, engine, input->host) != dnnl_success ||
                  (rprim && dnnl_memory_create(&ms, &srcmd, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success) ||
                  dnnl_memory_create(&mw, &wuse, engine, wptr) != dnnl_success ||
                  dnnl_memory_create(&mb, &bmd, engine, bbuf) != dnnl_success ||
                  dnnl_memory_create(&my, &ymd, engine, yb) != dnnl_success ||
                  (cscr && dnnl_memory_create(&mcs, &cs_md, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success) ||
                  (rscr && dnnl_memory_create(&mrs, &rs_md, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success);
#pragma omp for schedule(dynamic, 1)
            for (n = 0; n < g->N; n++) {
                dnnl_exec_arg_t ra[3], ca[5];
                int nr = 0, nc = 0;
                if (bad) continue;
                bad = dnnl_memory_set_data_handle(mx, input->host + (ptrdiff_t)(n * input->strides[0]) * (ptrdiff_t)input->esize) !=
                      dnnl_success;
                if (!bad && rprim) {
                    ra[nr].arg = DNNL_ARG_FROM, ra[nr++].memory = mx;
                    ra[nr].arg = DNNL_ARG_TO, ra[nr++].memory = ms;
                    if (mrs) ra[nr].arg = DNNL_ARG_SCRATCHPAD, ra[nr++].memory = mrs;
                    bad = dnnl_primitive_execute(rprim, st, nr, ra) != dnnl_success;
                }
                ca[nc].arg = DNNL_ARG_SRC, ca[nc++].memory = rprim ? ms : mx;
                ca[nc].arg = DNNL_ARG_WEIGHTS, ca[nc++].memory = mw;
                ca[nc].arg = DNNL_ARG_BIAS, ca[nc++].memory = mb;
                ca[nc].arg = DNNL_ARG_DST, ca[nc++].memory = my;
                if (mcs) ca[nc].arg = DNNL_ARG_SCRATCHPAD, ca[nc++].memory = mcs;
                bad = bad || dnnl_primitive_execute(cprim, st, nc, ca) != dnnl_success ||
                      dnnl_stream_wait(st) != dnnl_success;
                if (!bad)
                    gather_rows(gq, yb, (float *)(void *)out->host + n * gq->sN, 0, gq->G * gq->D * gq->H);
            }
            if (mrs) dnnl_memory_destroy(mrs);
            if (mcs) dnnl_memory_destroy(mcs);
            if (my) dnnl_memory_destroy(my);
            if (mb) dnnl_memory_destroy(mb);
            if (mw) dnnl_memory_destroy(mw);
            if (ms) dnnl_memory_destroy(ms);
            if (mx) dnnl_memory_destroy(mx);
            if (st) dnnl_stream_destroy(st);
            free(yb);
            failed |= bad;
        }
    }
    if (cprim && cown) dnnl_primitive_destroy(cprim);
    if (rprim && rown) dnnl_primitive_destroy(rprim);
    if (wstaged) dnnl_memory_destroy(wstaged);
    pd_release(cpd), pd_release(rpd);
    return ok && !failed;
}
#endif

#define CHUNK_BYTES ((size_t)4 << 20)

/* The sub-pixel forward as ONE convolution (fused phases): when every phase along an axis
 * has the same tap count J (s divides the kernel size, as in the 4x4 stride-2 case), the
 * s_0 x s_1 (x s_2) phase convolutions read the same input windows [q - J + 1, q], so they are
 * one stride-1 convolution with nph x C_out output channels over the union of their q ranges
 * (a few % more multiply-adds than the phases: 65 instead of 64 rows and columns for the
 * benchmark's case; each output is still the same sum of the same products). Its output is
 * channels-last in a buffer of ours, and a parallel pass of ours gathers it into the caller's
 * tensor (per axis a table of source offsets: the position q - qmin and the phase's channel
 * block; AVX-512 register transposes for NCHW outputs): one convolution and one pass instead
 * of nph of each, the pass writing whole rows where the phases' reorders each wrote every s-th
 * element (oneDNN's reorder cannot take this source: its positions overlap across phases).
 * With at least two batch entries per thread, each thread takes whole entries in one parallel
 * region (by_entries); otherwise the entries go CHUNK_BYTES of convolution output at a time
 * (one entry for the benchmark), every step parallel, so that the gather reads the output from
 * the caches, not memory (process CPU time 16-18 -> 14-15 ms per call for the benchmark, on
 * the loaded VM).
 * Channel of phase (r_0, r_1, r_2): grp nph C_out/g + (sum r_i P_i) C_out/g + co,
 * P_i = prod_{j>i} s_j. 1 when done; 0 when not applicable or a oneDNN call failed (the caller
 * then computes everything again). */
static int fused_forward(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                         const clrs__view *bias, const clrs__view *out)
{
    const int nsd = g->nsd;
    int64_t s[3], J[3], qmin[3], M[3], PL[3], PR[3], P[3];
    int64_t os[5], bst = 0, nph = 1, Cp, nw, e, i, sp[3], sn, nbk, n0, len = 0, toff[3], c0 = 0, osz[3] = {1, 1, 1};
    dnnl_dims_t wd, cdims, bdims, one, cpl, cpr;
    dnnl_memory_desc_t xmd, xa, wmd, wa, bmd, ymd;
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd = NULL;
    binding b[4];
    float *wbuf = NULL, *bbuf = NULL, *ydata = NULL;
    int64_t *tab = NULL;
    gather_geo gq;
    dnnl_memory_t wstaged = NULL; /* the weights reordered once (the kernel's layout) */
    dnnl_memory_desc_t wstaged_md;
    int ok, nd = 0;
    static const dnnl_format_tag_t cl_tag[4] = {dnnl_format_tag_undef, dnnl_acb, dnnl_acdb, dnnl_acdeb};
    static const dnnl_format_tag_t plain_tag[7] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc,
                                                   dnnl_abcd, dnnl_abcde, dnnl_abcdef};
    if (g->N <= 0) return 0;
    clrs__conv_strides(out, os);
    for (i = 0; i < nsd; i++) {
        const int ax = 3 - nsd + (int)i;
        int64_t r, Jr, q0, Qr, qmax = 0;
        s[i] = g->s[ax];
        if (g->d[ax] != 1 || s[i] > 8) return 0;
        nph *= s[i];
        for (r = 0; r < s[i]; r++) {
            Jr = r < g->k[ax] ? (g->k[ax] - r + s[i] - 1) / s[i] : 0;
            q0 = -floor_div(r - g->p[ax], s[i]);
            Qr = floor_div(g->out[ax] - 1 + g->p[ax] - r, s[i]) - q0 + 1;
            if (r == 0) J[i] = Jr, qmin[i] = q0, qmax = q0 + Qr;
            if (Jr != J[i] || Jr <= 0 || Qr <= 0) return 0;
            if (q0 < qmin[i]) qmin[i] = q0;
            if (q0 + Qr > qmax) qmax = q0 + Qr;
        }
        M[i] = qmax - qmin[i];
        PL[i] = J[i] - 1 - qmin[i];
        PR[i] = M[i] - 1 - g->in[ax] - PL[i] + J[i];
        if (PL[i] < 0 || PR[i] < 0) return 0;
    }
    if (nph == 1) return 0;
    for (i = nsd - 1, sn = 1; i >= 0; i--) P[i] = sn, sn *= s[i];
    Cp = g->G * nph * g->Cout_g;
    /* the stacked weights, (G,) nph C_out/g, C_in/g, J..., dense */
    if (g->G > 1) wd[nd++] = g->G;
    wd[nd++] = nph * g->Cout_g, wd[nd++] = g->Cin_g;
    for (i = 0; i < nsd; i++) wd[nd++] = J[i];
    for (nw = 1, i = 0; i < nd; i++) nw *= wd[i];
    if (!(wbuf = malloc(sizeof(float) * (size_t)nw)) || !(bbuf = malloc(sizeof(float) * (size_t)Cp))) goto fail;
    {
        int64_t grp, ph, rest, u[3];
        float *w = wbuf;
        for (grp = 0; grp < g->G; grp++)
            for (ph = 0; ph < nph; ph++) {
                for (rest = ph, i = nsd - 1; i >= 0; i--) u[i] = rest % s[i], rest /= s[i];
                w = phase_weights(g, weight, grp, u, s, J, w);
            }
    }
    if (bias) bst = bias->strides[0];
    for (e = 0; e < Cp; e++) {
        const int64_t co = e % g->Cout_g, grp = e / (g->Cout_g * nph);
        bbuf[e] = bias ? ((const float *)bias->host)[(grp * g->Cout_g + co) * bst] : 0.0f;
    }
    /* per output index along each axis, the source offset of its position and phase channel
       block (the three tables end to end) */
    for (i = nsd - 1, sn = Cp; i >= 0; i--) sp[i] = sn, sn *= M[i];
    for (i = 0; i < nsd; i++) toff[i] = len, len += g->out[3 - nsd + i], osz[3 - nsd + i] = g->out[3 - nsd + i];
    if (!(tab = malloc(sizeof(int64_t) * (size_t)len))) goto fail;
    for (i = 0; i < nsd; i++) {
        const int ax = 3 - nsd + (int)i;
        int64_t o;
        for (o = 0; o < g->out[ax]; o++) {
            const int64_t r = (o + g->p[ax]) % s[i], q = (o + g->p[ax] - r) / s[i];
            tab[toff[i] + o] = (q - qmin[i]) * sp[i] + r * P[i] * g->Cout_g;
        }
    }
    gq.W = osz[2], gq.H = osz[1], gq.D = osz[0], gq.Cg = g->Cout_g, gq.G = g->G, gq.NP = nph, gq.sn = sn;
    gq.sN = os[0], gq.sc = os[1], gq.sz = os[2], gq.sy = os[3], gq.sx = os[4];
    gq.tx = tab + toff[nsd - 1], gq.ty = nsd >= 2 ? tab + toff[nsd - 2] : &c0, gq.tz = nsd >= 3 ? tab + toff[0] : &c0;
    gq.avx512 = 0;
#ifdef CLRS_CT_AVX512
    gq.avx512 = gq.sx == 1 && gq.sc != 1 && __builtin_cpu_supports("avx512f"); /* asked before any region */
#endif
#ifdef _OPENMP
    if (omp_get_max_threads() > 1 && g->N >= 2 * (int64_t)omp_get_max_threads() && !omp_in_parallel() &&
        by_entries(g, input, out, &gq, nsd, M, PL, PR, Cp, nd, wd, wbuf, bbuf)) {
        free(tab), free(wbuf), free(bbuf);
        return 1;
    }
#endif
    /* batch entries a chunk at a time (the convolution's output, sn floats each, in about
       CHUNK_BYTES), so that the gather reads it from the caches */
    nbk = (int64_t)(CHUNK_BYTES / (sizeof(float) * (size_t)sn));
    if (nbk < 1) nbk = 1;
    if (nbk > g->N) nbk = g->N;
    if (!(ydata = malloc(sizeof(float) * (size_t)(nbk * sn)))) goto fail;
    for (n0 = 0; n0 < g->N; n0 += nbk) {
        const int64_t nb_k = g->N - n0 < nbk ? g->N - n0 : nbk;
        clrs__view xin = *input;
        /* the convolution: src any, weights any, bias dense, dst channels-last (the gather's
           source) */
        xin.shape[0] = nb_k;
        xin.host = input->host + (ptrdiff_t)(n0 * input->strides[0]) * (ptrdiff_t)input->esize;
        cdims[0] = nb_k, cdims[1] = Cp, bdims[0] = Cp;
        for (i = 0; i < nsd; i++) cdims[2 + i] = M[i], one[i] = 1, cpl[i] = PL[i], cpr[i] = PR[i];
        ok = image_md(&xin, &xmd) && dnnl_memory_desc_init_by_tag(&wmd, nd, wd, dnnl_f32, plain_tag[nd]) == dnnl_success &&
             dnnl_memory_desc_init_by_tag(&bmd, 1, bdims, dnnl_f32, dnnl_a) == dnnl_success &&
             dnnl_memory_desc_init_by_tag(&ymd, nsd + 2, cdims, dnnl_f32, cl_tag[nsd]) == dnnl_success;
        if (!ok) goto fail;
        any_md(&xmd, &xa), any_md(&wmd, &wa);
        memset(&cd, 0, sizeof cd);
        ok = dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &xa, &wa, &bmd,
                                                &ymd, one, cpl, cpr) == dnnl_success &&
             (pd = op_pd(&cd, NULL)) != NULL && rank(pd) > 0;
        if (!ok) goto fail;
        memset(b, 0, sizeof b);
        b[0].arg = DNNL_ARG_SRC, b[0].md = xmd, b[0].ptr = xin.host;
        b[1].arg = DNNL_ARG_WEIGHTS, b[1].md = wmd, b[1].ptr = wbuf;
        {   /* the weights in the kernel's layout once for all chunks */
            const dnnl_memory_desc_t *want = prim_md(pd, DNNL_ARG_WEIGHTS);
            if (!wstaged && want && !dnnl_memory_desc_equal(want, &wmd)) {
                dnnl_memory_t user = NULL;
                dnnl_stream_t st = NULL;
                wstaged_md = *want;
                if (dnnl_memory_create(&user, &wmd, engine, wbuf) != dnnl_success ||
                    dnnl_memory_create(&wstaged, &wstaged_md, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success ||
                    dnnl_stream_create(&st, engine, dnnl_stream_default_flags) != dnnl_success ||
                    !reorder(user, wstaged, st) || dnnl_stream_wait(st) != dnnl_success) {
                    if (wstaged) dnnl_memory_destroy(wstaged);
                    wstaged = NULL;
                }
                if (st) dnnl_stream_destroy(st);
                if (user) dnnl_memory_destroy(user);
            }
            if (wstaged && want && dnnl_memory_desc_equal(want, &wstaged_md)) {
                void *h = NULL;
                if (dnnl_memory_get_data_handle(wstaged, &h) == dnnl_success) b[1].md = wstaged_md, b[1].ptr = h;
            }
        }
        b[2].arg = DNNL_ARG_DST, b[2].md = ymd, b[2].ptr = ydata, b[2].is_output = 1;
        b[3].arg = DNNL_ARG_BIAS, b[3].md = bmd, b[3].ptr = bbuf;
        ok = run(pd, b, 4);
        pd_release(pd);
        pd = NULL;
        if (!ok) goto fail; /* (chunks before this one are written: the caller recomputes all) */
        {
            float *dst = (float *)(void *)out->host + n0 * os[0];
            const int64_t rows = nb_k * gq.G * gq.D * gq.H;
            int64_t row;
#pragma omp parallel for schedule(static)
            for (row = 0; row < rows; row++) gather_rows(&gq, ydata, dst, row, row + 1);
        }
    }
    if (wstaged) dnnl_memory_destroy(wstaged);
    free(tab), free(ydata), free(wbuf), free(bbuf);
    return 1;
fail:
    pd_release(pd);
    if (wstaged) dnnl_memory_destroy(wstaged);
    free(tab), free(ydata), free(wbuf), free(bbuf);
    return 0;
}

/* Forward: 1 when done by oneDNN, 0 when the caller must run its own path. */
int clrs__dnnl_conv_transpose(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                              const clrs__view *bias, const clrs__view *out)
{
    binding b[4];
    dnnl_memory_desc_t bmd, bdense;
    dnnl_primitive_desc_t pd;
    int nb = 3, ok;
    pthread_once(&engine_once, engine_init);
    if (!usable(g, input)) return 0;
    memset(b, 0, sizeof b);
    if (!image_md(input, &b[0].md) || !weight_md(weight, g, &b[1].md) || !image_md(out, &b[2].md)) return 0;
    b[0].arg = DNNL_ARG_SRC, b[0].ptr = input->host;
    b[1].arg = DNNL_ARG_WEIGHTS, b[1].ptr = weight->host;
    b[2].arg = DNNL_ARG_DST, b[2].ptr = out->host, b[2].is_output = 1;
    if (bias) {
        if (!image_md(bias, &bmd)) return 0;
        b[3].arg = DNNL_ARG_BIAS, b[3].md = bmd, b[3].ptr = bias->host, nb = 4;
    }
    {
        const int mode = subpixel_mode();
        if (mode == 1 && fused_forward(g, input, weight, bias, out)) return 1;
        if (mode && subpixel_forward(g, input, weight, bias, out)) return 1;
    }
    if (bias) any_md(&bmd, &bdense); /* the kernels read the bias densely, whatever its
                                          strides (oneDNN 2.6): let it be reordered in */
    /* the caller's layouts go to the kernels only when they are dense (a permutation of a
       contiguous tensor): oneDNN's kernels are not all careful with other strides (the bias
       above); padded rows and slices are reordered in and out */
    pd = pick(dense(input) && dense(out) ? fwd_pd(g, &b[0].md, &b[1].md, bias ? &bdense : NULL, &b[2].md, 1) : NULL,
              fwd_pd(g, &b[0].md, &b[1].md, bias ? &bdense : NULL, &b[2].md, 0));
    if (!pd || rank(pd) == 0) { /* oneDNN's reference loops: our own path is faster */
        pd_release(pd);
        return 0;
    }
    ok = run(pd, b, nb);
    pd_release(pd);
    return ok;
}

/* Backward (grad_input and/or grad_weight; grad_bias stays with the caller, whose compensated
 * sum is exact to the last bits). Bit 0: grad_input done, bit 1: grad_weight done. */
int clrs__dnnl_conv_transpose_backward(const clrs__conv_geom *g, const clrs__view *gout,
                                       const clrs__view *input, const clrs__view *weight,
                                       const clrs__view *ginput, const clrs__view *gweight)
{
    dnnl_memory_desc_t xmd, wmd, gymd, staged_md;
    dnnl_primitive_desc_t pd[3] = {NULL, NULL, NULL};
    dnnl_memory_t staged = NULL; /* grad_output in the layout both primitives want, reordered once */
    void *staged_ptr = NULL;
    int what, done = 0;
    pthread_once(&engine_once, engine_init);
    if (!usable(g, gout)) return 0;
    if (!image_md(input, &xmd) || !weight_md(weight, g, &wmd) || !image_md(gout, &gymd)) return 0;
    for (what = 1; what <= 2; what++) {
        const clrs__view *dst = what == 1 ? ginput : gweight;
        if (!dst || !dst->numel) continue;
        pd[what] = pick(dense(input) && dense(gout) && dense(dst) ? bwd_pd(g, &xmd, &wmd, &gymd, 1, what) : NULL,
                        bwd_pd(g, &xmd, &wmd, &gymd, 0, what));
        if (pd[what] && rank(pd[what]) == 0) pd_release(pd[what]), pd[what] = NULL;
    }
    if (pd[1] && pd[2]) { /* both read grad_output (16 MB in the benchmark): one reorder for both */
        const dnnl_memory_desc_t *w1 = prim_md(pd[1], DNNL_ARG_DIFF_DST), *w2 = prim_md(pd[2], DNNL_ARG_DIFF_DST);
        if (w1 && w2 && dnnl_memory_desc_equal(w1, w2) && !dnnl_memory_desc_equal(w1, &gymd)) {
            dnnl_memory_t user = NULL;
            dnnl_stream_t st = NULL;
            staged_md = *w1;
            if (dnnl_memory_create(&user, &gymd, engine, gout->host) == dnnl_success &&
                dnnl_memory_create(&staged, &staged_md, engine, DNNL_MEMORY_ALLOCATE) == dnnl_success &&
                dnnl_stream_create(&st, engine, dnnl_stream_default_flags) == dnnl_success &&
                reorder(user, staged, st) && dnnl_stream_wait(st) == dnnl_success)
                dnnl_memory_get_data_handle(staged, &staged_ptr);
            if (st) dnnl_stream_destroy(st);
            if (user) dnnl_memory_destroy(user);
        }
    }
    for (what = 1; what <= 2; what++) {
        binding b[3];
        if (!pd[what]) continue;
        memset(b, 0, sizeof b);
        b[0].arg = DNNL_ARG_DIFF_DST, b[0].md = gymd, b[0].ptr = gout->host;
        if (staged_ptr) b[0].md = staged_md, b[0].ptr = staged_ptr;
        if (what == 1) {
            b[1].arg = DNNL_ARG_WEIGHTS, b[1].md = wmd, b[1].ptr = weight->host;
            b[2].arg = DNNL_ARG_DIFF_SRC, b[2].ptr = ginput->host, b[2].is_output = 1;
            if (image_md(ginput, &b[2].md) && run(pd[what], b, 3)) done |= 1;
        } else {
            b[1].arg = DNNL_ARG_SRC, b[1].md = xmd, b[1].ptr = input->host;
            b[2].arg = DNNL_ARG_DIFF_WEIGHTS, b[2].ptr = gweight->host, b[2].is_output = 1;
            if (weight_md(gweight, g, &b[2].md) && run(pd[what], b, 3)) done |= 2;
        }
    }
    if (staged) dnnl_memory_destroy(staged);
    pd_release(pd[1]), pd_release(pd[2]);
    return done;
}

const char *clrs__dnnl_version(void)
{
    static char text[32];
    const dnnl_version_t *v = dnnl_version();
    snprintf(text, sizeof text, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
    return text;
}
#else
int clrs__dnnl_conv_transpose(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                              const clrs__view *bias, const clrs__view *out)
{
    (void)g, (void)input, (void)weight, (void)bias, (void)out;
    return 0;
}

int clrs__dnnl_conv_transpose_backward(const clrs__conv_geom *g, const clrs__view *gout,
                                       const clrs__view *input, const clrs__view *weight,
                                       const clrs__view *ginput, const clrs__view *gweight)
{
    (void)g, (void)gout, (void)input, (void)weight, (void)ginput, (void)gweight;
    return 0;
}

const char *clrs__dnnl_version(void)
{
    return NULL;
}
#endif
