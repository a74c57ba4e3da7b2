/* opencl/pixel_shuffle.c — the OpenCL backend of pixel_shuffle and pixel_unshuffle: stages the
 * two tensors, sets the arguments of pixel_shuffle.cl's gather (one work-item per destination
 * row and phase) and enqueues it. */
#include "opencl/opencl.h"

#include <stdio.h>

clrs_status clrs__cl_pixel_shuffle(clrs_context *ctx, const clrs__shuffle_geom *g,
                                   const clrs__view *src, const clrs__view *dst)
{
    const char *op = g->down ? "pixel_unshuffle" : "pixel_shuffle";
    int64_t ss[5], ds[5];
    clrs__cl_call c;
    clrs__args a;
    size_t global[3], local[3];
    char klass[32];
    clrs_status st;
    global[0] = (size_t)(g->r < g->dst[4] ? g->r : g->dst[4]); /* one work-item per progression */
    global[1] = (size_t)g->dst[3];
    global[2] = (size_t)(g->dst[0] * g->dst[1] * g->dst[2]);
    clrs__shuffle_strides(src, ss);
    clrs__shuffle_strides(dst, ds);
    st = clrs__cl_call_begin(&c, ctx, op, "pixel_shuffle.cl", clrs__shuffle_copy_dtype(dst->esize), NULL);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 0, src, 0);
    if (st == CLRS_OK) st = clrs__cl_call_view(&c, 1, dst, 1);
    if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_pixel_shuffle", &a)) == CLRS_OK) {
        clrs__arg_tensor(&a, &c.bufs[0], ss);
        clrs__arg_tensor(&a, &c.bufs[1], ds);
        clrs__arg_int(&a, g->down);
        clrs__arg_long(&a, g->r);
        clrs__arg_long(&a, g->dst[1]);
        clrs__arg_long(&a, g->dst[2]);
        clrs__arg_long(&a, g->dst[3]);
        clrs__arg_long(&a, g->dst[4]);
        /* tuning class: the factor and the element size */
        snprintf(klass, sizeof klass, "r%d-%db", g->r < 100 ? (int)g->r : 99, (int)dst->esize);
        st = clrs__cl_run(&c, &a, 3, global, clrs__cl_tuned_local(ctx, g->down ? "pixel_unshuffle" : "pixel_shuffle", klass, 3, global, local));
    }
    return clrs__cl_call_end(&c, st);
}
