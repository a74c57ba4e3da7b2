/* opencl/opencl.h — the OpenCL backend's entry points: buffers, kernel arguments, NDRange. */
#ifndef CLRS_OPENCL_H
#define CLRS_OPENCL_H

#include "plan/plan.h"

/* Runs an interpolate gather plan on the context's device. src and dst may be host views
 * (wrapped, and synchronised before return) or device views (enqueued only). Returns
 * CLRS_ERR_BUILD when the kernel cannot be built, before anything is enqueued. */
clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst);

#endif /* CLRS_OPENCL_H */
