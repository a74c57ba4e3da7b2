/* clrs-bench — times the benchmark workloads (tools/workloads.c) on chosen backends: median
 * and min over repeated runs after a warm-up, effective GB/s (input read once + output
 * written once) and its share of the device's copy bandwidth measured in the same run.
 * Device runs keep the data on the device and time the kernel with profiling events; the
 * host backend uses a monotonic clock. Each output is checked once against the host. */
#include "clresample.h"
#include "workloads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: clrs-bench [--device D[,D...]] [--workload NAME] [--reps N] [--json] [--list]\n"
               "       clrs-bench --first-call [--device D[,D...]]   (a new process's set-up cost)\n"
               "  D: auto, gpu, cpu, host, P:D or part of a device name (default: host,gpu,cpu,\n"
               "     skipping those not present; a device named twice runs once)\n");
}

static void list(int json)
{
    int i, d;
    if (!json) {
        for (i = 0; i < clrs_nworkloads; i++)
            printf("%-24s %s (%.1f MB moved)\n", clrs_workloads[i].name, clrs_workloads[i].description,
                   clrs_workload_bytes(&clrs_workloads[i]) / 1e6);
        return;
    }
    printf("[\n");
    for (i = 0; i < clrs_nworkloads; i++) {
        const clrs_workload *w = &clrs_workloads[i];
        static const char *modes[] = {"nearest", "nearest-exact", "linear", "cubic", "area", "lanczos"};
        static const char *gmodes[] = {"bilinear", "nearest", "bicubic"};
        static const char *pads[] = {"zeros", "border", "reflection"};
        double th[6];
        clrs_workload_theta(th);
        printf("  {\"name\": \"%s\", \"description\": \"%s\", \"op\": \"%s\", \"backward\": %s, "
               "\"mode\": \"%s\", \"padding_mode\": \"%s\", \"antialias\": %s, \"align_corners\": %d, "
               "\"channels_last\": %s, \"dtype\": \"%s\", \"theta\": [%.17g, %.17g, %.17g, %.17g, %.17g, %.17g], \"in_shape\": [",
               w->name, w->description, w->op == CLRS_WL_INTERPOLATE ? "interpolate" : w->op == CLRS_WL_GRID_SAMPLE ? "grid_sample"
               : w->op == CLRS_WL_MAX_UNPOOL ? "max_unpool" : w->op == CLRS_WL_PIXEL_SHUFFLE ? "pixel_shuffle"
               : w->op == CLRS_WL_NDIMAGE ? (clrs_workload_ndi(w)->ndi_op ? "map_coordinates" : "zoom")
               : "conv_transpose",
               w->backward ? "true" : "false",
               w->op == CLRS_WL_INTERPOLATE ? modes[w->params.mode] : gmodes[w->grid.mode],
               pads[w->grid.padding_mode], w->params.antialias ? "true" : "false",
               w->op == CLRS_WL_INTERPOLATE ? w->params.align_corners : w->grid.align_corners,
               w->channels_last ? "true" : "false", w->dtype == CLRS_U8 ? "uint8" : "float32", th[0], th[1], th[2], th[3], th[4], th[5]);
        for (d = 0; d < w->ndim; d++) printf("%s%lld", d ? ", " : "", (long long)w->in_shape[d]);
        printf("], \"scale_factor\": [");
        for (d = 0; d < w->ndim - 2; d++) printf("%s%.17g", d ? ", " : "", w->params.scale_factor[d]);
        printf("], \"kernel\": [");
        for (d = 0; d < w->ndim - 2; d++) printf("%s%lld", d ? ", " : "", (long long)w->unpool.kernel[d]);
        printf("], \"conv_stride\": [");
        for (d = 0; d < w->ndim - 2; d++) printf("%s%lld", d ? ", " : "", (long long)w->conv.stride[d]);
        printf("], \"conv_padding\": [");
        for (d = 0; d < w->ndim - 2; d++) printf("%s%lld", d ? ", " : "", (long long)w->conv.padding[d]);
        printf("], \"weight_shape\": [");
        for (d = 0; d < (w->op == CLRS_WL_CONV_TRANSPOSE ? w->ndim : 0); d++)
            printf("%s%lld", d ? ", " : "", (long long)w->weight_shape[d]);
        printf("], \"factor\": %lld, \"bytes\": %.0f}%s\n", (long long)w->factor, clrs_workload_bytes(w),
               i + 1 < clrs_nworkloads ? "," : "");
    }
    printf("]\n");
}

typedef struct {
    double median, min, gbs, share;
    double check_err;
    int ok;
    int unsupported; /* the backend refused the call as CLRS_ERR_UNSUPPORTED: not a failure */
    char error[200];
} result;

static void run_workload(clrs_context *ctx, clrs_context *host, const clrs_workload *w, int reps,
                         double copy_gbs, result *r)
{
    clrs_workload_tensors ht, dt, rt; /* host data, what the timed call sees, host reference */
    void *data[CLRS_WL_ROLES] = {0}, *ref[CLRS_WL_ROLES] = {0};
    cl_mem mem[CLRS_WL_ROLES] = {0};
    double *times = calloc((size_t)reps, sizeof *times);
    int on_device = clrs_context_cl_queue(ctx) != NULL, rep, k;
    size_t i;
    clrs_status st;

    memset(r, 0, sizeof *r);
    clrs_workload_layout(w, &ht);
    for (k = 0; k < CLRS_WL_ROLES; k++) {
        size_t nb = clrs_workload_role_bytes(&ht.t[k]);
        if (!nb) continue;
        if (!(data[k] = malloc(nb)) || (k >= CLRS_WL_FIRST_OUTPUT && !(ref[k] = malloc(nb)))) {
            snprintf(r->error, sizeof r->error, "out of memory");
            goto done;
        }
        ht.t[k].data = data[k];
    }
    if (clrs_workload_prepare(host, w, &ht) != CLRS_OK) {
        snprintf(r->error, sizeof r->error, "preparing the inputs: %s", clrs_error_message());
        goto done;
    }
    dt = ht;
    rt = ht;
    for (k = CLRS_WL_FIRST_OUTPUT; k < CLRS_WL_ROLES; k++) rt.t[k].data = ref[k];
    if (on_device) { /* data lives on the device: no transfers in the timed region */
        for (k = 0; k < CLRS_WL_ROLES; k++) {
            size_t nb = clrs_workload_role_bytes(&ht.t[k]);
            const int is_in = k < CLRS_WL_FIRST_OUTPUT;
            cl_int err;
            if (!nb) continue;
            mem[k] = clCreateBuffer(clrs_context_cl_context(ctx), CL_MEM_READ_WRITE | (is_in ? CL_MEM_COPY_HOST_PTR : 0),
                                    nb, is_in ? data[k] : NULL, &err);
            if (!mem[k]) {
                snprintf(r->error, sizeof r->error, "cannot allocate device buffers (%d)", (int)err);
                goto done;
            }
            dt.t[k].data = NULL;
            dt.t[k].mem = mem[k];
        }
    }
    for (rep = -1; rep < reps; rep++) { /* rep -1: warm-up (program builds, CLBlast, first enqueue) */
        double t0 = clrs_tool_now_ms(), ms_taken;
        st = clrs_workload_run(ctx, w, &dt);
        if (st == CLRS_OK) st = clrs_context_finish(ctx);
        ms_taken = clrs_tool_now_ms() - t0;
        if (st != CLRS_OK || (on_device && clrs_context_last_kernel_ms(ctx, &ms_taken) != CLRS_OK)) {
            r->unsupported = st == CLRS_ERR_UNSUPPORTED;
            snprintf(r->error, sizeof r->error, "%s", clrs_error_message());
            goto done;
        }
        if (rep >= 0) times[rep] = ms_taken;
    }
    qsort(times, (size_t)reps, sizeof *times, cmp_double);
    r->median = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
    r->min = times[0];
    r->gbs = clrs_workload_bytes(w) / (r->median * 1e6);
    r->share = copy_gbs > 0 ? r->gbs / copy_gbs : 0;
    /* check once against the host so a fast wrong kernel cannot post a number */
    if (on_device) {
        for (k = CLRS_WL_FIRST_OUTPUT; k < CLRS_WL_ROLES; k++)
            if (mem[k] && clEnqueueReadBuffer(clrs_context_cl_queue(ctx), mem[k], CL_TRUE, 0,
                                              clrs_workload_role_bytes(&ht.t[k]), data[k], 0, NULL, NULL) != CL_SUCCESS) {
                snprintf(r->error, sizeof r->error, "cannot read the result back");
                goto done;
            }
        if (clrs_workload_run(host, w, &rt) != CLRS_OK) {
            snprintf(r->error, sizeof r->error, "host check: %s", clrs_error_message());
            goto done;
        }
        for (k = CLRS_WL_FIRST_OUTPUT; k < CLRS_WL_ROLES; k++) {
            const int u8 = ht.t[k].dtype == CLRS_U8;
            double md = 0, mr = 0;
            size_t n = clrs_workload_role_bytes(&ht.t[k]) / (u8 ? 1 : 4);
            for (i = 0; i < n; i++) { /* float32, or uint8 images (which must match exactly) */
                const double av = u8 ? ((const unsigned char *)data[k])[i] : ((const float *)data[k])[i];
                const double bv = u8 ? ((const unsigned char *)ref[k])[i] : ((const float *)ref[k])[i];
                double e = fabs(av - bv);
                if (e > md || isnan(e)) md = isnan(e) ? INFINITY : e;
                if (fabs(bv) > mr) mr = fabs(bv);
            }
            if (n && (mr > 0 ? md / mr : md) > r->check_err) r->check_err = mr > 0 ? md / mr : md;
        }
        if (!(r->check_err <= 1e-5)) {
            snprintf(r->error, sizeof r->error, "WRONG RESULT: rel error %.3g against the host", r->check_err);
            goto done;
        }
    }
    r->ok = 1;
done:
    for (k = 0; k < CLRS_WL_ROLES; k++) {
        if (mem[k]) clReleaseMemObject(mem[k]);
        free(data[k]);
        free(ref[k]);
    }
    free(times);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* --first-call: the set-up a new process pays. Times context creation, then the first
 * interpolate (bilinear, 1x1x8x8 -> 16x16, host tensors, waited for) and a second identical
 * call, and says where the first call's program came from (built, or loaded from the disk
 * cache). Run it twice against one cache directory to see a cold and a warm start. */
static int first_call(const char *spec)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_context *ctx = NULL;
    clrs_cache_stats st;
    float x[64], y[256];
    clrs_tensor tx = {.contiguous = 1}, ty = {.contiguous = 1};
    double t0, t1, t2, t3;
    int i, ok;
    for (i = 0; i < 64; i++) x[i] = (float)i;
    tx.dtype = ty.dtype = CLRS_F32;
    tx.ndim = ty.ndim = 4;
    tx.shape[0] = tx.shape[1] = ty.shape[0] = ty.shape[1] = 1;
    tx.shape[2] = tx.shape[3] = 8;
    ty.shape[2] = ty.shape[3] = 16;
    tx.data = x;
    ty.data = y;
    p.mode = CLRS_LINEAR;
    p.size[0] = p.size[1] = 16;
    o.device = spec;
    o.host_fallback = 0;
    t0 = now_ms();
    if (clrs_context_create(&ctx, &o) != CLRS_OK) {
        fprintf(stderr, "clrs-bench: device %s: %s\n", spec, clrs_error_message());
        return 1;
    }
    t1 = now_ms();
    ok = clrs_interpolate(ctx, &p, &tx, &ty) == CLRS_OK;
    t2 = now_ms();
    ok = ok && clrs_interpolate(ctx, &p, &tx, &ty) == CLRS_OK;
    t3 = now_ms();
    clrs_context_cache_stats(ctx, &st);
    printf("%s: context %.2f ms; first interpolate %.2f ms (program: %s); second %.2f ms%s\n",
           clrs_context_device(ctx)->name, t1 - t0, t2 - t1,
           clrs_context_device(ctx)->type == CLRS_DEVICE_HOST ? "none, host"
           : st.builds ? "built from source" : st.disk_hits ? "disk cache" : "memory",
           t3 - t2, ok ? "" : " FAILED");
    clrs_context_destroy(ctx);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *devices = NULL, *only = NULL;
    int reps = 7, json = 0, want_list = 0, want_first = 0, a, i, failures = 0, first = 1, nseen = 0;
    int default_list;
    clrs_device_info seen[16];
    char *specs, *spec, *save = NULL;
    clrs_context *host = NULL;
    clrs_context_options ho = CLRS_CONTEXT_OPTIONS_INIT;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--device") && a + 1 < argc) devices = argv[++a];
        else if (!strcmp(argv[a], "--workload") && a + 1 < argc) only = argv[++a];
        else if (!strcmp(argv[a], "--reps") && a + 1 < argc) reps = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--json")) json = 1;
        else if (!strcmp(argv[a], "--list")) want_list = 1;
        else if (!strcmp(argv[a], "--first-call")) want_first = 1;
        else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(stdout); return 0; }
        else { usage(stderr); return 2; }
    }
    default_list = devices == NULL;
    if (default_list) devices = "host,gpu,cpu";
    if (want_list) {
        list(json);
        return 0;
    }
    if (want_first) {
        specs = strdup(devices);
        for (spec = strtok_r(specs, ",", &save); spec; spec = strtok_r(NULL, ",", &save))
            failures += first_call(spec);
        free(specs);
        return failures ? 1 : 0;
    }
    if (reps < 1 || reps > 1000) {
        fprintf(stderr, "clrs-bench: --reps must be 1..1000\n");
        return 2;
    }
    if (only) {
        for (i = 0; i < clrs_nworkloads && strcmp(clrs_workloads[i].name, only); i++) {}
        if (i == clrs_nworkloads) {
            fprintf(stderr, "clrs-bench: no workload named %s (see --list)\n", only);
            return 2;
        }
    }
    ho.device = "host";
    if (clrs_context_create(&host, &ho) != CLRS_OK) {
        fprintf(stderr, "clrs-bench: %s\n", clrs_error_message());
        return 1;
    }
    if (json) printf("[\n");
    specs = strdup(devices);
    for (spec = strtok_r(specs, ",", &save); spec; spec = strtok_r(NULL, ",", &save)) {
        clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
        clrs_context *ctx = NULL;
        const clrs_device_info *info;
        double copy_gbs;
        const char *backend;
        o.device = spec;
        o.host_fallback = 0; /* a device number must come from the device */
        if (clrs_context_create(&ctx, &o) != CLRS_OK) {
            if (default_list) continue; /* the default list names what may be there */
            fprintf(stderr, "clrs-bench: device %s: %s\n", spec, clrs_error_message());
            failures++;
            continue;
        }
        info = clrs_context_device(ctx);
        {
            /* "host,auto" on a machine without a GPU names the host twice: run it once */
            int k, dup = 0;
            for (k = 0; k < nseen && !dup; k++)
                dup = seen[k].type == info->type && seen[k].platform_index == info->platform_index &&
                      seen[k].device_index == info->device_index;
            if (dup) {
                if (!json) printf("\n%s: %s again, skipped\n", spec, info->name);
                clrs_context_destroy(ctx);
                continue;
            }
            if (nseen < (int)(sizeof seen / sizeof seen[0])) seen[nseen++] = *info;
        }
        backend = info->type == CLRS_DEVICE_HOST ? "host" : "opencl";
        copy_gbs = clrs_copy_bandwidth(ctx);
        if (!json) {
            printf("\n%s: %s — copy bandwidth %.1f GB/s, %d reps after a warm-up\n", backend, info->name,
                   copy_gbs, reps);
            printf("  %-24s %10s %10s %8s %8s\n", "workload", "median ms", "min ms", "GB/s", "of copy");
        }
        for (i = 0; i < clrs_nworkloads; i++) {
            const clrs_workload *w = &clrs_workloads[i];
            result r;
            if (only && strcmp(w->name, only)) continue;
            run_workload(ctx, host, w, reps, copy_gbs, &r);
            if (!r.ok && !r.unsupported) failures++;
            if (json) {
                printf("%s  {\"workload\": \"%s\", \"backend\": \"%s\", \"device\": \"%s\", \"ok\": %s, "
                       "\"median_ms\": %.4f, \"min_ms\": %.4f, \"gbs\": %.3f, \"copy_gbs\": %.3f, "
                       "\"share_of_copy\": %.4f, \"check_rel_error\": %.3g, \"unsupported\": %s, \"error\": \"%s\"}",
                       first ? "" : ",\n", w->name, backend, info->name, r.ok ? "true" : "false", r.median,
                       r.min, r.gbs, copy_gbs, r.share, r.check_err, r.unsupported ? "true" : "false", r.error);
                first = 0;
            } else if (r.ok) {
                printf("  %-24s %10.3f %10.3f %8.2f %7.1f%%\n", w->name, r.median, r.min, r.gbs, 100 * r.share);
            } else {
                printf("  %-24s %s: %s\n", w->name, r.unsupported ? "unsupported" : "FAILED", r.error);
            }
            fflush(stdout);
        }
        clrs_context_destroy(ctx);
    }
    if (json) printf("\n]\n");
    free(specs);
    clrs_context_destroy(host);
    return failures ? 1 : 0;
}
