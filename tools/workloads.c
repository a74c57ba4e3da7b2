/* workloads.c — the benchmark workload list and its byte accounting (see workloads.h). */
#include "workloads.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <math.h>

#define GNONE CLRS_GRID_SAMPLE_PARAMS_INIT, CLRS_UNPOOL_PARAMS_INIT, CLRS_CONV_TRANSPOSE_PARAMS_INIT, {0}, 0
#define INTERP(bw, mode, aa, s0, s1, s2) CLRS_WL_INTERPOLATE, (bw), {(mode), {0, 0, 0}, {(s0), (s1), (s2)}, -1, -1, (aa), -1}, GNONE
#define INTERP_AC0(bw, mode, aa, s0, s1, s2) CLRS_WL_INTERPOLATE, (bw), {(mode), {0, 0, 0}, {(s0), (s1), (s2)}, 0, -1, (aa), -1}, GNONE
#define GRID(bw, mode, pad) CLRS_WL_GRID_SAMPLE, (bw), CLRS_INTERPOLATE_PARAMS_INIT, {(mode), (pad), 0, -1, -1}, \
    CLRS_UNPOOL_PARAMS_INIT, CLRS_CONV_TRANSPOSE_PARAMS_INIT, {0}, 0
/* (backward, window) for max_unpool; (backward, C_out, k, stride) for a 2-D conv_transpose */
#define UNPOOL(bw, k) CLRS_WL_MAX_UNPOOL, (bw), CLRS_INTERPOLATE_PARAMS_INIT, CLRS_GRID_SAMPLE_PARAMS_INIT, \
    {{(k), (k), 0}, {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, {0, 0, 0}, {0, 0, 0, 0, 0}, 0}, CLRS_CONV_TRANSPOSE_PARAMS_INIT, {0}, 0
#define CONVT(bw, cin, cout, k, s) CLRS_WL_CONV_TRANSPOSE, (bw), CLRS_INTERPOLATE_PARAMS_INIT, \
    CLRS_GRID_SAMPLE_PARAMS_INIT, CLRS_UNPOOL_PARAMS_INIT, {{(s), (s), 0}, {1, 1, 0}, {0, 0, 0}, {1, 1, 0}, 1}, \
    {(cin), (cout), (k), (k), 0}, 0

/* (backward, factor) for pixel_shuffle */
#define PSHUF(bw, r) CLRS_WL_PIXEL_SHUFFLE, (bw), CLRS_INTERPOLATE_PARAMS_INIT, CLRS_GRID_SAMPLE_PARAMS_INIT, \
    CLRS_UNPOOL_PARAMS_INIT, CLRS_CONV_TRANSPOSE_PARAMS_INIT, {0}, (r)

/* the scipy.ndimage workloads: their parameters are in ndi_workloads below */
#define NDI CLRS_WL_NDIMAGE, 0, CLRS_INTERPOLATE_PARAMS_INIT, CLRS_GRID_SAMPLE_PARAMS_INIT, \
    CLRS_UNPOOL_PARAMS_INIT, CLRS_CONV_TRANSPOSE_PARAMS_INIT, {0}, 0

const clrs_workload clrs_workloads[] = {
    {"bilinear_up2x", "bilinear 2x up, 8x64x128x128", INTERP_AC0(0, CLRS_LINEAR, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"bilinear_up2x_bwd", "bilinear 2x up backward, 8x64x128x128", INTERP_AC0(1, CLRS_LINEAR, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"nearest_up2x", "nearest 2x up, 8x64x128x128", INTERP(0, CLRS_NEAREST, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"nearest_up2x_bwd", "nearest 2x up backward, 8x64x128x128", INTERP(1, CLRS_NEAREST, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"bicubic_up2x", "bicubic 2x up, 8x64x128x128", INTERP_AC0(0, CLRS_CUBIC, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"bicubic_up2x_bwd", "bicubic 2x up backward, 8x64x128x128", INTERP_AC0(1, CLRS_CUBIC, 0, 2, 2, 0), 4, {8, 64, 128, 128}, 0, CLRS_F32},
    {"aa_bilinear_down4x", "antialias bilinear 4x down, 1x3x2048x2048", INTERP_AC0(0, CLRS_LINEAR, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 0, CLRS_F32},
    {"aa_bilinear_down4x_bwd", "antialias bilinear 4x down backward, 1x3x2048x2048", INTERP_AC0(1, CLRS_LINEAR, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 0, CLRS_F32},
    {"aa_bicubic_down4x", "antialias bicubic 4x down, 1x3x2048x2048", INTERP_AC0(0, CLRS_CUBIC, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 0, CLRS_F32},
    {"aa_bicubic_down4x_bwd", "antialias bicubic 4x down backward, 1x3x2048x2048", INTERP_AC0(1, CLRS_CUBIC, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 0, CLRS_F32},
    {"area_down4x", "area 4x down, 8x64x224x224", INTERP(0, CLRS_AREA, 0, 0.25, 0.25, 0), 4, {8, 64, 224, 224}, 0, CLRS_F32},
    {"area_down4x_bwd", "area 4x down backward, 8x64x224x224", INTERP(1, CLRS_AREA, 0, 0.25, 0.25, 0), 4, {8, 64, 224, 224}, 0, CLRS_F32},
    {"trilinear_up2x", "trilinear 2x up, 1x16x32x64x64", INTERP_AC0(0, CLRS_LINEAR, 0, 2, 2, 2), 5, {1, 16, 32, 64, 64}, 0, CLRS_F32},
    {"trilinear_up2x_bwd", "trilinear 2x up backward, 1x16x32x64x64", INTERP_AC0(1, CLRS_LINEAR, 0, 2, 2, 2), 5, {1, 16, 32, 64, 64}, 0, CLRS_F32},
    {"grid_sample_bilinear", "grid_sample bilinear/zeros, 8x32x128x128, affine grid", GRID(0, CLRS_GRID_BILINEAR, CLRS_PADDING_ZEROS), 4, {8, 32, 128, 128}, 0, CLRS_F32},
    {"grid_sample_bilinear_bwd", "grid_sample bilinear/zeros backward (grad_input + grad_grid), 8x32x128x128", GRID(1, CLRS_GRID_BILINEAR, CLRS_PADDING_ZEROS), 4, {8, 32, 128, 128}, 0, CLRS_F32},
    {"max_unpool_2x2", "max_unpool 2x2 (indices of a max_pool), 8x64x56x56 -> 112x112", UNPOOL(0, 2), 4, {8, 64, 56, 56}, 0, CLRS_F32},
    {"max_unpool_2x2_bwd", "max_unpool 2x2 backward, 8x64x112x112 -> 56x56", UNPOOL(1, 2), 4, {8, 64, 56, 56}, 0, CLRS_F32},
    {"conv_transpose_4x4s2", "conv_transpose 64->32, 4x4, stride 2, padding 1, bias, 8x64x64x64", CONVT(0, 64, 32, 4, 2), 4, {8, 64, 64, 64}, 0, CLRS_F32},
    {"conv_transpose_4x4s2_bwd", "conv_transpose backward (input, weight, bias), 8x64x64x64", CONVT(1, 64, 32, 4, 2), 4, {8, 64, 64, 64}, 0, CLRS_F32},
    {"pixel_shuffle_r2", "pixel_shuffle r=2, 8x256x128x128 -> 8x64x256x256", PSHUF(0, 2), 4, {8, 256, 128, 128}, 0, CLRS_F32},
    {"pixel_shuffle_r2_bwd", "pixel_shuffle r=2 backward (pixel_unshuffle), 8x64x256x256 -> 8x256x128x128", PSHUF(1, 2), 4, {8, 256, 128, 128}, 0, CLRS_F32},
    {"bilinear_up2x_hwc", "bilinear 2x up, 2048x2048x3 channels-last (OpenCV's case)", INTERP_AC0(0, CLRS_LINEAR, 0, 2, 2, 0), 4, {1, 3, 2048, 2048}, 1, CLRS_F32},
    /* uint8 images (issue 12): an HWC RGB image as PIL / OpenCV hold it */
    {"u8_aa_bilinear_down4x", "uint8 antialias bilinear 4x down, 2048x2048x3 HWC image", INTERP_AC0(0, CLRS_LINEAR, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 1, CLRS_U8},
    {"u8_aa_bicubic_down4x", "uint8 antialias bicubic 4x down, 2048x2048x3 HWC image", INTERP_AC0(0, CLRS_CUBIC, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 1, CLRS_U8},
    {"u8_lanczos_down4x", "uint8 lanczos (antialias) 4x down, 2048x2048x3 HWC image", INTERP_AC0(0, CLRS_LANCZOS, 1, 0.25, 0.25, 0), 4, {1, 3, 2048, 2048}, 1, CLRS_U8},
    /* scipy.ndimage (compared with scipy by tools/bench-vs-scipy.py) */
    {"ndi_zoom3_vol_half", "ndimage zoom order 3 (mirror), 512^3 f32 volume by 0.5", NDI, 5, {1, 1, 512, 512, 512}, 0, CLRS_F32},
    {"ndi_zoom3_up2_5", "ndimage zoom order 3 (constant), 2048^2 f32 image by 2.5", NDI, 4, {1, 1, 2048, 2048}, 0, CLRS_F32},
    {"ndi_mapc1_warp", "ndimage map_coordinates order 1, 2048^2 f32, random warp", NDI, 4, {1, 1, 2048, 2048}, 0, CLRS_F32},
};
const int clrs_nworkloads = (int)(sizeof clrs_workloads / sizeof clrs_workloads[0]);

static const clrs_ndi_workload ndi_workloads[] = {
    {"ndi_zoom3_vol_half", 0, {3, CLRS_NDI_MIRROR, 0.0, 1, 0, 0}, {0.5, 0.5, 0.5}},
    {"ndi_zoom3_up2_5", 0, {3, CLRS_NDI_CONSTANT, 0.0, 1, 0, 0}, {2.5, 2.5, 0}},
    {"ndi_mapc1_warp", 1, {1, CLRS_NDI_CONSTANT, 0.0, 1, 0, 0}, {0, 0, 0}},
};

const clrs_ndi_workload *clrs_workload_ndi(const clrs_workload *w)
{
    size_t i;
    if (w->op != CLRS_WL_NDIMAGE) return NULL;
    for (i = 0; i < sizeof ndi_workloads / sizeof ndi_workloads[0]; i++)
        if (!strcmp(ndi_workloads[i].name, w->name)) return &ndi_workloads[i];
    return NULL;
}

void clrs_workload_theta(double theta[6])
{
    const double a = 10.0 * 3.14159265358979323846 / 180.0, s = 0.9;
    theta[0] = s * cos(a), theta[1] = -s * sin(a), theta[2] = 0.05;
    theta[3] = s * sin(a), theta[4] = s * cos(a), theta[5] = -0.03;
}

clrs_status clrs_workload_out_shape(const clrs_workload *w, int64_t *out_shape)
{
    switch (w->op) {
    case CLRS_WL_GRID_SAMPLE:
        memcpy(out_shape, w->in_shape, sizeof(int64_t) * (size_t)w->ndim);
        return CLRS_OK;
    case CLRS_WL_MAX_UNPOOL: return clrs_max_unpool_shape(&w->unpool, w->ndim, w->in_shape, out_shape);
    case CLRS_WL_CONV_TRANSPOSE:
        return clrs_conv_transpose_shape(&w->conv, w->ndim, w->in_shape, w->weight_shape, out_shape);
    case CLRS_WL_PIXEL_SHUFFLE: return clrs_pixel_shuffle_shape(w->factor, w->ndim, w->in_shape, out_shape);
    case CLRS_WL_NDIMAGE:
        if (!clrs_workload_ndi(w)) return CLRS_ERR_ARGUMENT;
        if (clrs_workload_ndi(w)->ndi_op == 1) {
            memcpy(out_shape, w->in_shape, sizeof(int64_t) * (size_t)w->ndim);
            return CLRS_OK;
        }
        return clrs_zoom_shape(&clrs_workload_ndi(w)->ndi, w->ndim, w->in_shape, clrs_workload_ndi(w)->zoom, out_shape);
    default: return clrs_interpolate_shape(&w->params, w->ndim, w->in_shape, out_shape);
    }
}

double clrs_workload_bytes(const clrs_workload *w)
{
    clrs_workload_tensors t;
    double in = 0, out = 0;
    int r;
    clrs_workload_layout(w, &t);
    for (r = 0; r < CLRS_WL_ROLES; r++)
        *(r < CLRS_WL_FIRST_OUTPUT ? &in : &out) += (double)clrs_workload_role_bytes(&t.t[r]);
    return in + out; /* every input read once, every output written once */
}

void clrs_workload_strides(const clrs_workload *w, const int64_t *shape, int64_t *strides)
{
    int d;
    int64_t s = 1;
    if (!w->channels_last) {
        for (d = w->ndim - 1; d >= 0; d--) strides[d] = s, s *= shape[d];
        return;
    }
    strides[1] = 1; /* C innermost, then W, H, (D), N */
    s = shape[1];
    for (d = w->ndim - 1; d >= 2; d--) strides[d] = s, s *= shape[d];
    strides[0] = s;
}

clrs_workload clrs_workload_small(const clrs_workload *w, int div)
{
    clrs_workload s = *w;
    int d;
    s.in_shape[0] = 1;
    /* conv_transpose keeps its channels (the weight's shape), pixel_shuffle its (a multiple of
       factor^2); channels-last keeps its pixels' */
    s.in_shape[1] = w->channels_last || w->op == CLRS_WL_CONV_TRANSPOSE || w->op == CLRS_WL_PIXEL_SHUFFLE
                        ? w->in_shape[1] : 1;
    for (d = 2; d < w->ndim; d++) {
        s.in_shape[d] = w->in_shape[d] / div;
        if (s.in_shape[d] < 1) s.in_shape[d] = 1;
    }
    return s;
}

static void role(clrs_tensor *t, const clrs_workload *w, clrs_dtype dtype, int ndim,
                 const int64_t *shape, int image)
{
    memset(t, 0, sizeof *t);
    t->dtype = dtype;
    t->ndim = ndim;
    memcpy(t->shape, shape, sizeof(int64_t) * (size_t)ndim);
    if (image)
        clrs_workload_strides(w, shape, t->strides);
    else
        t->contiguous = 1;
}

size_t clrs_workload_role_bytes(const clrs_tensor *t)
{
    size_t n = 1;
    int d;
    for (d = 0; d < t->ndim; d++) n *= (size_t)t->shape[d];
    return t->ndim ? n * clrs_dtype_size(t->dtype) : 0;
}

void clrs_workload_layout(const clrs_workload *w, clrs_workload_tensors *tt)
{
    clrs_tensor *t = tt->t;
    int64_t out[5], grid[5], bias[1];
    const int nd = w->ndim, bw = w->backward;
    const int64_t *in = w->in_shape;
    int d;
    memset(tt, 0, sizeof *tt);
    clrs_workload_out_shape(w, out);
    switch (w->op) {
    case CLRS_WL_INTERPOLATE:
    case CLRS_WL_PIXEL_SHUFFLE:
        role(&t[CLRS_WL_SRC], w, w->dtype, nd, bw ? out : in, 1);
        role(&t[CLRS_WL_DST], w, w->dtype, nd, bw ? in : out, 1);
        break;
    case CLRS_WL_GRID_SAMPLE:
        grid[0] = in[0];
        for (d = 2; d < nd; d++) grid[d - 1] = out[d];
        grid[nd - 1] = nd - 2;
        role(&t[CLRS_WL_GRID], w, CLRS_F32, nd, grid, 0);
        role(&t[CLRS_WL_SRC], w, CLRS_F32, nd, bw ? out : in, 1);
        role(&t[CLRS_WL_DST], w, CLRS_F32, nd, bw ? in : out, 1);
        if (bw) {
            role(&t[CLRS_WL_INPUT], w, CLRS_F32, nd, in, 1);
            role(&t[CLRS_WL_DST2], w, CLRS_F32, nd, grid, 0);
        }
        break;
    case CLRS_WL_NDIMAGE:
        role(&t[CLRS_WL_SRC], w, CLRS_F32, nd, in, 1);
        role(&t[CLRS_WL_DST], w, CLRS_F32, nd, out, 1);
        if (clrs_workload_ndi(w)->ndi_op == 1) { /* coordinates (n_spatial, spatial...) */
            grid[0] = nd - 2;
            for (d = 2; d < nd; d++) grid[d - 1] = out[d];
            role(&t[CLRS_WL_GRID], w, CLRS_F32, nd - 1, grid, 0);
        }
        break;
    case CLRS_WL_MAX_UNPOOL:
        role(&t[CLRS_WL_INDICES], w, CLRS_I64, nd, in, 0);
        role(&t[CLRS_WL_SRC], w, CLRS_F32, nd, bw ? out : in, 1);
        role(&t[CLRS_WL_DST], w, CLRS_F32, nd, bw ? in : out, 1);
        break;
    case CLRS_WL_CONV_TRANSPOSE:
        bias[0] = out[1];
        role(&t[CLRS_WL_WEIGHT], w, CLRS_F32, nd, w->weight_shape, 0);
        role(&t[CLRS_WL_SRC], w, CLRS_F32, nd, bw ? out : in, 1);
        role(&t[CLRS_WL_DST], w, CLRS_F32, nd, bw ? in : out, 1);
        if (bw) {
            role(&t[CLRS_WL_INPUT], w, CLRS_F32, nd, in, 1);
            role(&t[CLRS_WL_DST2], w, CLRS_F32, nd, w->weight_shape, 0);
            role(&t[CLRS_WL_DST3], w, CLRS_F32, 1, bias, 0);
        } else {
            role(&t[CLRS_WL_BIAS], w, CLRS_F32, 1, bias, 0);
        }
        break;
    }
}

clrs_status clrs_workload_run(clrs_context *ctx, const clrs_workload *w,
                              const clrs_workload_tensors *tt)
{
    const clrs_tensor *t = tt->t;
    switch (w->op) {
    case CLRS_WL_GRID_SAMPLE:
        return w->backward ? clrs_grid_sample_backward(ctx, &w->grid, &t[CLRS_WL_SRC], &t[CLRS_WL_INPUT], &t[CLRS_WL_GRID],
                                                       &t[CLRS_WL_DST], &t[CLRS_WL_DST2])
                           : clrs_grid_sample(ctx, &w->grid, &t[CLRS_WL_SRC], &t[CLRS_WL_GRID], &t[CLRS_WL_DST]);
    case CLRS_WL_MAX_UNPOOL:
        return w->backward ? clrs_max_unpool_backward(ctx, &w->unpool, &t[CLRS_WL_SRC], &t[CLRS_WL_INDICES], &t[CLRS_WL_DST])
                           : clrs_max_unpool(ctx, &w->unpool, &t[CLRS_WL_SRC], &t[CLRS_WL_INDICES], &t[CLRS_WL_DST]);
    case CLRS_WL_CONV_TRANSPOSE:
        return w->backward ? clrs_conv_transpose_backward(ctx, &w->conv, &t[CLRS_WL_SRC], &t[CLRS_WL_INPUT],
                                                          &t[CLRS_WL_WEIGHT], &t[CLRS_WL_DST], &t[CLRS_WL_DST2],
                                                          &t[CLRS_WL_DST3])
                           : clrs_conv_transpose(ctx, &w->conv, &t[CLRS_WL_SRC], &t[CLRS_WL_WEIGHT], &t[CLRS_WL_BIAS],
                                                 &t[CLRS_WL_DST]);
    case CLRS_WL_NDIMAGE:
        return clrs_workload_ndi(w)->ndi_op == 1
                   ? clrs_map_coordinates(ctx, &clrs_workload_ndi(w)->ndi, &t[CLRS_WL_SRC], &t[CLRS_WL_GRID], &t[CLRS_WL_DST])
                   : clrs_zoom(ctx, &clrs_workload_ndi(w)->ndi, &t[CLRS_WL_SRC], &t[CLRS_WL_DST]);
    case CLRS_WL_PIXEL_SHUFFLE:
        return w->backward ? clrs_pixel_shuffle_backward(ctx, w->factor, &t[CLRS_WL_SRC], &t[CLRS_WL_DST])
                           : clrs_pixel_shuffle(ctx, w->factor, &t[CLRS_WL_SRC], &t[CLRS_WL_DST]);
    default:
        return w->backward ? clrs_interpolate_backward(ctx, &w->params, &t[CLRS_WL_SRC], &t[CLRS_WL_DST])
                           : clrs_interpolate(ctx, &w->params, &t[CLRS_WL_SRC], &t[CLRS_WL_DST]);
    }
}

/* The grid role: affine_grid(clrs_workload_theta) on the host. */
static clrs_status fill_grid(clrs_context *host, const clrs_workload *w, const clrs_tensor *grid)
{
    double th[6];
    float *theta;
    clrs_tensor tt = {.contiguous = 1};
    int64_t n;
    int k;
    clrs_status st;
    clrs_workload_theta(th);
    if (!(theta = malloc(sizeof(float) * 6 * (size_t)grid->shape[0]))) return CLRS_ERR_MEMORY;
    for (n = 0; n < grid->shape[0]; n++)
        for (k = 0; k < 6; k++) theta[n * 6 + k] = (float)th[k];
    tt.dtype = CLRS_F32;
    tt.ndim = 3;
    tt.shape[0] = grid->shape[0], tt.shape[1] = 2, tt.shape[2] = 3;
    tt.data = theta;
    st = w->ndim == 4 ? clrs_affine_grid(host, w->grid.align_corners, &tt, grid) : CLRS_ERR_UNSUPPORTED;
    free(theta);
    return st;
}

static void fill_pattern(const clrs_tensor *t, uint32_t salt)
{
    size_t i, n = clrs_workload_role_bytes(t) / clrs_dtype_size(t->dtype);
    if (t->dtype == CLRS_U8) { /* an image: smooth ramps with some noise */
        unsigned char *p = t->data;
        for (i = 0; i < n; i++) p[i] = (unsigned char)((i / 7 + (uint32_t)((i + salt) * 2654435761u) % 31) & 255);
        return;
    }
    {
        float *p = t->data;
        for (i = 0; i < n; i++) p[i] = (float)((uint32_t)((i + salt) * 2654435761u) % 2001) / 1000.0f - 1.0f;
    }
}

/* The indices role (and, forward, the pooled values in src): max_pool over a pattern of the
 * unpooled shape with the same window. */
static clrs_status fill_indices(clrs_context *host, const clrs_workload *w, const clrs_workload_tensors *tt)
{
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    clrs_tensor x = {.contiguous = 1}, y = {.contiguous = 1};
    int64_t out[5];
    clrs_status st;
    memcpy(p.kernel, w->unpool.kernel, sizeof p.kernel);
    memcpy(p.stride, w->unpool.stride, sizeof p.stride);
    clrs_workload_out_shape(w, out);
    x.dtype = y.dtype = CLRS_F32;
    x.ndim = y.ndim = w->ndim;
    memcpy(x.shape, out, sizeof x.shape);
    memcpy(y.shape, w->in_shape, sizeof y.shape);
    if (!(x.data = malloc(clrs_workload_role_bytes(&x))) || !(y.data = malloc(clrs_workload_role_bytes(&y)))) {
        free(x.data);
        return CLRS_ERR_MEMORY;
    }
    fill_pattern(&x, 3);
    st = clrs_max_pool(host, &p, &x, &y, &tt->t[CLRS_WL_INDICES]);
    if (st == CLRS_OK && !w->backward) memcpy(tt->t[CLRS_WL_SRC].data, y.data, clrs_workload_role_bytes(&y));
    free(x.data);
    free(y.data);
    return st;
}

/* map_coordinates' coordinates: the identity plus a pseudo-random displacement of up to +-3
 * pixels per axis (so points near the border fall outside). */
static clrs_status fill_warp(const clrs_tensor *co)
{
    const int64_t k = co->shape[0];
    size_t i, n = clrs_workload_role_bytes(co) / 4, per = n / (size_t)k;
    float *p = co->data;
    for (i = 0; i < n; i++) {
        const size_t axis = i / per, q = i % per;
        int64_t pos = (int64_t)q, a;
        for (a = k - 1; a > (int64_t)axis; a--) pos /= co->shape[1 + a];
        pos %= co->shape[1 + axis];
        p[i] = (float)pos + (float)((uint32_t)((i + 11) * 2654435761u) % 6001) / 1000.0f - 3.0f;
    }
    return CLRS_OK;
}

clrs_status clrs_workload_prepare(clrs_context *host, const clrs_workload *w,
                                  const clrs_workload_tensors *tt)
{
    int r;
    for (r = 0; r < CLRS_WL_FIRST_OUTPUT; r++)
        if (tt->t[r].ndim && r != CLRS_WL_GRID && r != CLRS_WL_INDICES) fill_pattern(&tt->t[r], (uint32_t)r * 7919u);
    if (tt->t[CLRS_WL_GRID].ndim && w->op == CLRS_WL_NDIMAGE) return fill_warp(&tt->t[CLRS_WL_GRID]);
    if (tt->t[CLRS_WL_GRID].ndim) return fill_grid(host, w, &tt->t[CLRS_WL_GRID]);
    if (tt->t[CLRS_WL_INDICES].ndim) return fill_indices(host, w, tt);
    return CLRS_OK;
}

double clrs_tool_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double clrs_copy_bandwidth(clrs_context *ctx)
{
    const size_t bytes = (size_t)64 << 20;
    double best = 0;
    int rep;
    if (!clrs_context_cl_queue(ctx)) {
        char *a = malloc(bytes), *b = malloc(bytes);
        if (a && b) {
            memset(a, 1, bytes);
            memset(b, 2, bytes);
            for (rep = 0; rep < 5; rep++) {
                double t0 = clrs_tool_now_ms(), ms;
                memcpy(b, a, bytes);
                ms = clrs_tool_now_ms() - t0;
                if (ms > 0 && 2.0 * bytes / (ms * 1e6) > best) best = 2.0 * bytes / (ms * 1e6);
            }
        }
        free(a);
        free(b);
    } else {
        cl_context cl = clrs_context_cl_context(ctx);
        cl_command_queue q = clrs_context_cl_queue(ctx);
        cl_int err;
        cl_mem a = clCreateBuffer(cl, CL_MEM_READ_WRITE, bytes, NULL, &err);
        cl_mem b = clCreateBuffer(cl, CL_MEM_READ_WRITE, bytes, NULL, &err);
        const cl_uint zero = 0;
        if (a && b) {
            clEnqueueFillBuffer(q, a, &zero, sizeof zero, 0, bytes, 0, NULL, NULL);
            clEnqueueFillBuffer(q, b, &zero, sizeof zero, 0, bytes, 0, NULL, NULL);
            clFinish(q);
            for (rep = 0; rep < 6; rep++) {
                cl_event ev;
                cl_ulong t0 = 0, t1 = 0;
                if (clEnqueueCopyBuffer(q, a, b, 0, 0, bytes, 0, NULL, &ev) != CL_SUCCESS) break;
                clWaitForEvents(1, &ev);
                clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL);
                clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL);
                clReleaseEvent(ev);
                if (rep > 0 && t1 > t0 && 2.0 * bytes / (double)(t1 - t0) > best)
                    best = 2.0 * bytes / (double)(t1 - t0); /* bytes per ns = GB/s */
            }
        }
        if (a) clReleaseMemObject(a);
        if (b) clReleaseMemObject(b);
    }
    return best;
}
