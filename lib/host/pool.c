/* host/pool.c — the host backend of max_pool and max_unpool: OpenMP loops over outputs
 * (forward) and inputs (the backward gathers), calling the bodies of resample_math.h. */
#include "host/host.h"

#include <string.h>

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

/* Index range check, one block: 1 when any of the n indices lies outside [0, plane). One
 * unsigned compare per element OR-ed together (a negative index wraps to a huge one), no exit
 * inside the block, so the compiler vectorises it; the AVX2 copy is the same source built for
 * AVX2 (chosen at run time, as interpolate_u8.h does). */
#define INDEX_BLOCK_ANY(name, attr)                                                            \
    attr static int name(const int64_t *k, int64_t n, int64_t plane)                          \
    {                                                                                          \
        uint64_t any = 0;                                                                      \
        int64_t i;                                                                             \
        for (i = 0; i < n; i++) any |= (uint64_t)((uint64_t)k[i] >= (uint64_t)plane);         \
        return any != 0;                                                                       \
    }
#if defined(__GNUC__) && !defined(__clang__)
#define INDEX_VECTORISE __attribute__((optimize("O3"))) /* GCC's -O2 leaves this loop scalar */
#else
#define INDEX_VECTORISE
#endif
INDEX_BLOCK_ANY(index_block_any, INDEX_VECTORISE)
#if defined(__x86_64__) && defined(__GNUC__)
INDEX_BLOCK_ANY(index_block_any_avx2, INDEX_VECTORISE __attribute__((target("avx2"))))
static int index_have_avx2(void) { return __builtin_cpu_supports("avx2"); }
#else
#define index_block_any_avx2 index_block_any
static int index_have_avx2(void) { return 0; }
#endif
#undef INDEX_BLOCK_ANY
#undef INDEX_VECTORISE

int64_t clrs__host_index_scan(const int64_t *k, int64_t n, int64_t plane)
{
    enum { BLOCK = 1024 }; /* 8 KiB of indices: a clean block costs one test, a bad one a rescan */
    const int avx2 = index_have_avx2();
    int64_t b, i;
    for (b = 0; b < n; b += BLOCK) {
        const int64_t m = n - b < BLOCK ? n - b : BLOCK;
        if (!(avx2 ? index_block_any_avx2(k + b, m, plane) : index_block_any(k + b, m, plane))) continue;
        for (i = b; i < b + m; i++)
            if ((uint64_t)k[i] >= (uint64_t)plane) return i;
    }
    return n;
}

/* Plane by plane: zero the output plane, then write the inputs in plane order (the last
 * duplicate wins, as in PyTorch's serial CPU loop). Indices were checked by the caller.
 * When every view's plane is packed (NCHW, channels-last), a plane is a memset (or a strided
 * zero loop) and one scatter loop with no index arithmetic beyond a multiply; otherwise each
 * flat index is split into its axes. */
clrs_status clrs__host_max_unpool(const clrs__pool_geom *pg, const clrs__view *in,
                                  const clrs__view *idx, const clrs__view *out)
{
    int64_t is[5], xs[5], os[5];
    const int64_t C = in->shape[1], planes = in->shape[0] * C;
    const int64_t nin = pg->in[0] * pg->in[1] * pg->in[2], nout = pg->out[0] * pg->out[1] * pg->out[2];
    const size_t esize = out->esize;
    int packed;
    clrs__axis_strides(in, is);
    clrs__axis_strides(idx, xs);
    clrs__axis_strides(out, os);
    packed = clrs__pool_spatial_packed(is, pg->in) && clrs__pool_spatial_packed(xs, pg->in) && clrs__pool_spatial_packed(os, pg->out);
#define UNPOOL(S)                                                                              \
    do {                                                                                       \
        const CLRS_H_ST_##S *x = (const CLRS_H_ST_##S *)in->host;                              \
        const int64_t *ix = (const int64_t *)idx->host;                                        \
        CLRS_H_ST_##S *y = (CLRS_H_ST_##S *)out->host;                                         \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes; z++) {                                                         \
            const int64_t n = z / C, c = z % C;                                                \
            CLRS_H_ST_##S *yp = y + n * os[0] + c * os[1];                                     \
            const CLRS_H_ST_##S *xp = x + n * is[0] + c * is[1];                               \
            const int64_t *kp = ix + n * xs[0] + c * xs[1];                                    \
            int64_t i;                                                                         \
            if (packed && os[4] == 1) {                                                        \
                memset(yp, 0, (size_t)nout * esize); /* 0 is all-zero bytes in every dtype */ \
            } else if (packed) {                                                               \
                for (i = 0; i < nout; i++) memset(yp + i * os[4], 0, esize);                   \
            } else {                                                                           \
                for (i = 0; i < nout; i++)                                                     \
                    memset(yp + clrs_plane_offset(i, pg->out[1], pg->out[2], os[2], os[3], os[4]), 0, esize); \
            }                                                                                  \
            if (packed && os[4] == 1 && is[4] == 1 && xs[4] == 1) {                            \
                for (i = 0; i < nin; i++) yp[kp[i]] = xp[i];                                   \
            } else if (packed) {                                                               \
                for (i = 0; i < nin; i++) yp[kp[i * xs[4]] * os[4]] = xp[i * is[4]];           \
            } else {                                                                           \
                for (i = 0; i < nin; i++) {                                                    \
                    const int64_t k = kp[clrs_plane_offset(i, pg->in[1], pg->in[2], xs[2], xs[3], xs[4])]; \
                    yp[clrs_plane_offset(k, pg->out[1], pg->out[2], os[2], os[3], os[4])] =    \
                        xp[clrs_plane_offset(i, pg->in[1], pg->in[2], is[2], is[3], is[4])];   \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    } while (0)
    DISPATCH(in->dtype, UNPOOL)
#undef UNPOOL
    return CLRS_OK;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CLRS_POOL_NT 1
/* Bytes an op reads and writes past which its output will not be in the caches when it
 * returns: a last-level cache's size. (sysconf's figure on a VM is the host's, 384 MiB here,
 * not the share of it this machine gets.) */
#define CACHE_BYTES (32.0 * 1048576.0)

/* One packed f32 plane of the backward gather with streaming stores: the values are those of
 * the plain loop (ip[i] = gp[kp[i]]), 16 scalar loads into a 64-byte block then one streaming
 * store of it (no read of the destination lines first: a sixth of the op's traffic). Head and
 * tail to the 64-byte boundary are plain. (Two 8-lane gathers instead of the scalar loads ran
 * 3x slower than the plain loop on this AMD CPU in a standalone test; this form 0.51 ms
 * against 0.67 ms for the benchmark's planes.) */
__attribute__((target("avx512f"))) static void unpool_bwd_plane_nt(const float *gp, const int64_t *kp, float *ip,
                                                                   int64_t nin)
{
    float blk[16] __attribute__((aligned(64)));
    int64_t i = 0;
    int j;
    for (; i < nin && ((uintptr_t)(ip + i) & 63); i++) ip[i] = gp[kp[i]];
    for (; i + 16 <= nin; i += 16) {
        for (j = 0; j < 16; j++) blk[j] = gp[kp[i + j]];
        _mm512_stream_ps(ip + i, _mm512_load_ps(blk));
    }
    for (; i < nin; i++) ip[i] = gp[kp[i]];
}
#endif

/* The gather: each input gradient reads the output gradient its index names. Packed planes
 * (NCHW, channels-last) run one loop per plane with no index splitting. */
clrs_status clrs__host_max_unpool_backward(const clrs__pool_geom *pg, const clrs__view *gout,
                                           const clrs__view *idx, const clrs__view *gin)
{
    int64_t gs[5], xs[5], is[5];
    const int64_t C = gin->shape[1], planes = gin->shape[0] * C;
    const int64_t nin = pg->in[0] * pg->in[1] * pg->in[2];
    int packed;
    clrs__axis_strides(gout, gs);
    clrs__axis_strides(idx, xs);
    clrs__axis_strides(gin, is);
    packed = clrs__pool_spatial_packed(gs, pg->out) && clrs__pool_spatial_packed(xs, pg->in) && clrs__pool_spatial_packed(is, pg->in);
#ifdef CLRS_POOL_NT
    /* f32, unit strides, and at least as many bytes read and written as a last-level cache
     * holds (the output will not be in the caches when the call returns anyway): streaming
     * stores */
    if (gin->dtype == CLRS_F32 && packed && gs[4] == 1 && is[4] == 1 && xs[4] == 1 &&
        (double)planes * ((double)nin * 12.0 + (double)pg->out[0] * (double)pg->out[1] * (double)pg->out[2] * 4.0) >=
            CACHE_BYTES &&
        __builtin_cpu_supports("avx512f")) {
        const float *go = (const float *)gout->host;
        const int64_t *ix = (const int64_t *)idx->host;
        float *gi = (float *)gin->host;
        int64_t z;
#pragma omp parallel
        {
#pragma omp for schedule(static)
            for (z = 0; z < planes; z++) {
                const int64_t n = z / C, c = z % C;
                unpool_bwd_plane_nt(go + n * gs[0] + c * gs[1], ix + n * xs[0] + c * xs[1], gi + n * is[0] + c * is[1], nin);
            }
            _mm_sfence(); /* this thread's streaming stores before the region's barrier */
        }
        return CLRS_OK;
    }
#endif
#define UNPOOL_BWD(S)                                                                          \
    do {                                                                                       \
        const CLRS_H_ST_##S *go = (const CLRS_H_ST_##S *)gout->host;                           \
        const int64_t *ix = (const int64_t *)idx->host;                                        \
        CLRS_H_ST_##S *gi = (CLRS_H_ST_##S *)gin->host;                                        \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < planes; z++) {                                                         \
            const int64_t n = z / C, c = z % C;                                                \
            const CLRS_H_ST_##S *gp = go + n * gs[0] + c * gs[1];                              \
            CLRS_H_ST_##S *ip = gi + n * is[0] + c * is[1];                                    \
            const int64_t *kp = ix + n * xs[0] + c * xs[1];                                    \
            int64_t i;                                                                         \
            if (packed && gs[4] == 1 && is[4] == 1 && xs[4] == 1) {                            \
                /* four loads before four stores: the loads overlap (1.1x, PERFORMANCE.md) */  \
                for (i = 0; i + 4 <= nin; i += 4) {                                            \
                    const CLRS_H_ST_##S v0 = gp[kp[i]], v1 = gp[kp[i + 1]];                    \
                    const CLRS_H_ST_##S v2 = gp[kp[i + 2]], v3 = gp[kp[i + 3]];                \
                    ip[i] = v0, ip[i + 1] = v1, ip[i + 2] = v2, ip[i + 3] = v3;                \
                }                                                                              \
                for (; i < nin; i++) ip[i] = gp[kp[i]];                                        \
            } else if (packed) {                                                               \
                for (i = 0; i < nin; i++) ip[i * is[4]] = gp[kp[i * xs[4]] * gs[4]];           \
            } else {                                                                           \
                for (i = 0; i < nin; i++) {                                                    \
                    const int64_t k = kp[clrs_plane_offset(i, pg->in[1], pg->in[2], xs[2], xs[3], xs[4])]; \
                    ip[clrs_plane_offset(i, pg->in[1], pg->in[2], is[2], is[3], is[4])] =      \
                        gp[clrs_plane_offset(k, pg->out[1], pg->out[2], gs[2], gs[3], gs[4])]; \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    } while (0)
    DISPATCH(gin->dtype, UNPOOL_BWD)
#undef UNPOOL_BWD
    return CLRS_OK;
}
