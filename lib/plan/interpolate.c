/* plan/interpolate.c — interpolate's argument rules, output shape and gather tables.
 *
 * The rules and messages follow torch.nn.functional.interpolate (1.13) and ATen's
 * upsample_*_common_check; the tables come from the per-axis formulas in resample_math.h. */
#include "plan/plan.h"
#include "resample_math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *mode_name(clrs_mode m)
{
    switch (m) {
    case CLRS_NEAREST: return "nearest";
    case CLRS_NEAREST_EXACT: return "nearest-exact";
    case CLRS_LINEAR: return "linear";
    case CLRS_CUBIC: return "cubic";
    case CLRS_AREA: return "area";
    case CLRS_LANCZOS: return "lanczos";
    }
    return "?";
}

clrs_status clrs__interp_resolve(const char *op, const clrs_interpolate_params *p, int ndim,
                                 const int64_t *in_shape, int64_t *out_shape,
                                 clrs__interp_geom *g)
{
    int nsd, d, has_size = 0, has_scale = 0, recompute;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if (ndim < 3 || ndim > 5)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: input must be 3-D, 4-D or 5-D (N, C, spatial...), got %d-D", op,
                          ndim);
    if (!in_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: in_shape is NULL", op);
    nsd = ndim - 2;
    if ((unsigned)p->mode > CLRS_LANCZOS)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: mode %d is not one of nearest, nearest-exact, linear, cubic, area, lanczos",
                          op, (int)p->mode);
    if (p->align_corners < -1 || p->align_corners > 1)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: align_corners is %d; use -1 (None), 0 or 1", op, p->align_corners);
    if (p->recompute_scale_factor < -1 || p->recompute_scale_factor > 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: recompute_scale_factor is %d; use -1 (None), 0 or 1",
                          op, p->recompute_scale_factor);
    if (p->antialias != 0 && p->antialias != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: antialias is %d; use 0 or 1", op, p->antialias);
    if (p->compat < -1 || p->compat > CLRS_COMPAT_TORCH_1_13)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: compat is %d; use -1 (the context's), 0 (current) or 1 (1.13)",
                          op, p->compat);
    if (p->align_corners != -1 &&
        (p->mode == CLRS_NEAREST || p->mode == CLRS_NEAREST_EXACT || p->mode == CLRS_AREA))
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: align_corners option can only be set with the interpolating "
                          "modes: linear | bilinear | bicubic | trilinear (mode is %s)",
                          op, mode_name(p->mode));
    for (d = 0; d < 3; d++) {
        if (p->size[d] != 0) {
            if (d >= nsd)
                return clrs__fail(CLRS_ERR_ARGUMENT,
                                  "%s: size[%d] is set but the input has %d spatial dim%s", op,
                                  d, nsd, nsd == 1 ? "" : "s");
            has_size = 1;
        }
        if (p->scale_factor[d] != 0.0) {
            if (d >= nsd)
                return clrs__fail(CLRS_ERR_ARGUMENT,
                                  "%s: scale_factor[%d] is set but the input has %d spatial dim%s",
                                  op, d, nsd, nsd == 1 ? "" : "s");
            has_scale = 1;
        }
    }
    if (has_size && has_scale)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: size and scale_factor are both set; give exactly one", op);
    if (!has_size && !has_scale)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: neither size nor scale_factor is set; give exactly one", op);
    for (d = 0; d < nsd; d++) {
        if (has_size && p->size[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: size[%d] is %lld; output sizes must be positive", op, d,
                              (long long)p->size[d]);
        if (has_scale && !(p->scale_factor[d] > 0.0 && isfinite(p->scale_factor[d])))
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: scale_factor[%d] is %g; scale factors must be positive and "
                              "finite",
                              op, d, p->scale_factor[d]);
    }
    if (p->recompute_scale_factor == 1 && has_size)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: recompute_scale_factor is not meaningful with an explicit size",
                          op);
    /* = functional.py interpolate (2.15); lanczos on 1 and 3 spatial dims is an extension */
    if (p->mode == CLRS_LANCZOS && p->align_corners == 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: Lanczos mode does not support align_corners=True", op);
    if (p->mode == CLRS_LANCZOS && !p->antialias)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: Lanczos mode requires antialias=True", op);
    if (p->antialias && !(((p->mode == CLRS_LINEAR || p->mode == CLRS_CUBIC) && ndim == 4) || p->mode == CLRS_LANCZOS))
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                          "and requires a 4-D tensor as input",
                          op);
    if (in_shape[0] < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input shape[0] (N) is %lld; must be >= 0", op,
                          (long long)in_shape[0]);
    for (d = 1; d < ndim; d++)
        if (in_shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: input shape[%d] is %lld; channel and spatial sizes must be "
                              "positive (only the batch may be empty)",
                              op, d, (long long)in_shape[d]);
    for (d = 0; d < nsd; d++)
        if (in_shape[2 + d] > INT32_MAX)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: input spatial size %lld exceeds 2^31-1", op,
                              (long long)in_shape[2 + d]);

    /* area always maps with in/out (adaptive average pooling): torch recomputes for it */
    recompute = p->recompute_scale_factor == 1 || (p->mode == CLRS_AREA && has_scale);
    memset(g, 0, sizeof *g);
    g->compat = p->compat;
    g->nsd = nsd;
    g->align_corners = p->align_corners == 1;
    for (d = 0; d < 3; d++) {
        g->in[d] = g->out[d] = 1;
        g->kind[d] = CLRS_AXIS_NEAREST;
    }
    out_shape[0] = in_shape[0];
    out_shape[1] = in_shape[1];
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        int64_t in = in_shape[2 + d], out;
        if (has_size) {
            out = p->size[d];
        } else {
            /* = ATen upsample::compute_output_size: (int64)(double(in) * scale) */
            double o = (double)in * p->scale_factor[d];
            if (!(o < 2147483648.0))
                return clrs__fail(CLRS_ERR_UNSUPPORTED,
                                  "%s: output size %g along spatial dim %d exceeds 2^31-1", op, o, d);
            out = (int64_t)o;
            if (out <= 0)
                return clrs__fail(CLRS_ERR_ARGUMENT,
                                  "%s: Input and output sizes should be greater than 0, but "
                                  "scale_factor[%d] = %g gives output size %lld from input size %lld",
                                  op, d, p->scale_factor[d], (long long)out, (long long)in);
            if (!recompute) g->user_scale[a] = p->scale_factor[d];
        }
        if (out > INT32_MAX)
            return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: output size %lld exceeds 2^31-1", op,
                              (long long)out);
        out_shape[2 + d] = out;
        g->in[a] = in;
        g->out[a] = out;
        switch (p->mode) {
        case CLRS_NEAREST: g->kind[a] = CLRS_AXIS_NEAREST; break;
        case CLRS_NEAREST_EXACT: g->kind[a] = CLRS_AXIS_NEAREST_EXACT; break;
        case CLRS_LINEAR: g->kind[a] = p->antialias ? CLRS_AXIS_AA_LINEAR : CLRS_AXIS_LINEAR; break;
        case CLRS_CUBIC: g->kind[a] = p->antialias ? CLRS_AXIS_AA_CUBIC : CLRS_AXIS_CUBIC; break;
        case CLRS_AREA: g->kind[a] = CLRS_AXIS_AREA; break;
        case CLRS_LANCZOS: g->kind[a] = CLRS_AXIS_AA_LANCZOS; break;
        }
    }
    return CLRS_OK;
}

/* One axis' forward taps, in whichever arithmetic the dtype calls for; the weights come back
 * as double (a float weight converts to double and back exactly). */
typedef struct {
    int dbl;
    clrs_axis_f f;
    clrs_axis_d d;
    int max_taps;
} axis_math;

static void axis_math_init(axis_math *m, const clrs__interp_geom *g, int a, int dbl,
                           int backward)
{
    memset(m, 0, sizeof *m);
    m->dbl = dbl;
    m->f.kind = m->d.kind = g->kind[a];
    m->f.in = m->d.in = g->in[a];
    m->f.out = m->d.out = g->out[a];
    m->f.align_corners = m->d.align_corners = g->align_corners;
    m->f.user_scale = m->d.user_scale = g->user_scale[a];
    /* ATen's CPU nearest: every backward, and the 2-D forward, use nearest_idx (a float32
     * scale, the out == in and out == 2*in shortcuts). The 1-D forward uses the generic helper
     * in the tensor's arithmetic, and so does the 3-D forward in PyTorch 2.15 (1.13 used
     * nearest_idx there). The two differ when a scale_factor gives out == in or out == 2*in,
     * or where float and double round differently: then PyTorch's backward is not the exact
     * adjoint of its forward, and neither is ours. */
    m->f.nearest_idx = m->d.nearest_idx =
        backward || g->nsd == 2 || (g->nsd == 3 && g->compat == CLRS_COMPAT_TORCH_1_13);
    if (dbl) {
        clrs_axis_init_d(&m->d);
        m->max_taps = m->d.max_taps;
    } else {
        clrs_axis_init_f(&m->f);
        m->max_taps = m->f.max_taps;
    }
}

static int axis_math_taps(const axis_math *m, int64_t o, int64_t *idx, double *w, float *wf)
{
    int n, t;
    if (m->dbl) return clrs_axis_taps_d(&m->d, o, idx, w);
    n = clrs_axis_taps_f(&m->f, o, idx, wf);
    for (t = 0; t < n; t++) w[t] = wf[t];
    return n;
}

/* Forward taps of one axis: count[out], idx/w[out * k]. */
typedef struct {
    int64_t n;       /* destination indices */
    int k;           /* taps per destination, at most */
    int32_t *count, *idx;
    double *w;
} axis_table;

static void axis_table_free(axis_table *t)
{
    free(t->count);
    free(t->idx);
    free(t->w);
    memset(t, 0, sizeof *t);
}

static clrs_status axis_table_alloc(axis_table *t, int64_t n, int k)
{
    t->n = n;
    t->k = k;
    if ((uint64_t)n * (uint64_t)k > INT32_MAX / 2)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "interpolate: a resampling table of %lld x %d taps is too large",
                          (long long)n, k);
    t->count = calloc((size_t)n, sizeof *t->count);
    t->idx = calloc((size_t)(n * k), sizeof *t->idx);
    t->w = calloc((size_t)(n * k), sizeof *t->w);
    if (!t->count || !t->idx || !t->w) {
        axis_table_free(t);
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
    }
    return CLRS_OK;
}

static clrs_status forward_table(const clrs__interp_geom *g, int a, int dbl, int backward,
                                 axis_table *t)
{
    axis_math m;
    int64_t o, *idx;
    double *w;
    float *wf;
    clrs_status st;
    axis_math_init(&m, g, a, dbl, backward);
    if ((st = axis_table_alloc(t, g->out[a], m.max_taps)) != CLRS_OK) return st;
    idx = malloc(sizeof *idx * (size_t)m.max_taps);
    w = malloc(sizeof *w * (size_t)m.max_taps);
    wf = malloc(sizeof *wf * (size_t)m.max_taps);
    if (!idx || !w || !wf) {
        free(idx), free(w), free(wf);
        axis_table_free(t);
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
    }
    for (o = 0; o < t->n; o++) {
        int n = axis_math_taps(&m, o, idx, w, wf), j;
        t->count[o] = n;
        for (j = 0; j < n; j++) {
            t->idx[o * t->k + j] = (int32_t)idx[j];
            t->w[o * t->k + j] = w[j];
        }
    }
    free(idx), free(w), free(wf);
    return CLRS_OK;
}

/* The transpose: for each source index i, the (destination, weight) pairs that read it, in
 * increasing destination order. */
static clrs_status transpose_table(const axis_table *f, int64_t in, axis_table *t)
{
    int64_t o, i;
    int k = 1, j;
    int32_t *fill;
    clrs_status st;
    if (!(fill = calloc((size_t)in, sizeof *fill)))
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
    for (o = 0; o < f->n; o++)
        for (j = 0; j < f->count[o]; j++) fill[f->idx[o * f->k + j]]++;
    for (i = 0; i < in; i++)
        if (fill[i] > k) k = fill[i];
    if ((st = axis_table_alloc(t, in, k)) != CLRS_OK) {
        free(fill);
        return st;
    }
    memset(fill, 0, sizeof *fill * (size_t)in);
    for (o = 0; o < f->n; o++)
        for (j = 0; j < f->count[o]; j++) {
            int32_t src = f->idx[o * f->k + j];
            int32_t slot = fill[src]++;
            t->idx[(int64_t)src * k + slot] = (int32_t)o;
            t->w[(int64_t)src * k + slot] = f->w[o * f->k + j];
        }
    memcpy(t->count, fill, sizeof *fill * (size_t)in);
    free(fill);
    return CLRS_OK;
}

clrs_status clrs__interp_plan_build(const clrs__interp_geom *g, int dbl, int backward,
                                    clrs__interp_plan *plan)
{
    axis_table tables[3];
    clrs__interp_geom copy;
    size_t tab_len = CLRS_TAB_HEADER, wt_len = 0, ipos, wpos;
    clrs_status st = CLRS_OK;
    int a;

    memset(plan, 0, sizeof *plan);
    memset(tables, 0, sizeof tables);
    if (backward && g->kind[2] == CLRS_AXIS_CUBIC && g->in[0] == g->out[0] &&
        g->in[1] == g->out[1] && g->in[2] == g->out[2]) {
        /* = UpSampleBicubic2d.cpp backward: "input/output same size, just copy", whatever
         * scale_factor was given (the forward does interpolate with it) */
        copy = *g;
        for (a = 0; a < 3; a++) copy.kind[a] = CLRS_AXIS_NEAREST;
        g = &copy;
    }
    for (a = 0; a < 3 && st == CLRS_OK; a++) {
        axis_table f;
        memset(&f, 0, sizeof f);
        st = forward_table(g, a, dbl, backward, &f);
        if (st == CLRS_OK && backward) {
            st = transpose_table(&f, g->in[a], &tables[a]);
            axis_table_free(&f);
        } else {
            tables[a] = f;
        }
    }
    if (st != CLRS_OK) goto done;
    for (a = 0; a < 3; a++) {
        tab_len += (size_t)tables[a].n * (size_t)(1 + tables[a].k);
        wt_len += (size_t)tables[a].n * (size_t)tables[a].k;
    }
    if (tab_len > INT32_MAX || wt_len > INT32_MAX) {
        st = clrs__fail(CLRS_ERR_UNSUPPORTED, "interpolate: resampling tables are too large");
        goto done;
    }
    plan->dbl = dbl;
    plan->tab_len = tab_len;
    plan->wt_len = wt_len;
    plan->tab = malloc(sizeof *plan->tab * tab_len);
    plan->wt = malloc((dbl ? sizeof(double) : sizeof(float)) * (wt_len ? wt_len : 1));
    if (!plan->tab || !plan->wt) {
        st = clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
        goto done;
    }
    ipos = CLRS_TAB_HEADER;
    wpos = 0;
    for (a = 0; a < 3; a++) {
        const axis_table *t = &tables[a];
        size_t n = (size_t)t->n * (size_t)t->k, j;
        plan->dst[a] = t->n;
        plan->fixed[a] = t->k;
        for (j = 0; j < (size_t)t->n; j++)
            if (t->count[j] != t->k) plan->fixed[a] = 0;
        plan->tab[4 * a + 0] = (int32_t)ipos;
        memcpy(plan->tab + ipos, t->count, sizeof *t->count * (size_t)t->n);
        ipos += (size_t)t->n;
        plan->tab[4 * a + 1] = (int32_t)ipos;
        memcpy(plan->tab + ipos, t->idx, sizeof *t->idx * n);
        ipos += n;
        plan->tab[4 * a + 2] = t->k;
        plan->tab[4 * a + 3] = (int32_t)wpos;
        for (j = 0; j < n; j++) {
            if (dbl)
                ((double *)plan->wt)[wpos + j] = t->w[j];
            else
                ((float *)plan->wt)[wpos + j] = (float)t->w[j];
        }
        wpos += n;
    }
done:
    for (a = 0; a < 3; a++) axis_table_free(&tables[a]);
    if (st != CLRS_OK) clrs__interp_plan_free(plan);
    return st;
}

void clrs__interp_plan_free(clrs__interp_plan *plan)
{
    free(plan->tab);
    free(plan->wt);
    memset(plan, 0, sizeof *plan);
}

/* ---- uint8: PyTorch's int16 passes --------------------------------------------------------- */

/* The pass table of table axis a (resample_math_u8.h layout), written at tab:
 * = _compute_index_ranges_int16_weights (the weights in double, their largest value fixing the
 * precision, then scaled and rounded). identity: one tap of weight 1 per destination. */
static clrs_status u8_pass_table(const clrs__interp_geom *g, int a, int identity, int32_t *tab)
{
    const int64_t n = g->out[a];
    const int aa = g->kind[a] >= CLRS_AXIS_AA_LINEAR;
    clrs_axis_d ax;
    int64_t o, *idx = NULL;
    double *w = NULL, *all = NULL, wmax = 0.0;
    int32_t *first = tab + CLRS_U8_HDR, *cnt = first + n, *wq = cnt + n;
    int k, p, j;

    memset(&ax, 0, sizeof ax);
    ax.kind = g->kind[a];
    ax.in = g->in[a];
    ax.out = n;
    ax.align_corners = g->align_corners;
    ax.user_scale = g->user_scale[a];
    clrs_axis_init_d(&ax);
    k = identity ? 1 : ax.max_taps; /* 2 / 4 without antialias */
    tab[0] = (int32_t)n;
    tab[1] = k;
    if (identity) {
        tab[2] = 14;
        for (o = 0; o < n; o++) first[o] = (int32_t)o, cnt[o] = 1, wq[o] = 1 << 14;
        return CLRS_OK;
    }
    idx = malloc(sizeof *idx * (size_t)k);
    w = malloc(sizeof *w * (size_t)k);
    all = malloc(sizeof *all * (size_t)(n * k));
    if (!idx || !w || !all) {
        free(idx), free(w), free(all);
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
    }
    for (o = 0; o < n; o++) {
        int64_t lo = 0;
        int c;
        if (aa) {
            /* = _compute_indices_min_size_weights_aa (the float path's window); the largest
             * weight counts only where the window was normalised (a non-zero total) */
            double total = 0.0;
            c = clrs_axis_taps_d(&ax, o, idx, w);
            lo = c ? idx[0] : 0;
            for (j = 0; j < c; j++) total += w[j];
            if (total != 0.0)
                for (j = 0; j < c; j++) wmax = w[j] > wmax ? w[j] : wmax;
        } else {
            c = clrs_u8_taps_plain(&ax, o, &lo, w, &wmax);
        }
        first[o] = (int32_t)lo;
        cnt[o] = c;
        for (j = 0; j < k; j++) all[o * k + j] = j < c ? w[j] : 0.0;
    }
    p = clrs_u8_precision(wmax);
    if (p < 1) p = 1; /* p = 0 needs a weight >= 2^14 - 1/4: never (they stay below ~1.1) */
    tab[2] = p;
    for (o = 0; o < n * k; o++) wq[o] = clrs_u8_quantize(all[o], p);
    free(idx), free(w), free(all);
    return CLRS_OK;
}

clrs_status clrs__u8_plan_build(const clrs__interp_geom *g, clrs__u8_plan *plan)
{
    /* table axes 1 (H) and 2 (W); W first, as ATen's AVX and generic kernels both do */
    int need[2], a, i;
    int64_t k[2];
    size_t len = 0;
    clrs_status st = CLRS_OK;
    memset(plan, 0, sizeof *plan);
    need[0] = g->out[2] != g->in[2];
    need[1] = g->out[1] != g->in[1];
    if (!need[0] && !need[1]) need[0] = -1; /* identity */
    for (i = 0; i < 2; i++) {
        clrs_axis_d ax;
        a = 2 - i;
        if (!need[i]) continue;
        memset(&ax, 0, sizeof ax);
        ax.kind = g->kind[a], ax.in = g->in[a], ax.out = g->out[a];
        ax.align_corners = g->align_corners, ax.user_scale = g->user_scale[a];
        clrs_axis_init_d(&ax);
        k[i] = need[i] < 0 ? 1 : ax.max_taps;
        if ((double)g->out[a] * (double)(k[i] + 2) > (double)(INT32_MAX / 4))
            return clrs__fail(CLRS_ERR_UNSUPPORTED, "interpolate: a resampling table of %lld x %lld taps is too large",
                              (long long)g->out[a], (long long)k[i]);
        plan->off[plan->npass] = len;
        plan->axis[plan->npass++] = a + 1; /* table axis 1 / 2 = tensor dim 2 / 3 */
        len += CLRS_U8_HDR + (size_t)g->out[a] * (size_t)(k[i] + 2);
    }
    if (!(plan->tab = malloc(sizeof *plan->tab * len)))
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for tables");
    plan->tab_len = len;
    for (i = 0; i < plan->npass && st == CLRS_OK; i++) {
        a = plan->axis[i] - 1;
        st = u8_pass_table(g, a, need[0] < 0, plan->tab + plan->off[i]);
    }
    if (st != CLRS_OK) clrs__u8_plan_free(plan);
    return st;
}

void clrs__u8_plan_free(clrs__u8_plan *plan)
{
    free(plan->tab);
    memset(plan, 0, sizeof *plan);
}

void clrs__u8_tmp_strides(const clrs__view *src, const int64_t shape[4], int64_t s[4])
{
    const int64_t C = shape[1], H = shape[2], W = shape[3];
    if (src->strides[1] < src->strides[3] && C > 1) { /* channels innermost: (N, H, W, C) */
        s[1] = 1, s[3] = C, s[2] = W * C, s[0] = H * W * C;
    } else {
        s[3] = 1, s[2] = W, s[1] = H * W, s[0] = C * H * W;
    }
}

/* ---- special forms the backends run without the general gather ---- */

/* 1 when every destination of axis a reads one source element with weight 1 (a pick). */
int clrs__interp_axis_is_unit(const clrs__interp_plan *plan, int a)
{
    const int64_t n = plan->dst[a];
    const int32_t *t = plan->tab;
    int64_t o;
    if (plan->fixed[a] != 1) return 0;
    for (o = 0; o < n; o++) {
        double w = plan->dbl ? ((const double *)plan->wt)[t[4 * a + 3] + o]
                             : ((const float *)plan->wt)[t[4 * a + 3] + o];
        if (w != 1.0) return 0;
    }
    return 1;
}

/* k when output o of the axis reads exactly source elements o * k .. o * k + k - 1, all with
 * the same weight (area mode at an integer factor), else 0. */
int64_t clrs__interp_block_taps(const clrs__interp_plan *plan, int a)
{
    const int64_t n = plan->dst[a];
    const int32_t *t = plan->tab, *cnt = t + t[4 * a], *idx = t + t[4 * a + 1];
    const int64_t k = t[4 * a + 2], wo = t[4 * a + 3];
    int64_t o, j;
    if (k < 1 || n < 1) return 0;
    for (o = 0; o < n; o++) {
        if (cnt[o] != k) return 0;
        for (j = 0; j < k; j++) {
            const double w = plan->dbl ? ((const double *)plan->wt)[wo + o * k + j]
                                       : ((const float *)plan->wt)[wo + o * k + j];
            const double w00 = plan->dbl ? ((const double *)plan->wt)[wo] : ((const float *)plan->wt)[wo];
            if (idx[o * k + j] != o * k + j || w != w00) return 0;
        }
    }
    return k;
}
