/* host/pixel_shuffle.c — the host backend of pixel_shuffle and pixel_unshuffle: an OpenMP
 * loop over the destination's rows, each element copied from the source element of the
 * shared index map (clrs_shuffle_src in resample_math_shuffle.h; a row is walked as r
 * arithmetic progressions, the map called once for each). Elements move as 1, 2, 4 or
 * 8-byte integers, so every dtype is bit-exact (NaN payloads, -0, bf16 / f16 patterns). */
#include "host/host.h"

#include <stdint.h>

clrs_status clrs__host_pixel_shuffle(const clrs__shuffle_geom *g, const clrs__view *src,
                                     const clrs__view *dst)
{
    int64_t ss[5], ds[5];
    const int64_t B1 = g->dst[1], C = g->dst[2], H = g->dst[3], W = g->dst[4];
    const int64_t rows = g->dst[0] * B1 * C * H, r = g->r;
    const int down = g->down;
    clrs__shuffle_strides(src, ss);
    clrs__shuffle_strides(dst, ds);
#define GATHER(T)                                                                              \
    do {                                                                                       \
        const T *x = (const T *)src->host;                                                     \
        T *y = (T *)dst->host;                                                                 \
        int64_t z;                                                                             \
        _Pragma("omp parallel for schedule(static)")                                           \
        for (z = 0; z < rows; z++) {                                                           \
            const int64_t h = z % H, c = (z / H) % C, b1 = (z / H / C) % B1, b0 = z / H / C / B1; \
            const T *xb = x + b0 * ss[0] + b1 * ss[1];                                         \
            T *yr = y + b0 * ds[0] + b1 * ds[1] + c * ds[2] + h * ds[3];                       \
            const int64_t step = clrs_shuffle_src(down, r, c, h, r, ss[2], ss[3], ss[4]) -     \
                                 clrs_shuffle_src(down, r, c, h, 0, ss[2], ss[3], ss[4]);      \
            int64_t j, w, k;                                                                   \
            for (j = 0; j < r && j < W; j++) { /* the progression w = j, j + r, ... */         \
                const T *xs = xb + clrs_shuffle_src(down, r, c, h, j, ss[2], ss[3], ss[4]);    \
                for (w = j, k = 0; w < W; w += r, k++) yr[w * ds[4]] = xs[k * step];            \
            }                                                                                  \
        }                                                                                      \
    } while (0)
    switch (dst->esize) {
    case 1: GATHER(uint8_t); break;
    case 2: GATHER(uint16_t); break;
    case 4: GATHER(uint32_t); break;
    case 8: GATHER(uint64_t); break;
    default: return clrs__fail(CLRS_ERR_UNSUPPORTED, "pixel_shuffle: element size %zu", dst->esize);
    }
#undef GATHER
    return CLRS_OK;
}
