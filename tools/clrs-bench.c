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

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: clrs-bench [--device D[,D...]] [--workload NAME] [--reps N] [--json] [--list]\n"
               "  D: auto, gpu, cpu, host, P:D or part of a device name (default: host,auto)\n");
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
        static const char *modes[] = {"nearest", "nearest-exact", "linear", "cubic", "area"};
        printf("  {\"name\": \"%s\", \"description\": \"%s\", \"backward\": %s, \"mode\": \"%s\", "
               "\"antialias\": %s, \"align_corners\": %d, \"channels_last\": %s, \"in_shape\": [",
               w->name, w->description, w->backward ? "true" : "false", modes[w->params.mode],
               w->params.antialias ? "true" : "false", w->params.align_corners,
               w->channels_last ? "true" : "false");
        for (d = 0; d < w->ndim; d++) printf("%s%lld", d ? ", " : "", (long long)w->in_shape[d]);
        printf("], \"scale_factor\": [");
        for (d = 0; d < w->ndim - 2; d++) printf("%s%.17g", d ? ", " : "", w->params.scale_factor[d]);
        printf("], \"bytes\": %.0f}%s\n", clrs_workload_bytes(w), i + 1 < clrs_nworkloads ? "," : "");
    }
    printf("]\n");
}

typedef struct {
    double median, min, gbs, share;
    double check_err;
    int ok;
    char error[200];
} result;

static void fill_tensor(clrs_tensor *t, const clrs_workload *w, const int64_t *shape, void *data)
{
    memset(t, 0, sizeof *t);
    t->dtype = CLRS_F32;
    t->ndim = w->ndim;
    memcpy(t->shape, shape, sizeof(int64_t) * (size_t)w->ndim);
    clrs_workload_strides(w, shape, t->strides);
    t->data = data;
}

static void run_workload(clrs_context *ctx, clrs_context *host, const clrs_workload *w, int reps,
                         double copy_gbs, result *r)
{
    int64_t out[5], n_in = 1, n_out = 1, i;
    const int64_t *src_shape, *dst_shape;
    int64_t ns, nd;
    float *src = NULL, *dst = NULL, *ref = NULL;
    double *times = calloc((size_t)reps, sizeof *times);
    clrs_tensor ts, td, tr;
    cl_mem ms = NULL, md = NULL;
    int on_device = clrs_context_cl_queue(ctx) != NULL, rep, d;
    clrs_status st;

    memset(r, 0, sizeof *r);
    clrs_workload_out_shape(w, out);
    for (d = 0; d < w->ndim; d++) n_in *= w->in_shape[d], n_out *= out[d];
    src_shape = w->backward ? out : w->in_shape;
    dst_shape = w->backward ? w->in_shape : out;
    ns = w->backward ? n_out : n_in;
    nd = w->backward ? n_in : n_out;
    src = malloc((size_t)ns * 4);
    dst = malloc((size_t)nd * 4);
    ref = malloc((size_t)nd * 4);
    if (!src || !dst || !ref || !times) {
        snprintf(r->error, sizeof r->error, "out of memory");
        goto done;
    }
    for (i = 0; i < ns; i++) src[i] = (float)((uint32_t)(i * 2654435761u) % 2001) / 1000.0f - 1.0f;
    fill_tensor(&ts, w, src_shape, src);
    fill_tensor(&td, w, dst_shape, dst);
    fill_tensor(&tr, w, dst_shape, ref);
    if (on_device) { /* data lives on the device: no transfers in the timed region */
        cl_int err;
        ms = clCreateBuffer(clrs_context_cl_context(ctx), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                            (size_t)ns * 4, src, &err);
        md = clCreateBuffer(clrs_context_cl_context(ctx), CL_MEM_READ_WRITE, (size_t)nd * 4, NULL, &err);
        if (!ms || !md) {
            snprintf(r->error, sizeof r->error, "cannot allocate device buffers (%d)", (int)err);
            goto done;
        }
        ts.data = NULL, ts.mem = ms;
        td.data = NULL, td.mem = md;
    }
    for (rep = -1; rep < reps; rep++) { /* rep -1: warm-up (program build, first enqueue) */
        double t0 = now_ms(), ms_taken;
        st = w->backward ? clrs_interpolate_backward(ctx, &w->params, &ts, &td)
                         : clrs_interpolate(ctx, &w->params, &ts, &td);
        if (st == CLRS_OK) st = clrs_context_finish(ctx);
        ms_taken = now_ms() - t0;
        if (st != CLRS_OK) {
            snprintf(r->error, sizeof r->error, "%s", clrs_error_message());
            goto done;
        }
        if (on_device && clrs_context_last_kernel_ms(ctx, &ms_taken) != CLRS_OK) {
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
        if (clEnqueueReadBuffer(clrs_context_cl_queue(ctx), md, CL_TRUE, 0, (size_t)nd * 4, dst, 0, NULL,
                                NULL) != CL_SUCCESS) {
            snprintf(r->error, sizeof r->error, "cannot read the result back");
            goto done;
        }
        ts.mem = NULL, ts.data = src;
        st = w->backward ? clrs_interpolate_backward(host, &w->params, &ts, &tr)
                         : clrs_interpolate(host, &w->params, &ts, &tr);
        if (st != CLRS_OK) {
            snprintf(r->error, sizeof r->error, "host check: %s", clrs_error_message());
            goto done;
        }
        {
            double md_ = 0, mr = 0;
            for (i = 0; i < nd; i++) {
                double e = fabs((double)dst[i] - ref[i]);
                if (e > md_ || isnan(e)) md_ = isnan(e) ? INFINITY : e;
                if (fabs((double)ref[i]) > mr) mr = fabs((double)ref[i]);
            }
            r->check_err = mr > 0 ? md_ / mr : md_;
        }
        if (!(r->check_err <= 1e-5)) {
            snprintf(r->error, sizeof r->error, "WRONG RESULT: rel error %.3g against the host", r->check_err);
            goto done;
        }
    }
    r->ok = 1;
done:
    if (ms) clReleaseMemObject(ms);
    if (md) clReleaseMemObject(md);
    free(src), free(dst), free(ref), free(times);
}

int main(int argc, char **argv)
{
    const char *devices = "host,auto", *only = NULL;
    int reps = 7, json = 0, want_list = 0, a, i, failures = 0, first = 1;
    char *specs, *spec, *save = NULL;
    clrs_context *host = NULL;
    clrs_context_options ho = CLRS_CONTEXT_OPTIONS_INIT;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--device") && a + 1 < argc) devices = argv[++a];
        else if (!strcmp(argv[a], "--workload") && a + 1 < argc) only = argv[++a];
        else if (!strcmp(argv[a], "--reps") && a + 1 < argc) reps = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--json")) json = 1;
        else if (!strcmp(argv[a], "--list")) want_list = 1;
        else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(stdout); return 0; }
        else { usage(stderr); return 2; }
    }
    if (want_list) {
        list(json);
        return 0;
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
            fprintf(stderr, "clrs-bench: device %s: %s\n", spec, clrs_error_message());
            failures++;
            continue;
        }
        info = clrs_context_device(ctx);
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
            if (!r.ok) failures++;
            if (json) {
                printf("%s  {\"workload\": \"%s\", \"backend\": \"%s\", \"device\": \"%s\", \"ok\": %s, "
                       "\"median_ms\": %.4f, \"min_ms\": %.4f, \"gbs\": %.3f, \"copy_gbs\": %.3f, "
                       "\"share_of_copy\": %.4f, \"check_rel_error\": %.3g, \"error\": \"%s\"}",
                       first ? "" : ",\n", w->name, backend, info->name, r.ok ? "true" : "false", r.median,
                       r.min, r.gbs, copy_gbs, r.share, r.check_err, r.error);
                first = 0;
            } else if (r.ok) {
                printf("  %-24s %10.3f %10.3f %8.2f %7.1f%%\n", w->name, r.median, r.min, r.gbs, 100 * r.share);
            } else {
                printf("  %-24s FAILED: %s\n", w->name, r.error);
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
