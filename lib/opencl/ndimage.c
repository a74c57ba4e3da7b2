/* opencl/ndimage.c — the OpenCL backend of the scipy.ndimage ops. The backwards run on the
 * host through staged copies (a device gather of the transposed footprint is later work). */
#include "opencl/opencl.h"
#include "host/host.h"

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

clrs_status clrs__cl_ndi(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *in, const clrs__view *co,
                         const clrs__view *out)
{
    const clrs__view *v[3] = {in, co, out};
    return staged(ctx, g, v, 2, 3, 0);
}

clrs_status clrs__cl_ndi_backward(clrs_context *ctx, const clrs__ndi_geom *g, const clrs__view *gout,
                                  const clrs__view *in, const clrs__view *co, const clrs__view *gin,
                                  const clrs__view *gco)
{
    const clrs__view *v[5] = {gout, in, co, gin, gco};
    return staged(ctx, g, v, 3, 5, 1);
}
