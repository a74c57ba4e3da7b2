/* workloads.h — the benchmark workloads (DESIGN §7), described once: clrs-bench times them,
 * the tests run each one (scaled down) on every backend against the host, and
 * tools/bench-vs-torch.py reads them from `clrs-bench --list --json`. */
#ifndef CLRS_WORKLOADS_H
#define CLRS_WORKLOADS_H

#include "clresample.h"

typedef enum { CLRS_WL_INTERPOLATE = 0, CLRS_WL_GRID_SAMPLE = 1, CLRS_WL_MAX_UNPOOL = 2,
               CLRS_WL_CONV_TRANSPOSE = 3, CLRS_WL_PIXEL_SHUFFLE = 4,
               CLRS_WL_NDIMAGE = 5 /* scipy.ndimage: zoom or map_coordinates (ndi_op) */ } clrs_workload_op;

typedef struct {
    const char *name;
    const char *description;
    clrs_workload_op op;
    int backward;                    /* time the backward call instead of the forward one */
    clrs_interpolate_params params;  /* interpolate */
    clrs_grid_sample_params grid;    /* grid_sample: its grid is affine_grid(theta) over the
                                        input's spatial size, theta from clrs_workload_theta */
    clrs_unpool_params unpool;       /* max_unpool: indices from max_pool with the same window */
    clrs_conv_transpose_params conv; /* conv_transpose, with bias */
    int64_t weight_shape[5];         /* conv_transpose: (C_in, C_out / groups, k...) */
    int64_t factor;                  /* pixel_shuffle: upscale_factor (backward: the
                                        pixel_unshuffle of grad_output) */
    int ndim;
    int64_t in_shape[5];             /* the forward input */
    int channels_last;               /* NHWC / NDHWC memory order */
    clrs_dtype dtype;                /* interpolate's tensors (0: float32; CLRS_U8 images) */
} clrs_workload;

/* The scipy.ndimage part of a CLRS_WL_NDIMAGE workload (kept beside the table, by name).
 * Tensors (N, C, spatial...) with n_spatial 0. */
typedef struct {
    const char *name;
    int ndi_op;                      /* 0 zoom (factors `zoom`), 1 map_coordinates: a random
                                        warp (each point displaced by up to +-3 pixels) */
    clrs_ndi_params ndi;
    double zoom[3];
} clrs_ndi_workload;
/* The ndimage part of w (NULL for the other ops). */
const clrs_ndi_workload *clrs_workload_ndi(const clrs_workload *w);

/* grid_sample workloads' theta for batch entry n: a 10 degree rotation, 0.9 scale, small shift
 * (2 x 3, row-major). */
void clrs_workload_theta(double theta[6]);

extern const clrs_workload clrs_workloads[];
extern const int clrs_nworkloads;

/* The forward output shape (ndim entries); CLRS_OK unless the description is broken.
 * For grid_sample, the output (and grid) spatial sizes are the input's. */
clrs_status clrs_workload_out_shape(const clrs_workload *w, int64_t *out_shape);
/* Bytes a call must move at least: its inputs read once + its outputs written once (for
 * grid_sample the grid counts as an input, and grad_grid as an output of the backward). */
double clrs_workload_bytes(const clrs_workload *w);
/* Strides for a shape in the workload's memory order. */
void clrs_workload_strides(const clrs_workload *w, const int64_t *shape, int64_t *strides);
/* The same workload with N and C set to 1 and spatial sizes divided by `div` (at least 1),
 * scale factors kept: for tests. */
clrs_workload clrs_workload_small(const clrs_workload *w, int div);
/* The tensors of one call, by role; inputs first, then outputs. interpolate: src -> dst.
 * grid_sample: src (input), grid -> dst; backward: src (grad_output), input, grid -> dst
 * (grad_input), dst2 (grad_grid). max_unpool: src, indices -> dst; backward: src
 * (grad_output), indices -> dst. conv_transpose: src, weight, bias -> dst; backward: src
 * (grad_output), input, weight -> dst (grad_input), dst2 (grad_weight), dst3 (grad_bias).
 * pixel_shuffle: src -> dst; backward: src (grad_output) -> dst (grad_input).
 * ndimage: src -> dst (zoom); src, grid (the coordinates, (n_spatial, spatial...)) -> dst
 * (map_coordinates).
 * Unused roles have ndim 0. */
enum { CLRS_WL_SRC, CLRS_WL_INPUT, CLRS_WL_GRID, CLRS_WL_INDICES, CLRS_WL_WEIGHT, CLRS_WL_BIAS,
       CLRS_WL_DST, CLRS_WL_DST2, CLRS_WL_DST3, CLRS_WL_ROLES };
#define CLRS_WL_FIRST_OUTPUT CLRS_WL_DST

typedef struct {
    clrs_tensor t[CLRS_WL_ROLES];
} clrs_workload_tensors;

/* Shapes, strides (workload memory order) and dtypes of every role, data pointers NULL. */
void clrs_workload_layout(const clrs_workload *w, clrs_workload_tensors *t);
/* Bytes of one role's elements (0 for an unused role). */
size_t clrs_workload_role_bytes(const clrs_tensor *t);
/* Fills the input roles (host memory already attached) with the workload's data: a fixed
 * pseudo-random pattern, the affine grid, indices from a host max_pool. */
clrs_status clrs_workload_prepare(clrs_context *host, const clrs_workload *w,
                                  const clrs_workload_tensors *t);
/* Makes the call. */
clrs_status clrs_workload_run(clrs_context *ctx, const clrs_workload *w,
                              const clrs_workload_tensors *t);

/* Copy bandwidth of a context's device in GB/s (read + write per second): a device-to-device
 * buffer copy timed by profiling events, or memcpy on the host; best of several. */
double clrs_copy_bandwidth(clrs_context *ctx);

/* A monotonic clock in milliseconds, for the tools' timings. */
double clrs_tool_now_ms(void);

#endif
