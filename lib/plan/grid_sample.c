/* plan/grid_sample.c — grid_sample's and affine_grid's argument rules (PyTorch's, from
 * GridSamplerUtils.h and functional.py) and the deterministic grad_input gather lists. */
#include "plan/plan.h"
#include "resample_math.h"

#include <stdlib.h>
#include <string.h>

void clrs__grid_strides(const clrs__view *v, int64_t s[5])
{
    memcpy(s, v->strides, sizeof(int64_t) * 5);
    if (v->ndim == 4) { /* no z axis: [n, c, 0, y, x] */
        s[4] = v->strides[3];
        s[3] = v->strides[2];
        s[2] = 0;
    }
}

void clrs__grid_point_strides(const clrs__view *v, int64_t s[5])
{
    memcpy(s, v->strides, sizeof(int64_t) * 5);
    if (v->ndim == 4) { /* no z axis: [n, 0, y, x, k] */
        s[4] = v->strides[3];
        s[3] = v->strides[2];
        s[2] = v->strides[1];
        s[1] = 0;
    }
}

/* a * b * c <= max for sizes >= 0 (checked: with a batch of 0 a view holds no elements, so
 * nothing bounded the product of its other sizes before here). */
static int product_within(int64_t a, int64_t b, int64_t c, int64_t max)
{
    const int64_t abc[3] = {a, b, c}, p = clrs__size_product(abc, 3);
    return p >= 0 && p <= max;
}

static clrs_status dtype_check(const char *op, const clrs__view *a, const char *an,
                               const clrs__view *b, const char *bn)
{
    if (a->dtype == CLRS_I64)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype is i64; expected f32, f64, f16 or bf16", op, an);
    if (b && b->dtype != a->dtype)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s dtype %s differs from %s dtype %s", op, bn,
                          clrs__dtype_name(b->dtype), an, clrs__dtype_name(a->dtype));
    return CLRS_OK;
}

clrs_status clrs__grid_resolve(const char *op, const clrs_context *ctx,
                               const clrs_grid_sample_params *p, const clrs__view *input,
                               const clrs__view *grid, const clrs__view *out,
                               clrs__grid_geom *g)
{
    int dims, d;
    int64_t want[5];
    clrs_status st;
    if (!p) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: params is NULL", op);
    if ((unsigned)p->mode > CLRS_GRID_BICUBIC)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: mode %d is not bilinear, nearest or bicubic", op, (int)p->mode);
    if ((unsigned)p->padding_mode > CLRS_PADDING_REFLECTION)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: padding_mode %d is not zeros, border or reflection", op,
                          (int)p->padding_mode);
    if (p->align_corners != 0 && p->align_corners != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: align_corners is %d; use 0 or 1", op, p->align_corners);
    if (p->deterministic < -1 || p->deterministic > 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: deterministic is %d; use -1, 0 or 1", op, p->deterministic);
    if (p->compat < -1 || p->compat > CLRS_COMPAT_TORCH_1_13)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: compat is %d; use -1 (the context's), 0 (current) or 1 (1.13)",
                          op, p->compat);
    if (input->ndim != 4 && input->ndim != 5)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input must be 4-D (N, C, H, W) or 5-D (N, C, D, H, W), got %d-D",
                          op, input->ndim);
    dims = input->ndim - 2;
    if ((st = dtype_check(op, input, "input", grid, "grid")) != CLRS_OK) return st;
    if (grid->ndim != input->ndim)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: grid is %d-D but input is %d-D; they need the same number of dimensions",
                          op, grid->ndim, input->ndim);
    if (grid->shape[0] != input->shape[0])
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: grid batch size %lld differs from input batch size %lld", op,
                          (long long)grid->shape[0], (long long)input->shape[0]);
    if (grid->shape[grid->ndim - 1] != dims)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: grid's last dimension is %lld; a %d-D input needs %d (x, y%s)", op,
                          (long long)grid->shape[grid->ndim - 1], input->ndim, dims, dims == 3 ? ", z" : "");
    for (d = 2; d < input->ndim; d++)
        if (input->shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT,
                              "%s: input has an empty spatial dimension (shape[%d] = %lld); spatial sizes must be positive",
                              op, d, (long long)input->shape[d]);
    for (d = 1; d < grid->ndim - 1; d++)
        if (grid->shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grid shape[%d] is %lld; output sizes must be positive",
                              op, d, (long long)grid->shape[d]);
    if (input->shape[1] <= 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: input has %lld channels; must be positive", op,
                          (long long)input->shape[1]);
    if (out) {
        if ((st = dtype_check(op, input, "input", out, out->name)) != CLRS_OK) return st;
        want[0] = input->shape[0];
        want[1] = input->shape[1];
        for (d = 0; d < dims; d++) want[2 + d] = grid->shape[1 + d];
        if ((st = clrs__check_shape(op, out, input->ndim, want, "N, C and the grid's spatial sizes")) != CLRS_OK)
            return st;
    }
    memset(g, 0, sizeof *g);
    g->dims = dims;
    g->mode = p->mode == CLRS_GRID_BILINEAR ? 0 : p->mode == CLRS_GRID_BICUBIC ? 2 : 1;
    /* PyTorch 1.13's 5-D nearest rounded half away from zero; 2.x rounds half to even */
    if ((p->compat == -1 ? ctx->compat : p->compat) == CLRS_COMPAT_TORCH_1_13 && dims == 3 && g->mode == 1)
        g->mode |= CLRS_GRID_MODE_ROUND_AWAY;
    g->padding = (int)p->padding_mode;
    g->align_corners = p->align_corners;
    g->deterministic = p->deterministic == -1 ? ctx->deterministic : p->deterministic;
    g->N = input->shape[0];
    g->C = input->shape[1];
    g->W = input->shape[input->ndim - 1];
    g->H = input->shape[input->ndim - 2];
    g->D = dims == 3 ? input->shape[2] : 1;
    g->oW = grid->shape[grid->ndim - 2];
    g->oH = grid->shape[grid->ndim - 3];
    g->oD = dims == 3 ? grid->shape[1] : 1;
    if (!product_within(g->oD, g->oH, g->oW, INT32_MAX) || !product_within(g->D, g->H, g->W, INT32_MAX))
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: more than 2^31-1 grid points or input pixels per batch entry", op);
    g->P = g->oD * g->oH * g->oW;
    return CLRS_OK;
}

clrs_status clrs__affine_resolve(const char *op, int align_corners, const clrs__view *theta,
                                 const clrs__view *grid, clrs__grid_geom *g)
{
    int dims, d;
    clrs_status st;
    if (align_corners != 0 && align_corners != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: align_corners is %d; use 0 or 1", op, align_corners);
    if ((st = dtype_check(op, theta, "theta", grid, "grid")) != CLRS_OK) return st;
    if (grid->ndim != 4 && grid->ndim != 5)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: affine_grid only supports 4D and 5D sizes: grid must be (N, H, W, 2) or (N, D, H, W, 3), got %d-D",
                          op, grid->ndim);
    dims = grid->ndim - 2;
    if (theta->ndim != 3 || theta->shape[0] != grid->shape[0] || theta->shape[1] != dims ||
        theta->shape[2] != dims + 1)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: Expected a batch of %dD affine matrices of shape Nx%dx%d for a grid of batch %lld: theta has the wrong shape",
                          op, dims, dims, dims + 1, (long long)grid->shape[0]);
    if (grid->shape[grid->ndim - 1] != dims)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grid's last dimension must be %d", op, dims);
    /* = functional.py affine_grid: the size (N, C, [D,] H, W) must be all positive; C is not in
       the grid, so N and the spatial sizes are checked */
    for (d = 0; d < grid->ndim - 1; d++)
        if (grid->shape[d] <= 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: Expected non-zero, positive output size: %s shape[%d] is %lld",
                              op, grid->name, d, (long long)grid->shape[d]);
    memset(g, 0, sizeof *g);
    g->dims = dims;
    g->align_corners = align_corners;
    g->N = grid->shape[0];
    g->oW = grid->shape[grid->ndim - 2];
    g->oH = grid->shape[grid->ndim - 3];
    g->oD = dims == 3 ? grid->shape[1] : 1;
    if (!product_within(g->oD, g->oH, g->oW, INT64_MAX))
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: more than 2^63-1 grid points per batch entry", op);
    g->P = g->oD * g->oH * g->oW;
    return CLRS_OK;
}

/* Counting sort of every (point, tap) by target pixel, in point order: deterministic. */
#define CSR_BUILD(SFX, ST, ACC)                                                                \
    do {                                                                                       \
        const ST *gp = (const ST *)grid->host;                                                 \
        ACC *wt;                                                                               \
        for (pass = 0; pass < 2; pass++) {                                                     \
            for (n = 0; n < g->N; n++)                                                         \
                for (p = 0; p < g->P; p++) {                                                   \
                    clrs_grid_taps_##SFX t;                                                    \
                    const int64_t ox = p % g->oW, oy = (p / g->oW) % g->oH, oz = p / (g->oW * g->oH); \
                    clrs_i64 off[64];                                                          \
                    ACC w[64];                                                                 \
                    int e, k;                                                                  \
                    clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], \
                                               gs[4], g->dims, g->W, g->H, g->D, g->mode,      \
                                               g->padding, g->align_corners, &t);              \
                    /* offsets in a dense plane: the input pixel's index */                    \
                    k = clrs_grid_inside_taps_##SFX(&t, g->W, g->H, g->D, g->H * g->W, g->W, 1, off, w); \
                    for (e = 0; e < k; e++) {                                                  \
                        const int64_t tgt = n * T + off[e];                                    \
                        if (pass == 0) {                                                       \
                            csr->start[tgt + 1]++;                                             \
                        } else {                                                               \
                            const int64_t at = fill[tgt]++;                                    \
                            csr->point[at] = (int32_t)p;                                       \
                            ((ACC *)csr->weight)[at] = w[e];                                   \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
            if (pass == 0) {                                                                   \
                for (i = 0; i < g->N * T; i++) csr->start[i + 1] += csr->start[i];             \
                csr->entries = csr->start[g->N * T];                                           \
                csr->point = malloc(sizeof(int32_t) * (size_t)(csr->entries ? csr->entries : 1)); \
                csr->weight = wt = malloc(sizeof(ACC) * (size_t)(csr->entries ? csr->entries : 1)); \
                fill = malloc(sizeof(int64_t) * (size_t)((g->N * T) > 0 ? g->N * T : 1));            \
                if (!csr->point || !wt || !fill) {                                             \
                    free(fill);                                                                \
                    clrs__grid_csr_free(csr);                                                  \
                    return clrs__fail(CLRS_ERR_MEMORY, "grid_sample_backward: out of memory"); \
                }                                                                              \
                memcpy(fill, csr->start, sizeof(int64_t) * (size_t)(g->N * T));                \
            }                                                                                  \
        }                                                                                      \
    } while (0)

clrs_status clrs__grid_csr_build(const clrs__grid_geom *g, const clrs__view *grid,
                                 clrs__grid_csr *csr)
{
    const int64_t T = g->D * g->H * g->W;
    int64_t gs[5], n, p, i, *fill = NULL;
    int pass;
    memset(csr, 0, sizeof *csr);
    clrs__grid_point_strides(grid, gs);
    csr->dbl = grid->dtype == CLRS_F64;
    csr->start = calloc((size_t)(g->N * T + 1), sizeof *csr->start);
    if (!csr->start) return clrs__fail(CLRS_ERR_MEMORY, "grid_sample_backward: out of memory");
    switch (grid->dtype) {
    case CLRS_F32: CSR_BUILD(f32, float, float); break;
    case CLRS_F64: CSR_BUILD(f64, double, double); break;
    case CLRS_F16: CSR_BUILD(f16, clrs_f16_t, float); break;
    case CLRS_BF16: CSR_BUILD(bf16, clrs_u16, float); break;
    default: break;
    }
    free(fill);
    if (csr->entries > INT32_MAX) {
        clrs__grid_csr_free(csr);
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "grid_sample_backward: more than 2^31-1 scatter entries");
    }
    return CLRS_OK;
}

void clrs__grid_csr_free(clrs__grid_csr *csr)
{
    free(csr->start);
    free(csr->point);
    free(csr->weight);
    memset(csr, 0, sizeof *csr);
}
