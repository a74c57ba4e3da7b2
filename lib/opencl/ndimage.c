/* opencl/ndimage.c — the OpenCL backend of the scipy.ndimage ops: the coefficient buffer
 * (pad kernel, one filter launch per axis), then the sampler (one work-item per output point)
 * or, for spline_filter, the store into the output; kernels of ndimage.cl, built per (input,
 * output, coordinates) dtype. The backward runs on the device too: grad_input as a scatter
 * with compare-exchange atomics, then the transposed prefilter and padding; grad_coordinates
 * one work-item per point. A deterministic context or a device without the atomics runs the
 * host backward on staged copies. */
#include "opencl/opencl.h"
#include "host/host.h"

#include <stdio.h>
#include <string.h>

/* Runs the host backend on host copies of the views (device views read back, written ones
 * written back). v[0 .. nin) are read, v[nin .. n) written; NULL entries are absent. */
static clrs_status staged(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view **v, int nin, int n,
                          int backward)
{
    clrs__view st[5];
    const clrs__view *sv[5] = {NULL, NULL, NULL, NULL, NULL};
    clrs_status s = CLRS_OK;
    int i, done = 0;
    for (i = 0; i < n && s == CLRS_OK; i++, done++) {
        if (!v[i]) continue;
        if (v[i]->host) { sv[i] = v[i]; continue; }
        s = clrs__stage_to_host(ctx, v[i], i < nin, &st[i]);
        sv[i] = &st[i];
    }
    if (s == CLRS_OK) {
        clFinish(ctx->queue);
        s = backward ? clrs__host_ndi_backward(g, sv[0], sv[1], sv[2], sv[3], sv[4])
                     : clrs__host_ndi(g, sv[0], sv[1], sv[2]);
    }
    for (i = 0; i < done; i++)
        if (v[i] && !v[i]->host) {
            clrs_status s2 = clrs__stage_from_host(ctx, v[i], &st[i], i >= nin && s == CLRS_OK);
            if (s == CLRS_OK) s = s2;
        }
    return s;
}

/* A real number argument in the device's clrs_ndr (double with fp64, else float). */
static void arg_real(clrs__args *a, int fp64, double v)
{
    if (fp64) clrs__arg(a, sizeof(cl_double), &v);
    else {
        cl_float f = (cl_float)v;
        clrs__arg(a, sizeof f, &f);
    }
}

static size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

#define NDI_WG 64 /* work-items per group of the one-dimensional ndimage launches */

/* clrs_ndi_pad: the tensor in slot `slot` (strides s) into the coefficient array `coef` of
 * `total` elements; padded: with the mode's padding of npad on each real axis and
 * pad_value, else a plain copy into the layout. */
static clrs_status launch_pad(clrs__cl_call *c, const clrs__ndi_geom *g, int slot, const int64_t s[5], cl_mem coef,
                              int padded, double pad_value, int64_t total)
{
    const size_t wg = NDI_WG, gsz = round_up((size_t)total, wg);
    clrs__args a;
    clrs_status st;
    int k;
    if ((st = clrs__cl_kernel(c, "clrs_ndi_pad", &a)) != CLRS_OK) return st;
    clrs__arg_tensor(&a, &c->bufs[slot], s);
    clrs__arg_mem(&a, coef);
    clrs__arg_long(&a, g->B1);
    for (k = 0; k < 3; k++) clrs__arg_long(&a, g->coef[k]);
    for (k = 0; k < 3; k++) clrs__arg_long(&a, g->in[k]);
    for (k = 0; k < 3; k++) clrs__arg_long(&a, padded && g->real[k] ? g->npad : 0);
    clrs__arg_int(&a, g->mode);
    arg_real(&a, c->ctx->info.fp64, pad_value);
    clrs__arg_long(&a, total);
    return clrs__cl_run(c, &a, 1, &gsz, &wg);
}

/* clrs_ndi_filter along each axis of clrs__ndi_filter_axes (adjoint: the transposed filters, last axis
 * first), one work-item per line; axes of size 1 are left alone. */
static clrs_status launch_filters(clrs__cl_call *c, const clrs__ndi_geom *g, cl_mem coef, const int64_t d[5],
                                  int adjoint)
{
    const int64_t total = d[0] * d[1] * d[2] * d[3] * d[4];
    const size_t wg = NDI_WG;
    int ax[3], n = clrs__ndi_filter_axes(g, ax), i, e;
    clrs_status st = CLRS_OK;
    for (i = 0; i < n && st == CLRS_OK; i++) {
        const int axis = ax[adjoint ? n - 1 - i : i];
        const int64_t lines = total / d[axis];
        size_t lsz = round_up((size_t)lines, wg);
        clrs__args a;
        if (d[axis] <= 1) continue;
        if ((st = clrs__cl_kernel(c, "clrs_ndi_filter", &a)) != CLRS_OK) break;
        clrs__arg_mem(&a, coef);
        for (e = 0; e < 5; e++) clrs__arg_long(&a, d[e]);
        clrs__arg_int(&a, axis);
        clrs__arg_int(&a, g->order);
        clrs__arg_int(&a, g->mode);
        clrs__arg_int(&a, adjoint);
        clrs__arg_long(&a, lines);
        st = clrs__cl_run(c, &a, 1, &lsz, &wg);
    }
    return st;
}

/* clrs_ndi_store: the coefficient array (spline_filter's result or its gradient) into the
 * tensor in slot `slot` (strides s). */
static clrs_status launch_store(clrs__cl_call *c, const clrs__ndi_geom *g, cl_mem coef, int slot, const int64_t s[5],
                                const int64_t d[5])
{
    const int64_t total = d[0] * d[1] * d[2] * d[3] * d[4];
    const size_t wg = NDI_WG, gsz = round_up((size_t)total, wg);
    clrs__args a;
    clrs_status st;
    int k;
    if ((st = clrs__cl_kernel(c, "clrs_ndi_store", &a)) != CLRS_OK) return st;
    clrs__arg_mem(&a, coef);
    clrs__arg_tensor(&a, &c->bufs[slot], s);
    clrs__arg_long(&a, g->B1);
    for (k = 2; k < 5; k++) clrs__arg_long(&a, d[k]);
    clrs__arg_long(&a, total);
    return clrs__cl_run(c, &a, 1, &gsz, &wg);
}

clrs_status clrs__cl_ndi(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *in, const clrs__view *co,
                         const clrs__view *out)
{
    const int fp64 = ctx->info.fp64, rsize = fp64 ? 8 : 4;
    int64_t is[5], os[5], d[5], cs[4] = {0, 0, 0, 0};
    char opts[96];
    clrs__cl_call c;
    clrs__args a;
    cl_mem coef = NULL;
    clrs_status st;
    int k, realmask = 0;
    const int np = out->ndim - (in->ndim - g->ns);
    snprintf(opts, sizeof opts, "-DCLRS_NDI_OUT=%d -DCLRS_NDI_CO=%d", (int)out->dtype, co ? (int)co->dtype : 0);
    clrs__ndi_strides(in, g->ns, is);
    clrs__ndi_strides(out, g->op == CLRS__NDI_FILTER ? g->ns : np, os);
    if (co) {
        const int cp = co->ndim - 1;
        cs[0] = co->strides[0];
        for (k = 0; k < 3; k++) cs[1 + k] = k >= 3 - cp ? co->strides[1 + k - (3 - cp)] : 0;
    }
    d[0] = g->B0, d[1] = g->B1, d[2] = g->coef[0], d[3] = g->coef[1], d[4] = g->coef[2];
    for (k = 0; k < 3; k++) realmask |= g->real[k] << k;
    st = clrs__cl_call_begin(&c, ctx, g->op == CLRS__NDI_FILTER ? "spline_filter" : "ndimage", "ndimage.cl", in->dtype,
                             opts);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 0, in, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 1, co, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 2, out, 1);
    if (st == CLRS_OK && (g->op == CLRS__NDI_FILTER || g->filtered)) {
        const int64_t total = d[0] * d[1] * d[2] * d[3] * d[4];
        cl_int err;
        coef = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, (size_t)total * (size_t)rsize, NULL, &err);
        if (!coef) st = clrs__cl_fail(err, c.op, "clCreateBuffer(coefficients)");
        if (st == CLRS_OK) st = launch_pad(&c, g, 0, is, coef, 1, g->pad_value, total);
        if (st == CLRS_OK && g->filtered) st = launch_filters(&c, g, coef, d, 0);
        if (st == CLRS_OK && g->op == CLRS__NDI_FILTER) st = launch_store(&c, g, coef, 2, os, d);
    }
    if (st == CLRS_OK && g->op != CLRS__NDI_FILTER) {
        size_t global[3];
        const size_t local[3] = {g->out[2] >= 64 ? 64 : 1, 1, 1};
        global[0] = round_up((size_t)g->out[2], local[0]);
        global[1] = (size_t)g->out[1];
        global[2] = (size_t)(g->B0 * g->B1 * g->out[0]);
        st = clrs__cl_kernel(&c, coef ? "clrs_ndi_sample_coef" : "clrs_ndi_sample_input", &a);
        if (st == CLRS_OK) {
            if (coef) {
                clrs__arg_mem(&a, coef);
                clrs__arg_long(&a, d[3] * d[4]), clrs__arg_long(&a, d[4]), clrs__arg_long(&a, 1);
            } else {
                clrs__arg_mem(&a, c.bufs[0].mem);
                clrs__arg_long(&a, (int64_t)c.bufs[0].elem_offset);
                for (k = 0; k < 5; k++) clrs__arg_long(&a, is[k]);
            }
            if (co) {
                clrs__arg_mem(&a, c.bufs[1].mem);
                clrs__arg_long(&a, (int64_t)c.bufs[1].elem_offset);
            } else {
                clrs__arg_mem(&a, c.bufs[2].mem); /* unused: any buffer */
                clrs__arg_long(&a, 0);
            }
            for (k = 0; k < 4; k++) clrs__arg_long(&a, cs[k]);
            clrs__arg_mem(&a, c.bufs[2].mem);
            clrs__arg_long(&a, (int64_t)c.bufs[2].elem_offset);
            for (k = 0; k < 5; k++) clrs__arg_long(&a, os[k]);
            clrs__arg_long(&a, g->B1);
            for (k = 0; k < 3; k++) clrs__arg_long(&a, g->out[k]);
            for (k = 0; k < 3; k++) clrs__arg_long(&a, g->coef[k]);
            clrs__arg_int(&a, g->op);
            clrs__arg_int(&a, g->order);
            clrs__arg_int(&a, g->mode);
            clrs__arg_int(&a, g->grid_mode);
            clrs__arg_int(&a, g->ns);
            clrs__arg_int(&a, realmask);
            clrs__arg_long(&a, g->npad);
            arg_real(&a, fp64, g->cval);
            for (k = 0; k < 3; k++) arg_real(&a, fp64, g->scale[k]);
            for (k = 0; k < 9; k++) arg_real(&a, fp64, g->m[k / 3][k % 3]);
            for (k = 0; k < 3; k++) arg_real(&a, fp64, g->off[k]);
            st = clrs__cl_run(&c, &a, 3, global, local[0] > 1 ? local : NULL);
        }
    }
    if (coef) clReleaseMemObject(coef);
    return clrs__cl_call_end(&c, st);
}

/* 64-bit compare-exchange for the double scatter (cl_khr_int64_base_atomics); float
 * arithmetic (no fp64) uses the 32-bit one of OpenCL 1.1. */
static int has_atomics(const clrs_context *ctx)
{
    char ext[8192];
    size_t n = 0;
    if (!ctx->info.fp64) return 1;
    if (clGetDeviceInfo(ctx->device, CL_DEVICE_EXTENSIONS, sizeof ext - 1, ext, &n) != CL_SUCCESS) return 0;
    ext[n < sizeof ext ? n : sizeof ext - 1] = 0;
    return strstr(ext, "cl_khr_int64_base_atomics") != NULL;
}

/* map_coordinates' grad_coordinates on the device: the forward's coefficient array (pad
 * kernel on the input in slot 3, then the prefilter), then one work-item per point. */
static clrs_status coord_grad(clrs__cl_call *c, const clrs__ndi_geom *g, const int64_t gs[5], const int64_t cs[4],
                              const int64_t d[5], int realmask)
{
    const int fp64 = c->ctx->info.fp64;
    const size_t wg = NDI_WG;
    const int64_t total = d[0] * d[1] * d[2] * d[3] * d[4],
                  P = clrs__ndi_no_points(g) ? 0 : g->out[0] * g->out[1] * g->out[2];
    const clrs__view *in = c->views[3], *gco = c->views[4], *co = c->views[1];
    int64_t is[5], gcs[4];
    size_t psz = round_up((size_t)P, wg);
    clrs__args a;
    cl_int err;
    cl_mem coef;
    clrs_status st;
    int k;
    clrs__ndi_strides(in, g->ns, is);
    gcs[0] = gco->strides[0];
    for (k = 0; k < 3; k++) gcs[1 + k] = k >= 3 - (co->ndim - 1) ? gco->strides[1 + k - (3 - (co->ndim - 1))] : 0;
    coef = clCreateBuffer(c->ctx->cl, CL_MEM_READ_WRITE, (size_t)total * (fp64 ? 8u : 4u), NULL, &err);
    if (!coef) return clrs__cl_fail(err, c->op, "clCreateBuffer(coefficients)");
    st = launch_pad(c, g, 3, is, coef, 1, g->pad_value, total);
    if (st == CLRS_OK && g->filtered) st = launch_filters(c, g, coef, d, 0);
    if (st == CLRS_OK && (st = clrs__cl_kernel(c, "clrs_ndi_coord_grad", &a)) == CLRS_OK) {
        clrs__arg_mem(&a, coef);
        clrs__arg_tensor(&a, &c->bufs[0], gs);
        clrs__arg_mem(&a, c->bufs[1].mem);
        clrs__arg_long(&a, (int64_t)c->bufs[1].elem_offset);
        for (k = 0; k < 4; k++) clrs__arg_long(&a, cs[k]);
        clrs__arg_mem(&a, c->bufs[4].mem);
        clrs__arg_long(&a, (int64_t)c->bufs[4].elem_offset);
        for (k = 0; k < 4; k++) clrs__arg_long(&a, gcs[k]);
        clrs__arg_long(&a, g->B0 * g->B1);
        clrs__arg_long(&a, g->B1);
        for (k = 0; k < 3; k++) clrs__arg_long(&a, g->out[k]);
        for (k = 0; k < 3; k++) clrs__arg_long(&a, g->coef[k]);
        clrs__arg_int(&a, g->order);
        clrs__arg_int(&a, g->mode);
        clrs__arg_int(&a, g->ns);
        clrs__arg_int(&a, realmask);
        clrs__arg_long(&a, g->npad);
        arg_real(&a, fp64, g->cval);
        st = clrs__cl_run(c, &a, 1, &psz, &wg);
    }
    clReleaseMemObject(coef);
    return st;
}

/* grad_input on the device: the coefficient gradient (spline_filter: grad_output copied;
 * otherwise zeroed, then the scatter of every output point), the prefilter's transpose per
 * axis in reverse order, then the padding's transpose into grad_input; grad_coordinates per
 * point (coord_grad). grad_input on a deterministic context or a device without the atomics,
 * or grad_coordinates with an input dtype other than grad_output's: the host backward on
 * staged copies. */
clrs_status clrs__cl_ndi_backward(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *gout,
                                  const clrs__view *in, const clrs__view *co, const clrs__view *gin,
                                  const clrs__view *gco)
{
    const int fp64 = ctx->info.fp64, rsize = fp64 ? 8 : 4;
    const size_t wg = NDI_WG;
    int64_t gs[5], is[5], d[5], cs[4] = {0, 0, 0, 0}, total;
    char opts[96];
    clrs__cl_call c;
    clrs__args a;
    cl_mem gc = NULL;
    cl_int err;
    clrs_status st;
    int k, realmask = 0;
    size_t gsz;
    if ((gin && (ctx->deterministic || !has_atomics(ctx))) || (gco && in->dtype != gout->dtype)) {
        const clrs__view *v[5] = {gout, in, co, gin, gco};
        return staged(ctx, g, v, 3, 5, 1);
    }
    snprintf(opts, sizeof opts, "-DCLRS_NDI_OUT=%d -DCLRS_NDI_CO=%d", (int)gin->dtype, co ? (int)co->dtype : 0);
    clrs__ndi_strides(gout, co ? co->ndim - 1 : g->ns, gs);
    clrs__ndi_strides(gin, g->ns, is);
    if (co) {
        const int cp = co->ndim - 1;
        cs[0] = co->strides[0];
        for (k = 0; k < 3; k++) cs[1 + k] = k >= 3 - cp ? co->strides[1 + k - (3 - cp)] : 0;
    }
    d[0] = g->B0, d[1] = g->B1, d[2] = g->coef[0], d[3] = g->coef[1], d[4] = g->coef[2];
    total = d[0] * d[1] * d[2] * d[3] * d[4];
    gsz = round_up((size_t)total, wg);
    for (k = 0; k < 3; k++) realmask |= g->real[k] << k;
    st = clrs__cl_call_begin(&c, ctx, g->op == CLRS__NDI_FILTER ? "spline_filter_backward" : "ndimage_backward",
                             "ndimage.cl", gout->dtype, opts);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 0, gout, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 1, co, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 2, gin, 1);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 3, gco ? in : NULL, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 4, gco, 1);
    if (st == CLRS_OK && gin) {
        gc = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, (size_t)total * (size_t)rsize, NULL, &err);
        if (!gc) st = clrs__cl_fail(err, c.op, "clCreateBuffer(coefficient gradient)");
    }
    if (st == CLRS_OK && gin && g->op == CLRS__NDI_FILTER) { /* grad_output as the coefficient layout */
        st = launch_pad(&c, g, 0, gs, gc, 0, 0.0, total);
    } else if (st == CLRS_OK && gin) {
        if ((st = clrs__cl_kernel(&c, "clrs_ndi_zero", &a)) == CLRS_OK) {
            clrs__arg_mem(&a, gc);
            clrs__arg_long(&a, total);
            st = clrs__cl_run(&c, &a, 1, &gsz, &wg);
        }
        if (st == CLRS_OK && !clrs__ndi_no_points(g) && (st = clrs__cl_kernel(&c, "clrs_ndi_scatter", &a)) == CLRS_OK) {
            size_t global[3];
            const size_t local[3] = {g->out[2] >= 64 ? 64 : 1, 1, 1};
            global[0] = round_up((size_t)g->out[2], local[0]);
            global[1] = (size_t)g->out[1];
            global[2] = (size_t)(g->B0 * g->B1 * g->out[0]);
            clrs__arg_tensor(&a, &c.bufs[0], gs);
            clrs__arg_mem(&a, co ? c.bufs[1].mem : gc);
            clrs__arg_long(&a, co ? (int64_t)c.bufs[1].elem_offset : 0);
            for (k = 0; k < 4; k++) clrs__arg_long(&a, cs[k]);
            clrs__arg_mem(&a, gc);
            clrs__arg_long(&a, g->B1);
            for (k = 0; k < 3; k++) clrs__arg_long(&a, g->out[k]);
            for (k = 0; k < 3; k++) clrs__arg_long(&a, g->coef[k]);
            clrs__arg_int(&a, g->op);
            clrs__arg_int(&a, g->order);
            clrs__arg_int(&a, g->mode);
            clrs__arg_int(&a, g->grid_mode);
            clrs__arg_int(&a, g->ns);
            clrs__arg_int(&a, realmask);
            clrs__arg_long(&a, g->npad);
            for (k = 0; k < 3; k++) arg_real(&a, fp64, g->scale[k]);
            for (k = 0; k < 9; k++) arg_real(&a, fp64, g->m[k / 3][k % 3]);
            for (k = 0; k < 3; k++) arg_real(&a, fp64, g->off[k]);
            st = clrs__cl_run(&c, &a, 3, global, local[0] > 1 ? local : NULL);
        }
    }
    if (st == CLRS_OK && gin && g->filtered) st = launch_filters(&c, g, gc, d, 1); /* the prefilter transposed */
    if (st == CLRS_OK && gin && g->op == CLRS__NDI_FILTER) {
        st = launch_store(&c, g, gc, 2, is, d);
    } else if (st == CLRS_OK && gin && g->op != CLRS__NDI_FILTER &&
               (st = clrs__cl_kernel(&c, "clrs_ndi_unpad", &a)) == CLRS_OK) {
        const int64_t n = g->B0 * g->B1 * g->in[0] * g->in[1] * g->in[2];
        size_t usz = round_up((size_t)n, wg);
        clrs__arg_mem(&a, gc);
        clrs__arg_tensor(&a, &c.bufs[2], is);
        clrs__arg_long(&a, g->B1);
        for (k = 0; k < 3; k++) clrs__arg_long(&a, g->in[k]);
        for (k = 0; k < 3; k++) clrs__arg_long(&a, g->coef[k]);
        for (k = 0; k < 3; k++) clrs__arg_long(&a, g->real[k] ? g->npad : 0);
        clrs__arg_int(&a, g->mode);
        clrs__arg_long(&a, n);
        st = clrs__cl_run(&c, &a, 1, &usz, &wg);
    }
    if (st == CLRS_OK && gco && !clrs__ndi_no_points(g)) st = coord_grad(&c, g, gs, cs, d, realmask);
    if (gc) clReleaseMemObject(gc);
    return clrs__cl_call_end(&c, st);
}
