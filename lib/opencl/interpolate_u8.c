/* opencl/interpolate_u8.c — the vector-shaped launch of the uint8 bilinear / bicubic / lanczos
 * passes (kernels/interpolate_u8.cl), chosen by clrs__cl_interp_u8 (opencl/interpolate.c) when
 * the tuned `vec` of "interpolate_u8" is above 1 (the CPU default); vec 1 keeps the one
 * work-item per byte kernel of interpolate.cl (the GPU default). Both give the same bytes. */
#include "opencl/opencl.h"

#include <stdio.h>
#include <string.h>

/* One pass' four axes (N, C, H, W) with their sizes, source and destination strides, in the
 * order the kernel wants: innermost destination stride first, axes of size 1 last. */
typedef struct {
    int64_t size[4], ss[4], ds[4];
    int m[4];
} u8_axes;

/* Folds a1 into a0 while neither is resampled and a1 continues a0 in both tensors (the
 * channels and columns of a channels-last H pass become one run of bytes). */
static void merge_axes(u8_axes *x)
{
    int j;
    while (!x->m[0] && !x->m[1] && x->size[1] > 1 && x->ss[1] == x->ss[0] * x->size[0] &&
           x->ds[1] == x->ds[0] * x->size[0]) {
        x->size[0] *= x->size[1];
        for (j = 1; j < 3; j++)
            x->size[j] = x->size[j + 1], x->ss[j] = x->ss[j + 1], x->ds[j] = x->ds[j + 1], x->m[j] = x->m[j + 1];
        x->size[3] = 1, x->ss[3] = x->ds[3] = 0, x->m[3] = 0;
    }
}

static void order_axes(u8_axes *x)
{
    int i, j;
    for (i = 1; i < 4; i++)
        for (j = i; j > 0; j--) {
            const int one_a = x->size[j - 1] == 1, one_b = x->size[j] == 1;
            int64_t t;
            int tm;
            if (one_a < one_b || (one_a == one_b && x->ds[j - 1] <= x->ds[j])) break;
            t = x->size[j], x->size[j] = x->size[j - 1], x->size[j - 1] = t;
            t = x->ss[j], x->ss[j] = x->ss[j - 1], x->ss[j - 1] = t;
            t = x->ds[j], x->ds[j] = x->ds[j - 1], x->ds[j - 1] = t;
            tm = x->m[j], x->m[j] = x->m[j - 1], x->m[j - 1] = tm;
        }
}

/* The largest element a tensor of this shape and these strides reaches, plus one. */
static double reach(const int64_t shape[4], const int64_t s[4], double off)
{
    int i;
    for (i = 0; i < 4; i++) off += (double)(shape[i] - 1) * (double)s[i];
    return off + 1;
}

clrs_status clrs__cl_interp_u8_vec(clrs_context *ctx, const clrs__u8_plan *plan, const clrs__view *src,
                                   const clrs__view *dst, const clrs_tune_params *tp)
{
    int64_t s5[5], d5[5], ts[4], tshape[4], steps[2] = {0, 0};
    u8_axes xs[2];
    int unit[2] = {0, 0}, chan[2] = {0, 0};
    clrs__cl_call c;
    clrs__args a;
    cl_mem tab = NULL, tmp = NULL;
    size_t local[3];
    cl_int err = CL_SUCCESS;
    clrs_status st;
    char options[128];
    double far = 0;
    int i, j, idx32;

    tshape[0] = dst->shape[0], tshape[1] = dst->shape[1], tshape[2] = src->shape[2], tshape[3] = dst->shape[3];
    clrs__u8_tmp_strides(src, tshape, ts);
    clrs__axis_strides(src, s5);
    clrs__axis_strides(dst, d5);
    for (i = 0; i < plan->npass; i++) {
        const int last = i == plan->npass - 1, ax = plan->axis[i];
        const int64_t *shape = last ? dst->shape : tshape;
        u8_axes *x = &xs[i];
        for (j = 0; j < 4; j++) {
            x->size[j] = shape[j];
            x->ss[j] = i == 0 ? s5[j < 2 ? j : j + 1] : ts[j];
            x->ds[j] = last ? d5[j < 2 ? j : j + 1] : ts[j];
            x->m[j] = j == ax;
        }
        steps[i] = x->ss[ax];
        x->ss[ax] = 0;
        order_axes(x);
        merge_axes(x);
        unit[i] = !x->m[0] && x->ss[0] == 1 && x->ds[0] == 1;
        chan[i] = unit[i] && x->size[0] >= 2 && x->size[0] <= 4 ? (int)x->size[0] : 0;
    }
    /* every offset the kernel forms (source, destination, scratch) below 2^31 (as
     * offsets_fit_int32 in opencl/interpolate.c judges a view) */
    {
        const double r[3] = {(double)(src->mem ? src->offset : 0) + (double)src->span,
                             (double)(dst->mem ? dst->offset : 0) + (double)dst->span, reach(tshape, ts, 0)};
        for (i = 0; i < 3; i++) far = r[i] > far ? r[i] : far;
    }
    idx32 = far < 1073741824.0;
    snprintf(options, sizeof options, "-DCLRS_U8_UA=%d -DCLRS_U8_UB=%d -DCLRS_U8_CA=%d -DCLRS_U8_CB=%d -DCLRS_VEC=%d%s",
             unit[0], unit[1], chan[0], chan[1], tp->vec, idx32 ? " -DCLRS_IDX32" : "");
    if ((st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate_u8.cl", CLRS_U8, options)) != CLRS_OK)
        return st;
    if ((st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK)
        return clrs__cl_call_end(&c, st);
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->tab_len * sizeof(int32_t),
                         plan->tab, &err);
    if (tab && plan->npass == 2)
        tmp = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE | CL_MEM_HOST_NO_ACCESS,
                             (size_t)(tshape[0] * tshape[1] * tshape[2] * tshape[3]), NULL, &err);
    if (!tab || (plan->npass == 2 && !tmp))
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(uint8 tables / scratch)");
    for (i = 0; i < plan->npass && st == CLRS_OK; i++) {
        const int last = i == plan->npass - 1, rows = !xs[i].m[0];
        const u8_axes *x = &xs[i];
        size_t global[3];
        if (!rows) { /* the resampled axis innermost: as clrs_interpolate_u8_pass */
            const int64_t *shape = last ? dst->shape : tshape;
            global[0] = (size_t)shape[3], global[1] = (size_t)shape[2], global[2] = (size_t)(shape[0] * shape[1]);
            if ((st = clrs__cl_kernel(&c, "clrs_interpolate_u8_point", &a)) != CLRS_OK) break;
            clrs__cl_u8_point_args(&a, &c, i == 0, last, s5, d5, tmp, ts, shape, plan->axis[i]);
        } else {
            global[0] = (size_t)(chan[i] ? 1 : unit[i] ? (x->size[0] + tp->vec - 1) / tp->vec : x->size[0]);
            global[1] = (size_t)x->size[1], global[2] = (size_t)(x->size[2] * x->size[3]);
            if ((st = clrs__cl_kernel(&c, i == 0 ? "clrs_interpolate_u8_rows_a" : "clrs_interpolate_u8_rows_b", &a)) !=
                CLRS_OK)
                break;
            clrs__arg_mem(&a, i == 0 ? c.bufs[0].mem : tmp);
            clrs__arg_long(&a, i == 0 ? (int64_t)c.bufs[0].elem_offset : 0);
            for (j = 0; j < 4; j++) clrs__arg_long(&a, x->ss[j]);
            clrs__arg_mem(&a, last ? c.bufs[1].mem : tmp);
            clrs__arg_long(&a, last ? (int64_t)c.bufs[1].elem_offset : 0);
            for (j = 0; j < 4; j++) clrs__arg_long(&a, x->ds[j]);
            clrs__arg_long(&a, x->size[0]);
            clrs__arg_long(&a, x->size[2]);
            for (j = 0; j < 4; j++) clrs__arg_int(&a, x->m[j]);
            clrs__arg_long(&a, steps[i]);
        }
        clrs__arg_mem(&a, tab);
        clrs__arg_long(&a, (int64_t)plan->off[i]);
        st = clrs__cl_run(&c, &a, 3, global, clrs__cl_local_for(ctx, tp->wg, 3, global, local));
    }
    if (tab) clReleaseMemObject(tab);
    if (tmp) clReleaseMemObject(tmp);
    return clrs__cl_call_end(&c, st);
}
