/* clrs-tune — searches the tuning parameters of the OpenCL kernels (clrs_tune_params) on one
 * device over the benchmark workloads (tools/workloads.c), times each candidate with
 * profiling events, checks that every candidate gives the same bits as the parameters in
 * effect before, and writes the best per (kernel, shape class) to the tuning file in the
 * cache directory (clrs_tune_save). Prints before / after per kernel and class. */
#include "clresample.h"
#include "workloads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: clrs-tune [--device D] [--quick] [--workload NAME]... [--reps N] [--dry-run]\n"
            "  D: gpu, cpu, P:D (platform:device) or part of a device name (default: $CLRS_DEVICE, else\n"
            "     a GPU, else the OpenCL CPU device)\n"
            "  --quick     two small workloads and four candidates each (seconds; for tests)\n"
            "  --workload  tune only the classes of these workloads (clrs-bench --list names them)\n"
            "  --reps N    timed runs per candidate, median taken (default 5; --quick 3)\n"
            "  --dry-run   search and print, write nothing\n"
            "The tuning file is <cache directory>/tuning.txt (CLRS_CACHE_DIR, else\n"
            "$XDG_CACHE_HOME/clresample, else ~/.cache/clresample); clrs-probe shows it.\n");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One workload's tensors on the device, its host data and the reference output bytes. */
typedef struct {
    const clrs_workload *w;
    clrs_workload w_small;
    clrs_workload_tensors ht, dt;
    void *data[CLRS_WL_ROLES];
    void *ref[CLRS_WL_ROLES];
    cl_mem mem[CLRS_WL_ROLES];
    clrs_tune_choice choice; /* kernel and class its call tunes, with the parameters before */
} job;

static void job_free(job *j)
{
    int k;
    for (k = 0; k < CLRS_WL_ROLES; k++) {
        if (j->mem[k]) clReleaseMemObject(j->mem[k]);
        free(j->data[k]);
        free(j->ref[k]);
    }
}

static int job_prepare(clrs_context *ctx, clrs_context *host, job *j)
{
    int k;
    clrs_workload_layout(j->w, &j->ht);
    for (k = 0; k < CLRS_WL_ROLES; k++) {
        size_t nb = clrs_workload_role_bytes(&j->ht.t[k]);
        if (!nb) continue;
        if (!(j->data[k] = malloc(nb))) return -1;
        j->ht.t[k].data = j->data[k];
    }
    if (clrs_workload_prepare(host, j->w, &j->ht) != CLRS_OK) return -1;
    j->dt = j->ht;
    for (k = 0; k < CLRS_WL_ROLES; k++) {
        size_t nb = clrs_workload_role_bytes(&j->ht.t[k]);
        const int is_in = k < CLRS_WL_FIRST_OUTPUT;
        cl_int err;
        if (!nb) continue;
        j->mem[k] = clCreateBuffer(clrs_context_cl_context(ctx), CL_MEM_READ_WRITE | (is_in ? CL_MEM_COPY_HOST_PTR : 0), nb,
                                   is_in ? j->data[k] : NULL, &err);
        if (!j->mem[k]) return -1;
        j->dt.t[k].data = NULL;
        j->dt.t[k].mem = j->mem[k];
    }
    return 0;
}

/* Runs the job reps times (after one warm-up); the median device ms, or -1 on failure. */
static double job_time(clrs_context *ctx, job *j, int reps)
{
    double t[32], ms;
    int r;
    if (reps > 32) reps = 32;
    for (r = -1; r < reps; r++) {
        if (clrs_workload_run(ctx, j->w, &j->dt) != CLRS_OK || clrs_context_last_kernel_ms(ctx, &ms) != CLRS_OK) return -1;
        if (r >= 0) t[r] = ms;
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    return reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
}

/* Reads the outputs back. Outputs are compared bit for bit, except grid_sample's grad_input
 * with float atomics (its summation order is the device's, tuned or not). (conv_transpose
 * is not tuned here: its time is CLBlast's GEMMs, which CLBlast's own tuners fit.) */
static int job_outputs(clrs_context *ctx, job *j, void **out)
{
    int k;
    for (k = CLRS_WL_FIRST_OUTPUT; k < CLRS_WL_ROLES; k++) {
        size_t nb = clrs_workload_role_bytes(&j->ht.t[k]);
        if (!nb) continue;
        if (!out[k] && !(out[k] = malloc(nb))) return -1;
        if (clEnqueueReadBuffer(clrs_context_cl_queue(ctx), j->mem[k], CL_TRUE, 0, nb, out[k], 0, NULL, NULL) != CL_SUCCESS)
            return -1;
    }
    return 0;
}

static int atomic_role(const job *j, int k)
{
    return j->w->op == CLRS_WL_GRID_SAMPLE && j->w->backward && k == CLRS_WL_DST;
}

/* 1 when the outputs equal the reference bits (atomic roles: within 1e-5 relative). */
static int job_same(const job *j, void **out)
{
    int k;
    for (k = CLRS_WL_FIRST_OUTPUT; k < CLRS_WL_ROLES; k++) {
        size_t nb = clrs_workload_role_bytes(&j->ht.t[k]), i;
        if (!nb) continue;
        if (!atomic_role(j, k)) {
            if (memcmp(out[k], j->ref[k], nb) != 0) return 0;
        } else {
            const float *a = out[k], *b = j->ref[k];
            double md = 0, mr = 0;
            for (i = 0; i < nb / 4; i++) {
                double e = fabs((double)a[i] - b[i]);
                if (!(e <= md)) md = e;
                if (fabs((double)b[i]) > mr) mr = fabs((double)b[i]);
            }
            if (!(md <= 1e-5 * (mr > 0 ? mr : 1))) return 0;
        }
    }
    return 1;
}

static void params_str(const clrs_tune_params *p, const char *kernel, char *s, size_t cap)
{
    if (!strcmp(kernel, "interpolate") || !strncmp(kernel, "grid_sample", 11))
        snprintf(s, cap, "wg=%d vec=%d passes=%d", p->wg, p->vec, p->passes);
    else if (!strcmp(kernel, "max_unpool"))
        snprintf(s, cap, "wg=%d passes=%d", p->wg, p->passes);
    else if (!strcmp(kernel, "max_unpool_backward"))
        snprintf(s, cap, "wg=%d vec=%d", p->wg, p->vec);
    else if (!strncmp(kernel, "interpolate_", 12) && strcmp(kernel, "interpolate_u8"))
        snprintf(s, cap, "wg=%d vec=%d passes=%d", p->wg, p->vec, p->passes);
    else if (!strcmp(kernel, "interpolate_u8"))
        snprintf(s, cap, "wg=%d vec=%d", p->wg, p->vec);
    else
        snprintf(s, cap, "wg=%d", p->wg);
}

static const char *source_name(clrs_tune_source s)
{
    return s == CLRS_TUNE_FILE ? "tuning file" : s == CLRS_TUNE_SET ? "set" : s == CLRS_TUNE_ENV ? "environment" : "default";
}

/* The candidates for a kernel. */
static int candidates(const char *kernel, int quick, const clrs_tune_params *before, clrs_tune_params *c, int cap)
{
    static const int wg_full[] = {0, 16, 64, 256, 1024, 4096};
    static const int vec_full[] = {1, 4, 8, 16};
    int n = 0, a, b, p;
    c[n++] = *before;
    if (quick) {
        clrs_tune_params x = *before;
        x.wg = before->wg == 64 ? 256 : 64;
        c[n++] = x;
        if (!strcmp(kernel, "interpolate_u8")) {
            x = *before;
            x.vec = before->vec == 1 ? 4 : 1;
            c[n++] = x;
        }
        if (!strcmp(kernel, "interpolate")) {
            x = *before;
            x.vec = before->vec == 8 ? 4 : 8;
            x.passes = 2;
            c[n++] = x;
            x.passes = 1;
            x.vec = before->vec;
            c[n++] = x;
        }
        return n;
    }
    for (a = 0; a < (int)(sizeof wg_full / sizeof wg_full[0]); a++) {
        if (!strcmp(kernel, "interpolate")) {
            for (p = 1; p <= 3; p++) /* one pass, two passes, the band kernel */
                for (b = 0; b < (p >= 2 ? (int)(sizeof vec_full / sizeof vec_full[0]) : 1); b++) {
                    clrs_tune_params x = {wg_full[a], p >= 2 ? vec_full[b] : before->vec, p};
                    if (n < cap) c[n++] = x;
                }
        } else if (!strncmp(kernel, "grid_sample", 11)) {
            /* per point; forward: channels in step, backward: the plane scatter, vec channels */
            for (p = 1; p <= 2; p++)
                for (b = 0; b < (p == 2 ? (int)(sizeof vec_full / sizeof vec_full[0]) : 1); b++) {
                    clrs_tune_params x = {wg_full[a], p == 2 ? vec_full[b] : before->vec, p};
                    if (n < cap) c[n++] = x;
                }
        } else if (!strcmp(kernel, "max_unpool")) { /* one pass per plane, or the winner map */
            for (p = 1; p <= 2; p++) {
                clrs_tune_params x = *before;
                x.wg = wg_full[a];
                x.passes = p;
                if (n < cap) c[n++] = x;
            }
        } else if (!strcmp(kernel, "interpolate_pick") || !strcmp(kernel, "interpolate_block")) {
            /* the row kernels at 16 * vec destinations per work-item, or interpolate's */
            for (b = 0; b < (int)(sizeof vec_full / sizeof vec_full[0]); b++) {
                clrs_tune_params x = *before;
                x.wg = wg_full[a];
                x.vec = vec_full[b];
                x.passes = 1;
                if (n < cap) c[n++] = x;
            }
            if (a == 0) {
                clrs_tune_params x = *before;
                x.passes = 2;
                if (n < cap) c[n++] = x;
            }
        } else if (!strcmp(kernel, "max_unpool_backward")) { /* inputs per work-item */
            for (b = 0; b < (int)(sizeof vec_full / sizeof vec_full[0]); b++) {
                clrs_tune_params x = *before;
                x.wg = wg_full[a];
                x.vec = vec_full[b];
                if (n < cap) c[n++] = x;
            }
        } else if (!strcmp(kernel, "interpolate_u8")) { /* vec 1: one work-item per byte */
            for (b = 0; b < (int)(sizeof vec_full / sizeof vec_full[0]); b++) {
                clrs_tune_params x = *before;
                x.wg = wg_full[a], x.vec = vec_full[b];
                if (n < cap) c[n++] = x;
            }
        } else {
            clrs_tune_params x = *before;
            x.wg = wg_full[a];
            if (n < cap) c[n++] = x;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *device = getenv("CLRS_DEVICE"), *only[64];
    int nonly = 0, quick = 0, dry = 0, reps = 0, a, i, k, njobs = 0, failures = 0, changed = 0;
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT, ho = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL, *host = NULL;
    job *jobs = NULL;
    int *done = NULL;
    char path[4096];
    size_t entries = 0;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--device") && a + 1 < argc) device = argv[++a];
        else if (!strcmp(argv[a], "--quick")) quick = 1;
        else if (!strcmp(argv[a], "--dry-run")) dry = 1;
        else if (!strcmp(argv[a], "--reps") && a + 1 < argc) reps = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--workload") && a + 1 < argc && nonly < 64) only[nonly++] = argv[++a];
        else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (reps <= 0 || reps > 32) reps = quick ? 3 : 5;
    if (!device || !*device || !strcmp(device, "auto")) {
        /* auto: a GPU, else the OpenCL CPU device (the host backend has nothing to tune) */
        o.device = "gpu";
        o.host_fallback = 0;
        if (clrs_context_create(&ctx, &o) != CLRS_OK) o.device = "cpu";
        else goto have;
    } else {
        o.device = device;
    }
    o.host_fallback = 0;
    if (clrs_context_create(&ctx, &o) != CLRS_OK) {
        fprintf(stderr, "clrs-tune: device %s: %s\n", o.device, clrs_error_message());
        return 1;
    }
have:
    if (clrs_context_device(ctx)->type == CLRS_DEVICE_HOST) {
        fprintf(stderr, "clrs-tune: %s is the host backend: it has no OpenCL kernels to tune\n", o.device);
        clrs_context_destroy(ctx);
        return 1;
    }
    ho.device = "host";
    if (clrs_context_create(&host, &ho) != CLRS_OK) {
        fprintf(stderr, "clrs-tune: host backend: %s\n", clrs_error_message());
        clrs_context_destroy(ctx);
        return 1;
    }
    clrs_tune_file(ctx, path, sizeof path, &entries);
    printf("# clrs-tune: %s (driver %s); tuning file %s (%zu entries for this device before)%s\n",
           clrs_context_device(ctx)->name, clrs_context_device(ctx)->driver, *path ? path : "(none: no cache directory)",
           entries, quick ? "; quick search" : "");
    if (!*path && !dry) {
        fprintf(stderr, "clrs-tune: no cache directory to write the tuning file to (set CLRS_CACHE_DIR)\n");
        failures++;
        goto out;
    }

    /* the jobs: interpolate and grid_sample workloads (quick: two, scaled down) */
    jobs = calloc((size_t)clrs_nworkloads, sizeof *jobs);
    done = calloc((size_t)clrs_nworkloads, sizeof *done);
    if (!jobs || !done) {
        fprintf(stderr, "clrs-tune: out of memory\n");
        failures++;
        goto out;
    }
    for (i = 0; i < clrs_nworkloads; i++) {
        const clrs_workload *w = &clrs_workloads[i];
        job *j = &jobs[njobs];
        int want = w->op == CLRS_WL_INTERPOLATE || w->op == CLRS_WL_GRID_SAMPLE || w->op == CLRS_WL_MAX_UNPOOL ||
                   w->op == CLRS_WL_PIXEL_SHUFFLE;
        if (nonly) {
            want = 0;
            for (k = 0; k < nonly; k++) want |= !strcmp(only[k], w->name);
        } else if (quick) {
            want = !strcmp(w->name, "bilinear_up2x") || !strcmp(w->name, "grid_sample_bilinear");
        }
        if (!want) continue;
        if (quick) {
            j->w_small = clrs_workload_small(w, 4);
            j->w = &j->w_small;
        } else {
            j->w = w;
        }
        if (job_prepare(ctx, host, j) != 0 || clrs_workload_run(ctx, j->w, &j->dt) != CLRS_OK ||
            clrs_context_last_tune(ctx, &j->choice) != CLRS_OK || job_outputs(ctx, j, j->ref) != 0) {
            fprintf(stderr, "clrs-tune: %s: cannot run it: %s\n", w->name, clrs_error_message());
            job_free(j);
            memset(j, 0, sizeof *j);
            failures++;
            continue;
        }
        njobs++;
    }

    printf("| kernel | shape class | workloads | before | ms | after | ms | speed-up | same bits |\n"
           "|---|---|---|---|---|---|---|---|---|\n");
    /* one search per (kernel, class): the candidates' summed median over its workloads */
    for (i = 0; i < njobs; i++) {
        clrs_tune_params cand[64], best;
        double best_ms = -1, before_ms = -1;
        int nc, c, same_all = 1, members[64], nm = 0;
        char names[512] = "", bs[64], as[64];
        void *out[CLRS_WL_ROLES] = {0};
        if (done[i]) continue;
        for (k = i; k < njobs && nm < 64; k++)
            if (!done[k] && !strcmp(jobs[k].choice.kernel, jobs[i].choice.kernel) &&
                !strcmp(jobs[k].choice.shape_class, jobs[i].choice.shape_class)) {
                members[nm++] = k;
                done[k] = 1;
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", nm > 1 ? ", " : "", jobs[k].w->name);
            }
        nc = candidates(jobs[i].choice.kernel, quick, &jobs[i].choice.params, cand, 64);
        best = cand[0];
        for (c = 0; c < nc; c++) {
            double total = 0;
            int m, ok = 1;
            if (clrs_tune_set(ctx, jobs[i].choice.kernel, jobs[i].choice.shape_class, &cand[c]) != CLRS_OK) continue;
            for (m = 0; m < nm && ok; m++) {
                job *j = &jobs[members[m]];
                clrs_tune_choice used;
                double ms = job_time(ctx, j, reps);
                /* the call must have used the candidate, and given the same bits */
                if (ms < 0 || clrs_context_last_tune(ctx, &used) != CLRS_OK || job_outputs(ctx, j, out) != 0) ok = 0;
                else if (used.params.wg != cand[c].wg || used.params.vec != cand[c].vec || used.params.passes != cand[c].passes)
                    ok = 0; /* an environment override: nothing to learn */
                else if (!job_same(j, out)) {
                    char cs[64];
                    params_str(&cand[c], j->choice.kernel, cs, sizeof cs);
                    fprintf(stderr, "clrs-tune: %s with %s: results differ from the untuned run\n", j->w->name, cs);
                    same_all = 0;
                    ok = 0;
                }
                total += ms;
                for (k = 0; k < CLRS_WL_ROLES; k++) { /* the next member's outputs have other sizes */
                    free(out[k]);
                    out[k] = NULL;
                }
            }
            if (!ok) continue;
            if (c == 0) before_ms = total;
            if (best_ms < 0 || total < best_ms) best_ms = total, best = cand[c];
        }
        /* keep the candidate only when it beats the parameters before by more than noise */
        if (before_ms > 0 && best_ms > 0.97 * before_ms) best = cand[0], best_ms = before_ms;
        clrs_tune_set(ctx, jobs[i].choice.kernel, jobs[i].choice.shape_class, &best);
        if (memcmp(&best, &cand[0], sizeof best)) changed++;
        params_str(&cand[0], jobs[i].choice.kernel, bs, sizeof bs);
        params_str(&best, jobs[i].choice.kernel, as, sizeof as);
        printf("| %s | %s | %s | %s (%s) | %.2f | %s | %.2f | %.2fx | %s |\n", jobs[i].choice.kernel,
               jobs[i].choice.shape_class, names, bs, source_name(jobs[i].choice.source), before_ms, as, best_ms,
               best_ms > 0 ? before_ms / best_ms : 0, same_all ? "yes" : "NO");
        if (!same_all) failures++;
        fflush(stdout);
    }
    if (!dry && njobs) {
        if (clrs_tune_save(ctx) != CLRS_OK) {
            fprintf(stderr, "clrs-tune: %s\n", clrs_error_message());
            failures++;
        } else {
            clrs_tune_file(ctx, path, sizeof path, &entries);
            printf("# wrote %s: %zu entries for this device (%d changed from before)\n", path, entries, changed);
        }
    }
out:
    for (i = 0; i < njobs; i++) job_free(&jobs[i]);
    free(jobs);
    free(done);
    clrs_context_destroy(host);
    clrs_context_destroy(ctx);
    return failures ? 1 : 0;
}
