/* opencl/grid_sample.c — the OpenCL backend of grid_sample and affine_grid: stages the
 * tensors (opencl/call.c), sets the arguments of the kernels in grid_sample.cl, enqueues them. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tuning shape class of a grid_sample call: "<2|3>d-<mode>". */
static void grid_params(clrs_context *ctx, const char *kernel, const clrs__grid_geom *g, clrs_tune_params *tp)
{
    static const char *const modes[] = {"bilinear", "nearest", "bicubic"};
    char klass[32];
    snprintf(klass, sizeof klass, "%dd-%s", g->dims, g->mode >= 0 && g->mode <= 2 ? modes[g->mode] : "other");
    clrs__tune_get(ctx, kernel, klass, tp);
}

static void geom_args(clrs__args *a, const clrs__grid_geom *g)
{
    clrs__arg_long(a, g->C);
    clrs__arg_long(a, g->W);
    clrs__arg_long(a, g->H);
    clrs__arg_long(a, g->D);
    clrs__arg_long(a, g->oW);
    clrs__arg_long(a, g->oH);
    clrs__arg_long(a, g->P);
    clrs__arg_int(a, g->dims);
    clrs__arg_int(a, g->mode);
    clrs__arg_int(a, g->padding);
    clrs__arg_int(a, g->align_corners);
}

clrs_status clrs__cl_grid_sample(clrs_context *ctx, const clrs__grid_geom *g,
                                 const clrs__view *input, const clrs__view *grid,
                                 const clrs__view *out)
{
    clrs_tune_params tp;
    clrs__cl_call c;
    clrs__args a;
    int64_t s[5];
    clrs_status st = clrs__cl_call_begin(&c, ctx, "grid_sample", "grid_sample.cl", input->dtype, NULL);
    if (st == CLRS_OK && (st = clrs__cl_call_view(&c, 0, input, 0)) == CLRS_OK &&
        (st = clrs__cl_call_view(&c, 1, grid, 0)) == CLRS_OK && (st = clrs__cl_call_view(&c, 2, out, 1)) == CLRS_OK &&
        (grid_params(ctx, "grid_sample", g, &tp),
         st = clrs__cl_kernel(&c, tp.passes == 2 ? "clrs_grid_sample_forward_planes" : "clrs_grid_sample_forward", &a)) ==
            CLRS_OK) {
        /* passes 2: the channels in step through a work-group (CPU devices) */
        size_t global[2] = {(size_t)g->P, (size_t)g->N}, local[2];
        clrs__grid_strides(input, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__grid_point_strides(grid, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__grid_strides(out, s);
        clrs__arg_tensor(&a, &c.bufs[2], s);
        geom_args(&a, g);
        st = clrs__cl_run(&c, &a, 2, global, clrs__cl_local_for(ctx, tp.wg, 2, global, local));
    }
    return clrs__cl_call_end(&c, st);
}

/* grad_input by the deterministic gather: lists built on the host, one work-item per pixel. */
static clrs_status gather_input(clrs__cl_call *c, const clrs__grid_geom *g, const clrs__view *gout,
                                const clrs__view *grid, const clrs__view *ginput, int gout_slot,
                                int gin_slot)
{
    clrs_context *ctx = c->ctx;
    clrs__view hg;
    clrs__grid_csr csr;
    clrs__args a;
    cl_mem start = NULL, point = NULL, weight = NULL;
    const int64_t T = g->D * g->H * g->W;
    int64_t s[5];
    cl_int err;
    clrs_status st;
    if ((st = clrs__stage_to_host(ctx, grid, 1, &hg)) != CLRS_OK) return st;
    st = clrs__grid_csr_build(g, &hg, &csr);
    clrs__stage_from_host(ctx, grid, &hg, 0);
    if (st != CLRS_OK) return st;
    start = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                           sizeof(int64_t) * (size_t)(g->N * T + 1), csr.start, &err);
    if (start)
        point = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                               sizeof(int32_t) * (size_t)(csr.entries ? csr.entries : 1), csr.point, &err);
    if (point)
        weight = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                (csr.dbl ? 8 : 4) * (size_t)(csr.entries ? csr.entries : 1), csr.weight, &err);
    if (!weight) {
        st = clrs__cl_fail(err, "grid_sample_backward", "clCreateBuffer(lists)");
    } else if ((st = clrs__cl_kernel(c, "clrs_grid_sample_gather_input", &a)) == CLRS_OK) {
        size_t global[3] = {(size_t)T, (size_t)g->C, (size_t)g->N};
        clrs__grid_strides(gout, s);
        clrs__arg_tensor(&a, &c->bufs[gout_slot], s);
        clrs__arg_mem(&a, start);
        clrs__arg_mem(&a, point);
        clrs__arg_mem(&a, weight);
        clrs__grid_strides(ginput, s);
        clrs__arg_tensor(&a, &c->bufs[gin_slot], s);
        clrs__arg_long(&a, g->W);
        clrs__arg_long(&a, g->H);
        clrs__arg_long(&a, T);
        clrs__arg_long(&a, g->oW);
        clrs__arg_long(&a, g->oH);
        st = clrs__cl_run(c, &a, 3, global, NULL);
    }
    /* the lists must outlive the kernel: wait before freeing the host copies */
    clFinish(ctx->queue);
    if (start) clReleaseMemObject(start);
    if (point) clReleaseMemObject(point);
    if (weight) clReleaseMemObject(weight);
    clrs__grid_csr_free(&csr);
    return st;
}

static clrs_status zero_view(clrs__cl_call *c, const clrs__view *v, int slot)
{
    clrs__args a;
    int64_t s[5];
    clrs_status st;
    const int64_t C = v->shape[1], D = v->ndim == 5 ? v->shape[2] : 1;
    const int64_t H = v->shape[v->ndim - 2], W = v->shape[v->ndim - 1];
    size_t global[3] = {(size_t)W, (size_t)H, (size_t)(v->shape[0] * C * D)};
    if ((st = clrs__cl_kernel(c, "clrs_zero5", &a)) != CLRS_OK) return st;
    clrs__grid_strides(v, s);
    clrs__arg_tensor(&a, &c->bufs[slot], s);
    clrs__arg_long(&a, C);
    clrs__arg_long(&a, D);
    clrs__arg_long(&a, H);
    clrs__arg_long(&a, W);
    return clrs__cl_run(c, &a, 3, global, NULL);
}

/* grad_input by clrs_grid_sample_scatter_planes (tuned passes = 2; f32 and f64): each work-item
 * owns vec channels of one batch entry and scatters into them in grid-point order, after
 * ginput was zeroed. */
static clrs_status scatter_planes(clrs__cl_call *c, const clrs__grid_geom *g, const clrs__view *gout,
                                  const clrs__view *grid, const clrs__view *ginput, int per_item)
{
    clrs__args a;
    int64_t s[5];
    clrs_status st;
    const int64_t CB = per_item > 0 ? per_item : 1;
    const size_t global[2] = {(size_t)((g->C + CB - 1) / CB), (size_t)g->N}, local[2] = {1, 1};
    if ((st = clrs__cl_kernel(c, "clrs_grid_sample_scatter_planes", &a)) != CLRS_OK) return st;
    clrs__grid_strides(gout, s);
    clrs__arg_tensor(&a, &c->bufs[0], s);
    clrs__grid_point_strides(grid, s);
    clrs__arg_tensor(&a, &c->bufs[2], s);
    clrs__grid_strides(ginput, s);
    clrs__arg_tensor(&a, &c->bufs[3], s);
    geom_args(&a, g);
    clrs__arg_long(&a, CB);
    return clrs__cl_run(c, &a, 2, global, local);
}

clrs_status clrs__cl_grid_sample_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *gout, const clrs__view *input,
                                          const clrs__view *grid, const clrs__view *ginput,
                                          const clrs__view *ggrid)
{
    clrs__cl_call c;
    clrs__args a;
    int64_t s[5];
    clrs_tune_params tp;
    int planes, atomic_input;
    clrs_status st;
    grid_params(ctx, "grid_sample_backward", g, &tp);
    /* the plane scatter (tuned passes = 2) for f32 / f64: deterministic, no atomics */
    planes = ginput && tp.passes == 2 && (input->dtype == CLRS_F32 || input->dtype == CLRS_F64) && g->C > 0 && g->N > 0;
    /* else atomics only for f32 (a 32-bit compare-exchange); everything else gathers */
    atomic_input = ginput && !planes && !g->deterministic && input->dtype == CLRS_F32;
    st = clrs__cl_call_begin(&c, ctx, "grid_sample_backward", "grid_sample.cl", input->dtype, NULL);
    if (st != CLRS_OK || (st = clrs__cl_call_view(&c, 0, gout, 0)) != CLRS_OK ||
        (st = clrs__cl_call_view(&c, 1, input, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 2, grid, 0)) != CLRS_OK ||
        (st = clrs__cl_call_view(&c, 3, ginput, 1)) != CLRS_OK || (st = clrs__cl_call_view(&c, 4, ggrid, 1)) != CLRS_OK)
        return clrs__cl_call_end(&c, st);
    if (atomic_input || planes) st = zero_view(&c, ginput, 3);
    if (st == CLRS_OK && (ggrid || atomic_input)) {
        int64_t zero5[5] = {0, 0, 0, 0, 0};
        size_t global[2] = {(size_t)g->P, (size_t)g->N}, local[2];
        if ((st = clrs__cl_kernel(&c, "clrs_grid_sample_backward", &a)) == CLRS_OK) {
            clrs__grid_strides(gout, s);
            clrs__arg_tensor(&a, &c.bufs[0], s);
            clrs__grid_strides(input, s);
            clrs__arg_tensor(&a, &c.bufs[1], s);
            clrs__grid_point_strides(grid, s);
            clrs__arg_tensor(&a, &c.bufs[2], s);
            if (ggrid) clrs__grid_point_strides(ggrid, s);
            clrs__arg_tensor(&a, ggrid ? &c.bufs[4] : &c.bufs[2], ggrid ? s : zero5);
            if (ginput) clrs__grid_strides(ginput, s);
            /* an absent output gets the grid's buffer as a placeholder: never written */
            clrs__arg_tensor(&a, ginput ? &c.bufs[3] : &c.bufs[2], ginput ? s : zero5);
            geom_args(&a, g);
            clrs__arg_int(&a, ggrid != NULL);
            clrs__arg_int(&a, atomic_input);
            st = clrs__cl_run(&c, &a, 2, global, clrs__cl_local_for(ctx, tp.wg, 2, global, local));
        }
    }
    if (st == CLRS_OK && planes) st = scatter_planes(&c, g, gout, grid, ginput, tp.vec);
    else if (st == CLRS_OK && ginput && !atomic_input) st = gather_input(&c, g, gout, grid, ginput, 0, 3);
    return clrs__cl_call_end(&c, st);
}

/* theta (N, rows, cols) as (buffer, element offset, its three strides) */
static void theta_args(clrs__args *a, const clrs__cl_call *c, int slot, const clrs__view *theta)
{
    clrs__arg_mem(a, c->bufs[slot].mem);
    clrs__arg_long(a, (int64_t)c->bufs[slot].elem_offset);
    clrs__arg_long(a, theta->strides[0]);
    clrs__arg_long(a, theta->strides[1]);
    clrs__arg_long(a, theta->strides[2]);
}

static void affine_geom_args(clrs__args *a, const clrs__grid_geom *g)
{
    clrs__arg_long(a, g->oW);
    clrs__arg_long(a, g->oH);
    clrs__arg_long(a, g->oD);
    clrs__arg_long(a, g->P);
    clrs__arg_int(a, g->dims);
    clrs__arg_int(a, g->align_corners);
}

clrs_status clrs__cl_affine_grid(clrs_context *ctx, const clrs__grid_geom *g,
                                 const clrs__view *theta, const clrs__view *grid)
{
    clrs__cl_call c;
    clrs__args a;
    int64_t s[5];
    clrs_status st = clrs__cl_call_begin(&c, ctx, "affine_grid", "grid_sample.cl", theta->dtype, NULL);
    if (st == CLRS_OK && (st = clrs__cl_call_view(&c, 0, theta, 0)) == CLRS_OK &&
        (st = clrs__cl_call_view(&c, 1, grid, 1)) == CLRS_OK &&
        (st = clrs__cl_kernel(&c, "clrs_affine_grid_forward", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)g->P, (size_t)g->N};
        theta_args(&a, &c, 0, theta);
        clrs__grid_point_strides(grid, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        affine_geom_args(&a, g);
        st = clrs__cl_run(&c, &a, 2, global, NULL);
    }
    return clrs__cl_call_end(&c, st);
}

clrs_status clrs__cl_affine_grid_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *ggrid, const clrs__view *gtheta)
{
    clrs__cl_call c;
    clrs__args a;
    int64_t s[5];
    clrs_status st = clrs__cl_call_begin(&c, ctx, "affine_grid_backward", "grid_sample.cl", ggrid->dtype, NULL);
    if (st == CLRS_OK && (st = clrs__cl_call_view(&c, 0, ggrid, 0)) == CLRS_OK &&
        (st = clrs__cl_call_view(&c, 1, gtheta, 1)) == CLRS_OK &&
        (st = clrs__cl_kernel(&c, "clrs_affine_grid_backward", &a)) == CLRS_OK) {
        size_t global[2] = {(size_t)(g->dims * (g->dims + 1)), (size_t)g->N};
        clrs__grid_point_strides(ggrid, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        theta_args(&a, &c, 1, gtheta);
        affine_geom_args(&a, g);
        st = clrs__cl_run(&c, &a, 2, global, NULL);
    }
    return clrs__cl_call_end(&c, st);
}
