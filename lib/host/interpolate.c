/* host/interpolate.c — the host backend of interpolate: OpenMP loops over the destination
 * that call the gather body of resample_math.h, the same body the OpenCL kernel runs. */
#include "host/host.h"

#define HOST_GATHER(SFX, ST, ACC)                                                           \
    do {                                                                                    \
        const ST *s = (const ST *)src->host;                                                \
        ST *d = (ST *)dst->host;                                                            \
        const ACC *wt = (const ACC *)plan->wt;                                              \
        int64_t z;                                                                          \
        _Pragma("omp parallel for schedule(static)")                                        \
        for (z = 0; z < planes * O0; z++) {                                                 \
            const int64_t o0 = z % O0, nc = z / O0, n = nc / C, c = nc % C;                 \
            const int64_t sb = n * ss[0] + c * ss[1], db = n * ds[0] + c * ds[1];           \
            int64_t o1, o2;                                                                 \
            for (o1 = 0; o1 < O1; o1++)                                                     \
                for (o2 = 0; o2 < O2; o2++)                                                 \
                    clrs_gather_point_##SFX(s, sb, ss[2], ss[3], ss[4], d, db, ds[2], ds[3], \
                                            ds[4], plan->tab, wt, o0, o1, o2);              \
        }                                                                                   \
    } while (0)

clrs_status clrs__host_interp_gather(const clrs__interp_plan *plan, const clrs__view *src,
                                     const clrs__view *dst)
{
    int64_t ss[5], ds[5];
    const int64_t C = dst->shape[1], planes = dst->shape[0] * dst->shape[1];
    const int64_t O0 = plan->dst[0], O1 = plan->dst[1], O2 = plan->dst[2];
    clrs__axis_strides(src, ss);
    clrs__axis_strides(dst, ds);
    if (planes == 0) return CLRS_OK;
    switch (dst->dtype) {
    case CLRS_F32: HOST_GATHER(f32, float, float); break;
    case CLRS_F64: HOST_GATHER(f64, double, double); break;
    case CLRS_F16: HOST_GATHER(f16, clrs_f16_t, float); break;
    case CLRS_BF16: HOST_GATHER(bf16, clrs_u16, float); break;
    default: return clrs__fail(CLRS_ERR_UNSUPPORTED, "interpolate: dtype %s on the host",
                               clrs__dtype_name(dst->dtype));
    }
    return CLRS_OK;
}
