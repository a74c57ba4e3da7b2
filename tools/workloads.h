/* workloads.h — the benchmark workloads (DESIGN §7), described once: clrs-bench times them,
 * the tests run each one (scaled down) on every backend against the host, and
 * tools/bench-vs-torch.py reads them from `clrs-bench --list --json`. */
#ifndef CLRS_WORKLOADS_H
#define CLRS_WORKLOADS_H

#include "clresample.h"

typedef enum { CLRS_WL_INTERPOLATE = 0, CLRS_WL_GRID_SAMPLE = 1 } clrs_workload_op;

typedef struct {
    const char *name;
    const char *description;
    clrs_workload_op op;
    int backward;                    /* time the backward call instead of the forward one */
    clrs_interpolate_params params;  /* interpolate */
    clrs_grid_sample_params grid;    /* grid_sample: its grid is affine_grid(theta) over the
                                        input's spatial size, theta from clrs_workload_theta */
    int ndim;
    int64_t in_shape[5];             /* the forward input */
    int channels_last;               /* NHWC / NDHWC memory order */
} clrs_workload;

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
/* The tensors of one call, by role. interpolate: src -> dst. grid_sample forward: src is the
 * input, with grid -> dst; backward: src is grad_output, with input and grid -> dst
 * (grad_input) and dst2 (grad_grid). Unused roles have ndim 0. */
typedef struct {
    clrs_tensor src, input, grid, dst, dst2;
} clrs_workload_tensors;

/* Shapes and strides (workload memory order) of every role, data pointers NULL, dtype f32. */
void clrs_workload_layout(const clrs_workload *w, clrs_workload_tensors *t);
/* Makes the call. */
clrs_status clrs_workload_run(clrs_context *ctx, const clrs_workload *w,
                              const clrs_workload_tensors *t);
/* Fills a grid role on the host with affine_grid(clrs_workload_theta) (host memory). */
clrs_status clrs_workload_fill_grid(clrs_context *host, const clrs_workload *w,
                                    const clrs_tensor *grid);

/* Copy bandwidth of a context's device in GB/s (read + write per second): a device-to-device
 * buffer copy timed by profiling events, or memcpy on the host; best of several. */
double clrs_copy_bandwidth(clrs_context *ctx);

/* A monotonic clock in milliseconds, for the tools' timings. */
double clrs_tool_now_ms(void);

#endif
