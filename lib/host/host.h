/* host/host.h — the host backend's entry points (C + OpenMP). */
#ifndef CLRS_HOST_H
#define CLRS_HOST_H

#include "plan/plan.h"

/* Runs an interpolate gather plan; src and dst are host views. */
clrs_status clrs__host_interp_gather(const clrs__interp_plan *plan, const clrs__view *src,
                                     const clrs__view *dst);

#endif /* CLRS_HOST_H */
