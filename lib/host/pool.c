/* host/pool.c — the host backend of max_pool and max_unpool: OpenMP loops over outputs
 * (forward) and inputs (the backward gathers), calling the bodies of resample_math.h. */
#include "host/host.h"

#define DISPATCH(dtype, M)                                                                     \
    switch (dtype) {                                                                           \
    case CLRS_F32: M(f32); break;                                                              \
    case CLRS_F64: M(f64); break;                                                              \
    case CLRS_F16: M(f16); break;                                                              \
    case CLRS_BF16: M(bf16); break;                                                            \
    case CLRS_U8: M(u8); break;                                                                \
    default: break;                                                                            \
    }

clrs_status clrs__host_max_pool(const clrs__pool_geom *pg, const clrs__view *in,
                                const clrs__view *out, const clrs__view *idx)
{
    int64_t g[18], is[5], os[5], xs[5];
    const int64_t C = in->shape[1], planes = in->shape[0] * C;
    clrs__pool_geom_array(pg, g);
    clrs__axis_strides(in, is);
    clrs__axis_strides(out, os);
    if (idx) clrs__axis_strides(idx, xs);
#define FWD(S)                                                                                 \
    do {                                                                                       \
        const CLRS_H_ST_##S *x = (const CLRS_H_ST_##S *)in->host;                                            \
        CLRS_H_ST_##S *y = (CLRS_H_ST_##S *)out->host;                                                       \
        int64_t *ix = idx ? (int64_t *)idx->host : NULL, z;                                    \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes * g[3]; z++) {                                                  \
            const int64_t o0 = z % g[3], n = z / g[3] / C, c = z / g[3] % C;                   \
            int64_t o1, o2;                                                                    \
            for (o1 = 0; o1 < g[4]; o1++)                                                      \
                for (o2 = 0; o2 < g[5]; o2++) {                                                \
                    CLRS_H_ACC_##S v;                                                                 \
                    int64_t k;                                                                 \
                    clrs_max_pool_point_##S(x, n * is[0] + c * is[1], is[2], is[3], is[4], g, o0, o1, o2, &v, &k); \
                    CLRS_H_STORE_##S(y, n * os[0] + c * os[1] + o0 * os[2] + o1 * os[3] + o2 * os[4], v); \
                    if (ix) ix[n * xs[0] + c * xs[1] + o0 * xs[2] + o1 * xs[3] + o2 * xs[4]] = k; \
                }                                                                              \
        }                                                                                      \
    } while (0)
    DISPATCH(in->dtype, FWD)
#undef FWD
    return CLRS_OK;
}

clrs_status clrs__host_max_pool_backward(const clrs__pool_geom *pg, const clrs__view *gout,
                                         const clrs__view *idx, const clrs__view *gin)
{
    int64_t g[18], gs[5], xs[5], is[5];
    const int64_t C = gin->shape[1], planes = gin->shape[0] * C;
    clrs__pool_geom_array(pg, g);
    clrs__axis_strides(gout, gs);
    clrs__axis_strides(idx, xs);
    clrs__axis_strides(gin, is);
#define BWD(S)                                                                                 \
    do {                                                                                       \
        const CLRS_H_ST_##S *go = (const CLRS_H_ST_##S *)gout->host;                                         \
        const int64_t *ix = (const int64_t *)idx->host;                                        \
        CLRS_H_ST_##S *gi = (CLRS_H_ST_##S *)gin->host;                                                      \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes * g[0]; z++) {                                                  \
            const int64_t i0 = z % g[0], n = z / g[0] / C, c = z / g[0] % C;                   \
            int64_t i1, i2;                                                                    \
            for (i1 = 0; i1 < g[1]; i1++)                                                      \
                for (i2 = 0; i2 < g[2]; i2++)                                                  \
                    CLRS_H_STORE_##S(gi, n * is[0] + c * is[1] + i0 * is[2] + i1 * is[3] + i2 * is[4], \
                              clrs_max_pool_grad_point_##S(go, n * gs[0] + c * gs[1], gs[2], gs[3], gs[4], ix, \
                                                           n * xs[0] + c * xs[1], xs[2], xs[3], xs[4], g, i0, i1, i2)); \
        }                                                                                      \
    } while (0)
    DISPATCH(gin->dtype, BWD)
#undef BWD
    return CLRS_OK;
}

/* Plane by plane: zero the output plane, then write the inputs in plane order (the last
 * duplicate wins). Indices were checked by the caller. */
clrs_status clrs__host_max_unpool(const clrs__pool_geom *pg, const clrs__view *in,
                                  const clrs__view *idx, const clrs__view *out)
{
    int64_t is[5], xs[5], os[5];
    const int64_t C = in->shape[1], planes = in->shape[0] * C;
    const int64_t nin = pg->in[0] * pg->in[1] * pg->in[2], nout = pg->out[0] * pg->out[1] * pg->out[2];
    clrs__axis_strides(in, is);
    clrs__axis_strides(idx, xs);
    clrs__axis_strides(out, os);
#define UNPOOL(S)                                                                              \
    do {                                                                                       \
        const CLRS_H_ST_##S *x = (const CLRS_H_ST_##S *)in->host;                                            \
        const int64_t *ix = (const int64_t *)idx->host;                                        \
        CLRS_H_ST_##S *y = (CLRS_H_ST_##S *)out->host;                                                       \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes; z++) {                                                         \
            const int64_t n = z / C, c = z % C, ob = n * os[0] + c * os[1];                    \
            int64_t i;                                                                         \
            for (i = 0; i < nout; i++)                                                         \
                CLRS_H_STORE_##S(y, ob + clrs_plane_offset(i, pg->out[1], pg->out[2], os[2], os[3], os[4]), (CLRS_H_ACC_##S)0); \
            for (i = 0; i < nin; i++) {                                                        \
                const int64_t k = ix[n * xs[0] + c * xs[1] + clrs_plane_offset(i, pg->in[1], pg->in[2], xs[2], xs[3], xs[4])]; \
                y[ob + clrs_plane_offset(k, pg->out[1], pg->out[2], os[2], os[3], os[4])] =    \
                    x[n * is[0] + c * is[1] + clrs_plane_offset(i, pg->in[1], pg->in[2], is[2], is[3], is[4])]; \
            }                                                                                  \
        }                                                                                      \
    } while (0)
    DISPATCH(in->dtype, UNPOOL)
#undef UNPOOL
    return CLRS_OK;
}

clrs_status clrs__host_max_unpool_backward(const clrs__pool_geom *pg, const clrs__view *gout,
                                           const clrs__view *idx, const clrs__view *gin)
{
    int64_t gs[5], xs[5], is[5];
    const int64_t C = gin->shape[1], planes = gin->shape[0] * C;
    const int64_t nin = pg->in[0] * pg->in[1] * pg->in[2];
    clrs__axis_strides(gout, gs);
    clrs__axis_strides(idx, xs);
    clrs__axis_strides(gin, is);
#define UNPOOL_BWD(S)                                                                          \
    do {                                                                                       \
        const CLRS_H_ST_##S *go = (const CLRS_H_ST_##S *)gout->host;                                         \
        const int64_t *ix = (const int64_t *)idx->host;                                        \
        CLRS_H_ST_##S *gi = (CLRS_H_ST_##S *)gin->host;                                                      \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes * nin; z++) {                                                   \
            const int64_t i = z % nin, n = z / nin / C, c = z / nin % C;                       \
            const int64_t k = ix[n * xs[0] + c * xs[1] + clrs_plane_offset(i, pg->in[1], pg->in[2], xs[2], xs[3], xs[4])]; \
            gi[n * is[0] + c * is[1] + clrs_plane_offset(i, pg->in[1], pg->in[2], is[2], is[3], is[4])] = \
                go[n * gs[0] + c * gs[1] + clrs_plane_offset(k, pg->out[1], pg->out[2], gs[2], gs[3], gs[4])]; \
        }                                                                                      \
    } while (0)
    DISPATCH(gin->dtype, UNPOOL_BWD)
#undef UNPOOL_BWD
    return CLRS_OK;
}
