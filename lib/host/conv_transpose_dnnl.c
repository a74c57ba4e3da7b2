/* host/conv_transpose_dnnl.c — conv_transpose on the host through oneDNN's deconvolution
 * primitives (forward, backward data, backward weights), float32 only.
 *
 * The caller's tensors are described to oneDNN with their own strides (NCHW, channels-last,
 * any view), the weight (C_in, C_out/g, k...) as oneDNN's (G,) C_out/g, C_in/g, k... with
 * strides, so nothing is packed by us. Each primitive is asked for twice: on the caller's
 * image layouts, and on oneDNN's own ("any", its blocked layouts, the tensors reordered in and
 * out); the direct JIT kernel wins over the GEMM-based one (what plain NCHW gets, 2-3x slower
 * here), the caller's layout on a tie (channels-last has direct kernels). Weights are always
 * "any" (small; a reorder at most). oneDNN caches created primitives itself, so a repeated
 * shape costs no JIT. Anything oneDNN refuses or has only reference loops for returns 0 and
 * the caller runs its CBLAS path. */
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

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The forward of a strided, undilated transposed convolution as s_0 x s_1 (x s_2) ordinary
 * convolutions, one per output phase (sub-pixel): along an axis of stride s, kernel K,
 * padding p, the outputs o with o + p = s q + r read only the taps k = r + s j, from input
 * q - j, so phase r is a stride-1 convolution of the input with the flipped sub-kernel
 * w[r + s (J - 1 - t)], t < J = ceil((K - r) / s), written into every s-th output from
 * o = s q0 + r - p on. oneDNN's forward convolutions are its fastest kernels; its
 * deconvolution forward is its convolution backward-data kernel: for the benchmark's 4x4
 * stride-2 case DNNL_VERBOSE gave 4 x 1.75 ms of convolutions + 5 x 0.65 ms of reorders
 * against 26 ms + 1.5 ms, but the wall clock on the shared 2-core VM could not confirm it (more
 * parallel regions, each waiting for a descheduled thread), so it runs only with
 * $CLRS_DNNL_SUBPIXEL=1 for now (tests/test_conv_transpose.c checks it against the default).
 * Phases that would need negative padding, or have no taps, keep the deconvolution. Each
 * phase's output goes straight into the strided view of the caller's output (reordered out by
 * run()). 1 when done; 0 when not applicable or a phase failed (the caller recomputes all). */
static int subpixel_forward(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                            const clrs__view *bias, const clrs__view *out)
{
    enum { MAXS = 8 };
    const int nsd = g->nsd;
    int64_t s[3] = {1, 1, 1}, J[3][MAXS], q0[3][MAXS], Q[3][MAXS], pl[3][MAXS], pr[3][MAXS];
    int64_t os[5], ws[5];
    int i, nph = 1, ph, ok = 1;
    dnnl_memory_t staged = NULL; /* the input in the first phase's layout, reordered once */
    dnnl_memory_desc_t staged_copy; /* (a copy: a pd that is not cached goes with its phase) */
    const dnnl_memory_desc_t *staged_md = NULL;
    const char *env = getenv("CLRS_DNNL_SUBPIXEL");
    if (!env || strcmp(env, "1")) return 0; /* opt-in until measured on a quiet machine */
    clrs__conv_strides(out, os);
    clrs__conv_strides(weight, ws);
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
        int64_t r[3] = {0, 0, 0}, rest = ph, nw, e, off = 0;
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
        for (e = 0; e < nw; e++) { /* e = ((grp * Cout_g + co) * Cin_g + ci) * taps + t */
            int64_t t = e, k[3] = {0, 0, 0}, taps = 1, src;
            for (i = nsd - 1; i >= 0; i--) {
                const int64_t ti = t % J[i][r[i]];
                t /= J[i][r[i]];
                k[i] = r[i] + s[i] * (J[i][r[i]] - 1 - ti);
                taps *= J[i][r[i]];
            }
            {
                const int64_t ci = t % g->Cin_g, co = (t / g->Cin_g) % g->Cout_g, grp = t / (g->Cin_g * g->Cout_g);
                src = (grp * g->Cin_g + ci) * ws[0] + co * ws[1];
                for (i = 0; i < nsd; i++) src += k[i] * ws[2 + 3 - nsd + i];
            }
            (void)taps;
            wbuf[e] = ((const float *)weight->host)[src];
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
    if (subpixel_forward(g, input, weight, bias, out)) return 1;
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
    dnnl_memory_desc_t xmd, wmd, gymd;
    int what, done = 0;
    pthread_once(&engine_once, engine_init);
    if (!usable(g, gout)) return 0;
    if (!image_md(input, &xmd) || !weight_md(weight, g, &wmd) || !image_md(gout, &gymd)) return 0;
    for (what = 1; what <= 2; what++) {
        const clrs__view *dst = what == 1 ? ginput : gweight;
        dnnl_primitive_desc_t pd;
        binding b[3];
        if (!dst || !dst->numel) continue;
        pd = pick(dense(input) && dense(gout) && dense(dst) ? bwd_pd(g, &xmd, &wmd, &gymd, 1, what) : NULL,
                  bwd_pd(g, &xmd, &wmd, &gymd, 0, what));
        if (pd && rank(pd) > 0) {
            memset(b, 0, sizeof b);
            b[0].arg = DNNL_ARG_DIFF_DST, b[0].md = gymd, b[0].ptr = gout->host;
            if (what == 1) {
                b[1].arg = DNNL_ARG_WEIGHTS, b[1].md = wmd, b[1].ptr = weight->host;
                b[2].arg = DNNL_ARG_DIFF_SRC, b[2].ptr = ginput->host, b[2].is_output = 1;
                if (image_md(ginput, &b[2].md) && run(pd, b, 3)) done |= 1;
            } else {
                b[1].arg = DNNL_ARG_SRC, b[1].md = xmd, b[1].ptr = input->host;
                b[2].arg = DNNL_ARG_DIFF_WEIGHTS, b[2].ptr = gweight->host, b[2].is_output = 1;
                if (weight_md(gweight, g, &b[2].md) && run(pd, b, 3)) done |= 2;
            }
        }
        pd_release(pd);
    }
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
