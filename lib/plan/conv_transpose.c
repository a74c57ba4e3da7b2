/* plan/conv_transpose.c — conv_transpose's argument rules and output sizes (PyTorch's:
 * Convolution.cpp check_shape_forward, NaiveConvolutionTranspose{2,3}d.cpp shape checks,
 * the output-size formula of conv_transpose{1,2,3}d), the GEMM view of a tensor, and the
 * OpenCL workspace layout. */
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

/* 0 and CLRS_DEFAULT past the spatial dims are "not given" */
#define UNSET(v) ((v) == 0 || (v) == CLRS_DEFAULT)

clrs_status clrs__conv_resolve(const char *op, const clrs_conv_transpose_params *p, int ndim,
                               const int64_t *in_shape, const int64_t *w_shape, int64_t *out_shape,
                               clrs__conv_geom *g)
{
    int nsd, d;
    int64_t groups;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if (ndim < 3 || ndim > 5)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: input must be 3-D, 4-D or 5-D (N, C_in, spatial...), got %d-D", op, ndim);
    if (!in_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: in_shape is NULL", op);
    if (!w_shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: weight_shape is NULL", op);
    nsd = ndim - 2;
    groups = p->groups == CLRS_DEFAULT ? 1 : p->groups;
    if (groups <= 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: groups is %lld; non-positive groups is not supported", op,
                          (long long)groups);
    for (d = nsd; d < 3; d++)
        if (!UNSET(p->stride[d]) || p->padding[d] || p->output_padding[d] || !UNSET(p->dilation[d]))
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: stride/padding/output_padding/dilation[%d] set but the input has %d spatial dim%s",
                              op, d, nsd, nsd == 1 ? "" : "s");
    for (d = 0; d < nsd; d++)
        if (p->padding[d] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: padding[%d] is %lld; negative padding is not supported", op, d,
                              (long long)p->padding[d]);
    for (d = 0; d < nsd; d++)
        if (p->output_padding[d] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: output_padding[%d] is %lld; negative output_padding is not supported", op, d,
                              (long long)p->output_padding[d]);
    for (d = 0; d < nsd; d++)
        if (p->stride[d] != CLRS_DEFAULT && p->stride[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: stride[%d] is %lld; non-positive stride is not supported", op,
                              d, (long long)p->stride[d]);
    for (d = 0; d < nsd; d++)
        if (p->dilation[d] != CLRS_DEFAULT && p->dilation[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: dilation[%d] is %lld; dilation should be greater than zero",
                              op, d, (long long)p->dilation[d]);
    if (in_shape[0] < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input batch size is %lld; must be >= 0", op, (long long)in_shape[0]);
    for (d = 0; d < ndim; d++)
        if (w_shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: weight shape[%d] is %lld; non-empty weight tensor expected (C_in, C_out/groups, k...) with positive sizes",
                              op, d, (long long)w_shape[d]);
    if (w_shape[0] < groups)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Given groups=%lld, expected weight to be at least %lld at dimension 0, but got weight with shape[0] = %lld",
                          op, (long long)groups, (long long)groups, (long long)w_shape[0]);
    if (w_shape[0] % groups)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Given groups=%lld, expected weight to be divisible by %lld at dimension 0, but got weight with shape[0] = %lld",
                          op, (long long)groups, (long long)groups, (long long)w_shape[0]);
    if (in_shape[1] != w_shape[0])
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Given transposed=1, weight with shape[0] = %lld, expected input to have %lld channels, but got %lld channels instead",
                          op, (long long)w_shape[0], (long long)w_shape[0], (long long)in_shape[1]);
    memset(g, 0, sizeof *g);
    g->nsd = nsd;
    for (d = 0; d < 3; d++) g->in[d] = g->out[d] = g->k[d] = g->s[d] = g->d[d] = 1;
    for (d = 0; d < nsd; d++) {
        const int a = 3 - nsd + d;
        const int64_t s = p->stride[d] == CLRS_DEFAULT ? 1 : p->stride[d];
        const int64_t dil = p->dilation[d] == CLRS_DEFAULT ? 1 : p->dilation[d];
        const int64_t op_ = p->output_padding[d], k = w_shape[2 + d], in = in_shape[2 + d];
        if (!(op_ < s || op_ < dil))
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: output padding must be smaller than either stride or dilation, but got output_padding[%d] = %lld, stride[%d] = %lld, dilation[%d] = %lld",
                              op, d, (long long)op_, d, (long long)s, d, (long long)dil);
        if (in <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: input shape[%d] is %lld; non-empty input expected: spatial sizes must be positive", op,
                              2 + d, (long long)in);
        if (in > INT32_MAX || k > INT32_MAX || s > INT32_MAX || dil > INT32_MAX || p->padding[d] > INT32_MAX ||
            op_ > INT32_MAX)
            return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: sizes above 2^31-1 along spatial dim %d are not supported", op, d);
        g->in[a] = in, g->k[a] = k, g->s[a] = s, g->p[a] = p->padding[d], g->d[a] = dil;
        g->out[a] = (in - 1) * s - 2 * p->padding[d] + dil * (k - 1) + op_ + 1;
        if (g->out[a] < 1)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: Given input size %lld along spatial dim %d, calculated output size %lld: output size is too small",
                              op, (long long)in, d, (long long)g->out[a]);
    }
    g->N = in_shape[0];
    g->Cin = in_shape[1];
    g->G = groups;
    g->Cin_g = g->Cin / groups;
    g->Cout_g = w_shape[1];
    if (g->Cout_g > INT32_MAX / groups) return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: too many output channels", op);
    g->Cout = g->Cout_g * groups;
    /* each factor is below 2^31 but the products may not fit: checked */
    g->K = clrs__size_product(g->k, 3);
    g->L = clrs__size_product(g->in, 3);
    g->Lout = clrs__size_product(g->out, 3);
    if (g->K < 0 || g->L < 0 || g->Lout < 0)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: GEMM dimensions above 2^31-1 are not supported", op);
    /* BLAS dimensions are 32-bit ints on the host */
    if (g->K > INT32_MAX || g->L > INT32_MAX || g->Lout > INT32_MAX || g->Cin > INT32_MAX ||
        g->Cout_g > INT32_MAX / g->K || g->Cout > INT64_MAX / g->K)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: GEMM dimensions above 2^31-1 are not supported", op);
    g->M = g->Cout_g * g->K;
    if (out_shape) {
        out_shape[0] = g->N;
        out_shape[1] = g->Cout;
        for (d = 0; d < nsd; d++) out_shape[2 + d] = g->out[3 - nsd + d];
    }
    return CLRS_OK;
}

clrs_status clrs__conv_resolve_views(const char *op, const clrs_conv_transpose_params *p,
                                     const clrs__view *input, const clrs__view *weight,
                                     const clrs__view *bias, const clrs__view *out,
                                     clrs__conv_geom *g)
{
    int64_t want[5];
    clrs_status st;
    if (input->dtype == CLRS_I64)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input dtype is i64; expected f32, f64, f16 or bf16", op);
    if (weight->dtype != input->dtype)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: weight dtype %s differs from input dtype %s", op,
                          clrs__dtype_name(weight->dtype), clrs__dtype_name(input->dtype));
    if (input->ndim < 3)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: input must be 3-D, 4-D or 5-D (N, C_in, spatial...), got %d-D", op, input->ndim);
    if (weight->ndim != input->ndim)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Expected %d-dimensional input for %d-dimensional weight, but got %d-dimensional input",
                          op, weight->ndim, weight->ndim, input->ndim);
    if ((st = clrs__conv_resolve(op, p, input->ndim, input->shape, weight->shape, want, g)) != CLRS_OK) return st;
    if (bias) {
        if (bias->dtype != input->dtype)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: bias dtype %s differs from input dtype %s", op,
                              clrs__dtype_name(bias->dtype), clrs__dtype_name(input->dtype));
        if (bias->ndim != 1 || bias->shape[0] != g->Cout)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: expected bias to be 1-dimensional with %lld elements (C_out), but got a %d-D bias%s",
                              op, (long long)g->Cout, bias->ndim, bias->ndim == 1 ? " of another size" : "");
    }
    if (out) {
        if (out->dtype != input->dtype)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype %s differs from input dtype %s", op, out->name,
                              clrs__dtype_name(out->dtype), clrs__dtype_name(input->dtype));
        if ((st = clrs__check_shape(op, out, input->ndim, want, "the transposed convolution's output")) != CLRS_OK)
            return st;
    }
    return CLRS_OK;
}

void clrs__conv_strides(const clrs__view *v, int64_t s[5])
{
    int nsd = v->ndim - 2, a;
    s[0] = v->strides[0];
    s[1] = v->strides[1];
    for (a = 0; a < 3; a++) s[2 + a] = a >= 3 - nsd ? v->strides[2 + a - (3 - nsd)] : 0;
}

/* The single stride of dims from..ndim-1 flattened row-major (size-1 dims do not matter):
 * 1 when they can be; -1 (free) when they hold at most one element; 0 when they cannot. */
static int flat_stride(const clrs__view *v, int from, int64_t *stride)
{
    int64_t expect = 0;
    int d, first = 1;
    *stride = -1;
    for (d = v->ndim - 1; d >= from; d--) {
        if (v->shape[d] == 1) continue;
        if (first) {
            *stride = v->strides[d];
            expect = v->strides[d] * v->shape[d];
            first = 0;
        } else {
            if (v->strides[d] != expect) return 0;
            expect *= v->shape[d];
        }
    }
    return 1;
}

/* rows x cols with row stride rs and column stride cs (-1: free) as a BLAS operand. */
static void choose(int64_t rows, int64_t cols, int64_t rs, int64_t cs, clrs__conv_mat *m)
{
    const int64_t c1 = cols > 1 ? cols : 1, r1 = rows > 1 ? rows : 1;
    m->ok = 0;
    if ((cols <= 1 || cs == 1) && (rows <= 1 || rs >= c1)) {
        m->ok = 1, m->trans = 0, m->ld = rows <= 1 ? c1 : rs;
    } else if ((rows <= 1 || rs == 1) && (cols <= 1 || cs >= r1)) {
        m->ok = 1, m->trans = 1, m->ld = cols <= 1 ? r1 : cs;
    }
    if (m->ld > INT32_MAX) m->ok = 0;
}

void clrs__conv_mat_image(const clrs__view *v, const clrs__conv_geom *g, clrs__conv_mat *m)
{
    const int64_t C = v->shape[1], rows = C / g->G;
    int64_t sl;
    memset(m, 0, sizeof *m);
    if ((v->dtype != CLRS_F32 && v->dtype != CLRS_F64) || !flat_stride(v, 2, &sl)) return;
    choose(rows, g->L, rows > 1 ? v->strides[1] : -1, g->L > 1 ? sl : -1, m);
    m->gstride = rows * v->strides[1];
    m->nstride = v->strides[0];
}

void clrs__conv_mat_weight(const clrs__view *v, const clrs__conv_geom *g, clrs__conv_mat *m)
{
    int64_t sc;
    memset(m, 0, sizeof *m);
    if ((v->dtype != CLRS_F32 && v->dtype != CLRS_F64) || !flat_stride(v, 1, &sc)) return;
    choose(g->Cin_g, g->M, g->Cin_g > 1 ? v->strides[0] : -1, g->M > 1 ? sc : -1, m);
    m->gstride = g->Cin_g * v->strides[0];
    m->nstride = 0;
}

void clrs__conv_workspace(const clrs__conv_geom *g, clrs_dtype dtype, int xpack, int wpack,
                          int gx, int gw, uint64_t cap_bytes, clrs__conv_ws *ws)
{
    const size_t es = dtype == CLRS_F64 ? 8 : 4;
    /* an empty batch needs no per-entry parts (their size follows the spatial sizes, which
       may then be huge): nb = 0 */
    const int64_t per = g->N == 0 ? 0 : g->Cout * g->K * g->L + (xpack ? g->Cin * g->L : 0) + (gx ? g->Cin * g->L : 0);
    int64_t nb = (int64_t)(cap_bytes / es) / (per > 0 ? per : 1), at = 0;
    if (nb > g->N) nb = g->N;
    if (nb < 1 && g->N > 0) nb = 1;
    memset(ws, 0, sizeof *ws);
    ws->esize = es;
    ws->nb = nb;
    ws->cols = at, at += nb * g->Cout * g->K * g->L;
    ws->xpack = xpack ? at : -1, at += xpack ? nb * g->Cin * g->L : 0;
    ws->gx = gx ? at : -1, at += gx ? nb * g->Cin * g->L : 0;
    ws->wpack = wpack ? at : -1, at += wpack ? g->Cin * g->M : 0;
    ws->gw = gw ? at : -1, at += gw ? g->Cin * g->M : 0;
    ws->total = at;
}

uint64_t clrs__conv_ws_cap(const clrs_device_info *info)
{
    uint64_t cap = 256ull << 20;
    if (info->max_alloc_bytes && info->max_alloc_bytes / 2 < cap) cap = info->max_alloc_bytes / 2;
    return cap < (1u << 20) ? (1u << 20) : cap;
}
