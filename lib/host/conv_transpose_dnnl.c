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
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t r = NULL;
    dnnl_exec_arg_t args[2];
    int ok;
    dnnl_memory_get_memory_desc(from, &fmd);
    dnnl_memory_get_memory_desc(to, &tmd);
    ok = dnnl_reorder_primitive_desc_create(&rpd, fmd, engine, tmd, engine, NULL) == dnnl_success &&
         dnnl_primitive_create(&r, rpd) == dnnl_success;
    args[0].arg = DNNL_ARG_FROM, args[0].memory = from;
    args[1].arg = DNNL_ARG_TO, args[1].memory = to;
    ok = ok && dnnl_primitive_execute(r, stream, 2, args) == dnnl_success;
    if (r) dnnl_primitive_destroy(r);
    if (rpd) dnnl_primitive_desc_destroy(rpd);
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
    int i, ok = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) == dnnl_success &&
                dnnl_primitive_create(&prim, pd) == dnnl_success;
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
    if (prim) dnnl_primitive_destroy(prim);
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
    if (drop) dnnl_primitive_desc_destroy(drop);
    return use_any ? any : keep;
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
    if (dnnl_dilated_deconvolution_forward_desc_init(&d, dnnl_forward_training, dnnl_deconvolution_direct, &xa,
                                                     &wa, b, &ya, s, dil, pl, pr) != dnnl_success ||
        dnnl_primitive_desc_create(&pd, &d, NULL, engine, NULL) != dnnl_success)
        return NULL;
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
    st = what == 1 ? dnnl_dilated_deconvolution_backward_data_desc_init(&d, dnnl_deconvolution_direct, &xa, &wa,
                                                                        &ya, s, dil, pl, pr)
                   : dnnl_dilated_deconvolution_backward_weights_desc_init(&d, dnnl_deconvolution_direct, &xa, &wa,
                                                                           NULL, &ya, s, dil, pl, pr);
    if (st != dnnl_success || dnnl_primitive_desc_create(&pd, &d, NULL, engine, hint) != dnnl_success) pd = NULL;
    dnnl_primitive_desc_destroy(hint);
    return pd;
}

/* Forward: 1 when done by oneDNN, 0 when the caller must run its own path. */
int clrs__dnnl_conv_transpose(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                              const clrs__view *bias, const clrs__view *out)
{
    binding b[4];
    dnnl_memory_desc_t bmd;
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
    pd = pick(fwd_pd(g, &b[0].md, &b[1].md, bias ? &bmd : NULL, &b[2].md, 1),
              fwd_pd(g, &b[0].md, &b[1].md, bias ? &bmd : NULL, &b[2].md, 0));
    if (!pd || rank(pd) == 0) { /* oneDNN's reference loops: our own path is faster */
        if (pd) dnnl_primitive_desc_destroy(pd);
        return 0;
    }
    ok = run(pd, b, nb);
    dnnl_primitive_desc_destroy(pd);
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
        pd = pick(bwd_pd(g, &xmd, &wmd, &gymd, 1, what), bwd_pd(g, &xmd, &wmd, &gymd, 0, what));
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
        if (pd) dnnl_primitive_desc_destroy(pd);
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
