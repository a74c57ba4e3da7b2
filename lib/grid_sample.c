/* grid_sample.c — the public grid_sample and affine_grid entry points: validate everything,
 * resolve, run on the device or on the host (no device, no fp64, kernel build failure with
 * host_fallback). */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <string.h>

/* The backends' entry points in clrs__execute's shape. */
static clrs_status host_fwd(const void *g, clrs__view **v) { return clrs__host_grid_sample(g, v[0], v[1], v[2]); }
static clrs_status host_bwd(const void *g, clrs__view **v)
{
    return clrs__host_grid_sample_backward(g, v[0], v[1], v[2], v[3], v[4]);
}
static clrs_status host_affine(const void *g, clrs__view **v) { return clrs__host_affine_grid(g, v[0], v[1]); }
static clrs_status host_affine_bwd(const void *g, clrs__view **v)
{
    return clrs__host_affine_grid_backward(g, v[0], v[1]);
}
static clrs_status dev_fwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_grid_sample(c, g, v[0], v[1], v[2]);
}
static clrs_status dev_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_grid_sample_backward(c, g, v[0], v[1], v[2], v[3], v[4]);
}
static clrs_status dev_affine(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_affine_grid(c, g, v[0], v[1]);
}
static clrs_status dev_affine_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_affine_grid_backward(c, g, v[0], v[1]);
}

/* Runs a validated call, or does nothing when it has nothing to compute (an empty batch). */
static clrs_status finish(clrs_context *ctx, const char *op, clrs_dtype dtype, clrs__view **v, int nin,
                          int nout, int empty, clrs__device_fn dev, clrs__host_fn host, const clrs__grid_geom *g)
{
    clrs_status st = empty ? CLRS_OK : clrs__execute(ctx, op, dtype, v, nin, nout, dev, host, g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_grid_sample(clrs_context *ctx, const clrs_grid_sample_params *params,
                             const clrs_tensor *input, const clrs_tensor *grid,
                             const clrs_tensor *output)
{
    const char *op = "grid_sample";
    clrs__tensor_arg a[3] = {CLRS__ARG("input", input, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("grid", grid, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("output", output, CLRS__OUT, CLRS__FLOAT, -1)};
    clrs__grid_geom g;
    clrs__view *v[3];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK ||
        (st = clrs__grid_resolve(op, ctx, params, a[0].v, a[1].v, a[2].v, &g)) != CLRS_OK)
        return st;
    v[0] = a[0].v, v[1] = a[1].v, v[2] = a[2].v;
    return finish(ctx, op, a[0].v->dtype, v, 2, 1, g.N == 0, dev_fwd, host_fwd, &g);
}

clrs_status clrs_grid_sample_backward(clrs_context *ctx, const clrs_grid_sample_params *params,
                                      const clrs_tensor *grad_output, const clrs_tensor *input,
                                      const clrs_tensor *grid, const clrs_tensor *grad_input,
                                      const clrs_tensor *grad_grid)
{
    const char *op = "grid_sample_backward";
    clrs__tensor_arg a[5] = {CLRS__ARG("grad_output", grad_output, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("input", input, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("grid", grid, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("grad_input", grad_input, CLRS__OUT | CLRS__OPTIONAL | CLRS__SAME_SHAPE, 0, 1),
                             CLRS__ARG("grad_grid", grad_grid, CLRS__OUT | CLRS__OPTIONAL | CLRS__SAME_SHAPE, 0, 2)};
    clrs__grid_geom g;
    clrs__view *v[5];
    clrs_status st;
    int i;
    if ((st = clrs__args_check(op, ctx, a, 5)) != CLRS_OK ||
        (st = clrs__grid_resolve(op, ctx, params, a[1].v, a[2].v, a[0].v, &g)) != CLRS_OK)
        return st;
    for (i = 0; i < 5; i++) v[i] = a[i].v;
    return finish(ctx, op, a[1].v->dtype, v, 3, 2, g.N == 0 || (!grad_input && !grad_grid), dev_bwd, host_bwd,
                  &g);
}

clrs_status clrs_affine_grid(clrs_context *ctx, int align_corners, const clrs_tensor *theta,
                             const clrs_tensor *grid)
{
    const char *op = "affine_grid";
    clrs__tensor_arg a[2] = {CLRS__ARG("theta", theta, 0, CLRS__FLOAT, -1), CLRS__ARG("grid", grid, CLRS__OUT, CLRS__FLOAT, -1)};
    clrs__grid_geom g;
    clrs__view *v[2];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, a[0].v, a[1].v, &g)) != CLRS_OK)
        return st;
    v[0] = a[0].v, v[1] = a[1].v;
    return finish(ctx, op, a[0].v->dtype, v, 1, 1, 0, dev_affine, host_affine, &g);
}

clrs_status clrs_affine_grid_backward(clrs_context *ctx, int align_corners,
                                      const clrs_tensor *grad_grid, const clrs_tensor *grad_theta)
{
    const char *op = "affine_grid_backward";
    clrs__tensor_arg a[2] = {CLRS__ARG("grad_grid", grad_grid, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("grad_theta", grad_theta, CLRS__OUT, CLRS__FLOAT, -1)};
    clrs__grid_geom g;
    clrs__view *v[2];
    clrs_status st;
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, a[1].v, a[0].v, &g)) != CLRS_OK)
        return st;
    v[0] = a[0].v, v[1] = a[1].v;
    return finish(ctx, op, a[0].v->dtype, v, 1, 1, 0, dev_affine_bwd, host_affine_bwd, &g);
}
