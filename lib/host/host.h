/* host/host.h — the host backend's entry points (C + OpenMP). */
#ifndef CLRS_HOST_H
#define CLRS_HOST_H

#include "plan/plan.h"
#include "resample_math.h"

/* Per storage dtype (suffix f32, f64, f16, bf16), for the host loops: the storage type, the
 * arithmetic type, and one element loaded as / stored from that arithmetic type. */
#define CLRS_H_ST_f32 float
#define CLRS_H_ST_f64 double
#define CLRS_H_ST_f16 clrs_f16_t
#define CLRS_H_ST_bf16 clrs_u16
#define CLRS_H_ST_u8 clrs_u8
#define CLRS_H_ACC_f32 float
#define CLRS_H_ACC_f64 double
#define CLRS_H_ACC_f16 float
#define CLRS_H_ACC_bf16 float
#define CLRS_H_ACC_u8 float
#define CLRS_H_LOAD_f32(p, i) ((p)[i])
#define CLRS_H_LOAD_f64(p, i) ((p)[i])
#define CLRS_H_LOAD_f16(p, i) clrs_half_to_float((p)[i])
#define CLRS_H_LOAD_bf16(p, i) clrs_bf16_to_float((p)[i])
#define CLRS_H_LOAD_u8(p, i) ((float)(p)[i])
#define CLRS_H_STORE_f32(p, i, v) ((p)[i] = (v))
#define CLRS_H_STORE_f64(p, i, v) ((p)[i] = (v))
#define CLRS_H_STORE_f16(p, i, v) ((p)[i] = clrs_float_to_half(v))
#define CLRS_H_STORE_bf16(p, i, v) ((p)[i] = clrs_float_to_bf16(v))
#define CLRS_H_STORE_u8(p, i, v) ((p)[i] = clrs_float_to_u8(v))

/* Runs an interpolate gather plan; src and dst are host views. */
clrs_status clrs__host_interp_gather(const clrs__interp_plan *plan, const clrs__view *src,
                                     const clrs__view *dst);

/* Runs a uint8 interpolate plan (PyTorch's int16 passes); src and dst are host views. */
clrs_status clrs__host_interp_u8(const clrs__u8_plan *plan, const clrs__view *src,
                                 const clrs__view *dst);

/* grid_sample / affine_grid on host views (see plan.h for the geometry). grad_input and
 * grad_grid may be NULL. grad_input is a deterministic gather over the plan's lists. */
clrs_status clrs__host_grid_sample(const clrs__grid_geom *g, const clrs__view *input,
                                   const clrs__view *grid, const clrs__view *out);
clrs_status clrs__host_grid_sample_backward(const clrs__grid_geom *g, const clrs__view *gout,
                                            const clrs__view *input, const clrs__view *grid,
                                            const clrs__view *ginput, const clrs__view *ggrid);
clrs_status clrs__host_affine_grid(const clrs__grid_geom *g, const clrs__view *theta,
                                   const clrs__view *grid);
clrs_status clrs__host_affine_grid_backward(const clrs__grid_geom *g, const clrs__view *ggrid,
                                            const clrs__view *gtheta);

/* max_pool / max_unpool on host views; unpool indices already checked to be in range. */
clrs_status clrs__host_max_pool(const clrs__pool_geom *g, const clrs__view *in,
                                const clrs__view *out, const clrs__view *idx);
clrs_status clrs__host_max_pool_backward(const clrs__pool_geom *g, const clrs__view *gout,
                                         const clrs__view *idx, const clrs__view *gin);
clrs_status clrs__host_max_unpool(const clrs__pool_geom *g, const clrs__view *in,
                                  const clrs__view *idx, const clrs__view *out);
clrs_status clrs__host_max_unpool_backward(const clrs__pool_geom *g, const clrs__view *gout,
                                           const clrs__view *idx, const clrs__view *gin);
/* The first of n contiguous int64 indices outside [0, plane), or n when all are inside:
 * branch-free blocks at memory speed (AVX2 where the CPU has it). */
int64_t clrs__host_index_scan(const int64_t *k, int64_t n, int64_t plane);

#endif /* CLRS_HOST_H */

/* ---- conv_transpose (lib/host/conv_transpose.c) ---- */
#ifndef CLRS_HOST_CONV_TRANSPOSE_H
#define CLRS_HOST_CONV_TRANSPOSE_H
/* Host views; bias, and in the backward grad_input / grad_weight / grad_bias, may be NULL.
 * GEMMs through CBLAS (plain loops without it); col2im / im2col are deterministic gathers. */
clrs_status clrs__host_conv_transpose(const clrs__conv_geom *g, const clrs__view *input,
                                      const clrs__view *weight, const clrs__view *bias,
                                      const clrs__view *out);
clrs_status clrs__host_conv_transpose_backward(const clrs__conv_geom *g, const clrs__view *gout,
                                               const clrs__view *input, const clrs__view *weight,
                                               const clrs__view *ginput, const clrs__view *gweight,
                                               const clrs__view *gbias);
/* lib/host/conv_transpose_dnnl.c: the float32 forward / backward through oneDNN when the
 * library was built with it. Forward: 1 when done, 0 when the caller must compute it. Backward:
 * bit 0 grad_input done, bit 1 grad_weight done (grad_bias is never done there). */
int clrs__dnnl_conv_transpose(const clrs__conv_geom *g, const clrs__view *input, const clrs__view *weight,
                              const clrs__view *bias, const clrs__view *out);
int clrs__dnnl_conv_transpose_backward(const clrs__conv_geom *g, const clrs__view *gout,
                                       const clrs__view *input, const clrs__view *weight,
                                       const clrs__view *ginput, const clrs__view *gweight);
/* "oneDNN X.Y.Z" when built with it, else NULL. */
const char *clrs__dnnl_version(void);
#endif /* CLRS_HOST_CONV_TRANSPOSE_H */

/* ---- pixel_shuffle / pixel_unshuffle (lib/host/pixel_shuffle.c) ---- */
#ifndef CLRS_HOST_PIXEL_SHUFFLE_H
#define CLRS_HOST_PIXEL_SHUFFLE_H
/* The gather of g on host views: every element of dst copied, bytes unchanged, from the src
 * element clrs_shuffle_src names. Any dtype (by element size), any strides. */
clrs_status clrs__host_pixel_shuffle(const clrs__shuffle_geom *g, const clrs__view *src,
                                     const clrs__view *dst);
#endif /* CLRS_HOST_PIXEL_SHUFFLE_H */

/* ---- scipy.ndimage (lib/host/ndimage.c) ---- */
#ifndef CLRS_HOST_NDIMAGE_H
#define CLRS_HOST_NDIMAGE_H
/* Forward: spline_filter (co NULL; out = the filtered input), zoom / affine_transform (co
 * NULL), map_coordinates (co the coordinates). Host views. */
clrs_status clrs__host_ndi(const clrs__ndi_geom *g, const clrs__view *in, const clrs__view *co,
                           const clrs__view *out);
/* Backward: gin (may be NULL) = the adjoint applied to gout; gco (map_coordinates, may be
 * NULL) = the coordinate gradient, which reads in. */
clrs_status clrs__host_ndi_backward(const clrs__ndi_geom *g, const clrs__view *gout, const clrs__view *in,
                                    const clrs__view *co, const clrs__view *gin, const clrs__view *gco);
#endif /* CLRS_HOST_NDIMAGE_H */
