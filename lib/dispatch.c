/* dispatch.c — runs a validated op on the context's device, or on the host: when the context
 * has no device, when the device lacks fp64 for an f64 call, or when a kernel cannot be built
 * (with host_fallback). A host run of device tensors stages them through host memory. */
#include "internal.h"

clrs_status clrs__execute(clrs_context *ctx, const char *op, clrs_dtype dtype, clrs__view **v,
                          int nin, int nout, clrs__device_fn device, clrs__host_fn host,
                          const void *arg)
{
    clrs__view staged[CLRS_MAX_VIEWS], *sv[CLRS_MAX_VIEWS];
    clrs_status st = CLRS_OK;
    int i, n = nin + nout, done = 0;
    if (ctx->is_host) return host(arg, v);
    clrs__op_begin(ctx);
    if (dtype == CLRS_F64 && !ctx->info.fp64) {
        if (!ctx->host_fallback)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: the device has no fp64 for an f64 tensor and host_fallback is off", op);
    } else {
        st = device(ctx, arg, v);
        if (st != CLRS_ERR_BUILD || !ctx->host_fallback) return st;
    }
    clrs__count_fallback(ctx);
    st = CLRS_OK; /* the device's failure is answered by the host run */
    for (i = 0; i < n && st == CLRS_OK; i++, done++) {
        sv[i] = NULL;
        if (!v[i]) continue;
        st = clrs__stage_to_host(ctx, v[i], 1, &staged[i]);
        sv[i] = &staged[i];
    }
    if (st == CLRS_OK) st = host(arg, sv);
    for (i = 0; i < done; i++)
        if (sv[i]) {
            clrs_status s2 = clrs__stage_from_host(ctx, v[i], sv[i], i >= nin && st == CLRS_OK);
            if (st == CLRS_OK) st = s2;
        }
    return st;
}
