/* opencl/interpolate.c — the OpenCL backend of interpolate: stages the tensors, uploads the
 * plan's tables and runs the one-pass gather (clrs_interpolate_gather), the two passes
 * (clrs_interpolate_rows into a scratch buffer, then clrs_interpolate_cols), whichever reads
 * fewer elements, or the band kernel (clrs_interpolate_band, with its row and band tables)
 * when the tuning says so (passes 3: the CPU default for bilinear / bicubic 2-D). */
#include "opencl/opencl.h"

#include <math.h>
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

/* ---- band (passes = 3): clrs_interpolate_band --------------------------------------------
 * For CPU devices: a work-group computes `vec` destination rows through local memory (see the
 * kernel). The host lays out the axis-2 taps per row element, tap-major, and finds each band's
 * source rows. Applies to plans with one tap along axis 0 (1-D and 2-D) whose row offsets fit
 * 32 bits and whose band fits the local memory with a row segment of at least 16. */
typedef struct {
    int64_t CB, L, SEG, nseg, nbands, Cp, dj;
    int R, LW, span_max, acc_rows; /* acc_rows: LW when the kernel sums axis 1 in local rows */
    size_t local_bytes;
    int32_t *band;                 /* first source row and count, per band */
} band_geom;

/* The local memory a band may use: the device's, at most 256 KB (a CPU core's L2 share). */
#define BAND_LOCAL_MAX ((size_t)256 << 10)

static int band_plan(const clrs_context *ctx, const clrs__interp_plan *plan, const clrs__view *src,
                     const clrs__view *dst, const clrs_tune_params *tp, band_geom *bg)
{
    const int32_t *tab = plan->tab;
    const size_t acc = plan->dbl ? 8 : 4;
    size_t budget = ctx->info.local_mem_bytes < BAND_LOCAL_MAX ? (size_t)ctx->info.local_mem_bytes : BAND_LOCAL_MAX;
    int64_t ds[5], ss[5], b, y, reach;
    const int64_t C = dst->shape[1], O1 = plan->dst[1], O2 = plan->dst[2];
    memset(bg, 0, sizeof *bg);
    if (plan->fixed[0] != 1 || O1 <= 0 || O2 <= 0 || dst->shape[0] * C <= 0) return 0;
    clrs__axis_strides(dst, ds);
    clrs__axis_strides(src, ss);
    bg->CB = C > 1 && ds[1] == 1 && ds[4] == C ? C : 1; /* channels-last: (o2, c) along the row */
    bg->Cp = C / bg->CB;
    bg->dj = bg->CB > 1 ? 1 : ds[4];
    bg->L = O2 * bg->CB;
    reach = (clrs__view_axis(src, 2) - 1) * (ss[4] < 0 ? -ss[4] : ss[4]) +
            (bg->CB - 1) * (ss[1] < 0 ? -ss[1] : ss[1]);
    if (reach >= INT32_MAX || bg->L > INT32_MAX / (plan->fixed[2] ? plan->fixed[2] : tab[10] ? tab[10] : 1)) return 0;
    bg->R = tp->vec;
    bg->LW = tp->wg > 0 ? (tp->wg < bg->R ? tp->wg : bg->R) : 1;
    if (ctx->info.max_work_group_size && (size_t)bg->LW > ctx->info.max_work_group_size)
        bg->LW = (int)ctx->info.max_work_group_size;
    bg->acc_rows = plan->fixed[1] == 2 || plan->fixed[1] == 4 ? 0 : bg->LW;
    bg->nbands = (O1 + bg->R - 1) / bg->R;
    if (!(bg->band = malloc(sizeof *bg->band * 2 * (size_t)bg->nbands))) return -1;
    for (b = 0; b < bg->nbands; b++) {
        int32_t lo = INT32_MAX, hi = -1;
        for (y = b * bg->R; y < O1 && y < (b + 1) * bg->R; y++) {
            const int32_t n = tab[tab[4] + y], *ix = tab + tab[5] + y * tab[6];
            int t;
            for (t = 0; t < n; t++) {
                if (ix[t] < lo) lo = ix[t];
                if (ix[t] > hi) hi = ix[t];
            }
        }
        bg->band[2 * b] = hi < 0 ? 0 : lo;
        bg->band[2 * b + 1] = hi < 0 ? 0 : hi - lo + 1;
        if (bg->band[2 * b + 1] > bg->span_max) bg->span_max = bg->band[2 * b + 1];
    }
    /* the whole row when it fits, else the longest segment of a multiple of 16 that does */
    bg->SEG = bg->L;
    if ((double)(bg->span_max + bg->acc_rows) * (double)bg->L * (double)acc > (double)budget) {
        bg->SEG = (int64_t)(budget / ((size_t)(bg->span_max + bg->acc_rows) * acc)) / 16 * 16;
        if (bg->SEG < 16) {
            free(bg->band);
            bg->band = NULL;
            return 0;
        }
    }
    bg->nseg = (bg->L + bg->SEG - 1) / bg->SEG;
    bg->local_bytes = (size_t)(bg->span_max + bg->acc_rows) * (size_t)bg->SEG * acc;
    if (!bg->local_bytes) bg->local_bytes = acc;
    return 1;
}

/* The axis-2 taps per row element j = o2 * CB + c, tap-major: offsets from the row's base,
 * weights, counts. */
static clrs_status band_run(clrs__cl_call *c, const clrs__interp_plan *plan, const clrs__view *src,
                            const clrs__view *dst, const band_geom *bg, cl_mem tab, cl_mem wt)
{
    clrs_context *ctx = c->ctx;
    const int32_t *t = plan->tab;
    const int k2 = t[10];
    const size_t acc = plan->dbl ? 8 : 4, n = (size_t)k2 * (size_t)bg->L;
    const int64_t planes = dst->shape[0] * dst->shape[1] / bg->CB;
    int64_t ss[5], ds[5], j;
    int32_t *roff = malloc(sizeof *roff * (n ? n : 1)), *rcnt = malloc(sizeof *rcnt * (size_t)bg->L);
    unsigned char *rw = malloc(acc * (n ? n : 1));
    cl_mem mband = NULL, mroff = NULL, mrw = NULL, mrcnt = NULL;
    cl_int err = CL_SUCCESS;
    clrs__args a;
    clrs_status st;
    clrs__axis_strides(src, ss);
    if (!roff || !rw || !rcnt) {
        st = clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for the band tables");
        goto done;
    }
    for (j = 0; j < bg->L; j++) {
        const int64_t o2 = j / bg->CB, ch = j % bg->CB;
        const int32_t cnt = t[t[8] + o2], *ix = t + t[9] + o2 * k2;
        int u;
        rcnt[j] = cnt;
        for (u = 0; u < k2; u++) {
            const size_t e = (size_t)u * (size_t)bg->L + (size_t)j, w = (size_t)t[11] + (size_t)(o2 * k2 + u);
            roff[e] = u < cnt ? (int32_t)(ix[u] * ss[4] + ch * ss[1]) : 0;
            if (plan->dbl) ((double *)(void *)rw)[e] = u < cnt ? ((const double *)plan->wt)[w] : 0.0;
            else ((float *)(void *)rw)[e] = u < cnt ? ((const float *)plan->wt)[w] : 0.0f;
        }
    }
    mband = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(int32_t) * 2 * (size_t)bg->nbands,
                           bg->band, &err);
    if (mband)
        mroff = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(int32_t) * (n ? n : 1), roff, &err);
    if (mroff) mrw = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, acc * (n ? n : 1), rw, &err);
    if (mrw)
        mrcnt = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(int32_t) * (size_t)bg->L, rcnt,
                               &err);
    if (!mrcnt) {
        st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(band tables)");
        goto done;
    }
    if ((st = clrs__cl_kernel(c, "clrs_interpolate_band", &a)) == CLRS_OK) {
        const size_t global[3] = {(size_t)bg->LW * (size_t)bg->nseg, (size_t)bg->nbands, (size_t)(planes * plan->dst[0])};
        const size_t local[3] = {(size_t)bg->LW, 1, 1};
        clrs__axis_strides(dst, ds);
        clrs__arg_mem(&a, c->bufs[0].mem);
        clrs__arg_long(&a, (int64_t)c->bufs[0].elem_offset);
        clrs__arg_long(&a, ss[0]), clrs__arg_long(&a, ss[1]), clrs__arg_long(&a, ss[2]), clrs__arg_long(&a, ss[3]);
        clrs__arg_mem(&a, c->bufs[1].mem);
        clrs__arg_long(&a, (int64_t)c->bufs[1].elem_offset);
        clrs__arg_long(&a, ds[0]), clrs__arg_long(&a, ds[1]), clrs__arg_long(&a, ds[2]), clrs__arg_long(&a, ds[3]);
        clrs__arg_long(&a, bg->dj);
        clrs__arg_long(&a, bg->Cp);
        clrs__arg_long(&a, plan->dst[0]);
        clrs__arg_long(&a, plan->dst[1]);
        clrs__arg_long(&a, bg->L);
        clrs__arg_long(&a, bg->SEG);
        clrs__arg_int(&a, bg->R);
        clrs__arg_int(&a, bg->span_max);
        clrs__arg_mem(&a, tab);
        clrs__arg_mem(&a, wt);
        clrs__arg_mem(&a, mband);
        clrs__arg_mem(&a, mroff);
        clrs__arg_mem(&a, mrw);
        clrs__arg_mem(&a, mrcnt);
        clrs__arg(&a, bg->local_bytes, NULL);
        a.exact_local = 1; /* local memory and segments assume LW work-items a group */
        st = clrs__cl_run(c, &a, 3, global, local);
    }
done:
    /* the queue keeps the buffers alive until the kernel has finished */
    if (mband) clReleaseMemObject(mband);
    if (mroff) clReleaseMemObject(mroff);
    if (mrw) clReleaseMemObject(mrw);
    if (mrcnt) clReleaseMemObject(mrcnt);
    free(roff);
    free(rw);
    free(rcnt);
    return st;
}

/* ---- picks and integer-factor boxes along rows (interpolate_box.cl) ------------------------
 * The plan's special forms: nearest forward (a pick on every axis) and area / nearest
 * backward at integer factors (axis 0 a pick, axes 1 and 2 blocks). Tuned as "interpolate_pick"
 * and "interpolate_block": passes 1 runs them, 2 the general gather, 0 by device type (a CPU
 * device runs them); vec * 16 destinations per work-item. The box path only where both
 * block weights are powers of two (area 2x, 4x, 8x ...; nearest's backward, weight 1): there
 * its order gives the general gather's bits, except where a partial sum overflows or a
 * product would be subnormal (the gather scales each element first: e.g. [FLT_MAX, FLT_MAX]
 * area 2x gives FLT_MAX there, inf here, as on the host's rows_block). Returns 0 (nothing enqueued) when the plan has
 * neither form or the general gather is to run. */
static int pow2_weight(const clrs__interp_plan *plan, int a)
{
    const double w = plan->dbl ? ((const double *)plan->wt)[plan->tab[4 * a + 3]]
                               : ((const float *)plan->wt)[plan->tab[4 * a + 3]];
    int e;
    return w > 0 && frexp(w, &e) == 0.5;
}

static int box_form(const clrs__interp_plan *plan, int64_t *k1, int64_t *k2)
{
    *k1 = *k2 = 0;
    if (plan->dst[0] < 1 || plan->dst[1] < 1 || plan->dst[2] < 1 || !clrs__interp_axis_is_unit(plan, 0)) return 0;
    if (clrs__interp_axis_is_unit(plan, 1) && clrs__interp_axis_is_unit(plan, 2)) return 1;
    *k1 = clrs__interp_block_taps(plan, 1);
    *k2 = *k1 ? clrs__interp_block_taps(plan, 2) : 0;
    if (*k1 < 1 || *k2 < 1 || *k1 * *k2 < 2 || !pow2_weight(plan, 1) || !pow2_weight(plan, 2)) return 0;
    return 2;
}

static int interp_box(clrs_context *ctx, const clrs__interp_plan *plan, const clrs__view *src,
                      const clrs__view *dst, clrs_status *st, const char **kernel)
{
    const int64_t planes = dst->shape[0] * dst->shape[1];
    const size_t acc_size = plan->dbl ? 8 : 4;
    int64_t k1, k2, s[5], run;
    const int form = dst->dtype == CLRS_U8 ? 0 : box_form(plan, &k1, &k2);
    const char *kname = form == 1 ? "interpolate_pick" : "interpolate_block";
    clrs_tune_params tp;
    clrs__cl_call c;
    clrs__args a;
    cl_mem tab = NULL, wt = NULL;
    size_t global[3], local[3];
    char options[128];
    cl_int err;
    if (!form || planes == 0) return 0;
    *kernel = kname;
    clrs__tune_get(ctx, kname, "all", &tp);
    if (tp.passes == 2 || (tp.passes == 0 && ctx->info.type != CLRS_DEVICE_CPU)) return 0;
    run = (int64_t)tp.vec * 16;
    {
        int64_t ss[5], ds[5], o;
        int dup2 = form == 1;
        clrs__axis_strides(src, ss);
        clrs__axis_strides(dst, ds);
        for (o = 0; o < plan->dst[2] && dup2; o++) dup2 = plan->tab[plan->tab[9] + o * plan->tab[10]] == o / 2;
        snprintf(options, sizeof options, "-DCLRS_BOX_K1=%d -DCLRS_BOX_K2=%d -DCLRS_UNIT_ROWS=%d -DCLRS_PICK_DUP2=%d",
                 form == 2 && (k1 == 2 || k1 == 4 || k1 == 8) ? (int)k1 : 0,
                 form == 2 && (k2 == 2 || k2 == 4 || k2 == 8) ? (int)k2 : 0,
                 (ss[4] == 1 || clrs__view_axis(src, 2) == 1) && (ds[4] == 1 || plan->dst[2] == 1), dup2);
    }
    if ((*st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate_box.cl", dst->dtype, options)) != CLRS_OK)
        return 1;
    if ((*st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (*st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK) {
        *st = clrs__cl_call_end(&c, *st);
        return 1;
    }
    tab = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->tab_len * sizeof(int32_t),
                         plan->tab, &err);
    if (tab && form == 2)
        wt = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, plan->wt_len * acc_size, plan->wt, &err);
    if (!tab || (form == 2 && !wt)) {
        *st = clrs__cl_fail(err, "interpolate", "clCreateBuffer(tables)");
    } else if ((*st = clrs__cl_kernel(&c, form == 1 ? "clrs_interpolate_pick" : "clrs_interpolate_block", &a)) ==
               CLRS_OK) {
        global[0] = (size_t)((plan->dst[2] + run - 1) / run);
        global[1] = (size_t)plan->dst[1];
        global[2] = (size_t)(planes * plan->dst[0]);
        clrs__axis_strides(src, s);
        clrs__arg_tensor(&a, &c.bufs[0], s);
        clrs__axis_strides(dst, s);
        clrs__arg_tensor(&a, &c.bufs[1], s);
        clrs__arg_long(&a, dst->shape[1]);
        clrs__arg_long(&a, plan->dst[0]);
        clrs__arg_long(&a, plan->dst[2]);
        if (form == 2) {
            clrs__arg_long(&a, k1);
            clrs__arg_long(&a, k2);
        }
        clrs__arg_mem(&a, tab);
        if (form == 2) clrs__arg_mem(&a, wt);
        clrs__arg_long(&a, run);
        *st = clrs__cl_run(&c, &a, 3, global, clrs__cl_local_for(ctx, tp.wg, 3, global, local));
    }
    if (tab) clReleaseMemObject(tab);
    if (wt) clReleaseMemObject(wt);
    *st = clrs__cl_call_end(&c, *st);
    return 1;
}

static clrs_status interp_general(clrs_context *ctx, const clrs__interp_plan *plan,
                                  const clrs__view *src, const clrs__view *dst);

/* The row kernels where the plan has their form and the tuning says so, else the general
 * gather; a plan of their form records their tuning choice as the call's last (so that
 * clrs-tune searches passes 1 against 2 for it). */
clrs_status clrs__cl_interp_gather(clrs_context *ctx, const clrs__interp_plan *plan,
                                   const clrs__view *src, const clrs__view *dst)
{
    const char *kernel = NULL;
    clrs_status st;
    if (interp_box(ctx, plan, src, dst, &st, &kernel)) return st;
    st = interp_general(ctx, plan, src, dst);
    if (kernel) {
        clrs_tune_params tp;
        clrs__tune_get(ctx, kernel, "all", &tp);
    }
    return st;
}

static clrs_status interp_general(clrs_context *ctx, const clrs__interp_plan *plan,
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
    band_geom bg = {0};
    int use_band = 0;
    clrs_status st;

    shape_class(plan, src, klass, sizeof klass);
    clrs__tune_get(ctx, "interpolate", klass, &tp);
    if (tp.passes == 3 && planes > 0) {
        if ((use_band = band_plan(ctx, plan, src, dst, &tp, &bg)) < 0)
            return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for the band tables");
    }
    two = !use_band && planes > 0 && use_two_passes(plan, src, tp.passes) &&
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
    if ((st = clrs__cl_call_begin(&c, ctx, "interpolate", "interpolate.cl", dst->dtype, options)) != CLRS_OK) {
        free(bg.band);
        return st;
    }
    if (planes == 0) return CLRS_OK;
    if ((st = clrs__cl_call_view(&c, 0, src, 0)) != CLRS_OK || (st = clrs__cl_call_view(&c, 1, dst, 1)) != CLRS_OK) {
        free(bg.band);
        return clrs__cl_call_end(&c, st);
    }
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
    } else if (use_band) {
        st = band_run(&c, plan, src, dst, &bg, tab, wt);
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
    free(bg.band);
    return clrs__cl_call_end(&c, st);
}

static void u8_scratch_arg(clrs__args *a, cl_mem tmp, const int64_t *ts)
{
    clrs__arg_mem(a, tmp);
    clrs__arg_long(a, 0);
    clrs__arg_long(a, ts[0]), clrs__arg_long(a, ts[1]), clrs__arg_long(a, 0);
    clrs__arg_long(a, ts[2]), clrs__arg_long(a, ts[3]);
}

void clrs__cl_u8_point_args(clrs__args *a, clrs__cl_call *c, int first, int last, const int64_t *s,
                            const int64_t *d, cl_mem tmp, const int64_t *ts, const int64_t *shape, int axis)
{
    if (first) clrs__arg_tensor(a, &c->bufs[0], s);
    else u8_scratch_arg(a, tmp, ts);
    if (last) clrs__arg_tensor(a, &c->bufs[1], d);
    else u8_scratch_arg(a, tmp, ts);
    clrs__arg_long(a, shape[1]);
    clrs__arg_long(a, shape[2]);
    clrs__arg_long(a, shape[3]);
    clrs__arg_int(a, axis);
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
    clrs__axis_strides(src, s);
    clrs__axis_strides(dst, d);
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
        clrs__cl_u8_point_args(&a, &c, i == 0, last, s, d, tmp, ts, shape, plan->axis[i]);
        clrs__arg_mem(&a, tab);
        clrs__arg_long(&a, (int64_t)plan->off[i]);
        st = clrs__cl_run(&c, &a, 3, global, clrs__cl_tuned_local(ctx, "interpolate_u8", "all", 3, global, local));
    }
    if (tab) clReleaseMemObject(tab);
    if (tmp) clReleaseMemObject(tmp);
    return clrs__cl_call_end(&c, st);
}
