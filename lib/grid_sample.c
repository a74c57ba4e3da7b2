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

clrs_status clrs_grid_sample(clrs_context *ctx, const clrs_grid_sample_params *params,
                             const clrs_tensor *input, const clrs_tensor *grid,
                             const clrs_tensor *output)
{
    const char *op = "grid_sample";
    clrs__view vi, vg, vo;
    clrs__grid_geom g;
    clrs__view *v[3] = {&vi, &vg, &vo};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "grid", ctx, grid, 0, 0, &vg)) != CLRS_OK ||
        (st = clrs__view_make(op, "output", ctx, output, 0, 1, &vo)) != CLRS_OK ||
        (st = clrs__grid_resolve(op, ctx, params, &vi, &vg, &vo, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = clrs__execute(ctx, op, vi.dtype, v, 2, 1, dev_fwd, host_fwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_grid_sample_backward(clrs_context *ctx, const clrs_grid_sample_params *params,
                                      const clrs_tensor *grad_output, const clrs_tensor *input,
                                      const clrs_tensor *grid, const clrs_tensor *grad_input,
                                      const clrs_tensor *grad_grid)
{
    const char *op = "grid_sample_backward";
    clrs__view vgo, vi, vg, vgi, vgg;
    clrs__grid_geom g;
    clrs__view *v[5] = {&vgo, &vi, &vg, NULL, NULL};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "grid", ctx, grid, 0, 0, &vg)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_output", ctx, grad_output, 0, 0, &vgo)) != CLRS_OK ||
        (st = clrs__grid_resolve(op, ctx, params, &vi, &vg, &vgo, &g)) != CLRS_OK)
        return st;
    if (grad_input) {
        if ((st = clrs__view_make(op, "grad_input", ctx, grad_input, 0, 1, &vgi)) != CLRS_OK) return st;
        if (vgi.dtype != vi.dtype || vgi.ndim != vi.ndim ||
            memcmp(vgi.shape, vi.shape, sizeof(int64_t) * (size_t)vi.ndim))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_input must have input's shape and dtype", op);
        v[3] = &vgi;
    }
    if (grad_grid) {
        if ((st = clrs__view_make(op, "grad_grid", ctx, grad_grid, 0, 1, &vgg)) != CLRS_OK) return st;
        if (vgg.dtype != vg.dtype || vgg.ndim != vg.ndim ||
            memcmp(vgg.shape, vg.shape, sizeof(int64_t) * (size_t)vg.ndim))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_grid must have grid's shape and dtype", op);
        v[4] = &vgg;
    }
    {
        int a, b;
        for (a = 3; a < 5; a++) {
            if (!v[a]) continue;
            for (b = 0; b < 5; b++)
                if (b != a && v[b] && clrs__views_overlap(v[a], v[b]))
                    return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s overlaps another tensor of the call", op,
                                      a == 3 ? "grad_input" : "grad_grid");
        }
    }
    if (g.N == 0 || (!grad_input && !grad_grid)) return CLRS_OK;
    st = clrs__execute(ctx, op, vi.dtype, v, 3, 2, dev_bwd, host_bwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_affine_grid(clrs_context *ctx, int align_corners, const clrs_tensor *theta,
                             const clrs_tensor *grid)
{
    const char *op = "affine_grid";
    clrs__view vt, vg;
    clrs__grid_geom g;
    clrs__view *v[2] = {&vt, &vg};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "theta", ctx, theta, 0, 0, &vt)) != CLRS_OK ||
        (st = clrs__view_make(op, "grid", ctx, grid, 0, 1, &vg)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, &vt, &vg, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = clrs__execute(ctx, op, vt.dtype, v, 1, 1, dev_affine, host_affine, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_affine_grid_backward(clrs_context *ctx, int align_corners,
                                      const clrs_tensor *grad_grid, const clrs_tensor *grad_theta)
{
    const char *op = "affine_grid_backward";
    clrs__view vg, vt;
    clrs__grid_geom g;
    clrs__view *v[2] = {&vg, &vt};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "grad_grid", ctx, grad_grid, 0, 0, &vg)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_theta", ctx, grad_theta, 0, 1, &vt)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, &vt, &vg, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = clrs__execute(ctx, op, vg.dtype, v, 1, 1, dev_affine_bwd, host_affine_bwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}
