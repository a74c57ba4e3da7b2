/* dispatch.c — runs a validated op on the context's device, or on the host: when the context
 * has no device, when the device lacks fp64 for an f64 call, when a host tensor is larger than
 * the device's largest buffer, or when a kernel cannot be built (each with host_fallback). A
 * host run of device tensors stages them through host memory. */
#include "internal.h"

/* The first host tensor the device cannot wrap in one buffer (CL_DEVICE_MAX_MEM_ALLOC_SIZE),
 * or -1. Device tensors exist already, so they fit. */
static int too_large(const clrs_context *ctx, clrs__view **v, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (v[i] && v[i]->host && ctx->info.max_alloc_bytes && v[i]->span > ctx->info.max_alloc_bytes) return i;
    return -1;
}

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
    } else if ((i = too_large(ctx, v, n)) >= 0) {
        if (!ctx->host_fallback)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: %s spans %zu bytes, more than the device's largest buffer (%llu bytes, "
                              "CL_DEVICE_MAX_MEM_ALLOC_SIZE), and host_fallback is off",
                              op, v[i]->name, v[i]->span, (unsigned long long)ctx->info.max_alloc_bytes);
    } else {
        st = device(ctx, arg, v);
        if (st != CLRS_ERR_BUILD || !ctx->host_fallback) return st;
    }
    clrs__count_fallback(ctx);
    if (clrs__verbose_on())
        clrs__verbose("%s: runs on the host (host_fallback): %s", op,
                      dtype == CLRS_F64 && !ctx->info.fp64 ? "the device has no fp64"
                      : too_large(ctx, v, n) >= 0 ? "a host tensor is larger than the device's largest buffer"
                                                 : clrs_error_message());
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
