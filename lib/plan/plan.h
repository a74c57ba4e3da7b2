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
} clrs__interp_plan;

/* dbl: weights in double (f64 tensors) rather than float. */
clrs_status clrs__interp_plan_build(const clrs__interp_geom *geom, int dbl, int backward,
                                    clrs__interp_plan *plan);
void clrs__interp_plan_free(clrs__interp_plan *plan);

/* A view's strides as the gather reads them: (N, C, axis 0, axis 1, axis 2), with 0 for the
 * table axes the tensor does not have. */
static inline void clrs__interp_strides(const clrs__view *v, int64_t s[5])
{
    int nsd = v->ndim - 2, a;
    s[0] = v->strides[0];
    s[1] = v->strides[1];
    for (a = 0; a < 3; a++) s[2 + a] = a >= 3 - nsd ? v->strides[2 + a - (3 - nsd)] : 0;
}

#endif /* CLRS_PLAN_H */
