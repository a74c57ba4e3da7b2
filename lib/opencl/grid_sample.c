/* opencl/grid_sample.c — the OpenCL backend of grid_sample and affine_grid: stages the
 * tensors, sets the arguments of the kernels in grid_sample.cl and enqueues them. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <string.h>

#define MAX_VIEWS 5

/* One call's kernels and buffers, released together. */
typedef struct {
    clrs_context *ctx;
    cl_program prog;
    const clrs__view *views[MAX_VIEWS];
    clrs__cl_buffer bufs[MAX_VIEWS];
    int written[MAX_VIEWS];
    int host_side;
} call;

static clrs_status call_begin(call *c, clrs_context *ctx, clrs_dtype dtype)
{
    char options[64];
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    snprintf(options, sizeof options, "-DCLRS_DTYPE=%d", (int)dtype);
    return clrs__program_get(ctx, "grid_sample.cl", options, &c->prog);
}

/* Acquires view v as buffer slot i (NULL views are skipped). */
static clrs_status call_view(call *c, int i, const clrs__view *v, int writable)
{
    c->views[i] = v;
    if (!v) return CLRS_OK;
    if (v->host) c->host_side = 1;
    c->written[i] = writable;
    return clrs__cl_view_acquire(c->ctx, v, writable, &c->bufs[i]);
}

static clrs_status call_end(call *c, clrs_status st)
{
    int i;
    for (i = 0; i < MAX_VIEWS; i++)
        if (c->views[i] && c->bufs[i].mem && c->written[i]) {
            clrs_status s2 = clrs__cl_view_release(c->ctx, c->views[i], st == CLRS_OK, &c->bufs[i]);
            if (st == CLRS_OK) st = s2;
        }
    if (c->host_side) clFinish(c->ctx->queue);
    for (i = 0; i < MAX_VIEWS; i++)
        if (c->views[i] && c->bufs[i].mem && !c->written[i]) clrs__cl_view_release(c->ctx, c->views[i], 0, &c->bufs[i]);
    return st;
}

static clrs_status launch(clrs_context *ctx, cl_kernel k, const char *what, cl_uint dims,
                          const size_t *global)
{
    cl_event ev = NULL;
    cl_int err = clEnqueueNDRangeKernel(ctx->queue, k, dims, NULL, global, NULL, 0, NULL, &ev);
    if (err != CL_SUCCESS) return clrs__cl_fail(err, what, "clEnqueueNDRangeKernel");
    clrs__set_last_event(ctx, ev);
    return CLRS_OK;
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
    call c;
    clrs__args a = {0};
    int64_t s[5];
    clrs_status st;
    cl_int err;
    if ((st = call_begin(&c, ctx, input->dtype)) != CLRS_OK) return st;
    if ((a.k = clCreateKernel(c.prog, "clrs_grid_sample_forward", &err)) == NULL)
        return clrs__cl_fail(err, "grid_sample", "clCreateKernel");
    if ((st = call_view(&c, 0, input, 0)) == CLRS_OK && (st = call_view(&c, 1, grid, 0)) == CLRS_OK &&
        (st = call_view(&c, 2, out, 1)) == CLRS_OK) {
        size_t global[2] = {(size_t)g->P, (size_t)g->N};
        clrs__grid_strides(input, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__grid_point_strides(grid, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__grid_strides(out, s);
        clrs__arg_tensor(&a, &c.bufs[2], s);
        geom_args(&a, g);
        st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "grid_sample", "clSetKernelArg")
                                 : launch(ctx, a.k, "grid_sample", 2, global);
    }
    st = call_end(&c, st);
    clReleaseKernel(a.k);
    return st;
}

/* grad_input by the deterministic gather: lists built on the host, one work-item per pixel. */
static clrs_status gather_input(call *c, const clrs__grid_geom *g, const clrs__view *gout,
                                const clrs__view *grid, const clrs__view *ginput, int gout_slot,
                                int gin_slot)
{
    clrs_context *ctx = c->ctx;
    clrs__view hg;
    clrs__grid_csr csr;
    clrs__args a = {0};
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
    } else if ((a.k = clCreateKernel(c->prog, "clrs_grid_sample_gather_input", &err)) == NULL) {
        st = clrs__cl_fail(err, "grid_sample_backward", "clCreateKernel");
    } else {
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
        st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "grid_sample_backward", "clSetKernelArg")
                                 : launch(ctx, a.k, "grid_sample_backward", 3, global);
        clReleaseKernel(a.k);
    }
    /* the lists must outlive the kernel: wait before freeing the host copies */
    clFinish(ctx->queue);
    if (start) clReleaseMemObject(start);
    if (point) clReleaseMemObject(point);
    if (weight) clReleaseMemObject(weight);
    clrs__grid_csr_free(&csr);
    return st;
}

static clrs_status zero_view(call *c, const clrs__view *v, int slot)
{
    clrs__args a = {0};
    int64_t s[5];
    cl_int err;
    clrs_status st;
    const int64_t C = v->shape[1], D = v->ndim == 5 ? v->shape[2] : 1;
    const int64_t H = v->shape[v->ndim - 2], W = v->shape[v->ndim - 1];
    size_t global[3] = {(size_t)W, (size_t)H, (size_t)(v->shape[0] * C * D)};
    if ((a.k = clCreateKernel(c->prog, "clrs_zero5", &err)) == NULL)
        return clrs__cl_fail(err, "grid_sample_backward", "clCreateKernel");
    clrs__grid_strides(v, s);
    clrs__arg_tensor(&a, &c->bufs[slot], s);
    clrs__arg_long(&a, C);
    clrs__arg_long(&a, D);
    clrs__arg_long(&a, H);
    clrs__arg_long(&a, W);
    st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "grid_sample_backward", "clSetKernelArg")
                             : launch(c->ctx, a.k, "grid_sample_backward", 3, global);
    clReleaseKernel(a.k);
    return st;
}

clrs_status clrs__cl_grid_sample_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *gout, const clrs__view *input,
                                          const clrs__view *grid, const clrs__view *ginput,
                                          const clrs__view *ggrid)
{
    call c;
    clrs__args a = {0};
    int64_t s[5];
    clrs_status st;
    cl_int err;
    /* atomics only for f32 (a 32-bit compare-exchange); everything else gathers */
    const int atomic_input = ginput && !g->deterministic && input->dtype == CLRS_F32;
    if ((st = call_begin(&c, ctx, input->dtype)) != CLRS_OK) return st;
    if ((st = call_view(&c, 0, gout, 0)) != CLRS_OK || (st = call_view(&c, 1, input, 0)) != CLRS_OK ||
        (st = call_view(&c, 2, grid, 0)) != CLRS_OK || (st = call_view(&c, 3, ginput, 1)) != CLRS_OK ||
        (st = call_view(&c, 4, ggrid, 1)) != CLRS_OK)
        return call_end(&c, st);
    if (atomic_input) st = zero_view(&c, ginput, 3);
    if (st == CLRS_OK && (ggrid || atomic_input)) {
        int64_t zero5[5] = {0, 0, 0, 0, 0};
        size_t global[2] = {(size_t)g->P, (size_t)g->N};
        if ((a.k = clCreateKernel(c.prog, "clrs_grid_sample_backward", &err)) == NULL) {
            st = clrs__cl_fail(err, "grid_sample_backward", "clCreateKernel");
        } else {
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
            st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "grid_sample_backward", "clSetKernelArg")
                                     : launch(ctx, a.k, "grid_sample_backward", 2, global);
            clReleaseKernel(a.k);
        }
    }
    if (st == CLRS_OK && ginput && !atomic_input) st = gather_input(&c, g, gout, grid, ginput, 0, 3);
    return call_end(&c, st);
}

clrs_status clrs__cl_affine_grid(clrs_context *ctx, const clrs__grid_geom *g,
                                 const clrs__view *theta, const clrs__view *grid)
{
    call c;
    clrs__args a = {0};
    int64_t s[5];
    clrs_status st;
    cl_int err;
    if ((st = call_begin(&c, ctx, theta->dtype)) != CLRS_OK) return st;
    if ((a.k = clCreateKernel(c.prog, "clrs_affine_grid_forward", &err)) == NULL)
        return clrs__cl_fail(err, "affine_grid", "clCreateKernel");
    if ((st = call_view(&c, 0, theta, 0)) == CLRS_OK && (st = call_view(&c, 1, grid, 1)) == CLRS_OK) {
        size_t global[2] = {(size_t)g->P, (size_t)g->N};
        clrs__arg_mem(&a, c.bufs[0].mem);
        clrs__arg_long(&a, (int64_t)c.bufs[0].elem_offset);
        clrs__arg_long(&a, theta->strides[0]);
        clrs__arg_long(&a, theta->strides[1]);
        clrs__arg_long(&a, theta->strides[2]);
        clrs__grid_point_strides(grid, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__arg_long(&a, g->oW);
        clrs__arg_long(&a, g->oH);
        clrs__arg_long(&a, g->oD);
        clrs__arg_long(&a, g->P);
        clrs__arg_int(&a, g->dims);
        clrs__arg_int(&a, g->align_corners);
        st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "affine_grid", "clSetKernelArg")
                                 : launch(ctx, a.k, "affine_grid", 2, global);
    }
    st = call_end(&c, st);
    clReleaseKernel(a.k);
    return st;
}

clrs_status clrs__cl_affine_grid_backward(clrs_context *ctx, const clrs__grid_geom *g,
                                          const clrs__view *ggrid, const clrs__view *gtheta)
{
    call c;
    clrs__args a = {0};
    int64_t s[5];
    clrs_status st;
    cl_int err;
    if ((st = call_begin(&c, ctx, ggrid->dtype)) != CLRS_OK) return st;
    if ((a.k = clCreateKernel(c.prog, "clrs_affine_grid_backward", &err)) == NULL)
        return clrs__cl_fail(err, "affine_grid_backward", "clCreateKernel");
    if ((st = call_view(&c, 0, ggrid, 0)) == CLRS_OK && (st = call_view(&c, 1, gtheta, 1)) == CLRS_OK) {
        size_t global[2] = {(size_t)(g->dims * (g->dims + 1)), (size_t)g->N};
        clrs__grid_point_strides(ggrid, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__arg_mem(&a, c.bufs[1].mem);
        clrs__arg_long(&a, (int64_t)c.bufs[1].elem_offset);
        clrs__arg_long(&a, gtheta->strides[0]);
        clrs__arg_long(&a, gtheta->strides[1]);
        clrs__arg_long(&a, gtheta->strides[2]);
        clrs__arg_long(&a, g->oW);
        clrs__arg_long(&a, g->oH);
        clrs__arg_long(&a, g->oD);
        clrs__arg_long(&a, g->P);
        clrs__arg_int(&a, g->dims);
        clrs__arg_int(&a, g->align_corners);
        st = a.err != CL_SUCCESS ? clrs__cl_fail(a.err, "affine_grid_backward", "clSetKernelArg")
                                 : launch(ctx, a.k, "affine_grid_backward", 2, global);
    }
    st = call_end(&c, st);
    clReleaseKernel(a.k);
    return st;
}
