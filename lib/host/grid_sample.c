/* host/grid_sample.c — the host backend of grid_sample and affine_grid: OpenMP loops over
 * grid points (forward, grad_grid), input pixels (grad_input, a deterministic gather over the
 * plan's lists) and theta entries (grad_theta), calling the bodies of resample_math.h. */
#include "host/host.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define POINT_COORDS(p)                                                                        \
    const int64_t ox = (p) % g->oW, oy = ((p) / g->oW) % g->oH, oz = (p) / (g->oW * g->oH)

#define HOST_FORWARD(SFX, ST)                                                                  \
    do {                                                                                       \
        const ST *x = (const ST *)input->host, *gp = (const ST *)grid->host;                   \
        ST *y = (ST *)out->host;                                                               \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->N * g->P; z++) {                                                    \
            const int64_t n = z / g->P, p = z % g->P;                                          \
            POINT_COORDS(p);                                                                   \
            clrs_grid_taps_##SFX t;                                                            \
            int64_t c;                                                                         \
            clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], gs[4], \
                                       g->dims, g->W, g->H, g->D, g->mode, g->padding,          \
                                       g->align_corners, &t);                                  \
            for (c = 0; c < g->C; c++)                                                         \
                CLRS_H_STORE_##SFX(y, n * os[0] + c * os[1] + oz * os[2] + oy * os[3] + ox * os[4], \
                                 clrs_grid_value_##SFX(x, n * is[0] + c * is[1], is[4], is[3], is[2], \
                                                       g->W, g->H, g->D, &t));                  \
        }                                                                                      \
    } while (0)

/* A fast point's sample of the plane at p: offset f of tap (x0, y0), weights a0, a1 along x
 * and b0, b1 along y, in clrs_grid_value's order (sx, sy: the x and y strides). */
#define FAST_SUM(SFX, ACC, p, f, a0, a1, b0, b1)                                               \
    ((b0) * ((a0) * (ACC)CLRS_H_LOAD_##SFX(p, f) + (a1) * (ACC)CLRS_H_LOAD_##SFX(p, (f) + sx)) + \
     (b1) * ((a0) * (ACC)CLRS_H_LOAD_##SFX(p, (f) + sy) + (a1) * (ACC)CLRS_H_LOAD_##SFX(p, (f) + sy + sx)))

/* 2-D bilinear, a row of grid points at a time: the taps of the row once, then the channels
 * two at a time along the row; a point whose four taps are inside the input (x1 = x0 + 1,
 * y1 = y0 + 1) takes FAST_SUM from one offset and four weights kept side by side, loaded once
 * for both channels (the other points call clrs_grid_value). The loads of a channel wait on
 * L3 (its rows were last read C planes ago): the next two channels' input rows are prefetched
 * while these are summed. */
#define HOST_FORWARD_ROWS(SFX, ST, ACC)                                                        \
    do {                                                                                       \
        const ST *x = (const ST *)input->host, *gp = (const ST *)grid->host;                   \
        ST *y = (ST *)out->host;                                                               \
        const int64_t rows = g->N * g->oD * g->oH, sx = is[4], sy = is[3];                     \
        int64_t th;                                                                            \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nthreads)")                  \
        for (th = 0; th < nthreads; th++) {                                                    \
            clrs_grid_taps_##SFX *t = (clrs_grid_taps_##SFX *)((char *)scratch + per_thread * (size_t)th); \
            ACC(*wt)[4] = (ACC(*)[4])(t + g->oW);                                              \
            int64_t *off = (int64_t *)(wt + g->oW);                                            \
            char *fast = (char *)(off + g->oW);                                                \
            int64_t row;                                                                       \
            for (row = rows * th / nthreads; row < rows * (th + 1) / nthreads; row++) {        \
                const int64_t n = row / (g->oD * g->oH), oz = (row / g->oH) % g->oD, oy = row % g->oH; \
                int64_t ox, c;                                                                 \
                for (ox = 0; ox < g->oW; ox++) {                                               \
                    clrs_grid_taps_##SFX *u = &t[ox];                                          \
                    clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], gs[4], \
                                               g->dims, g->W, g->H, g->D, g->mode, g->padding,  \
                                               g->align_corners, u);                           \
                    fast[ox] = u->n[0] == 2 && u->n[1] == 2 && CLRS_GRID_INB(u->idx[0][0], g->W) && \
                               u->idx[0][1] == u->idx[0][0] + 1 && CLRS_GRID_INB(u->idx[0][1], g->W) && \
                               CLRS_GRID_INB(u->idx[1][0], g->H) && u->idx[1][1] == u->idx[1][0] + 1 && \
                               CLRS_GRID_INB(u->idx[1][1], g->H);                              \
                    /* the offset only for the points that use it: a NaN or infinite point    \
                     * has fewer taps (the rest unset) and a far one indices up to 2^62,      \
                     * whose products with the strides overflow */                            \
                    if (!fast[ox]) continue;                                                   \
                    off[ox] = u->idx[1][0] * sy + u->idx[0][0] * sx;                           \
                    wt[ox][0] = u->w[0][0], wt[ox][1] = u->w[0][1];                            \
                    wt[ox][2] = u->w[1][0], wt[ox][3] = u->w[1][1];                            \
                }                                                                              \
                /* two channels a step (the point's offset and weights loaded once for      \
                 * both), then the last one alone */                                          \
                for (c = 0; c + 1 < g->C; c += 2) {                                            \
                    const int64_t xb = n * is[0] + c * is[1];                                  \
                    const ST *xc = x + xb, *xd = xc + is[1];                                   \
                    const ST *xn = c + 2 < g->C ? xd + is[1] : xc, *xm = c + 3 < g->C ? xd + 2 * is[1] : xc; \
                    ST *yr = y + n * os[0] + c * os[1] + oz * os[2] + oy * os[3], *ys = yr + os[1]; \
                    for (ox = 0; ox < g->oW; ox++) {                                           \
                        ACC v, w;                                                              \
                        if (fast[ox]) {                                                        \
                            const ACC a0 = wt[ox][0], a1 = wt[ox][1], b0 = wt[ox][2], b1 = wt[ox][3]; \
                            const int64_t f = off[ox];                                         \
                            __builtin_prefetch(xn + f);                                        \
                            __builtin_prefetch(xn + f + sy);                                   \
                            __builtin_prefetch(xm + f);                                        \
                            __builtin_prefetch(xm + f + sy);                                   \
                            v = FAST_SUM(SFX, ACC, xc, f, a0, a1, b0, b1);                     \
                            w = FAST_SUM(SFX, ACC, xd, f, a0, a1, b0, b1);                     \
                        } else {                                                               \
                            v = clrs_grid_value_##SFX(x, xb, is[4], is[3], is[2], g->W, g->H, g->D, &t[ox]); \
                            w = clrs_grid_value_##SFX(x, xb + is[1], is[4], is[3], is[2], g->W, g->H, g->D, &t[ox]); \
                        }                                                                      \
                        CLRS_H_STORE_##SFX(yr, ox * os[4], v);                                 \
                        CLRS_H_STORE_##SFX(ys, ox * os[4], w);                                 \
                    }                                                                          \
                }                                                                              \
                if (c < g->C) {                                                                \
                    const int64_t xb = n * is[0] + c * is[1];                                  \
                    const ST *xc = x + xb;                                                     \
                    ST *yr = y + n * os[0] + c * os[1] + oz * os[2] + oy * os[3];              \
                    for (ox = 0; ox < g->oW; ox++) {                                           \
                        ACC v;                                                                 \
                        if (fast[ox]) {                                                        \
                            v = FAST_SUM(SFX, ACC, xc, off[ox], wt[ox][0], wt[ox][1], wt[ox][2], wt[ox][3]); \
                        } else {                                                               \
                            v = clrs_grid_value_##SFX(x, xb, is[4], is[3], is[2], g->W, g->H, g->D, &t[ox]); \
                        }                                                                      \
                        CLRS_H_STORE_##SFX(yr, ox * os[4], v);                                 \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    } while (0)

clrs_status clrs__host_grid_sample(const clrs__grid_geom *g, const clrs__view *input,
                                   const clrs__view *grid, const clrs__view *out)
{
    int64_t is[5], gs[5], os[5];
    clrs__grid_strides(input, is);
    clrs__grid_point_strides(grid, gs);
    clrs__grid_strides(out, os);
    if (g->dims == 2 && g->mode == 0 && g->N * g->oD * g->oH > 0) {
        int nthreads = 1;
        void *scratch;
        /* per thread: oW taps (the largest struct, f64's), four weights (f64's), an offset and a
         * flag per point */
        const size_t per_thread =
            ((sizeof(clrs_grid_taps_f64) + 4 * sizeof(double) + sizeof(int64_t) + 1) * (size_t)g->oW + 63) / 64 * 64;
#ifdef _OPENMP
        nthreads = omp_get_max_threads();
#endif
        if (nthreads > g->N * g->oD * g->oH) nthreads = (int)(g->N * g->oD * g->oH);
        /* too little memory: the point loop below */
        scratch = malloc(per_thread * (size_t)nthreads);
        if (scratch) {
            switch (input->dtype) {
            case CLRS_F32: HOST_FORWARD_ROWS(f32, float, float); break;
            case CLRS_F64: HOST_FORWARD_ROWS(f64, double, double); break;
            case CLRS_F16: HOST_FORWARD_ROWS(f16, clrs_f16_t, float); break;
            case CLRS_BF16: HOST_FORWARD_ROWS(bf16, clrs_u16, float); break;
            default: break;
            }
            free(scratch);
            return CLRS_OK;
        }
    }
    switch (input->dtype) {
    case CLRS_F32: HOST_FORWARD(f32, float); break;
    case CLRS_F64: HOST_FORWARD(f64, double); break;
    case CLRS_F16: HOST_FORWARD(f16, clrs_f16_t); break;
    case CLRS_BF16: HOST_FORWARD(bf16, clrs_u16); break;
    default: break;
    }
    return CLRS_OK;
}

#define HOST_GRAD_GRID(SFX, ST, ACC)                                                           \
    do {                                                                                       \
        const ST *x = (const ST *)input->host, *gp = (const ST *)grid->host;                   \
        const ST *go = (const ST *)gout->host;                                                 \
        ST *gg = (ST *)ggrid->host;                                                            \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->N * g->P; z++) {                                                    \
            const int64_t n = z / g->P, p = z % g->P;                                          \
            POINT_COORDS(p);                                                                   \
            const int64_t gb = n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3];               \
            clrs_grid_taps_##SFX t;                                                            \
            ACC acc[3] = {0, 0, 0};                                                            \
            int64_t c;                                                                         \
            int a;                                                                             \
            clrs_grid_point_taps_##SFX(gp, gb, gs[4], g->dims, g->W, g->H, g->D, g->mode,      \
                                       g->padding, g->align_corners, &t);                      \
            for (c = 0; c < g->C; c++)                                                         \
                clrs_grid_grad_##SFX(x, n * is[0] + c * is[1], is[4], is[3], is[2], g->W, g->H, g->D, &t, \
                                     CLRS_H_LOAD_##SFX(go, n * os[0] + c * os[1] + oz * os[2] + oy * os[3] + ox * os[4]), \
                                     acc);                                                     \
            for (a = 0; a < g->dims; a++)                                                      \
                CLRS_H_STORE_##SFX(gg, n * ggs[0] + oz * ggs[1] + oy * ggs[2] + ox * ggs[3] + a * ggs[4], \
                                 acc[a] * t.dcoord[a]);                                        \
        }                                                                                      \
    } while (0)

#define HOST_GRAD_INPUT(SFX, ST, ACC)                                                          \
    do {                                                                                       \
        const ST *go = (const ST *)gout->host;                                                 \
        ST *gi = (ST *)ginput->host;                                                           \
        const int64_t T = g->D * g->H * g->W;                                                  \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->N * g->C * T; z++) {                                                \
            const int64_t t = z % T, c = (z / T) % g->C, n = z / (T * g->C);                   \
            const int64_t x = t % g->W, y = (t / g->W) % g->H, d = t / (g->W * g->H);          \
            clrs_grid_csr_gather_##SFX(go, n * os[0] + c * os[1], os[2], os[3], os[4], g->oW, g->oH, \
                                       csr->start, csr->point, (const ACC *)csr->weight, n * T + t, gi, \
                                       n * is[0] + c * is[1] + d * is[2] + y * is[3] + x * is[4]); \
        }                                                                                      \
    } while (0)

/* grad_input (f32 / f64) as an ordered scatter: each thread owns whole channels of
 * grad_input, zeroes them, then walks the grid points in order adding weight * grad_output
 * into them. Every element sums its contributions in point order, then tap order: the order of
 * the CSR gather, on any thread count, with no list to build. */
#define HOST_SCATTER_INPUT(SFX, ST)                                                            \
    do {                                                                                       \
        const ST *go = (const ST *)gout->host, *gp = (const ST *)grid->host;                   \
        ST *gi = (ST *)ginput->host;                                                           \
        int th;                                                                                \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nthreads)")                  \
        for (th = 0; th < nthreads; th++) {                                                    \
            const int64_t c0 = g->C * th / nthreads, c1 = g->C * (th + 1) / nthreads;          \
            int64_t n, c, p, q;                                                                \
            for (n = 0; n < g->N; n++)                                                         \
                for (c = c0; c < c1; c++)                                                      \
                    for (q = 0; q < g->D * g->H * g->W; q++)                                   \
                        gi[n * is[0] + c * is[1] + (q / (g->W * g->H)) * is[2] +               \
                           ((q / g->W) % g->H) * is[3] + (q % g->W) * is[4]] = (ST)0;          \
            for (n = 0; n < g->N; n++)                                                         \
                for (p = 0; p < g->P; p++) {                                                   \
                    POINT_COORDS(p);                                                           \
                    clrs_grid_taps_##SFX t;                                                    \
                    int64_t off[64];                                                           \
                    ST w[64];                                                                  \
                    int k;                                                                     \
                    clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], gs[4], \
                                               g->dims, g->W, g->H, g->D, g->mode, g->padding,  \
                                               g->align_corners, &t);                          \
                    k = clrs_grid_inside_taps_##SFX(&t, g->W, g->H, g->D, is[2], is[3], is[4], off, w); \
                    if (!k) continue;                                                          \
                    for (c = c0; c < c1; c++) {                                                \
                        const ST gv = go[n * os[0] + c * os[1] + oz * os[2] + oy * os[3] + ox * os[4]]; \
                        ST *base = gi + n * is[0] + c * is[1];                                 \
                        int e;                                                                 \
                        for (e = 0; e < k; e++) base[off[e]] += w[e] * gv;                     \
                    }                                                                          \
                }                                                                              \
        }                                                                                      \
    } while (0)

/* The row forms of the two loops above, used when their scratch could be had: a row of grid
 * points (n, oz, oy) has its taps computed once, then each channel runs along the row, so an
 * input (or grad_input) plane is walked in the order the row's points sample it rather than
 * every plane being touched at each point. The arithmetic per element is unchanged: a point's
 * grad_grid still sums its channels in channel order, and a grad_input element still receives
 * its contributions in point order, then tap order (rows in order, points in order within a
 * row, each channel plane owned by one thread). */
#define HOST_GRAD_GRID_ROWS(SFX, ST, ACC)                                                      \
    do {                                                                                       \
        const ST *x = (const ST *)input->host, *gp = (const ST *)grid->host;                   \
        const ST *go = (const ST *)gout->host;                                                 \
        ST *gg = (ST *)ggrid->host;                                                            \
        const int64_t rows = g->N * g->oD * g->oH;                                             \
        int th;                                                                                \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nthreads)")                  \
        for (th = 0; th < nthreads; th++) {                                                    \
            /* 8-byte parts first: offsets, taps (8-aligned, size a multiple of 8), then the \
             * arithmetic type's, then bytes */                                               \
            int64_t(*off)[4] = (int64_t(*)[4])(void *)((char *)scratch + per_thread * (size_t)th); \
            clrs_grid_taps_##SFX *t = (clrs_grid_taps_##SFX *)(void *)(off + g->oW);           \
            ACC(*acc)[3] = (ACC(*)[3])(void *)(t + g->oW);                                     \
            ACC(*coef)[8] = (ACC(*)[8])(acc + g->oW);                                          \
            char *fast = (char *)(coef + g->oW);                                               \
            int64_t row;                                                                       \
            for (row = rows * th / nthreads; row < rows * (th + 1) / nthreads; row++) {        \
                const int64_t n = row / (g->oD * g->oH), oz = (row / g->oH) % g->oD, oy = row % g->oH; \
                int64_t ox, c;                                                                 \
                int a;                                                                         \
                for (ox = 0; ox < g->oW; ox++) {                                               \
                    clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], gs[4], \
                                               g->dims, g->W, g->H, g->D, g->mode, g->padding,  \
                                               g->align_corners, &t[ox]);                      \
                    acc[ox][0] = acc[ox][1] = acc[ox][2] = (ACC)0;                             \
                    /* 2-D with four taps inside: clrs_grid_grad's sums unrolled, its products \
                     * precomputed (w[2][0] is 1 there, so w2 * w1 * dw0 = w1 * dw0 exactly;  \
                     * the third sum, which 2-D never stores, is skipped) */                  \
                    fast[ox] = g->dims == 2 && t[ox].n[0] == 2 && t[ox].n[1] == 2 && t[ox].n[2] == 1 && \
                               t[ox].w[2][0] == (ACC)1 && CLRS_GRID_INB(t[ox].idx[0][0], g->W) && \
                               CLRS_GRID_INB(t[ox].idx[0][1], g->W) && CLRS_GRID_INB(t[ox].idx[1][0], g->H) && \
                               CLRS_GRID_INB(t[ox].idx[1][1], g->H) && CLRS_GRID_INB(t[ox].idx[2][0], g->D); \
                    if (fast[ox]) {                                                            \
                        const clrs_grid_taps_##SFX *u = &t[ox];                                \
                        int b, a2;                                                             \
                        for (b = 0; b < 2; b++)                                                \
                            for (a2 = 0; a2 < 2; a2++) {                                       \
                                off[ox][2 * b + a2] = u->idx[2][0] * is[2] + u->idx[1][b] * is[3] + u->idx[0][a2] * is[4]; \
                                coef[ox][2 * b + a2] = u->w[2][0] * u->w[1][b] * u->dw[0][a2]; \
                                coef[ox][4 + 2 * b + a2] = u->w[2][0] * u->dw[1][b] * u->w[0][a2]; \
                            }                                                                  \
                    }                                                                          \
                }                                                                              \
                /* two channels at a time: a point's offsets and products are loaded once for \
                 * both, and its sums still take channel c before channel c + 1 */             \
                for (c = 0; c + 1 < g->C; c += 2) {                                            \
                    const ST *gr = go + n * os[0] + c * os[1] + oz * os[2] + oy * os[3], *gr1 = gr + os[1]; \
                    const ST *xc = x + n * is[0] + c * is[1], *xc1 = xc + is[1];               \
                    for (ox = 0; ox < g->oW; ox++) {                                           \
                        const ACC gv = CLRS_H_LOAD_##SFX(gr, ox * os[4]), gv1 = CLRS_H_LOAD_##SFX(gr1, ox * os[4]); \
                        if (fast[ox]) {                                                        \
                            const int64_t *f = off[ox];                                        \
                            const ACC *k = coef[ox];                                           \
                            const ACC v0 = CLRS_H_LOAD_##SFX(xc, f[0]) * gv, v1 = CLRS_H_LOAD_##SFX(xc, f[1]) * gv; \
                            const ACC v2 = CLRS_H_LOAD_##SFX(xc, f[2]) * gv, v3 = CLRS_H_LOAD_##SFX(xc, f[3]) * gv; \
                            const ACC u0 = CLRS_H_LOAD_##SFX(xc1, f[0]) * gv1, u1 = CLRS_H_LOAD_##SFX(xc1, f[1]) * gv1; \
                            const ACC u2 = CLRS_H_LOAD_##SFX(xc1, f[2]) * gv1, u3 = CLRS_H_LOAD_##SFX(xc1, f[3]) * gv1; \
                            ACC *q = acc[ox], q0 = q[0], q1 = q[1];                            \
                            q0 += k[0] * v0, q1 += k[4] * v0;                                  \
                            q0 += k[1] * v1, q1 += k[5] * v1;                                  \
                            q0 += k[2] * v2, q1 += k[6] * v2;                                  \
                            q0 += k[3] * v3, q1 += k[7] * v3;                                  \
                            q0 += k[0] * u0, q1 += k[4] * u0;                                  \
                            q0 += k[1] * u1, q1 += k[5] * u1;                                  \
                            q0 += k[2] * u2, q1 += k[6] * u2;                                  \
                            q0 += k[3] * u3, q1 += k[7] * u3;                                  \
                            q[0] = q0, q[1] = q1;                                              \
                        } else {                                                               \
                            clrs_grid_grad_##SFX(x, n * is[0] + c * is[1], is[4], is[3], is[2], g->W, g->H, g->D, \
                                                 &t[ox], gv, acc[ox]);                         \
                            clrs_grid_grad_##SFX(x, n * is[0] + (c + 1) * is[1], is[4], is[3], is[2], g->W, g->H, \
                                                 g->D, &t[ox], gv1, acc[ox]);                  \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
                for (; c < g->C; c++) {                                                        \
                    const ST *gr = go + n * os[0] + c * os[1] + oz * os[2] + oy * os[3];       \
                    const ST *xc = x + n * is[0] + c * is[1];                                  \
                    for (ox = 0; ox < g->oW; ox++) {                                           \
                        const ACC gv = CLRS_H_LOAD_##SFX(gr, ox * os[4]);                      \
                        if (fast[ox]) {                                                        \
                            const int64_t *f = off[ox];                                        \
                            const ACC *k = coef[ox];                                           \
                            const ACC v0 = CLRS_H_LOAD_##SFX(xc, f[0]) * gv, v1 = CLRS_H_LOAD_##SFX(xc, f[1]) * gv; \
                            const ACC v2 = CLRS_H_LOAD_##SFX(xc, f[2]) * gv, v3 = CLRS_H_LOAD_##SFX(xc, f[3]) * gv; \
                            ACC *q = acc[ox];                                                  \
                            q[0] += k[0] * v0, q[1] += k[4] * v0;                              \
                            q[0] += k[1] * v1, q[1] += k[5] * v1;                              \
                            q[0] += k[2] * v2, q[1] += k[6] * v2;                              \
                            q[0] += k[3] * v3, q[1] += k[7] * v3;                              \
                        } else {                                                               \
                            clrs_grid_grad_##SFX(x, n * is[0] + c * is[1], is[4], is[3], is[2], g->W, g->H, g->D, \
                                                 &t[ox], gv, acc[ox]);                         \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
                for (ox = 0; ox < g->oW; ox++)                                                 \
                    for (a = 0; a < g->dims; a++)                                              \
                        CLRS_H_STORE_##SFX(gg, n * ggs[0] + oz * ggs[1] + oy * ggs[2] + ox * ggs[3] + a * ggs[4], \
                                           acc[ox][a] * t[ox].dcoord[a]);                      \
            }                                                                                  \
        }                                                                                      \
    } while (0)

#define HOST_SCATTER_INPUT_ROWS(SFX, ST)                                                       \
    do {                                                                                       \
        const ST *go = (const ST *)gout->host, *gp = (const ST *)grid->host;                   \
        ST *gi = (ST *)ginput->host;                                                           \
        const int64_t plane = g->D * g->H * g->W;                                              \
        const int packed = (g->H * g->D <= 1 || is[3] == g->W) && (g->D <= 1 || is[2] == g->W * g->H) && is[4] == 1; \
        int th;                                                                                \
        _Pragma("omp parallel for schedule(static, 1) num_threads(nthreads)")                  \
        for (th = 0; th < nthreads; th++) {                                                    \
            /* this thread's planes: [u0, u1) of the N x C planes in (n, c) order, so a      \
             * thread computes the taps of its own batch entries only */                      \
            const int64_t u0 = g->N * g->C * th / nthreads, u1 = g->N * g->C * (th + 1) / nthreads; \
            clrs_grid_taps_##SFX t;                                                            \
            int64_t *off = (int64_t *)(void *)((char *)scratch + per_thread * (size_t)th);     \
            ST *w = (ST *)(void *)(off + 64 * g->oW);                                          \
            int *k = (int *)(void *)(w + 64 * g->oW);                                          \
            int64_t n, c, q, oz, oy, ox;                                                       \
            for (q = u0; q < u1; q++) {                                                        \
                ST *base = gi + (q / g->C) * is[0] + (q % g->C) * is[1];                       \
                int64_t e2;                                                                    \
                if (packed) {                                                                  \
                    memset(base, 0, sizeof(ST) * (size_t)plane);                               \
                    continue;                                                                  \
                }                                                                              \
                for (e2 = 0; e2 < plane; e2++)                                                 \
                    base[(e2 / (g->W * g->H)) * is[2] + ((e2 / g->W) % g->H) * is[3] + (e2 % g->W) * is[4]] = (ST)0; \
            }                                                                                  \
            for (n = g->C > 0 ? u0 / g->C : g->N; n < g->N && n * g->C < u1; n++) {            \
                const int64_t c0 = n * g->C < u0 ? u0 - n * g->C : 0;                          \
                const int64_t c1 = u1 - n * g->C < g->C ? u1 - n * g->C : g->C;                \
                for (oz = 0; oz < g->oD; oz++)                                                 \
                    for (oy = 0; oy < g->oH; oy++) {                                           \
                        for (ox = 0; ox < g->oW; ox++) {                                       \
                            clrs_grid_point_taps_##SFX(gp, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3], gs[4], \
                                                       g->dims, g->W, g->H, g->D, g->mode, g->padding, \
                                                       g->align_corners, &t);                  \
                            k[ox] = clrs_grid_inside_taps_##SFX(&t, g->W, g->H, g->D, is[2], is[3], is[4], \
                                                                off + ox * 64, w + ox * 64);   \
                        }                                                                      \
                        /* two channels at a time: their chains of read-add-writes (neighbouring \
                         * points share taps) are independent and overlap */                   \
                        for (c = c0; c + 1 < c1; c += 2) {                                     \
                            const ST *gr = go + n * os[0] + c * os[1] + oz * os[2] + oy * os[3]; \
                            const ST *gr1 = gr + os[1];                                        \
                            ST *base = gi + n * is[0] + c * is[1], *base1 = base + is[1];      \
                            for (ox = 0; ox < g->oW; ox++) {                                   \
                                const ST gv = gr[ox * os[4]], gv1 = gr1[ox * os[4]];           \
                                const int64_t *f = off + ox * 64;                              \
                                const ST *wv = w + ox * 64;                                    \
                                int e;                                                         \
                                if (k[ox] == 4) {                                              \
                                    base[f[0]] += wv[0] * gv, base1[f[0]] += wv[0] * gv1;      \
                                    base[f[1]] += wv[1] * gv, base1[f[1]] += wv[1] * gv1;      \
                                    base[f[2]] += wv[2] * gv, base1[f[2]] += wv[2] * gv1;      \
                                    base[f[3]] += wv[3] * gv, base1[f[3]] += wv[3] * gv1;      \
                                } else {                                                       \
                                    for (e = 0; e < k[ox]; e++)                                \
                                        base[f[e]] += wv[e] * gv, base1[f[e]] += wv[e] * gv1;  \
                                }                                                              \
                            }                                                                  \
                        }                                                                      \
                        for (; c < c1; c++) {                                                  \
                            const ST *gr = go + n * os[0] + c * os[1] + oz * os[2] + oy * os[3]; \
                            ST *base = gi + n * is[0] + c * is[1];                             \
                            for (ox = 0; ox < g->oW; ox++) {                                   \
                                const ST gv = gr[ox * os[4]];                                  \
                                const int64_t *f = off + ox * 64;                              \
                                const ST *wv = w + ox * 64;                                    \
                                int e;                                                         \
                                if (k[ox] == 4) {                                              \
                                    base[f[0]] += wv[0] * gv, base[f[1]] += wv[1] * gv;        \
                                    base[f[2]] += wv[2] * gv, base[f[3]] += wv[3] * gv;        \
                                } else {                                                       \
                                    for (e = 0; e < k[ox]; e++) base[f[e]] += wv[e] * gv;      \
                                }                                                              \
                            }                                                                  \
                        }                                                                      \
                    }                                                                          \
            }                                                                                  \
        }                                                                                      \
    } while (0)

clrs_status clrs__host_grid_sample_backward(const clrs__grid_geom *g, const clrs__view *gout,
                                            const clrs__view *input, const clrs__view *grid,
                                            const clrs__view *ginput, const clrs__view *ggrid)
{
    int64_t is[5], gs[5], os[5], ggs[5];
    clrs__grid_strides(input, is);
    clrs__grid_point_strides(grid, gs);
    clrs__grid_strides(gout, os);
    if (ggrid) {
        int nthreads = 1;
        size_t per_thread;
        void *scratch;
        clrs__grid_point_strides(ggrid, ggs);
#ifdef _OPENMP
        nthreads = omp_get_max_threads();
#endif
        if (nthreads > g->N * g->oD * g->oH) nthreads = (int)(g->N * g->oD * g->oH);
        if (nthreads < 1) nthreads = 1;
        per_thread = ((sizeof(clrs_grid_taps_f64) + 11 * sizeof(double) + 4 * sizeof(int64_t) + 1) * (size_t)g->oW +
                      63) / 64 * 64;
        if ((scratch = malloc(per_thread * (size_t)nthreads)) != NULL) {
            switch (input->dtype) {
            case CLRS_F32: HOST_GRAD_GRID_ROWS(f32, float, float); break;
            case CLRS_F64: HOST_GRAD_GRID_ROWS(f64, double, double); break;
            case CLRS_F16: HOST_GRAD_GRID_ROWS(f16, clrs_f16_t, float); break;
            case CLRS_BF16: HOST_GRAD_GRID_ROWS(bf16, clrs_u16, float); break;
            default: break;
            }
            free(scratch);
            ggrid = NULL; /* done */
        }
    }
    if (ggrid) {
        switch (input->dtype) {
        case CLRS_F32: HOST_GRAD_GRID(f32, float, float); break;
        case CLRS_F64: HOST_GRAD_GRID(f64, double, double); break;
        case CLRS_F16: HOST_GRAD_GRID(f16, clrs_f16_t, float); break;
        case CLRS_BF16: HOST_GRAD_GRID(bf16, clrs_u16, float); break;
        default: break;
        }
    }
    if (ginput && (input->dtype == CLRS_F32 || input->dtype == CLRS_F64)) {
        int nthreads = 1;
#ifdef _OPENMP
        nthreads = omp_get_max_threads();
#endif
        size_t per_thread;
        void *scratch;
        if (nthreads > g->N * g->C) nthreads = (int)(g->N * g->C);
        if (nthreads < 1) nthreads = 1;
        clrs__grid_strides(ginput, is);
        per_thread = ((sizeof(int64_t) + sizeof(double)) * 64 * (size_t)g->oW + sizeof(int) * (size_t)g->oW + 63) / 64 * 64;
        if ((scratch = malloc(per_thread * (size_t)nthreads)) != NULL) {
            if (input->dtype == CLRS_F32)
                HOST_SCATTER_INPUT_ROWS(f32, float);
            else
                HOST_SCATTER_INPUT_ROWS(f64, double);
            free(scratch);
        } else if (input->dtype == CLRS_F32) {
            HOST_SCATTER_INPUT(f32, float);
        } else {
            HOST_SCATTER_INPUT(f64, double);
        }
    } else if (ginput) {
        clrs__grid_csr csr_, *csr = &csr_;
        clrs_status st = clrs__grid_csr_build(g, grid, csr);
        if (st != CLRS_OK) return st;
        clrs__grid_strides(ginput, is);
        switch (input->dtype) {
        case CLRS_F32: HOST_GRAD_INPUT(f32, float, float); break;
        case CLRS_F64: HOST_GRAD_INPUT(f64, double, double); break;
        case CLRS_F16: HOST_GRAD_INPUT(f16, clrs_f16_t, float); break;
        case CLRS_BF16: HOST_GRAD_INPUT(bf16, clrs_u16, float); break;
        default: break;
        }
        clrs__grid_csr_free(csr);
    }
    return CLRS_OK;
}

/* The base coordinates of a grid point: (x_w, y_h[, z_d], 1). */
#define AFFINE_BASE(R, base, p)                                                                \
    do {                                                                                       \
        POINT_COORDS(p);                                                                       \
        base[0] = clrs_affine_base_##R(ox, g->oW, g->align_corners);                           \
        base[1] = clrs_affine_base_##R(oy, g->oH, g->align_corners);                           \
        base[2] = g->dims == 3 ? clrs_affine_base_##R(oz, g->oD, g->align_corners) : 1;        \
        base[g->dims] = 1;                                                                     \
    } while (0)

#define HOST_AFFINE(SFX, ST, ACC, R)                                                           \
    do {                                                                                       \
        const ST *th = (const ST *)theta->host;                                                \
        ST *gr = (ST *)grid->host;                                                             \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->N * g->P; z++) {                                                    \
            const int64_t n = z / g->P, p = z % g->P;                                          \
            ACC base[4];                                                                       \
            int i;                                                                             \
            AFFINE_BASE(R, base, p);                                                           \
            {                                                                                  \
                POINT_COORDS(p);                                                               \
                for (i = 0; i < g->dims; i++)                                                  \
                    CLRS_H_STORE_##SFX(gr, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3] + i * gs[4], \
                                     clrs_affine_point_##SFX(th, n * theta->strides[0], theta->strides[1], \
                                                             theta->strides[2], g->dims, i, base)); \
            }                                                                                  \
        }                                                                                      \
    } while (0)

clrs_status clrs__host_affine_grid(const clrs__grid_geom *g, const clrs__view *theta,
                                   const clrs__view *grid)
{
    int64_t gs[5];
    clrs__grid_point_strides(grid, gs);
    switch (theta->dtype) {
    case CLRS_F32: HOST_AFFINE(f32, float, float, f); break;
    case CLRS_F64: HOST_AFFINE(f64, double, double, d); break;
    case CLRS_F16: HOST_AFFINE(f16, clrs_f16_t, float, f); break;
    case CLRS_BF16: HOST_AFFINE(bf16, clrs_u16, float, f); break;
    default: break;
    }
    return CLRS_OK;
}

/* grad_theta[n, i, j] = sum over points of grad_grid[n, p, i] * base_j(p), in point order. */
#define HOST_AFFINE_BWD(SFX, ST, ACC, R)                                                       \
    do {                                                                                       \
        const ST *gg = (const ST *)ggrid->host;                                                \
        ST *gt = (ST *)gtheta->host;                                                           \
        const int rows = g->dims, cols = g->dims + 1;                                          \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < g->N * rows * cols; z++) {                                             \
            const int64_t n = z / (rows * cols);                                               \
            const int i = (int)((z / cols) % rows), j = (int)(z % cols);                       \
            ACC acc = 0, base[4];                                                              \
            int64_t p;                                                                         \
            for (p = 0; p < g->P; p++) {                                                       \
                AFFINE_BASE(R, base, p);                                                       \
                {                                                                              \
                    POINT_COORDS(p);                                                           \
                    acc += CLRS_H_LOAD_##SFX(gg, n * gs[0] + oz * gs[1] + oy * gs[2] + ox * gs[3] + i * gs[4]) * \
                           base[j];                                                            \
                }                                                                              \
            }                                                                                  \
            CLRS_H_STORE_##SFX(gt, n * gtheta->strides[0] + i * gtheta->strides[1] + j * gtheta->strides[2], acc); \
        }                                                                                      \
    } while (0)

clrs_status clrs__host_affine_grid_backward(const clrs__grid_geom *g, const clrs__view *ggrid,
                                            const clrs__view *gtheta)
{
    int64_t gs[5];
    clrs__grid_point_strides(ggrid, gs);
    switch (ggrid->dtype) {
    case CLRS_F32: HOST_AFFINE_BWD(f32, float, float, f); break;
    case CLRS_F64: HOST_AFFINE_BWD(f64, double, double, d); break;
    case CLRS_F16: HOST_AFFINE_BWD(f16, clrs_f16_t, float, f); break;
    case CLRS_BF16: HOST_AFFINE_BWD(bf16, clrs_u16, float, f); break;
    default: break;
    }
    return CLRS_OK;
}
