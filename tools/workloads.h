/* workloads.h — the benchmark workloads (DESIGN §7), described once: clrs-bench times them,
 * the tests run each one (scaled down) on every backend against the host, and
 * tools/bench-vs-torch.py reads them from `clrs-bench --list --json`. */
#ifndef CLRS_WORKLOADS_H
#define CLRS_WORKLOADS_H

#include "clresample.h"

typedef struct {
    const char *name;
    const char *description;
    int backward;                    /* time interpolate_backward instead of interpolate */
    clrs_interpolate_params params;
    int ndim;
    int64_t in_shape[5];             /* the forward input */
    int channels_last;               /* NHWC / NDHWC memory order */
} clrs_workload;

extern const clrs_workload clrs_workloads[];
extern const int clrs_nworkloads;

/* The forward output shape (ndim entries); CLRS_OK unless the description is broken. */
clrs_status clrs_workload_out_shape(const clrs_workload *w, int64_t *out_shape);
/* Bytes a call must move at least: its input read once + its output written once. */
double clrs_workload_bytes(const clrs_workload *w);
/* Strides for a shape in the workload's memory order. */
void clrs_workload_strides(const clrs_workload *w, const int64_t *shape, int64_t *strides);
/* The same workload with N and C set to 1 and spatial sizes divided by `div` (at least 1),
 * scale factors kept: for tests. */
clrs_workload clrs_workload_small(const clrs_workload *w, int div);
/* Copy bandwidth of a context's device in GB/s (read + write per second): a device-to-device
 * buffer copy timed by profiling events, or memcpy on the host; best of several. */
double clrs_copy_bandwidth(clrs_context *ctx);

#endif
