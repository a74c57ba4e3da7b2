/* host/conv_transpose.c — the host backend of conv_transpose.
 *
 * Forward, per batch entry and group: cols (C_out/g*K x L) = W_g^T (C_out/g*K x C_in/g) *
 * X_g (C_in/g x L), then the col2im gather of resample_math_conv.h (each output pixel sums its
 * column entries in a fixed order) plus bias. Backward: cols = im2col(grad_output) (a gather),
 * grad_input_g = W_g * cols_g, grad_weight_g = sum over the batch, in order, of X_g * cols_g^T,
 * grad_bias = a compensated sum over batch and pixels. GEMMs through CBLAS when configured
 * (else plain loops); everything else OpenMP loops. Deterministic: no atomics anywhere.
 * f16 / bf16 are converted to float scratch; f32 / f64 tensors whose strides BLAS can take
 * (row- or column-major per (entry, group) matrix) are used in place. float32 goes to oneDNN's
 * deconvolution primitives first when the library has them (conv_transpose_dnnl.c). */
#include "host/host.h"
#include "resample_math_conv.h"

#if defined(HAVE_CBLAS) && !defined(CLRS_CONV_LOOP_GEMM)
#include <cblas.h>
#define USE_CBLAS 1
#endif

#include <stdlib.h>
#include <string.h>

/* ---- GEMM: C (m x n) = A (m x k) * B (k x n) + beta * C. An operand is (pointer, ld, trans):
 * element (r, c) at p[trans ? r + c * ld : r * ld + c]. ---- */

#ifdef USE_CBLAS
#define BLAS_CALL(FN, R)                                                                       \
    FN(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, \
       (int)k, (R)1, a, (int)lda, b, (int)ldb, beta, c, (int)ldc)
#define GEMM_BODY(FN, R) BLAS_CALL(FN, R)
#else
#define GEMM_BODY(FN, R)                                                                       \
    do {                                                                                       \
        int64_t i;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (i = 0; i < m; i++) {                                                              \
            int64_t j, l;                                                                      \
            for (j = 0; j < n; j++) {                                                          \
                R acc = (R)0;                                                                  \
                for (l = 0; l < k; l++)                                                        \
                    acc += a[ta ? i + l * lda : i * lda + l] * b[tb ? l + j * ldb : l * ldb + j]; \
                c[i * ldc + j] = beta == (R)0 ? acc : beta * c[i * ldc + j] + acc;             \
            }                                                                                  \
        }                                                                                      \
    } while (0)
#endif

#define GEMM_DEF(R, SFX, FN)                                                                   \
    static void gemm_##SFX(int64_t m, int64_t n, int64_t k, const R *a, int64_t lda, int ta,    \
                           const R *b, int64_t ldb, int tb, R beta, R *c, int64_t ldc, int tc)  \
    {                                                                                          \
        if (tc) { /* C^T = B^T A^T */                                                          \
            gemm_##SFX(n, m, k, b, ldb, !tb, a, lda, !ta, beta, c, ldc, 0);                    \
            return;                                                                            \
        }                                                                                      \
        GEMM_BODY(FN, R);                                                                      \
    }
#ifdef USE_CBLAS
GEMM_DEF(float, f, cblas_sgemm)
GEMM_DEF(double, d, cblas_dgemm)
#else
GEMM_DEF(float, f, unused)
GEMM_DEF(double, d, unused)
#endif

typedef struct {
    char *p;         /* the (entry, group 0) matrix */
    int64_t ld, gstride;
    int trans;
} hmat;

static void gemm(int dbl, int64_t m, int64_t n, int64_t k, const hmat *a, int64_t ag, int ta_flip,
                 const hmat *b, int64_t bg, int tb_flip, int accumulate, const hmat *c, int64_t cg)
{
    const size_t es = dbl ? 8 : 4;
    const char *pa = a->p + (size_t)(ag * a->gstride) * es, *pb = b->p + (size_t)(bg * b->gstride) * es;
    char *pc = c->p + (size_t)(cg * c->gstride) * es;
    if (dbl)
        gemm_d(m, n, k, (const double *)pa, a->ld, a->trans ^ ta_flip, (const double *)pb, b->ld,
               b->trans ^ tb_flip, accumulate ? 1.0 : 0.0, (double *)pc, c->ld, c->trans);
    else
        gemm_f(m, n, k, (const float *)pa, a->ld, a->trans ^ ta_flip, (const float *)pb, b->ld,
               b->trans ^ tb_flip, accumulate ? 1.0f : 0.0f, (float *)pc, c->ld, c->trans);
}

/* ---- per-dtype element loops ---- */

#define DISPATCH(dtype, M)                                                                     \
    switch (dtype) {                                                                           \
    case CLRS_F32: M(f32, float, float, f); break;                                             \
    case CLRS_F64: M(f64, double, double, d); break;                                           \
    case CLRS_F16: M(f16, clrs_f16_t, float, f); break;                                        \
    case CLRS_BF16: M(bf16, clrs_u16, float, f); break;                                        \
    default: break;                                                                            \
    }

/* A view's sizes and strides as 5 axes (n, c, z, y, x), units for the missing ones. */
static void norm5(const clrs__view *v, int64_t sh[5], int64_t st[5])
{
    int nsd = v->ndim - 2, a;
    clrs__conv_strides(v, st);
    sh[0] = v->shape[0], sh[1] = v->shape[1];
    for (a = 0; a < 3; a++) sh[2 + a] = a >= 3 - nsd ? v->shape[2 + a - (3 - nsd)] : 1;
}

/* dst (contiguous, compute type) = entries [n0, n0 + nb) of axis 0 of v. */
#define PACK(SFX, ST, R, RS)                                                                   \
    do {                                                                                       \
        const ST *src = (const ST *)v->host;                                                   \
        R *d = (R *)dst;                                                               \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < total; z++) {                                                          \
            const int64_t x = z % sh[4], y = (z / sh[4]) % sh[3], w = (z / (sh[4] * sh[3])) % sh[2]; \
            const int64_t c = (z / (sh[4] * sh[3] * sh[2])) % sh[1], n = n0 + z / (sh[4] * sh[3] * sh[2] * sh[1]); \
            d[z] = CLRS_H_LOAD_##SFX(src, n * st[0] + c * st[1] + w * st[2] + y * st[3] + x * st[4]);   \
        }                                                                                      \
    } while (0)

static void pack(const clrs__view *v, int64_t n0, int64_t nb, void *dst)
{
    int64_t sh[5], st[5], total;
    norm5(v, sh, st);
    total = nb * sh[1] * sh[2] * sh[3] * sh[4];
    DISPATCH(v->dtype, PACK)
}

#define UNPACK(SFX, ST, R, RS)                                                                 \
    do {                                                                                       \
        ST *dstp = (ST *)v->host;                                                              \
        const R *s = (const R *)src;                                                           \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < total; z++) {                                                          \
            const int64_t x = z % sh[4], y = (z / sh[4]) % sh[3], w = (z / (sh[4] * sh[3])) % sh[2]; \
            const int64_t c = (z / (sh[4] * sh[3] * sh[2])) % sh[1], n = n0 + z / (sh[4] * sh[3] * sh[2] * sh[1]); \
            CLRS_H_STORE_##SFX(dstp, n * st[0] + c * st[1] + w * st[2] + y * st[3] + x * st[4], s[z]);   \
        }                                                                                      \
    } while (0)

static void unpack(const void *src, const clrs__view *v, int64_t n0, int64_t nb)
{
    int64_t sh[5], st[5], total;
    norm5(v, sh, st);
    total = nb * sh[1] * sh[2] * sh[3] * sh[4];
    DISPATCH(v->dtype, UNPACK)
}

/* out[n] = col2im(cols) + bias */
#define COL2IM(SFX, ST, R, RS)                                                                 \
    do {                                                                                       \
        const R *cl = (const R *)cols;                                                         \
        const ST *bp = bias ? (const ST *)bias->host : NULL;                                   \
        ST *y = (ST *)out->host;                                                               \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->Cout * g->Lout; z++) {                                              \
            const int64_t cog = z / g->Lout, o = z % g->Lout;                                  \
            const int64_t o2 = o % g->out[2], o1 = (o / g->out[2]) % g->out[1], o0 = o / (g->out[2] * g->out[1]); \
            const int64_t grp = cog / g->Cout_g;                                               \
            R v = clrs_conv_col2im_##RS(cl, grp * g->M * g->L, cg, cog % g->Cout_g, o0, o1, o2); \
            if (bp) v += (R)CLRS_H_LOAD_##SFX(bp, cog * bias->strides[0]);                              \
            CLRS_H_STORE_##SFX(y, n * os[0] + cog * os[1] + o0 * os[2] + o1 * os[3] + o2 * os[4], v);    \
        }                                                                                      \
    } while (0)

static void col2im(const clrs__conv_geom *g, const clrs_conv_geom *cg, const void *cols,
                   const clrs__view *bias, const clrs__view *out, int64_t n)
{
    int64_t os[5];
    clrs__conv_strides(out, os);
    DISPATCH(out->dtype, COL2IM)
}

/* cols = im2col(grad_output[n]), all groups: rows grp * M + r */
#define IM2COL(SFX, ST, R, RS)                                                                 \
    do {                                                                                       \
        const ST *go = (const ST *)gout->host;                                                 \
        R *cl = (R *)cols;                                                                     \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->G * g->M * g->L; z++) {                                             \
            const int64_t row = z / g->L, i = z % g->L, grp = row / g->M;                      \
            int64_t co, o0, o1, o2;                                                            \
            cl[z] = clrs_conv_im2col_src(cg, row % g->M, i, &co, &o0, &o1, &o2)                \
                        ? (R)CLRS_H_LOAD_##SFX(go, n * os[0] + (grp * g->Cout_g + co) * os[1] + o0 * os[2] + o1 * os[3] + o2 * os[4]) \
                        : (R)0;                                                                \
        }                                                                                      \
    } while (0)

static void im2col(const clrs__conv_geom *g, const clrs_conv_geom *cg, const clrs__view *gout,
                   int64_t n, void *cols)
{
    int64_t os[5];
    clrs__conv_strides(gout, os);
    DISPATCH(gout->dtype, IM2COL)
}

/* grad_bias[c] = sum over n, then pixels, of grad_output: Kahan-compensated, in order. Each
 * channel's sum is one dependent chain (4 adds per element, ~12 cycles of latency), so a thread
 * runs GB_CHAINS channels side by side (independent chains, same operations in the same order
 * per channel: the same bits as one channel at a time); pixels by nested loops, no divisions.
 * (One channel at a time with a division per element took ~8 ms of the 24 ms benchmark
 * backward.) */
#define GB_CHAINS 8
#define GB_STEP(SFX, R, j)                                                                     \
    do {                                                                                       \
        const R yv = (R)CLRS_H_LOAD_##SFX(go, at + (c0 + (j)) * os[1]) - comp[j];              \
        const R t = sum[j] + yv;                                                               \
        comp[j] = (t - sum[j]) - yv;                                                           \
        sum[j] = t;                                                                            \
    } while (0)
#define GRAD_BIAS(SFX, ST, R, RS)                                                              \
    do {                                                                                       \
        const ST *go = (const ST *)gout->host;                                                 \
        ST *gb = (ST *)gbias->host;                                                            \
        const int64_t nblk = (g->Cout + GB_CHAINS - 1) / GB_CHAINS;                            \
        int64_t blk;                                                                           \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (blk = 0; blk < nblk; blk++) {                                                     \
            const int64_t c0 = blk * GB_CHAINS;                                                \
            const int nc = g->Cout - c0 < GB_CHAINS ? (int)(g->Cout - c0) : GB_CHAINS;         \
            R sum[GB_CHAINS], comp[GB_CHAINS];                                                 \
            int64_t n, o0, o1, o2;                                                             \
            int j;                                                                             \
            for (j = 0; j < GB_CHAINS; j++) sum[j] = comp[j] = (R)0;                           \
            for (n = 0; n < g->N; n++)                                                         \
                for (o0 = 0; o0 < g->out[0]; o0++)                                             \
                    for (o1 = 0; o1 < g->out[1]; o1++) {                                       \
                        const int64_t row = n * os[0] + o0 * os[2] + o1 * os[3];               \
                        if (nc == GB_CHAINS)                                                   \
                            for (o2 = 0; o2 < g->out[2]; o2++) {                               \
                                const int64_t at = row + o2 * os[4];                           \
                                for (j = 0; j < GB_CHAINS; j++) GB_STEP(SFX, R, j);            \
                            }                                                                  \
                        else                                                                   \
                            for (o2 = 0; o2 < g->out[2]; o2++) {                               \
                                const int64_t at = row + o2 * os[4];                           \
                                for (j = 0; j < nc; j++) GB_STEP(SFX, R, j);                   \
                            }                                                                  \
                    }                                                                          \
            for (j = 0; j < nc; j++) CLRS_H_STORE_##SFX(gb, (c0 + j) * gbias->strides[0], sum[j]); \
        }                                                                                      \
    } while (0)

static void grad_bias(const clrs__conv_geom *g, const clrs__view *gout, const clrs__view *gbias)
{
    int64_t os[5];
    clrs__conv_strides(gout, os);
    DISPATCH(gout->dtype, GRAD_BIAS)
}

static void to_cg(const clrs__conv_geom *g, clrs_conv_geom *cg)
{
    int a;
    for (a = 0; a < 3; a++) {
        cg->in[a] = g->in[a], cg->out[a] = g->out[a], cg->k[a] = g->k[a];
        cg->s[a] = g->s[a], cg->p[a] = g->p[a], cg->d[a] = g->d[a];
    }
    cg->G = g->G, cg->Cin_g = g->Cin_g, cg->Cout_g = g->Cout_g;
    cg->K = g->K, cg->L = g->L, cg->Lout = g->Lout;
}

/* The weight as GEMM operand: in place, or packed into *buf (contiguous (C_in, M)). */
static int weight_mat(const clrs__conv_geom *g, const clrs__view *w, size_t es, void **buf, hmat *m)
{
    clrs__conv_mat mm;
    clrs__conv_mat_weight(w, g, &mm);
    if (mm.ok) {
        m->p = w->host, m->ld = mm.ld, m->trans = mm.trans, m->gstride = mm.gstride;
        return 0;
    }
    if (!(*buf = malloc(es * (size_t)(g->Cin * g->M)))) return -1;
    pack(w, 0, g->Cin, *buf);
    m->p = *buf, m->ld = g->M, m->trans = 0, m->gstride = g->Cin_g * g->M;
    return 0;
}

/* An image-shaped view's per-entry matrix: in place (with *direct set), or a contiguous
 * (C, L) scratch buffer. */
static int image_mat(const clrs__conv_geom *g, const clrs__view *v, size_t es, void **buf, hmat *m,
                     clrs__conv_mat *mm)
{
    clrs__conv_mat_image(v, g, mm);
    if (mm->ok) {
        m->ld = mm->ld, m->trans = mm->trans, m->gstride = mm->gstride;
        return 0;
    }
    if (!(*buf = malloc(es * (size_t)(v->shape[1] * g->L)))) return -1;
    m->p = *buf, m->ld = g->L, m->trans = 0, m->gstride = g->Cin_g * g->L;
    return 0;
}

#define OOM(op) clrs__fail(CLRS_ERR_MEMORY, "%s: out of memory", op)


clrs_status clrs__host_conv_transpose(const clrs__conv_geom *g, const clrs__view *input,
                                      const clrs__view *weight, const clrs__view *bias,
                                      const clrs__view *out)
{
    const int dbl = input->dtype == CLRS_F64;
    const size_t es = dbl ? 8 : 4;
    clrs_conv_geom cg;
    clrs__conv_mat mx;
    hmat W, X, C;
    void *wbuf = NULL, *xbuf = NULL, *cols;
    int64_t n, grp;
    if (clrs__dnnl_conv_transpose(g, input, weight, bias, out)) return CLRS_OK;
    to_cg(g, &cg);
    cols = malloc(es * (size_t)(g->G * g->M * g->L));
    if (!cols || weight_mat(g, weight, es, &wbuf, &W) || image_mat(g, input, es, &xbuf, &X, &mx)) {
        free(cols), free(wbuf), free(xbuf);
        return OOM("conv_transpose");
    }
    C.p = cols, C.ld = g->L, C.trans = 0, C.gstride = g->M * g->L;
    for (n = 0; n < g->N; n++) {
        if (mx.ok)
            X.p = input->host + (size_t)(n * mx.nstride) * input->esize;
        else
            pack(input, n, 1, xbuf);
        for (grp = 0; grp < g->G; grp++) /* cols_g (M x L) = W_g^T X_g */
            gemm(dbl, g->M, g->L, g->Cin_g, &W, grp, 1, &X, grp, 0, 0, &C, grp);
        col2im(g, &cg, cols, bias, out, n);
    }
    free(cols), free(wbuf), free(xbuf);
    return CLRS_OK;
}

clrs_status clrs__host_conv_transpose_backward(const clrs__conv_geom *g, const clrs__view *gout,
                                               const clrs__view *input, const clrs__view *weight,
                                               const clrs__view *ginput, const clrs__view *gweight,
                                               const clrs__view *gbias)
{
    const int dbl = input->dtype == CLRS_F64;
    const size_t es = dbl ? 8 : 4;
    clrs_conv_geom cg;
    clrs__conv_mat mx, mgx, mgw;
    hmat W, X, GX, GW, C;
    void *wbuf = NULL, *xbuf = NULL, *gxbuf = NULL, *gwbuf = NULL, *cols = NULL;
    int64_t n, grp;
    int fail = 0, done;
    done = clrs__dnnl_conv_transpose_backward(g, gout, input, weight, ginput, gweight);
    if (done & 1) ginput = NULL;
    if (done & 2) gweight = NULL;
    to_cg(g, &cg);
    if (gweight && g->N == 0) { /* an empty batch sums nothing: zeros, and no column buffer (its
                                   size follows the spatial sizes, which may be huge) */
        if (g->Cin > 0 && g->M > 0) {
            if (!(gwbuf = calloc(es, (size_t)(g->Cin * g->M)))) return OOM("conv_transpose_backward");
            unpack(gwbuf, gweight, 0, g->Cin);
        }
    } else if ((ginput && ginput->numel) || (gweight && gweight->numel)) {
        /* (with both empty, e.g. grad_input alone for an empty batch, they would be wasted) */
        cols = malloc(es * (size_t)(g->G * g->M * g->L));
        fail = !cols;
        if (!fail && ginput)
            fail = weight_mat(g, weight, es, &wbuf, &W) || image_mat(g, ginput, es, &gxbuf, &GX, &mgx);
        if (!fail && gweight) {
            fail = image_mat(g, input, es, &xbuf, &X, &mx);
            clrs__conv_mat_weight(gweight, g, &mgw);
            if (!fail && mgw.ok) {
                GW.p = gweight->host, GW.ld = mgw.ld, GW.trans = mgw.trans, GW.gstride = mgw.gstride;
            } else if (!fail) {
                fail = !(gwbuf = malloc(es * (size_t)(g->Cin * g->M)));
                GW.p = gwbuf, GW.ld = g->M, GW.trans = 0, GW.gstride = g->Cin_g * g->M;
            }
        }
        if (fail) {
            free(cols), free(wbuf), free(xbuf), free(gxbuf), free(gwbuf);
            return OOM("conv_transpose_backward");
        }
        C.p = cols, C.ld = g->L, C.trans = 0, C.gstride = g->M * g->L;
        for (n = 0; n < g->N; n++) {
            im2col(g, &cg, gout, n, cols);
            if (ginput) {
                if (mgx.ok) GX.p = ginput->host + (size_t)(n * mgx.nstride) * ginput->esize;
                for (grp = 0; grp < g->G; grp++) /* gx_g (C_in/g x L) = W_g cols_g */
                    gemm(dbl, g->Cin_g, g->L, g->M, &W, grp, 0, &C, grp, 0, 0, &GX, grp);
                if (!mgx.ok) unpack(gxbuf, ginput, n, 1);
            }
            if (gweight) {
                if (mx.ok)
                    X.p = input->host + (size_t)(n * mx.nstride) * input->esize;
                else
                    pack(input, n, 1, xbuf);
                for (grp = 0; grp < g->G; grp++) /* gw_g (C_in/g x M) += X_g cols_g^T */
                    gemm(dbl, g->Cin_g, g->M, g->L, &X, grp, 0, &C, grp, 1, n > 0, &GW, grp);
            }
        }
        if (gweight && gwbuf) {
            unpack(gwbuf, gweight, 0, g->Cin);
        }
    }
    if (gbias) grad_bias(g, gout, gbias);
    free(cols), free(wbuf), free(xbuf), free(gxbuf), free(gwbuf);
    return CLRS_OK;
}
