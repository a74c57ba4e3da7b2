/* plan.h — per-op plans: resolved shapes and scales, and the per-axis index / weight tables
 * in PyTorch's arithmetic. Plans are pure data; the host and OpenCL backends execute them. */
#ifndef CLRS_PLAN_H
#define CLRS_PLAN_H

#include "internal.h"

/* interpolate, resolved against an input shape. Table axes are (D, H, W); with fewer spatial
 * dims the leading axes have size 1 and a single unit tap. */
typedef struct {
    int nsd;                 /* spatial dims, 1..3 */
    int64_t in[3], out[3];   /* per table axis */
    int kind[3];             /* CLRS_AXIS_* */
    int align_corners;       /* 0 or 1 */
    double user_scale[3];    /* scale_factor the kernel uses as 1/scale, or 0 */
    int compat;              /* clrs_compat; -1 until the caller resolves the context's */
} clrs__interp_geom;

/* Checks params against PyTorch's rules and resolves the output shape. `op` names the caller
 * in messages. in_shape has ndim entries; out_shape receives ndim entries. */
clrs_status clrs__interp_resolve(const char *op, const clrs_interpolate_params *params, int ndim,
                                 const int64_t *in_shape, int64_t *out_shape,
                                 clrs__interp_geom *geom);

/* The gather tables (layout in resample_math.h). Forward: destination = output, source =
 * input. Backward: the transpose, destination = grad_input, source = grad_output. */
typedef struct {
    int32_t *tab;
    size_t tab_len;          /* ints */
    void *wt;                /* float, or double when dbl */
    size_t wt_len;           /* weights */
    int dbl;
    int64_t dst[3];          /* destination sizes per axis */
    int fixed[3];            /* per axis: the tap count when every destination has it, else 0 */
} clrs__interp_plan;

/* dbl: weights in double (f64 tensors) rather than float. */
clrs_status clrs__interp_plan_build(const clrs__interp_geom *geom, int dbl, int backward,
                                    clrs__interp_plan *plan);
/* Special forms of a plan (both backends): 1 when every destination of axis a picks one
 * source element with weight 1; k when destination o of axis a reads source elements
 * o * k .. o * k + k - 1 all with one weight (area at an integer factor), else 0. */
int clrs__interp_axis_is_unit(const clrs__interp_plan *plan, int a);
int64_t clrs__interp_block_taps(const clrs__interp_plan *plan, int a);
void clrs__interp_plan_free(clrs__interp_plan *plan);

/* uint8 bilinear / bicubic / lanczos (2-D), PyTorch's integer arithmetic: up to two passes, W
 * first then H, each resampling one axis with int16 weights (pass tables as in
 * resample_math_u8.h); a pass whose size is unchanged is skipped, and with both unchanged one
 * identity pass copies. Two passes go through a uint8 image (N, C, H, out W). */
typedef struct {
    int32_t *tab;
    size_t tab_len;          /* ints */
    int npass;               /* 1 or 2 */
    int axis[2];             /* per pass: 3 (W) or 2 (H), the tensor dim resampled */
    size_t off[2];           /* per pass: its table's offset in tab */
} clrs__u8_plan;

clrs_status clrs__u8_plan_build(const clrs__interp_geom *geom, clrs__u8_plan *plan);
void clrs__u8_plan_free(clrs__u8_plan *plan);
/* The strides (N, C, H, W) of the intermediate image of shape (N, C, H, W) that follows the
 * source's layout: channels innermost when the source has them innermost, else planar. */
void clrs__u8_tmp_strides(const clrs__view *src, const int64_t shape[4], int64_t s[4]);

/* A view's strides as (N, C, axis 0, axis 1, axis 2): spatial dims right-aligned on the three
 * axes (D, H, W), 0 for the axes the tensor does not have. Used by interpolate and pooling. */
static inline void clrs__axis_strides(const clrs__view *v, int64_t s[5])
{
    int nsd = v->ndim - 2, a;
    s[0] = v->strides[0];
    s[1] = v->strides[1];
    for (a = 0; a < 3; a++) s[2 + a] = a >= 3 - nsd ? v->strides[2 + a - (3 - nsd)] : 0;
}

/* A view's size along table axis a (1 for the axes the tensor does not have). */
static inline int64_t clrs__view_axis(const clrs__view *v, int a)
{
    const int nsd = v->ndim - 2, first = 3 - nsd;
    return a < first ? 1 : v->shape[2 + a - first];
}

/* grid_sample / affine_grid, resolved. Views are normalised to 5 strides: tensors (N, C, D,
 * H, W) as [n, c, z, y, x] and grids (N, D, H, W, k) as [n, z, y, x, k], with 0 for the
 * z axis of 4-D ones. */
typedef struct {
    int dims;                /* spatial dims: 2 or 3 */
    int mode;                /* axis mode of clrs_grid_axis_taps: 0 bilinear, 1 nearest,
                                2 bicubic */
    int padding, align_corners, deterministic;
    int64_t N, C, W, H, D;   /* the input */
    int64_t oW, oH, oD, P;   /* the grid's points: P = oD * oH * oW per batch entry */
} clrs__grid_geom;

/* Validates grid_sample's params and tensors (grad_* may be NULL; for the forward call pass
 * output as `out` and NULLs). Fills geom. */
clrs_status clrs__grid_resolve(const char *op, const clrs_context *ctx,
                               const clrs_grid_sample_params *params, const clrs__view *input,
                               const clrs__view *grid, const clrs__view *out,
                               clrs__grid_geom *geom);
/* Validates affine_grid's tensors: theta (N, dims, dims + 1) and grid (N, [D,] H, W, dims). */
clrs_status clrs__affine_resolve(const char *op, int align_corners, const clrs__view *theta,
                                 const clrs__view *grid, clrs__grid_geom *geom);
/* [n, c, z, y, x] strides of a 4-D / 5-D image view; [n, z, y, x, k] of a grid view. */
void clrs__grid_strides(const clrs__view *v, int64_t s[5]);
void clrs__grid_point_strides(const clrs__view *v, int64_t s[5]);

/* grid_sample's grad_input as a gather (deterministic): for each batch entry and input pixel
 * (z * H + y) * W + x, the (grid point, weight) pairs that sample it, in increasing point order.
 * Built on the host from a host copy of the grid. */
typedef struct {
    int64_t *start;          /* N * T + 1 offsets, T = D * H * W */
    int32_t *point;          /* entry -> grid point (within its batch entry) */
    void *weight;            /* entry -> weight (float, or double when dbl) */
    int64_t entries;
    int dbl;
} clrs__grid_csr;

clrs_status clrs__grid_csr_build(const clrs__grid_geom *g, const clrs__view *grid,
                                 clrs__grid_csr *csr);
void clrs__grid_csr_free(clrs__grid_csr *csr);

/* ---- max_pool / max_unpool ---- */
/* Per table axis (D, H, W; leading axes unit): sizes and window parameters. */
typedef struct {
    int nsd;
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
} clrs__pool_geom;

/* max_pool: PyTorch's rules and the pooled shape; in_shape / out_shape have ndim entries. */
clrs_status clrs__pool_resolve(const char *op, const clrs_pool_params *params, int ndim,
                               const int64_t *in_shape, int64_t *out_shape, clrs__pool_geom *g);
/* 1 when a view's spatial axes (sizes n[0..2], strides s[2..4]) are packed: the element at
 * flat spatial index i sits at i * s[4] (NCHW, channels-last). Used by both backends. */
int clrs__pool_spatial_packed(const int64_t *s, const int64_t *n);
/* max_unpool: the rules and the unpooled shape (in = the pooled input). */
clrs_status clrs__unpool_resolve(const char *op, const clrs_unpool_params *params, int ndim,
                                 const int64_t *in_shape, int64_t *out_shape, clrs__pool_geom *g);
/* Before a max_pool runs: clips dilations that reach no second element and refuses windows
 * whose positions would not fit the kernels' 64-bit arithmetic (the _shape entry points
 * skip this: they only compute PyTorch's sizes). */
clrs_status clrs__pool_check_range(const char *op, clrs__pool_geom *g);
/* The 18-entry array the pooling bodies read (in, out, k, s, p, d per axis). */
void clrs__pool_geom_array(const clrs__pool_geom *g, int64_t a[18]);

#endif /* CLRS_PLAN_H */

/* ---- conv_transpose (lib/plan/conv_transpose.c) -------------------------------------------
 * A separate block with its own guard, appended after the main one. */
#ifndef CLRS_PLAN_CONV_TRANSPOSE_H
#define CLRS_PLAN_CONV_TRANSPOSE_H

/* Resolved conv_transpose: spatial axes (D, H, W), leading axes unit (in = out = k = s = d = 1,
 * p = 0) when there are fewer than 3 spatial dims. M = C_out/g * K rows of a group's column
 * matrix, L input pixels (its columns). */
typedef struct {
    int nsd;                                        /* spatial dims, 1..3 */
    int64_t N, Cin, Cout, G, Cin_g, Cout_g, K, M, L, Lout;
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
} clrs__conv_geom;

/* PyTorch's rules on params and the shapes of input (N, C_in, spatial...) and weight (C_in,
 * C_out/g, k...), both with ndim entries; out_shape (may be NULL) receives ndim entries. */
clrs_status clrs__conv_resolve(const char *op, const clrs_conv_transpose_params *p, int ndim,
                               const int64_t *in_shape, const int64_t *w_shape, int64_t *out_shape,
                               clrs__conv_geom *g);
/* The same on views, plus dtypes (input's for all) and, when given, bias (C_out) and the
 * output-shaped tensor `out` (the forward's output or the backward's grad_output). */
clrs_status clrs__conv_resolve_views(const char *op, const clrs_conv_transpose_params *p,
                                     const clrs__view *input, const clrs__view *weight,
                                     const clrs__view *bias, const clrs__view *out,
                                     clrs__conv_geom *g);

/* A view as the per-(batch entry, group) GEMM operand: element (r, c) at elem + n * nstride +
 * g * gstride + (trans ? r + c * ld : r * ld + c), in elements of the view's dtype from its
 * first element. Images (N, C, spatial...) are (C/g x L) per (n, g); the weight is (C_in/g x M)
 * per g (nstride 0). ok 0: the strides do not fit BLAS (the backends pack such views). */
typedef struct {
    int ok, trans;
    int64_t ld, gstride, nstride;
} clrs__conv_mat;
void clrs__conv_mat_image(const clrs__view *v, const clrs__conv_geom *g, clrs__conv_mat *m);
void clrs__conv_mat_weight(const clrs__view *v, const clrs__conv_geom *g, clrs__conv_mat *m);
/* A view's 5 strides as (n, c, z, y, x) (weight: (ci, co, k0, k1, k2)), 0 for missing axes. */
void clrs__conv_strides(const clrs__view *v, int64_t s[5]);

/* The OpenCL workspace: one buffer of the compute type (double for f64, else float), parts at
 * element offsets (-1: absent). Batch entries are processed nb at a time. */
typedef struct {
    int64_t nb;
    int64_t cols, xpack, wpack, gx, gw;
    int64_t total;                                  /* elements */
    size_t esize;                                   /* 4 or 8 */
} clrs__conv_ws;
/* The parts a call needs: cols always; xpack / wpack when input / weight must be packed
 * (not the compute type, or strides BLAS cannot take) and are read; gx / gw when grad_input /
 * grad_weight are computed and cannot be GEMM outputs directly. cap_bytes bounds the
 * per-chunk parts (at least one batch entry is processed at a time). */
void clrs__conv_workspace(const clrs__conv_geom *g, clrs_dtype dtype, int xpack, int wpack,
                          int gx, int gw, uint64_t cap_bytes, clrs__conv_ws *ws);
/* The chunk bound the OpenCL backend uses on a device. */
uint64_t clrs__conv_ws_cap(const clrs_device_info *info);

#endif /* CLRS_PLAN_CONV_TRANSPOSE_H */

/* ---- pixel_shuffle / pixel_unshuffle (lib/plan/pixel_shuffle.c) ---------------------------
 * A separate block with its own guard, appended after the others. */
#ifndef CLRS_PLAN_PIXEL_SHUFFLE_H
#define CLRS_PLAN_PIXEL_SHUFFLE_H

/* One gather of the index map of resample_math_shuffle.h: the destination's every element
 * reads one source element. Tensors are normalised to five axes (B0, B1, C, H, W): the
 * batch dims right-aligned before (C, H, W), unit size and stride 0 for the ones missing. */
typedef struct {
    int down;                /* 0: pixel_shuffle's map, 1: pixel_unshuffle's */
    int64_t r;               /* the factor, > 0 */
    int64_t dst[5];          /* the destination as (B0, B1, C, H, W) */
} clrs__shuffle_geom;

/* PyTorch's rules (PixelShuffle.cpp) for the forward op `down` (0 pixel_shuffle with
 * upscale_factor, 1 pixel_unshuffle with downscale_factor) on an input of in_shape (ndim
 * 3..5 entries; sizes >= 0), and its output shape (ndim entries). Sizes that overflow are
 * refused as out of range. */
clrs_status clrs__shuffle_resolve(const char *op, int down, int64_t factor, int ndim,
                                  const int64_t *in_shape, int64_t *out_shape);
/* The geometry of the gather `down` with factor r writing the view dst. */
void clrs__shuffle_geom_make(int down, int64_t r, const clrs__view *dst, clrs__shuffle_geom *g);
/* A view's strides as (B0, B1, C, H, W), 0 for the missing batch axes. */
void clrs__shuffle_strides(const clrs__view *v, int64_t s[5]);
/* The dtype the gather runs as: one per element size (u8, bf16, f32, i64), since it only
 * moves bits. The OpenCL program is built for it, and dispatch sees it, so an f64 copy needs
 * no fp64 on the device. */
clrs_dtype clrs__shuffle_copy_dtype(size_t esize);

#endif /* CLRS_PLAN_PIXEL_SHUFFLE_H */

/* ---- scipy.ndimage: spline_filter, zoom, affine_transform, map_coordinates
 * (lib/plan/ndimage.c). A separate block with its own guard. */
#ifndef CLRS_PLAN_NDIMAGE_H
#define CLRS_PLAN_NDIMAGE_H

enum { CLRS__NDI_FILTER = 0, CLRS__NDI_ZOOM = 1, CLRS__NDI_AFFINE = 2, CLRS__NDI_MAPC = 3 };

/* One ndimage call, resolved. Tensors are normalised to five axes (B0, B1, S0, S1, S2): up to
 * two batch dims right-aligned in B0, B1, the spatial dims right-aligned in S0..S2 (unit size,
 * stride 0 for the missing ones). The coefficient array is the input, padded by npad on each
 * spatial side ('nearest' / 'grid-constant' with a prefilter: scipy pads by 12) and
 * spline-filtered, stored contiguous (B0 * B1, coef[0], coef[1], coef[2]) in clrs_ndr. */
typedef struct {
    int op;                  /* CLRS__NDI_* */
    int order, mode, grid_mode;
    double cval;
    int filtered;            /* the prefilter runs (prefilter and order > 1, or spline_filter) */
    int ns;                  /* spatial dims 1..3 */
    int real[3];             /* S axis a is a spatial dim */
    int64_t B0, B1;
    int64_t in[3];           /* input spatial sizes */
    int64_t out[3];          /* output points per axis (map_coordinates: the point dims) */
    int npad;
    int64_t coef[3];         /* in + 2 * npad on the spatial axes */
    double scale[3];         /* zoom: the factor scipy derives from the shapes */
    double m[3][3], off[3];  /* affine over the S axes (only real rows / columns used) */
    int filter_axis;         /* spline_filter1d: the one of the 5 axes to filter; -1: S axes */
    double pad_value;        /* 'grid-constant' prepadding: cval as the input's dtype holds it
                                (scipy pads with numpy.pad, which casts cval to the input's dtype) */
} clrs__ndi_geom;

/* Resolves n_spatial for a tensor of ndim dims (0 means ndim - 2). */
clrs_status clrs__ndi_spatial(const char *op, const clrs_ndi_params *p, int ndim, int *ns);
/* Checks params (order, mode, flags) for op. */
clrs_status clrs__ndi_check_params(const char *op, const clrs_ndi_params *p, int kind);
/* A view's strides as (B0, B1, S0, S1, S2) for ns spatial dims. */
void clrs__ndi_strides(const clrs__view *v, int ns, int64_t s[5]);
double clrs__ndi_cast(double v, clrs_dtype dtype);
/* The coefficient array's element count must fit (2^58: bytes and index arithmetic). */
clrs_status clrs__ndi_check_coef(const char *op, const clrs__ndi_geom *g);
/* 1 when the output has no points (a zero-size point axis): the loops over points must not
 * run at all, since the other point axes may be huge (fuzz finding). */
/* The prefiltered axes of the five-axis coefficient array (B0, B1, spatial...) in the order the
 * forward filters them: the one axis of spline_filter1d, else every real spatial axis. */
static inline int clrs__ndi_filter_axes(const clrs__ndi_geom *g, int ax[3])
{
    int n = 0, a;
    if (g->filter_axis >= 0) ax[n++] = g->filter_axis;
    else
        for (a = 0; a < 3; a++)
            if (g->real[a]) ax[n++] = 2 + a;
    return n;
}
static inline int clrs__ndi_no_points(const clrs__ndi_geom *g)
{
    return g->out[0] == 0 || g->out[1] == 0 || g->out[2] == 0;
}
/* Fills the geometry shared by every op from params and the input view. */
void clrs__ndi_geom_init(clrs__ndi_geom *g, int op, const clrs_ndi_params *p, int ns, const clrs__view *in);

#endif /* CLRS_PLAN_NDIMAGE_H */
