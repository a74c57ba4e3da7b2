/* opencl/opencl.h — the OpenCL backend's entry points: buffers, kernel arguments, NDRange. */
#ifndef CLRS_OPENCL_H
#define CLRS_OPENCL_H

#include "plan/plan.h"

/* Kernel arguments in order; the first failure is kept. */
typedef struct {
    cl_kernel k;
    cl_uint n;
    cl_int err;
    int exact_local; /* clrs__cl_run: the kernel needs exactly the local size given (its local
                        memory and group count assume it): no retry with the runtime's choice */
} clrs__args;

static inline void clrs__arg(clrs__args *a, size_t size, const void *v)
{
    if (a->err == CL_SUCCESS) a->err = clSetKernelArg(a->k, a->n, size, v);
    a->n++;
}
static inline void clrs__arg_long(clrs__args *a, int64_t v)
{
    cl_long x = v;
    clrs__arg(a, sizeof x, &x);
}
static inline void clrs__arg_int(clrs__args *a, int v)
{
    cl_int x = v;
    clrs__arg(a, sizeof x, &x);
}
static inline void clrs__arg_mem(clrs__args *a, cl_mem m) { clrs__arg(a, sizeof m, &m); }
/* A tensor as (buffer, element offset, 5 strides). */
static inline void clrs__arg_tensor(clrs__args *a, const clrs__cl_buffer *b, const int64_t s[5])
{
    int i;
    clrs__arg_mem(a, b->mem);
    clrs__arg_long(a, (int64_t)b->elem_offset);
    for (i = 0; i < 5; i++) clrs__arg_long(a, s[i]);
}

/* One op call on the device (call.c): its program, its tensors staged as buffers in slots,
 * released together by clrs__cl_call_end (which brings written host tensors back and waits
 * when host memory is involved or something failed). */
typedef struct {
    clrs_context *ctx;
    const char *op;
    cl_program prog;
    const clrs__view *views[CLRS_MAX_VIEWS];
    clrs__cl_buffer bufs[CLRS_MAX_VIEWS];
    int written[CLRS_MAX_VIEWS];
    int host_side;
} clrs__cl_call;

/* Builds or finds `file` for `dtype` (-DCLRS_DTYPE) and more build options (may be NULL). */
clrs_status clrs__cl_call_begin(clrs__cl_call *c, clrs_context *ctx, const char *op,
                                const char *file, clrs_dtype dtype, const char *more_options);
/* Stages view v (NULL or empty: no buffer) in `slot`. */
clrs_status clrs__cl_call_view(clrs__cl_call *c, int slot, const clrs__view *v, int writable);
clrs_status clrs__cl_call_end(clrs__cl_call *c, clrs_status st);
/* A kernel of the call's program, ready for arguments. */
clrs_status clrs__cl_kernel(clrs__cl_call *c, const char *name, clrs__args *a);
/* Reports an argument error or enqueues (local may be NULL), records the event for
 * clrs_context_last_kernel_ms, and releases the kernel. */
clrs_status clrs__cl_run(clrs__cl_call *c, clrs__args *a, cl_uint dims, const size_t *global,
                         const size_t *local);

/* A local size for `global` within wg work-items (clrs_tune_params.wg; 0: NULL, the
 * runtime's choice), the largest divisors of the global sizes, dimension 0 first. */
const size_t *clrs__cl_local_for(const clrs_context *ctx, int wg, cl_uint dims, const size_t *global,
                                 size_t *local);

/* The tuned local size for a launch of `kernel` on `shape_class` (clrs__tune_get, then
 * clrs__cl_local_for): NULL for the runtime's choice. */
const size_t *clrs__cl_tuned_local(clrs_context *ctx, const char *kernel, const char *shape_class,
                                   cl_uint dims, const size_t *global, size_t *local);

/* Runs an interpolate gather plan on the context's device. src and dst may be host views
 * (wrapped, and synchronised before return) or device views (enqueued only). Returns
 * CLRS_ERR_BUILD when the kernel cannot be built, before anything is enqueued. */
clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst);

/* Runs a uint8 interpolate plan (kernels/interpolate.cl clrs_interpolate_u8_pass, a uint8
 * scratch image between two passes); views as for the gather. */
clrs_status clrs__cl_interp_u8(clrs_context *ctx, const clrs__u8_plan *plan, const clrs__view *src,
                               const clrs__view *dst);
/* The vector-shaped uint8 passes (opencl/interpolate_u8.c, the CPU default), tp the tuned
 * "interpolate_u8" entry (vec > 1). */
/* The arguments of a one-work-item-per-byte uint8 pass (clrs_interpolate_u8_pass / _point):
 * the source (the caller's, strides s, on the first pass, else the scratch image, strides
 * ts), the destination (the caller's, strides d, on the last, else the scratch), then the
 * destination's C, H, W and the pass's axis. */
void clrs__cl_u8_point_args(clrs__args *a, clrs__cl_call *c, int first, int last, const int64_t *s,
                            const int64_t *d, cl_mem tmp, const int64_t *ts, const int64_t *shape, int axis);
clrs_status clrs__cl_interp_u8_vec(clrs_context *ctx, const clrs__u8_plan *plan, const clrs__view *src,
                                   const clrs__view *dst, const clrs_tune_params *tp);

/* grid_sample / affine_grid on the context's device (views as for interpolate). grad_input
 * uses float atomics for f32 when g->deterministic is 0, else the deterministic gather over
 * the plan's lists (built on the host from a host copy of the grid). */
clrs_status clrs__cl_grid_sample(clrs_context *ctx, const clrs__grid_geom *g,
                                 const clrs__view *input, const clrs__view *grid,
                                 const clrs__view *out);
clrs_status clrs__cl_grid_sample_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *gout, const clrs__view *input,
                                          const clrs__view *grid, const clrs__view *ginput,
                                          const clrs__view *ggrid);
clrs_status clrs__cl_affine_grid(clrs_context *ctx, const clrs__grid_geom *g,
                                 const clrs__view *theta, const clrs__view *grid);
clrs_status clrs__cl_affine_grid_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *ggrid, const clrs__view *gtheta);

/* max_pool / max_unpool on the context's device; unpool indices already checked. */
clrs_status clrs__cl_max_pool(clrs_context *ctx, const clrs__pool_geom *g, const clrs__view *in,
                              const clrs__view *out, const clrs__view *idx);
clrs_status clrs__cl_max_pool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                       const clrs__view *gout, const clrs__view *idx,
                                       const clrs__view *gin);
clrs_status clrs__cl_max_unpool(clrs_context *ctx, const clrs__pool_geom *g, const clrs__view *in,
                                const clrs__view *idx, const clrs__view *out);
clrs_status clrs__cl_max_unpool_backward(clrs_context *ctx, const clrs__pool_geom *g,
                                         const clrs__view *gout, const clrs__view *idx,
                                         const clrs__view *gin);

#endif /* CLRS_OPENCL_H */

/* ---- conv_transpose (lib/opencl/conv_transpose.c) ---- */
#ifndef CLRS_OPENCL_CONV_TRANSPOSE_H
#define CLRS_OPENCL_CONV_TRANSPOSE_H
/* On the context's device: GEMMs through CLBlast, col2im / im2col / packing kernels of
 * conv_transpose.cl. CLRS_ERR_BUILD when CLBlast is absent or cannot run on the device (the
 * front then falls back to the host). Views as for interpolate. */
clrs_status clrs__cl_conv_transpose(clrs_context *ctx, const clrs__conv_geom *g,
                                    const clrs__view *input, const clrs__view *weight,
                                    const clrs__view *bias, const clrs__view *out);
clrs_status clrs__cl_conv_transpose_backward(clrs_context *ctx, const clrs__conv_geom *g,
                                             const clrs__view *gout, const clrs__view *input,
                                             const clrs__view *weight, const clrs__view *ginput,
                                             const clrs__view *gweight, const clrs__view *gbias);
/* The workspace bytes the forward allocates for these views (0 without CLBlast). */
size_t clrs__cl_conv_transpose_workspace(const clrs_context *ctx, const clrs__conv_geom *g,
                                         const clrs__view *input, const clrs__view *weight);
#endif /* CLRS_OPENCL_CONV_TRANSPOSE_H */

/* ---- pixel_shuffle / pixel_unshuffle (lib/opencl/pixel_shuffle.c) ---- */
#ifndef CLRS_OPENCL_PIXEL_SHUFFLE_H
#define CLRS_OPENCL_PIXEL_SHUFFLE_H
/* The gather of g on the context's device (views as for interpolate): the kernel of
 * pixel_shuffle.cl built once per element size. */
clrs_status clrs__cl_pixel_shuffle(clrs_context *ctx, const clrs__shuffle_geom *g,
                                   const clrs__view *src, const clrs__view *dst);
#endif /* CLRS_OPENCL_PIXEL_SHUFFLE_H */

/* ---- scipy.ndimage (lib/opencl/ndimage.c) ---- */
#ifndef CLRS_OPENCL_NDIMAGE_H
#define CLRS_OPENCL_NDIMAGE_H
/* As clrs__host_ndi / clrs__host_ndi_backward, on the context's device (views as for
 * interpolate). */
clrs_status clrs__cl_ndi(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *in,
                         const clrs__view *co, const clrs__view *out);
clrs_status clrs__cl_ndi_backward(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *gout,
                                  const clrs__view *in, const clrs__view *co, const clrs__view *gin,
                                  const clrs__view *gco);
#endif /* CLRS_OPENCL_NDIMAGE_H */
