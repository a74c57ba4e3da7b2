/* opencl/interpolate.c — the OpenCL backend of interpolate: stages the tensors, uploads the
 * plan's tables and runs either the one-pass gather (clrs_interpolate_gather) or the two
 * passes (clrs_interpolate_rows into a scratch buffer, then clrs_interpolate_cols), whichever
 * reads fewer elements. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Average taps per destination on axis a. */
static double mean_taps(const clrs__interp_plan *plan, int a)
{
    const int32_t *cnt = plan->tab + plan->tab[4 * a];
    double sum = 0;
    int64_t o;
    for (o = 0; o < plan->dst[a]; o++) sum += cnt[o];
    return plan->dst[a] ? sum / (double)plan->dst[a] : 0;
}

/* Elements read per destination element, one pass against two (tmp's write and reads
 * counted); the tuned `passes` (or CLRS_INTERP_PASSES=1|2) forces one. */
static int use_two_passes(const clrs__interp_plan *plan, const clrs__view *src, int passes)
{
    const double t0 = mean_taps(plan, 0), t1 = mean_taps(plan, 1), t2 = mean_taps(plan, 2);
    const double rows_per_dst = (double)clrs__view_axis(src, 0) * (double)clrs__view_axis(src, 1) /
                                ((double)plan->dst[0] * (double)plan->dst[1]);
    if (passes == 1 || passes == 2) return passes == 2;
    return rows_per_dst * (t2 + 1) + t0 * t1 < t0 * t1 * t2;
}

/* The tuning shape class: the tap count per table axis, 'v' where it varies ("taps1-2-2"),
 * "-down" when the destination has fewer elements than the source (a 2x backward sums 2
 * taps per axis like a 2x forward, but reads four times what it writes). */
static void shape_class(const clrs__interp_plan *plan, const clrs__view *src, char *out, size_t cap)
{
    const double src_n = (double)clrs__view_axis(src, 0) * (double)clrs__view_axis(src, 1) * (double)clrs__view_axis(src, 2);
    const double dst_n = (double)plan->dst[0] * (double)plan->dst[1] * (double)plan->dst[2];
    char t[3][4];
    int a;
    for (a = 0; a < 3; a++) {
        if (plan->fixed[a] > 0 && plan->fixed[a] < 1000) snprintf(t[a], sizeof t[a], "%d", plan->fixed[a]);
        else snprintf(t[a], sizeof t[a], "v");
    }
    snprintf(out, cap, "taps%s-%s-%s%s", t[0], t[1], t[2], dst_n < src_n ? "-down" : "");
}

/* Every element offset of v, and partial sums of them, fit in a 32-bit int. */
static int offsets_fit_int32(const clrs__view *v)
{
    return (double)(v->mem ? v->offset / v->esize : 0) + (double)(v->span / v->esize) < 1073741824.0;
}

/* A work-group shape: the largest divisors of the global sizes within a budget of wg
 * work-items (the tuned parameter; 0: the runtime chooses), dimension 0 first. */
const size_t *clrs__cl_local_for(const clrs_context *ctx, int wg, cl_uint dims, const size_t *global, size_t *local)
{
    size_t budget = (size_t)wg, d, left;
    cl_uint i;
    if (!budget) return NULL;
    if (ctx->info.max_work_group_size && budget > ctx->info.max_work_group_size) budget = ctx->info.max_work_group_size;
    left = budget;
    for (i = 0; i < dims; i++) {
        for (d = left < global[i] ? left : global[i]; d > 1 && global[i] % d; d--) ;
        local[i] = d ? d : 1;
        left /= local[i];
        if (!left) left = 1;
    }
    return local;
}

const size_t *clrs__cl_tuned_local(clrs_context *ctx, const char *kernel, const char *shape_class,
                                   cl_uint dims, const size_t *global, size_t *local)
{
    clrs_tune_params tp;
    clrs__tune_get(ctx, kernel, shape_class, &tp);
    return clrs__cl_local_for(ctx, tp.wg, dims, global, local);
}

clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst)
{
    const int64_t planes = dst->shape[0] * dst->shape[1];
    const int64_t S0 = clrs__view_axis(src, 0), S1 = clrs__view_axis(src, 1);
    const size_t acc_size = plan->dbl ? 8 : 4;
    const double tmp_elems = (double)planes * (double)S0 * (double)S1 * (double)plan->dst[2];
    clrs_tune_params tp;
    char klass[32];
    int two;
    int64_t s[5];
    clrs__cl_call c;
    clrs__args a;
    cl_mem tab = NULL, wt = NULL, tmp = NULL;
    size_t local[3];
    cl_int err;
    char options[160];
    clrs_status st;

    shape_class(plan, src, klass, sizeof klass);
    clrs__tune_get(ctx, "interpolate", klass, &tp);
    two = planes > 0 && use_two_passes(plan, src, tp.passes) &&
          tmp_elems * (double)acc_size <= (double)ctx->info.max_alloc_bytes;

    /* constant tap counts where the plan has them: the loops unroll (a few variants at most:
     * 1, 2 or 4 taps per axis for nearest, linear, cubic) */
    snprintf(options, sizeof options, "-DCLRS_TAPS0=%d -DCLRS_TAPS1=%d -DCLRS_TAPS2=%d",
             plan->fixed[0] <= 4 ? plan->fixed[0] : 0, plan->fixed[1] <= 4 ? plan->fixed[1] : 0,
             plan->fixed[2] <= 4 ? plan->fixed[2] : 0);
    if (two && offsets_fit_int32(src) && offsets_fit_int32(dst) && tmp_elems < 1073741824.0)
        strcat(options, " -DCLRS_IDX32");
    if (two && tp.vec != 4) /* 4: the kernel file's default, one program less to build */
        snprintf(options + strlen(options), sizeof options - strlen(options), " -DCLRS_VEC=%d", tp.vec);
    if ((st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate.cl", dst->dtype, options)) != CLRS_OK)
        return st;
    if (planes == 0) return CLRS_OK;
    if ((st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK)
        return clrs__cl_call_end(&c, st);
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->tab_len * sizeof(int32_t),
                         plan->tab, &err);
    if (tab)
        wt = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                            (plan->wt_len ? plan->wt_len : 1) * acc_size, plan->wt, &err);
    if (wt && two)
        tmp = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE | CL_MEM_HOST_NO_ACCESS, (size_t)tmp_elems * acc_size,
                             NULL, &err);
    if (!wt || (two && !tmp)) {
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(tables)");
    } else if (two) {
        if ((st = clrs__cl_kernel(&c, "clrs_interpolate_rows", &a)) == CLRS_OK) {
            size_t global[3] = {(size_t)(plan->dst[2] + tp.vec - 1) / (size_t)tp.vec, (size_t)S1, (size_t)(planes * S0)};
            clrs__axis_strides(src, s);
            clrs__arg_tensor(&a, &c.bufs[0], s);
            clrs__arg_long(&a, dst->shape[1]);
            clrs__arg_long(&a, S0);
            clrs__arg_long(&a, S1);
            clrs__arg_long(&a, plan->dst[2]);
            clrs__arg_mem(&a, tab);
            clrs__arg_mem(&a, wt);
            clrs__arg_mem(&a, tmp);
            st = clrs__cl_run(&c, &a, 3, global, clrs__cl_local_for(ctx, tp.wg, 3, global, local));
        }
        if (st == CLRS_OK && (st = clrs__cl_kernel(&c, "clrs_interpolate_cols", &a)) == CLRS_OK) {
            size_t global[3] = {(size_t)(plan->dst[2] + tp.vec - 1) / (size_t)tp.vec, (size_t)plan->dst[1],
                                (size_t)(planes * plan->dst[0])};
            clrs__arg_mem(&a, tmp);
            clrs__arg_long(&a, dst->shape[1]);
            clrs__arg_long(&a, S0);
            clrs__arg_long(&a, S1);
            clrs__axis_strides(dst, s);
            clrs__arg_tensor(&a, &c.bufs[1], s);
            clrs__arg_long(&a, plan->dst[0]);
            clrs__arg_long(&a, plan->dst[2]);
            clrs__arg_mem(&a, tab);
            clrs__arg_mem(&a, wt);
            st = clrs__cl_run(&c, &a, 3, global, clrs__cl_local_for(ctx, tp.wg, 3, global, local));
        }
    } else if ((st = clrs__cl_kernel(&c, "clrs_interpolate_gather", &a)) == CLRS_OK) {
        size_t global[3] = {(size_t)plan->dst[2], (size_t)plan->dst[1], (size_t)(planes * plan->dst[0])};
        clrs__axis_strides(src, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__axis_strides(dst, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__arg_long(&a, dst->shape[1]);
        clrs__arg_long(&a, plan->dst[0]);
        clrs__arg_long(&a, plan->dst[1]);
        clrs__arg_long(&a, plan->dst[2]);
        clrs__arg_mem(&a, tab);
        clrs__arg_mem(&a, wt);
        st = clrs__cl_run(&c, &a, 3, global, clrs__cl_local_for(ctx, tp.wg, 3, global, local));
    }
    /* the queue keeps the tables and the scratch alive until the kernels have finished */
    if (tab) clReleaseMemObject(tab);
    if (wt) clReleaseMemObject(wt);
    if (tmp) clReleaseMemObject(tmp);
    return clrs__cl_call_end(&c, st);
}

/* ---- uint8: PyTorch's int16 passes ---------------------------------------------------------
 * Each pass is one launch of clrs_interpolate_u8_pass (one work-item per byte: the tuned `vec`
 * of "interpolate_u8" is 1, the GPU default; above 1, the CPU default, opencl/interpolate_u8.c
 * runs kernels/interpolate_u8.cl instead, same bytes); two passes meet in a uint8 scratch image
 * (N, C, H, OW) laid out like the source (clrs__u8_tmp_strides). */
clrs_status clrs__cl_interp_u8(clrs_context *ctx, const clrs__u8_plan *plan, const clrs__view *src,
                               const clrs__view *dst)
{
    int64_t s[5], d[5], ts[4], tshape[4];
    clrs__cl_call c;
    clrs__args a;
    cl_mem tab = NULL, tmp = NULL;
    size_t local[3];
    cl_int err = CL_SUCCESS;
    clrs_status st;
    clrs_tune_params tp;
    int i;

    clrs__tune_get(ctx, "interpolate_u8", "all", &tp);
    if (tp.vec > 1) return clrs__cl_interp_u8_vec(ctx, plan, src, dst, &tp);
    if ((st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate.cl", CLRS_U8, NULL)) != CLRS_OK)
        return st;
    if ((st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK)
        return clrs__cl_call_end(&c, st);
    tshape[0] = dst->shape[0], tshape[1] = dst->shape[1], tshape[2] = src->shape[2], tshape[3] = dst->shape[3];
    clrs__u8_tmp_strides(src, tshape, ts);
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->tab_len * sizeof(int32_t),
                         plan->tab, &err);
    if (tab && plan->npass == 2)
        tmp = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE | CL_MEM_HOST_NO_ACCESS,
                             (size_t)(tshape[0] * tshape[1] * tshape[2] * tshape[3]), NULL, &err);
    if (!tab || (plan->npass == 2 && !tmp))
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(uint8 tables / scratch)");
    for (i = 0; i < plan->npass && st == CLRS_OK; i++) {
        const int last = i == plan->npass - 1;
        const int64_t *shape = last ? dst->shape : tshape;
        size_t global[3];
        global[0] = (size_t)shape[3], global[1] = (size_t)shape[2], global[2] = (size_t)(shape[0] * shape[1]);
        if ((st = clrs__cl_kernel(&c, "clrs_interpolate_u8_pass", &a)) != CLRS_OK) break;
        if (i == 0) {
            clrs__axis_strides(src, s);
            clrs__arg_tensor(&a, &c.bufs[0], s);
        } else {
            clrs__arg_mem(&a, tmp);
            clrs__arg_long(&a, 0);
            clrs__arg_long(&a, ts[0]), clrs__arg_long(&a, ts[1]), clrs__arg_long(&a, 0);
            clrs__arg_long(&a, ts[2]), clrs__arg_long(&a, ts[3]);
        }
        if (last) {
            clrs__axis_strides(dst, d);
            clrs__arg_tensor(&a, &c.bufs[1], d);
        } else {
            clrs__arg_mem(&a, tmp);
            clrs__arg_long(&a, 0);
            clrs__arg_long(&a, ts[0]), clrs__arg_long(&a, ts[1]), clrs__arg_long(&a, 0);
            clrs__arg_long(&a, ts[2]), clrs__arg_long(&a, ts[3]);
        }
        clrs__arg_long(&a, shape[1]);
        clrs__arg_long(&a, shape[2]);
        clrs__arg_long(&a, shape[3]);
        clrs__arg_int(&a, plan->axis[i]);
        clrs__arg_mem(&a, tab);
        clrs__arg_long(&a, (int64_t)plan->off[i]);
        st = clrs__cl_run(&c, &a, 3, global, clrs__cl_tuned_local(ctx, "interpolate_u8", "all", 3, global, local));
    }
    if (tab) clReleaseMemObject(tab);
    if (tmp) clReleaseMemObject(tmp);
    return clrs__cl_call_end(&c, st);
}
