/* plan/ndimage.c — the scipy.ndimage ops' parameter rules and geometry: n_spatial, the
 * five-axis form of the tensors, scipy's prepadding ('nearest' and 'grid-constant' with a
 * prefilter pad by 12) and the zoom factors scipy derives from the shapes
 * (scipy/ndimage/_interpolation.py zoom, _prepad_for_spline_filter). */
#include "plan/plan.h"
#include "resample_math.h"

#include <string.h>

clrs_status clrs__ndi_spatial(const char *op, const clrs_ndi_params *p, int ndim, int *ns)
{
    if (p->n_spatial < 0 || p->n_spatial > 3)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params->n_spatial is %d; it must be 1, 2 or 3 (or 0: every dim "
                                             "past the first two)", op, p->n_spatial);
    if (p->n_spatial == 0) {
        if (ndim < 3 || ndim > 5)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: input has %d dims; with n_spatial 0 (N, C, spatial...) it needs 3 to 5", op, ndim);
        *ns = ndim - 2;
        return CLRS_OK;
    }
    if (ndim < p->n_spatial || ndim - p->n_spatial > 2)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: input has %d dims and n_spatial is %d; the dims before the spatial ones (at most 2) "
                          "are batch dims", op, ndim, p->n_spatial);
    *ns = p->n_spatial;
    return CLRS_OK;
}

/* kind: CLRS__NDI_* of the op (spline_filter refuses grid_mode, like every op but zoom) */
clrs_status clrs__ndi_check_params(const char *op, const clrs_ndi_params *p, int kind)
{
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if (p->order < 0 || p->order > 5)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: spline order not supported: params->order is %d; it must be 0..5",
                          op, p->order);
    if ((int)p->mode < 0 || (int)p->mode > 7)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: boundary mode not supported: params->mode is %d; it must be a "
                                             "clrs_ndi_mode (0..7)", op, (int)p->mode);
    if (p->prefilter != 0 && p->prefilter != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params->prefilter is %d; it must be 0 or 1", op, p->prefilter);
    if (p->grid_mode != 0 && p->grid_mode != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params->grid_mode is %d; it must be 0 or 1", op, p->grid_mode);
    if (p->grid_mode && kind != CLRS__NDI_ZOOM)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params->grid_mode is 1; grid_mode applies to zoom only", op);
    return CLRS_OK;
}

void clrs__ndi_strides(const clrs__view *v, int ns, int64_t s[5])
{
    const int nb = v->ndim - ns;
    int a;
    for (a = 0; a < 2; a++) s[a] = a >= 2 - nb ? v->strides[a - (2 - nb)] : 0;
    for (a = 0; a < 3; a++) s[2 + a] = a >= 3 - ns ? v->strides[nb + a - (3 - ns)] : 0;
}

/* cval stored into an array of `dtype` as numpy casts it: rounded to f32 / f16 / bf16; for u8
 * truncated toward zero and wrapped modulo 256 (what C's conversion does on the machines scipy
 * runs on; NaN and values past 2^63 give 0). */
double clrs__ndi_cast(double v, clrs_dtype dtype)
{
    switch (dtype) {
    case CLRS_F32: return (float)v;
    case CLRS_F16: return clrs_half_to_float(clrs_float_to_half((float)v));
    case CLRS_BF16: return clrs_bf16_to_float(clrs_float_to_bf16((float)v));
    case CLRS_U8:
        if (!(v > -9.2e18 && v < 9.2e18)) return 0;
        return (double)(uint8_t)(uint64_t)(int64_t)v;
    default: return v;
    }
}

void clrs__ndi_geom_init(clrs__ndi_geom *g, int op, const clrs_ndi_params *p, int ns, const clrs__view *in)
{
    const int nb = in->ndim - ns;
    int a;
    memset(g, 0, sizeof *g);
    g->op = op;
    g->order = p->order;
    g->mode = clrs_ndi_canonical_mode((int)p->mode);
    g->grid_mode = p->grid_mode;
    g->cval = p->cval;
    g->ns = ns;
    g->B0 = nb >= 2 ? in->shape[0] : 1;
    g->B1 = nb >= 1 ? in->shape[nb - 1] : 1;
    g->filtered = op == CLRS__NDI_FILTER ? p->order > 1 : p->prefilter && p->order > 1;
    g->npad = op != CLRS__NDI_FILTER && g->filtered &&
                      (g->mode == CLRS_NDI_M_NEAREST || g->mode == CLRS_NDI_M_GRID_CONSTANT)
                  ? 12
                  : 0;
    g->filter_axis = -1;
    g->pad_value = clrs__ndi_cast(p->cval, in->dtype);
    for (a = 0; a < 3; a++) {
        g->real[a] = a >= 3 - ns;
        g->in[a] = g->real[a] ? in->shape[nb + a - (3 - ns)] : 1;
        g->coef[a] = g->in[a] + (g->real[a] ? 2 * g->npad : 0);
        g->out[a] = 1;
        g->scale[a] = 1;
    }
}

clrs_status clrs__ndi_check_coef(const char *op, const clrs__ndi_geom *g)
{
    const int64_t d[5] = {g->B0, g->B1, g->coef[0], g->coef[1], g->coef[2]};
    int k;
    /* every suffix product (the array's strides) must fit, not just the whole: a zero size in
     * front (an empty batch, an empty axis) does not make huge sizes behind it fine */
    for (k = 0; k < 4; k++)
        if (clrs__size_product(d + k, 5 - k) < 0 || clrs__size_product(d + k, 5 - k) > ((int64_t)1 << 58))
            break;
    if (k < 4)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the input is out of range: its coefficient array (padded by %d) "
                                             "would have more than 2^58 elements", op, g->npad);
    return CLRS_OK;
}
