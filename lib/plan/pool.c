/* plan/pool.c — max_pool's and max_unpool's argument rules and output sizes (PyTorch's:
 * Pool.h pool2d_shape_check, DilatedMaxPool*.cpp, functional.py _unpool_output_size). */
#include "plan/plan.h"
#include "resample_math.h"

#include <stdio.h>
#include <string.h>

static clrs_status spatial_common(const char *op, int ndim, const int64_t *in_shape, int *nsd)
{
    int d;
    if (ndim < 3 || ndim > 5)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input must be 3-D, 4-D or 5-D (N, C, spatial...), got %d-D", op,
                          ndim);
    if (!in_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: in_shape is NULL", op);
    if (in_shape[0] < 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input batch size is negative", op);
    for (d = 1; d < ndim; d++)
        if (in_shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: input shape[%d] is %lld; channel and spatial sizes must be positive", op, d,
                              (long long)in_shape[d]);
    *nsd = ndim - 2;
    return CLRS_OK;
}

static void geom_init(clrs__pool_geom *g, int nsd)
{
    int a;
    memset(g, 0, sizeof *g);
    g->nsd = nsd;
    for (a = 0; a < 3; a++) g->in[a] = g->out[a] = g->k[a] = g->s[a] = g->d[a] = 1;
}

clrs_status clrs__pool_resolve(const char *op, const clrs_pool_params *p, int ndim,
                               const int64_t *in_shape, int64_t *out_shape, clrs__pool_geom *g)
{
    int nsd, d, all_zero_s = 1, all_zero_d = 1;
    clrs_status st;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if ((st = spatial_common(op, ndim, in_shape, &nsd)) != CLRS_OK) return st;
    if (p->ceil_mode != 0 && p->ceil_mode != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ceil_mode is %d; use 0 or 1", op, p->ceil_mode);
    for (d = 0; d < 3; d++) {
        if (d >= nsd && (p->kernel[d] || p->stride[d] || p->padding[d] || p->dilation[d]))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel/stride/padding/dilation[%d] set but the input has %d spatial dim%s",
                              op, d, nsd, nsd == 1 ? "" : "s");
        if (p->stride[d]) all_zero_s = 0;
        if (p->dilation[d]) all_zero_d = 0;
    }
    geom_init(g, nsd);
    out_shape[0] = in_shape[0];
    out_shape[1] = in_shape[1];
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        const int64_t k = p->kernel[d], s = all_zero_s ? k : p->stride[d], pad = p->padding[d];
        const int64_t dil = all_zero_d ? 1 : p->dilation[d];
        if (k <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel[%d] is %lld; kernel size should be greater than zero", op, d, (long long)k);
        if (k > CLRS_POOL_MAX_K) return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: kernel[%d] is %lld; sizes above %d are not supported", op, d, (long long)k, CLRS_POOL_MAX_K);
        if (s <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: stride[%d] is %lld; stride should be greater than zero", op, d, (long long)s);
        if (dil <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: dilation[%d] is %lld; dilation should be greater than zero", op, d, (long long)dil);
        if (pad < 0 || pad > k / 2)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: padding[%d] is %lld; pad should be smaller than or equal to half of kernel size (%lld)",
                              op, d, (long long)pad, (long long)k);
        g->in[a] = in_shape[2 + d];
        g->k[a] = k, g->s[a] = s, g->p[a] = pad, g->d[a] = dil;
        g->out[a] = clrs_pool_out_size(g->in[a], k, s, pad, dil, p->ceil_mode);
        if (g->out[a] < 1)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: Given input size %lld along spatial dim %d, calculated output size %lld is too small",
                              op, (long long)g->in[a], d, (long long)g->out[a]);
        out_shape[2 + d] = g->out[a];
    }
    return CLRS_OK;
}

clrs_status clrs__unpool_resolve(const char *op, const clrs_unpool_params *p, int ndim,
                                 const int64_t *in_shape, int64_t *out_shape, clrs__pool_geom *g)
{
    int nsd, d, all_zero_s = 1, has_size = 0;
    clrs_status st;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if ((st = spatial_common(op, ndim, in_shape, &nsd)) != CLRS_OK) return st;
    for (d = 0; d < 3; d++) {
        if (d >= nsd && (p->kernel[d] || p->stride[d] || p->padding[d] || p->output_size[d]))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel/stride/padding/output_size[%d] set but the input has %d spatial dim%s",
                              op, d, nsd, nsd == 1 ? "" : "s");
        if (p->stride[d]) all_zero_s = 0;
        if (p->output_size[d]) has_size = 1;
    }
    geom_init(g, nsd);
    out_shape[0] = in_shape[0];
    out_shape[1] = in_shape[1];
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        const int64_t k = p->kernel[d], s = all_zero_s ? k : p->stride[d], pad = p->padding[d];
        int64_t def, out;
        if (k <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel[%d] is %lld; must be positive", op, d, (long long)k);
        if (s <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: stride[%d] is %lld; must be positive", op, d, (long long)s);
        if (pad < 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: padding[%d] is %lld; must be >= 0", op, d, (long long)pad);
        /* = functional.py _unpool_output_size */
        def = (in_shape[2 + d] - 1) * s + k - 2 * pad;
        out = def;
        if (has_size) {
            out = p->output_size[d];
            if (!(out > def - s && out < def + s))
                return clrs__fail(CLRS_ERR_ARGUMENT,
                                  "%s: invalid output_size[%d] = %lld (dim %d must be between %lld and %lld)", op, d,
                                  (long long)out, d, (long long)(def - s), (long long)(def + s));
        }
        if (out <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output size %lld along spatial dim %d must be positive", op,
                              (long long)out, d);
        g->in[a] = in_shape[2 + d];
        g->out[a] = out;
        g->k[a] = k, g->s[a] = s, g->p[a] = pad;
        out_shape[2 + d] = out;
    }
    return CLRS_OK;
}

void clrs__pool_geom_array(const clrs__pool_geom *g, int64_t a[18])
{
    int i;
    for (i = 0; i < 3; i++) {
        a[i] = g->in[i];
        a[3 + i] = g->out[i];
        a[6 + i] = g->k[i];
        a[9 + i] = g->s[i];
        a[12 + i] = g->p[i];
        a[15 + i] = g->d[i];
    }
}
