/* grid_sample.c — the public grid_sample and affine_grid entry points: validate everything,
 * resolve, run on the device or on the host (no device, no fp64, kernel build failure with
 * host_fallback). */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <string.h>

enum { OP_GRID_FWD, OP_GRID_BWD, OP_AFFINE_FWD, OP_AFFINE_BWD };

/* The views of one call: inputs first, then outputs (NULL entries are absent outputs). */
typedef struct {
    clrs__view *v[5];
    int nin, nout;
} call_views;

static clrs_status run_host(int op, const clrs__grid_geom *g, clrs__view **v)
{
    switch (op) {
    case OP_GRID_FWD: return clrs__host_grid_sample(g, v[0], v[1], v[2]);
    case OP_GRID_BWD: return clrs__host_grid_sample_backward(g, v[0], v[1], v[2], v[3], v[4]);
    case OP_AFFINE_FWD: return clrs__host_affine_grid(g, v[0], v[1]);
    default: return clrs__host_affine_grid_backward(g, v[0], v[1]);
    }
}

static clrs_status run_device(clrs_context *ctx, int op, const clrs__grid_geom *g, clrs__view **v)
{
    switch (op) {
    case OP_GRID_FWD: return clrs__cl_grid_sample(ctx, g, v[0], v[1], v[2]);
    case OP_GRID_BWD: return clrs__cl_grid_sample_backward(ctx, g, v[0], v[1], v[2], v[3], v[4]);
    case OP_AFFINE_FWD: return clrs__cl_affine_grid(ctx, g, v[0], v[1]);
    default: return clrs__cl_affine_grid_backward(ctx, g, v[0], v[1]);
    }
}

static clrs_status execute(clrs_context *ctx, const char *op_name, int op,
                           const clrs__grid_geom *g, call_views *cv)
{
    clrs__view staged[5], *sv[5];
    clrs_status st = CLRS_OK;
    int i, n = cv->nin + cv->nout, done = 0;
    if (ctx->is_host) return run_host(op, g, cv->v);
    clrs__op_begin(ctx);
    if (cv->v[0]->dtype == CLRS_F64 && !ctx->info.fp64) {
        if (!ctx->host_fallback)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: the device has no fp64 for an f64 tensor and host_fallback is off", op_name);
    } else {
        st = run_device(ctx, op, g, cv->v);
        if (st != CLRS_ERR_BUILD || !ctx->host_fallback) return st;
    }
    clrs__count_fallback(ctx);
    for (i = 0; i < n && st == CLRS_OK; i++, done++) {
        sv[i] = NULL;
        if (!cv->v[i]) continue;
        st = clrs__stage_to_host(ctx, cv->v[i], 1, &staged[i]);
        sv[i] = &staged[i];
    }
    if (st == CLRS_OK) st = run_host(op, g, sv);
    for (i = 0; i < done; i++)
        if (sv[i]) {
            clrs_status s2 = clrs__stage_from_host(ctx, cv->v[i], sv[i], i >= cv->nin && st == CLRS_OK);
            if (st == CLRS_OK) st = s2;
        }
    return st;
}

clrs_status clrs_grid_sample(clrs_context *ctx, const clrs_grid_sample_params *params,
                             const clrs_tensor *input, const clrs_tensor *grid,
                             const clrs_tensor *output)
{
    const char *op = "grid_sample";
    clrs__view vi, vg, vo;
    clrs__grid_geom g;
    call_views cv = {{&vi, &vg, &vo, NULL, NULL}, 2, 1};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "input", ctx, input, 0, 0, &vi)) != CLRS_OK ||
        (st = clrs__view_make(op, "grid", ctx, grid, 0, 0, &vg)) != CLRS_OK ||
        (st = clrs__view_make(op, "output", ctx, output, 0, 1, &vo)) != CLRS_OK ||
        (st = clrs__grid_resolve(op, ctx, params, &vi, &vg, &vo, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = execute(ctx, op, OP_GRID_FWD, &g, &cv);
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
    call_views cv = {{&vgo, &vi, &vg, NULL, NULL}, 3, 2};
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
        cv.v[3] = &vgi;
    }
    if (grad_grid) {
        if ((st = clrs__view_make(op, "grad_grid", ctx, grad_grid, 0, 1, &vgg)) != CLRS_OK) return st;
        if (vgg.dtype != vg.dtype || vgg.ndim != vg.ndim ||
            memcmp(vgg.shape, vg.shape, sizeof(int64_t) * (size_t)vg.ndim))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: grad_grid must have grid's shape and dtype", op);
        cv.v[4] = &vgg;
    }
    {
        int a, b;
        for (a = 3; a < 5; a++) {
            if (!cv.v[a]) continue;
            for (b = 0; b < 5; b++)
                if (b != a && cv.v[b] && clrs__views_overlap(cv.v[a], cv.v[b]))
                    return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s overlaps another tensor of the call", op,
                                      a == 3 ? "grad_input" : "grad_grid");
        }
    }
    if (g.N == 0 || (!grad_input && !grad_grid)) return CLRS_OK;
    st = execute(ctx, op, OP_GRID_BWD, &g, &cv);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_affine_grid(clrs_context *ctx, int align_corners, const clrs_tensor *theta,
                             const clrs_tensor *grid)
{
    const char *op = "affine_grid";
    clrs__view vt, vg;
    clrs__grid_geom g;
    call_views cv = {{&vt, &vg, NULL, NULL, NULL}, 1, 1};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "theta", ctx, theta, 0, 0, &vt)) != CLRS_OK ||
        (st = clrs__view_make(op, "grid", ctx, grid, 0, 1, &vg)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, &vt, &vg, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = execute(ctx, op, OP_AFFINE_FWD, &g, &cv);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_affine_grid_backward(clrs_context *ctx, int align_corners,
                                      const clrs_tensor *grad_grid, const clrs_tensor *grad_theta)
{
    const char *op = "affine_grid_backward";
    clrs__view vg, vt;
    clrs__grid_geom g;
    call_views cv = {{&vg, &vt, NULL, NULL, NULL}, 1, 1};
    clrs_status st;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ctx is NULL", op);
    if ((st = clrs__view_make(op, "grad_grid", ctx, grad_grid, 0, 0, &vg)) != CLRS_OK ||
        (st = clrs__view_make(op, "grad_theta", ctx, grad_theta, 0, 1, &vt)) != CLRS_OK ||
        (st = clrs__affine_resolve(op, align_corners, &vt, &vg, &g)) != CLRS_OK)
        return st;
    if (g.N == 0) return CLRS_OK;
    st = execute(ctx, op, OP_AFFINE_BWD, &g, &cv);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}
