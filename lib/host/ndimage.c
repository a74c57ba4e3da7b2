/* host/ndimage.c — the host backend of the scipy.ndimage ops (C + OpenMP): the coefficient
 * array (padding, then the recursive prefilter along each axis, lines in parallel), the
 * per-point sampling (coordinates, taps and footprint sum of resample_math_ndimage.h), and the
 * backwards: the transposed scatter per batch slice, the prefilter's transpose, the padding's
 * transpose, and the coordinate gradient. All arithmetic is double. */
#include "host/host.h"

#include <stdlib.h>
#include <string.h>

static double load_any(const clrs__view *v, int64_t o)
{
    switch (v->dtype) {
    case CLRS_F32: return ((const float *)v->host)[o];
    case CLRS_F64: return ((const double *)v->host)[o];
    case CLRS_F16: return clrs_half_to_float(((const clrs_f16_t *)v->host)[o]);
    case CLRS_BF16: return clrs_bf16_to_float(((const clrs_u16 *)v->host)[o]);
    case CLRS_U8: return ((const clrs_u8 *)v->host)[o];
    default: return 0;
    }
}

static void store_any(const clrs__view *v, int64_t o, double t)
{
    switch (v->dtype) {
    case CLRS_F32: ((float *)v->host)[o] = (float)t; break;
    case CLRS_F64: ((double *)v->host)[o] = t; break;
    case CLRS_F16: ((clrs_f16_t *)v->host)[o] = clrs_float_to_half((float)t); break;
    case CLRS_BF16: ((clrs_u16 *)v->host)[o] = clrs_float_to_bf16((float)t); break;
    case CLRS_U8: ((clrs_u8 *)v->host)[o] = clrs_ndi_to_u8(t); break;
    default: break;
    }
}

/* The contiguous five-axis (B0, B1, coef0, coef1, coef2) array: sizes and strides. */
static void coef_dims(const clrs__ndi_geom *g, int64_t d[5], int64_t s[5])
{
    int a;
    d[0] = g->B0, d[1] = g->B1, d[2] = g->coef[0], d[3] = g->coef[1], d[4] = g->coef[2];
    s[4] = 1;
    for (a = 3; a >= 0; a--) s[a] = s[a + 1] * d[a + 1];
}

/* Runs the prefilter (or its transpose) along axis ax of the five-axis array: every line
 * sequential, lines in parallel. Lines along the innermost axis are contiguous and filtered
 * in place; along another axis, blocks of NDI_BLOCK neighbouring lines are gathered into a
 * contiguous buffer (each row of the gather reads one run of adjacent elements: whole cache
 * lines), filtered there and written back, as scipy's line buffers do. */
#define NDI_BLOCK 16
static void filter_axis(double *c, const int64_t d[5], const int64_t s[5], int ax, int order, int mode, int adjoint)
{
    const int64_t n = d[ax];
    int64_t outer = 1, nblk, tasks;
    int a;
    if (n <= 1) return;
    if (ax == 4) {
        const int64_t lines = d[0] * d[1] * d[2] * d[3];
        int64_t l;
#pragma omp parallel for schedule(static)
        for (l = 0; l < lines; l++) {
            if (adjoint) clrs_ndi_filter_line_adj(c + l * n, n, 1, order, mode);
            else clrs_ndi_filter_line(c + l * n, n, 1, order, mode);
        }
        return;
    }
    for (a = 0; a < 4; a++)
        if (a != ax) outer *= d[a];
    nblk = (d[4] + NDI_BLOCK - 1) / NDI_BLOCK;
    tasks = outer * nblk;
#pragma omp parallel
    {
        double *buf = malloc(sizeof(double) * (size_t)(n * NDI_BLOCK));
        int64_t task;
#pragma omp for schedule(static)
        for (task = 0; task < tasks; task++) {
            int64_t r = task / nblk, base = 0, i, j, m;
            const int64_t j0 = (task % nblk) * NDI_BLOCK;
            int b;
            for (b = 3; b >= 0; b--)
                if (b != ax) base += (r % d[b]) * s[b], r /= d[b];
            m = d[4] - j0 < NDI_BLOCK ? d[4] - j0 : NDI_BLOCK;
            if (!buf) { /* no memory for the buffer: the lines in place */
                for (j = 0; j < m; j++) {
                    if (adjoint) clrs_ndi_filter_line_adj(c + base + j0 + j, n, s[ax], order, mode);
                    else clrs_ndi_filter_line(c + base + j0 + j, n, s[ax], order, mode);
                }
                continue;
            }
            for (i = 0; i < n; i++)
                for (j = 0; j < m; j++) buf[j * n + i] = c[base + i * s[ax] + j0 + j];
            for (j = 0; j < m; j++) {
                if (adjoint) clrs_ndi_filter_line_adj(buf + j * n, n, 1, order, mode);
                else clrs_ndi_filter_line(buf + j * n, n, 1, order, mode);
            }
            for (i = 0; i < n; i++)
                for (j = 0; j < m; j++) c[base + i * s[ax] + j0 + j] = buf[j * n + i];
        }
        free(buf);
    }
}

/* The source index along an axis of padded position i (scipy's numpy.pad: 'edge' for
 * 'nearest', cval for 'grid-constant': -1). */
static int64_t unpad(const clrs__ndi_geom *g, int a, int64_t i)
{
    int64_t j = i - (g->real[a] ? g->npad : 0);
    if (j >= 0 && j < g->in[a]) return j;
    if (g->mode == CLRS_NDI_M_NEAREST) return j < 0 ? 0 : g->in[a] - 1;
    return -1;
}

/* The coefficient array of the input: padded, then prefiltered when g->filtered. */
static clrs_status build_coef(const clrs__ndi_geom *g, const clrs__view *in, int do_filter, double **out)
{
    int64_t d[5], s[5], is[5], rows, z;
    int ax[3], n, k;
    double *c;
    coef_dims(g, d, s);
    clrs__ndi_strides(in, g->ns, is);
    *out = NULL;
    if (d[0] == 0 || s[0] == 0) return CLRS_OK; /* an empty batch: nothing to read */
    c = malloc(sizeof(double) * (size_t)(d[0] * s[0]));
    if (!c) return clrs__fail(CLRS_ERR_MEMORY, "ndimage: no memory for the coefficient array");
    rows = d[0] * d[1] * d[2] * d[3];
#pragma omp parallel for schedule(static)
    for (z = 0; z < rows; z++) {
        const int64_t i1 = z % d[3], i0 = (z / d[3]) % d[2], b1 = (z / d[3] / d[2]) % d[1], b0 = z / d[3] / d[2] / d[1];
        const int64_t j0 = unpad(g, 0, i0), j1 = unpad(g, 1, i1);
        double *row = c + z * d[4];
        int64_t i2;
        for (i2 = 0; i2 < d[4]; i2++) {
            const int64_t j2 = unpad(g, 2, i2);
            row[i2] = j0 < 0 || j1 < 0 || j2 < 0 ? g->pad_value
                                                 : load_any(in, b0 * is[0] + b1 * is[1] + j0 * is[2] + j1 * is[3] +
                                                                    j2 * is[4]);
        }
    }
    if (do_filter && g->filtered) {
        n = clrs__ndi_filter_axes(g, ax);
        for (k = 0; k < n; k++) filter_axis(c, d, s, ax[k], g->order, g->mode, 0);
    }
    *out = c;
    return CLRS_OK;
}

/* Strides of the coordinates tensor (n_spatial, P...) as (k, P0, P1, P2). */
static void coord_strides(const clrs__view *co, int64_t cs[4])
{
    const int np = co->ndim - 1;
    int a;
    cs[0] = co->strides[0];
    for (a = 0; a < 3; a++) cs[1 + a] = a >= 3 - np ? co->strides[1 + a - (3 - np)] : 0;
}

/* The taps of point p along every axis; 0 when the point is outside ('constant'). */
static int point_taps(const clrs__ndi_geom *g, const clrs__view *co, const int64_t cs[4], const int64_t p[3],
                      int want_dw, clrs_ndi_taps t[3])
{
    int a, c, inside = 1;
    for (a = 0; a < 3; a++) {
        double cc;
        if (!g->real[a]) {
            clrs_ndi_unit_taps(&t[a]);
            continue;
        }
        if (g->op == CLRS__NDI_ZOOM) {
            cc = clrs_ndi_zoom_coord(p[a], g->scale[a], g->grid_mode, g->npad);
        } else if (g->op == CLRS__NDI_AFFINE) { /* = NI_GeometricTransform: sum_l o[l] * M[h][l] + shift */
            cc = 0.0;
            for (c = 0; c < 3; c++)
                if (g->real[c]) cc += (double)p[c] * g->m[a][c];
            cc += g->off[a];
            cc += (double)g->npad;
        } else {
            cc = load_any(co, (a - (3 - g->ns)) * cs[0] + p[0] * cs[1] + p[1] * cs[2] + p[2] * cs[3]);
            cc += (double)g->npad;
        }
        if (!clrs_ndi_axis_taps(cc, g->coef[a], g->order, g->mode, want_dw, &t[a])) inside = 0;
    }
    return inside;
}

#define LC_COEF(o) (cb[o])
#define LC_F32(o) ((double)((const float *)in->host)[o])
#define LC_F64(o) (((const double *)in->host)[o])
#define LC_F16(o) ((double)clrs_half_to_float(((const clrs_f16_t *)in->host)[o]))
#define LC_BF16(o) ((double)clrs_bf16_to_float(((const clrs_u16 *)in->host)[o]))
#define LC_U8(o) ((double)((const clrs_u8 *)in->host)[o])

/* zoom is separable: the taps of every output index, per axis, computed once (as scipy's
 * NI_ZoomShift does). 0 when there is no memory for them. */
static int zoom_tables(const clrs__ndi_geom *g, clrs_ndi_taps *tab[3], char *in_tab[3])
{
    int a;
    int64_t k;
    for (a = 0; a < 3; a++) {
        tab[a] = malloc(sizeof(clrs_ndi_taps) * (size_t)g->out[a]);
        in_tab[a] = malloc((size_t)g->out[a]);
        if (!tab[a] || !in_tab[a]) return 0;
        for (k = 0; k < g->out[a]; k++) {
            if (!g->real[a]) {
                clrs_ndi_unit_taps(&tab[a][k]);
                in_tab[a][k] = 1;
                continue;
            }
            in_tab[a][k] = (char)clrs_ndi_axis_taps(clrs_ndi_zoom_coord(k, g->scale[a], g->grid_mode, g->npad),
                                                    g->coef[a], g->order, g->mode, 0, &tab[a][k]);
        }
    }
    return 1;
}

static void sample(const clrs__ndi_geom *g, const clrs__view *in, const double *coef, const clrs__view *co,
                   const clrs__view *out)
{
    int64_t os[5], is[5], cs[4] = {0, 0, 0, 0}, cd[5], cst[5], rows, z;
    const int np = out->ndim - (in->ndim - g->ns);
    const int src = coef ? 0 : 1 + (int)in->dtype;
    clrs_ndi_taps *tab[3] = {NULL, NULL, NULL};
    char *in_tab[3] = {NULL, NULL, NULL};
    clrs__ndi_strides(out, np, os);
    clrs__ndi_strides(in, g->ns, is);
    coef_dims(g, cd, cst);
    if (coef) is[2] = cst[2], is[3] = cst[3], is[4] = cst[4];
    if (co) coord_strides(co, cs);
    if (g->op == CLRS__NDI_ZOOM && !zoom_tables(g, tab, in_tab)) /* no memory: per point */
        for (int a = 0; a < 3; a++) free(tab[a]), free(in_tab[a]), tab[a] = NULL, in_tab[a] = NULL;
    rows = g->B0 * g->B1 * g->out[0] * g->out[1];
#pragma omp parallel for schedule(static)
    for (z = 0; z < rows; z++) {
        int64_t p[3];
        const int64_t b = z / (g->out[0] * g->out[1]), b0 = b / g->B1, b1 = b % g->B1;
        const int64_t obase = b0 * os[0] + b1 * os[1];
        const int64_t ibase = coef ? b * cst[1] : b0 * is[0] + b1 * is[1];
        const double *cb = coef;
        p[1] = z % g->out[1], p[0] = (z / g->out[1]) % g->out[0];
        for (p[2] = 0; p[2] < g->out[2]; p[2]++) {
            clrs_ndi_taps t[3];
            const clrs_ndi_taps *tp[3] = {&t[0], &t[1], &t[2]};
            double v = g->cval;
            int inside;
            if (tab[0]) {
                int a;
                inside = in_tab[0][p[0]] && in_tab[1][p[1]] && in_tab[2][p[2]];
                for (a = 0; a < 3; a++) tp[a] = &tab[a][p[a]];
            } else {
                inside = point_taps(g, co, cs, p, 0, t);
            }
            if (inside) {
                switch (src) {
                case 0: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_COEF); break;
                case 1 + CLRS_F32: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_F32); break;
                case 1 + CLRS_F64: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_F64); break;
                case 1 + CLRS_F16: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_F16); break;
                case 1 + CLRS_BF16: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_BF16); break;
                default: CLRS_NDI_SUM(v, *tp[0], *tp[1], *tp[2], g->real, ibase, is[2], is[3], is[4], g->cval, g->order, LC_U8); break;
                }
            }
            store_any(out, obase + p[0] * os[2] + p[1] * os[3] + p[2] * os[4], v);
        }
    }
    for (int a = 0; a < 3; a++) free(tab[a]), free(in_tab[a]);
}

/* Writes the five-axis contiguous array c (the coefficient layout, npad 0) into view v. */
static void store_array(const clrs__ndi_geom *g, const double *c, const clrs__view *v)
{
    int64_t d[5], s[5], vs[5], n, i;
    coef_dims(g, d, s);
    clrs__ndi_strides(v, g->ns, vs);
    n = d[0] * s[0];
#pragma omp parallel for schedule(static)
    for (i = 0; i < n; i++) {
        int64_t r = i, o = 0;
        int a;
        for (a = 4; a >= 0; a--) o += (r % d[a]) * vs[a], r /= d[a];
        store_any(v, o, c[i]);
    }
}

clrs_status clrs__host_ndi(const clrs__ndi_geom *g, const clrs__view *in, const clrs__view *co,
                           const clrs__view *out)
{
    double *coef = NULL;
    clrs_status st;
    if (g->op == CLRS__NDI_FILTER || g->filtered) {
        if ((st = build_coef(g, in, 1, &coef)) != CLRS_OK) return st;
    }
    if (g->op == CLRS__NDI_FILTER) store_array(g, coef, out);
    else sample(g, in, coef, co, out);
    free(coef);
    return CLRS_OK;
}

/* ---- backward ------------------------------------------------------------------------------ */

/* grad of the coefficient array: the transposed footprint sum, one batch slice per thread, the
 * points of a slice in order (deterministic). */
static void scatter(const clrs__ndi_geom *g, const clrs__view *gout, const clrs__view *co, double *gc)
{
    int64_t os[5], cs[4] = {0, 0, 0, 0}, cd[5], cst[5], b;
    const int np = co ? co->ndim - 1 : g->ns;
    const int64_t B = g->B0 * g->B1;
    if (clrs__ndi_no_points(g)) return;
    clrs__ndi_strides(gout, np, os);
    coef_dims(g, cd, cst);
    if (co) coord_strides(co, cs);
#pragma omp parallel for schedule(dynamic, 1)
    for (b = 0; b < B; b++) {
        const int64_t b0 = b / g->B1, b1 = b % g->B1;
        double *cb = gc + b * cst[1];
        int64_t p[3];
        for (p[0] = 0; p[0] < g->out[0]; p[0]++)
            for (p[1] = 0; p[1] < g->out[1]; p[1]++)
                for (p[2] = 0; p[2] < g->out[2]; p[2]++) {
                    clrs_ndi_taps t[3];
                    double gy;
                    int i, j, k;
                    if (!point_taps(g, co, cs, p, 0, t)) continue;
                    gy = load_any(gout, b0 * os[0] + b1 * os[1] + p[0] * os[2] + p[1] * os[3] + p[2] * os[4]);
                    for (i = 0; i < t[0].n; i++)
                        for (j = 0; j < t[1].n; j++)
                            for (k = 0; k < t[2].n; k++) {
                                double w = gy;
                                if (t[0].cv[i] || t[1].cv[j] || t[2].cv[k]) continue;
                                if (g->order > 0) {
                                    if (g->real[0]) w *= t[0].w[i];
                                    if (g->real[1]) w *= t[1].w[j];
                                    if (g->real[2]) w *= t[2].w[k];
                                }
                                cb[t[0].idx[i] * cst[2] + t[1].idx[j] * cst[3] + t[2].idx[k] * cst[4]] += w;
                            }
                }
    }
}

/* grad_input from the coefficient gradient: the padding's transpose (positions that copied an
 * input element add to it; cval positions are dropped), stored into gin. */
static void unpad_store(const clrs__ndi_geom *g, const double *gc, const clrs__view *gin)
{
    int64_t cd[5], cs[5], vs[5], n, i;
    coef_dims(g, cd, cs);
    clrs__ndi_strides(gin, g->ns, vs);
    n = g->B0 * g->B1 * g->in[0] * g->in[1] * g->in[2];
#pragma omp parallel for schedule(static)
    for (i = 0; i < n; i++) {
        const int64_t j2 = i % g->in[2], j1 = (i / g->in[2]) % g->in[1], j0 = (i / g->in[2] / g->in[1]) % g->in[0];
        const int64_t b = i / g->in[2] / g->in[1] / g->in[0];
        int64_t lo[3], hi[3], j[3] = {j0, j1, j2}, x, y, w;
        double s = 0;
        int a;
        for (a = 0; a < 3; a++) {
            const int64_t pad = g->real[a] ? g->npad : 0;
            lo[a] = hi[a] = j[a] + pad;
            if (pad && g->mode == CLRS_NDI_M_NEAREST) {
                if (j[a] == 0) lo[a] = 0;
                if (j[a] == g->in[a] - 1) hi[a] = g->coef[a] - 1;
            }
        }
        for (x = lo[0]; x <= hi[0]; x++)
            for (y = lo[1]; y <= hi[1]; y++)
                for (w = lo[2]; w <= hi[2]; w++) s += gc[b * cs[1] + x * cs[2] + y * cs[3] + w * cs[4]];
        store_any(gin, (b / g->B1) * vs[0] + (b % g->B1) * vs[1] + j0 * vs[2] + j1 * vs[3] + j2 * vs[4], s);
    }
}

/* grad_coordinates: d output / d coordinate per point, summed against grad_output over the
 * batch. coef is the forward's coefficient array, or NULL to read the input directly. */
static void coord_grad(const clrs__ndi_geom *g, const clrs__view *gout, const clrs__view *in, const double *coef,
                       const clrs__view *co, const clrs__view *gco)
{
    int64_t os[5], is[5], cs[4], gs[4], cd[5], cst[5], P, q;
    const int np = co->ndim - 1;
    if (clrs__ndi_no_points(g)) return;
    clrs__ndi_strides(gout, np, os);
    clrs__ndi_strides(in, g->ns, is);
    coef_dims(g, cd, cst);
    coord_strides(co, cs);
    coord_strides(gco, gs);
    P = g->out[0] * g->out[1] * g->out[2];
#pragma omp parallel for schedule(static)
    for (q = 0; q < P; q++) {
        int64_t p[3], b;
        clrs_ndi_taps t[3];
        double acc[3] = {0, 0, 0};
        int a, inside;
        p[2] = q % g->out[2], p[1] = (q / g->out[2]) % g->out[1], p[0] = q / g->out[2] / g->out[1];
        inside = point_taps(g, co, cs, p, 1, t) && g->order > 0;
        for (b = 0; inside && b < g->B0 * g->B1; b++) {
            const int64_t b0 = b / g->B1, b1 = b % g->B1;
            const double gy = load_any(gout, b0 * os[0] + b1 * os[1] + p[0] * os[2] + p[1] * os[3] + p[2] * os[4]);
            int i, j, k;
            for (i = 0; i < t[0].n; i++)
                for (j = 0; j < t[1].n; j++)
                    for (k = 0; k < t[2].n; k++) {
                        double c;
                        if (t[0].cv[i] || t[1].cv[j] || t[2].cv[k]) c = g->cval;
                        else if (coef)
                            c = coef[b * cst[1] + t[0].idx[i] * cst[2] + t[1].idx[j] * cst[3] + t[2].idx[k] * cst[4]];
                        else
                            c = load_any(in, b0 * is[0] + b1 * is[1] + t[0].idx[i] * is[2] + t[1].idx[j] * is[3] +
                                                 t[2].idx[k] * is[4]);
                        c *= gy;
                        for (a = 0; a < 3; a++) {
                            double d = c;
                            if (!g->real[a]) continue;
                            d *= a == 0 ? t[0].dw[i] : g->real[0] ? t[0].w[i] : 1.0;
                            d *= a == 1 ? t[1].dw[j] : g->real[1] ? t[1].w[j] : 1.0;
                            d *= a == 2 ? t[2].dw[k] : g->real[2] ? t[2].w[k] : 1.0;
                            acc[a] += d;
                        }
                    }
        }
        for (a = 0; a < 3; a++)
            if (g->real[a])
                store_any(gco, (a - (3 - g->ns)) * gs[0] + p[0] * gs[1] + p[1] * gs[2] + p[2] * gs[3], acc[a]);
    }
}

clrs_status clrs__host_ndi_backward(const clrs__ndi_geom *g, const clrs__view *gout, const clrs__view *in,
                                    const clrs__view *co, const clrs__view *gin, const clrs__view *gco)
{
    int64_t cd[5], cst[5];
    int ax[3], n, k;
    coef_dims(g, cd, cst);
    if (gin && cd[0] != 0 && cst[0] != 0) {
        double *gc;
        if (g->op == CLRS__NDI_FILTER) {
            clrs_status st = build_coef(g, gout, 0, &gc); /* grad_output as a double array */
            if (st != CLRS_OK) return st;
        } else {
            gc = calloc((size_t)(cd[0] * cst[0]), sizeof(double));
            if (!gc) return clrs__fail(CLRS_ERR_MEMORY, "ndimage: no memory for the coefficient gradient");
            scatter(g, gout, co, gc);
        }
        if (g->filtered) {
            n = clrs__ndi_filter_axes(g, ax);
            for (k = n - 1; k >= 0; k--) filter_axis(gc, cd, cst, ax[k], g->order, g->mode, 1);
        }
        if (g->op == CLRS__NDI_FILTER) store_array(g, gc, gin);
        else unpad_store(g, gc, gin);
        free(gc);
    }
    if (gco) {
        double *coef = NULL;
        if (g->filtered) {
            clrs_status st = build_coef(g, in, 1, &coef);
            if (st != CLRS_OK) return st;
        }
        coord_grad(g, gout, in, coef, co, gco);
        free(coef);
    }
    return CLRS_OK;
}
