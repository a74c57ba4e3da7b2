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

/* A parameter that is PyTorch's None takes its default; 0 and CLRS_DEFAULT past the spatial
 * dims are "not given". */
static int64_t or_default(int64_t v, int64_t def) { return v == CLRS_DEFAULT ? def : v; }
static int unset(int64_t v) { return v == 0 || v == CLRS_DEFAULT; }

/* = pooling_output_shape, exactly (128-bit: no 64-bit input makes it wrap); -1 when the
 * size does not fit in 64 bits. */
static int64_t pool_out_exact(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, int ceil_mode)
{
    const __int128 num = (__int128)in + 2 * (__int128)p - (__int128)d * (k - 1) - 1 + (ceil_mode ? (__int128)s - 1 : 0);
    __int128 out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1; /* div_rtn: toward -inf */
    if (ceil_mode && (out - 1) * s >= (__int128)in + p) out--;   /* the last window starts inside */
    return out > INT64_MAX ? -1 : out < INT64_MIN / 2 ? INT64_MIN / 2 : (int64_t)out;
}

clrs_status clrs__pool_check_range(const char *op, clrs__pool_geom *g)
{
    int a;
    for (a = 3 - g->nsd; a < 3; a++) {
        /* a dilation past in + padding reaches no second element: clipped there, the windows
           are the same and the kernels' steps cannot wrap */
        const __int128 reach = (__int128)g->in[a] + g->p[a] + 1; /* in may be INT64_MAX */
        __int128 far;
        if (g->d[a] > reach) g->d[a] = (int64_t)reach; /* below d, so it fits */
        /* the largest position a kernel forms: a window's end, o * s - p + (k - 1) * d + 1 */
        far = (__int128)(g->out[a] - 1) * g->s[a] + (__int128)(g->k[a] - 1) * g->d[a] + g->p[a] + 1;
        if (far > INT64_MAX / 2)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: spatial dim %d: window positions past 2^62 are not supported (input size %lld)", op,
                              a - (3 - g->nsd), (long long)g->in[a]);
    }
    return CLRS_OK;
}

clrs_status clrs__pool_resolve(const char *op, const clrs_pool_params *p, int ndim,
                               const int64_t *in_shape, int64_t *out_shape, clrs__pool_geom *g)
{
    int nsd, d;
    clrs_status st;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if ((st = spatial_common(op, ndim, in_shape, &nsd)) != CLRS_OK) return st;
    if (p->ceil_mode != 0 && p->ceil_mode != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ceil_mode is %d; use 0 or 1", op, p->ceil_mode);
    for (d = nsd; d < 3; d++)
        if (p->kernel[d] || !unset(p->stride[d]) || p->padding[d] || !unset(p->dilation[d]))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel/stride/padding/dilation[%d] set but the input has %d spatial dim%s",
                              op, d, nsd, nsd == 1 ? "" : "s");
    geom_init(g, nsd);
    out_shape[0] = in_shape[0];
    out_shape[1] = in_shape[1];
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        const int64_t k = p->kernel[d], s = or_default(p->stride[d], k), pad = p->padding[d];
        const int64_t dil = or_default(p->dilation[d], 1);
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
        g->out[a] = pool_out_exact(g->in[a], k, s, pad, dil, p->ceil_mode);
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
    int nsd, d, skip;
    clrs_status st;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if ((st = spatial_common(op, ndim, in_shape, &nsd)) != CLRS_OK) return st;
    for (d = nsd; d < 3; d++)
        if (p->kernel[d] || !unset(p->stride[d]) || p->padding[d])
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel/stride/padding[%d] set but the input has %d spatial dim%s",
                              op, d, nsd, nsd == 1 ? "" : "s");
    /* = functional.py _unpool_output_size: (N, C, spatial...) drops its first two entries */
    if (p->output_ndim != 0 && p->output_ndim != nsd && p->output_ndim != nsd + 2)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: output_size must have %d or %d elements, got %d", op, nsd, nsd + 2, p->output_ndim);
    skip = p->output_ndim == nsd + 2 ? 2 : 0;
    geom_init(g, nsd);
    out_shape[0] = in_shape[0];
    out_shape[1] = in_shape[1];
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        const int64_t k = p->kernel[d], s = or_default(p->stride[d], k), pad = p->padding[d];
        __int128 def, out;
        if (k <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: kernel[%d] is %lld; must be positive", op, d, (long long)k);
        if (s <= 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: stride[%d] is %lld; must be positive", op, d, (long long)s);
        if (pad < 0) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: padding[%d] is %lld; must be >= 0", op, d, (long long)pad);
        /* = functional.py _unpool_output_size, exactly (128-bit) */
        def = ((__int128)in_shape[2 + d] - 1) * s + k - 2 * (__int128)pad;
        out = def;
        if (p->output_ndim) {
            out = p->output_size[skip + d];
            if (!(out > def - s && out < def + s)) {
                if (def - s < INT64_MIN || def + s > INT64_MAX)
                    return clrs__fail(CLRS_ERR_ARGUMENT,
                                      "%s: invalid output_size[%d] = %lld: the default size (in - 1) * stride + kernel - 2 * padding is out of range",
                                      op, d, (long long)out);
                return clrs__fail(CLRS_ERR_ARGUMENT,
                                  "%s: invalid output_size[%d] = %lld (dim %d must be between %lld and %lld)", op, d,
                                  (long long)out, d, (long long)(def - s), (long long)(def + s));
            }
        }
        if (out <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: output size along spatial dim %d must be positive", op, d);
        if (out > INT64_MAX)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: output size along spatial dim %d is out of range: (in - 1) * stride + kernel - 2 * padding exceeds 2^63-1",
                              op, d);
        g->in[a] = in_shape[2 + d];
        g->out[a] = (int64_t)out;
        g->k[a] = k, g->s[a] = s, g->p[a] = pad;
        out_shape[2 + d] = (int64_t)out;
    }
    /* the output plane's flat indices must fit in 64 bits */
    if (clrs__size_product(g->out, 3) < 0 || clrs__size_product(out_shape, ndim) < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the unpooled tensor has more than 2^63-1 elements", op);
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

/* 1 when a view's spatial axes (sizes n[0..2], strides s[2..4]) are packed, so that the
 * element at flat spatial index i sits at i * s[4]: true of NCHW (s[4] = 1) and of
 * channels-last (s[4] = C). Strides of size-1 axes are never used, so they do not count. */
int clrs__pool_spatial_packed(const int64_t *s, const int64_t *n)
{
    int64_t e = s[4] * n[2];
    if (n[1] > 1 && s[3] != e) return 0;
    e *= n[1];
    return n[0] <= 1 || s[2] == e;
}
