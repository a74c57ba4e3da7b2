/* context.c — a context is a device (or the host), its queue, the program cache and the
 * counters. Creation, wrapping an application's queue, destruction, finish. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p, new directories 0700 (the cache holds binaries the driver will run); 0 on
 * success. */
static int make_dirs(const char *path)
{
    char *p = strdup(path), *s;
    int rc = 0;
    if (!p) return -1;
    for (s = p + 1; *s && rc == 0; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
    free(p);
    if (rc == 0) {
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) rc = -1;
    }
    return rc;
}

/* 1 when the cache directory is ours alone: owned by the effective user and not writable by
 * group or others. Anyone else who could write it could put a binary there for our driver to
 * load, so such a directory is not used at all (the cache files are checked the same way,
 * each on its own, in program_cache.c). A symlink to such a directory is fine: what counts
 * is the directory. */
static int dir_trusted(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* The disk cache directory, or NULL when there is none (empty setting, no home, a path that
 * cannot be made a directory, or a directory someone else owns or may write). Failing here
 * only turns the disk level off. */
static char *resolve_cache_dir(const char *opt)
{
    const char *env, *base, *sub;
    char *dir;
    size_t n;
    if (opt) {
        if (!*opt) {
            clrs__verbose("disk cache: off (cache_dir \"\")");
            return NULL;
        }
        dir = strdup(opt);
    } else if ((env = getenv("CLRS_CACHE_DIR")) != NULL) {
        if (!*env) {
            clrs__verbose("disk cache: off (CLRS_CACHE_DIR=\"\")");
            return NULL;
        }
        dir = strdup(env);
    } else {
        if ((base = getenv("XDG_CACHE_HOME")) != NULL && *base)
            sub = "/clresample";
        else if ((base = getenv("HOME")) != NULL && *base)
            sub = "/.cache/clresample";
        else {
            clrs__verbose("disk cache: off (neither XDG_CACHE_HOME nor HOME is set)");
            return NULL;
        }
        n = strlen(base) + strlen(sub) + 1;
        if ((dir = malloc(n)) != NULL) snprintf(dir, n, "%s%s", base, sub);
    }
    if (dir && (make_dirs(dir) != 0 || !dir_trusted(dir))) {
        clrs__verbose("disk cache: off (%s cannot be made a directory, or another user owns or may write it)", dir);
        free(dir);
        dir = NULL;
    } else if (dir) {
        clrs__verbose("disk cache: %s", dir);
    }
    return dir;
}

static clrs_status check_options(const char *op, const clrs_context_options *o)
{
    if (o->host_fallback != 0 && o->host_fallback != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: options.host_fallback is %d; use 0 or 1", op, o->host_fallback);
    if (o->deterministic != 0 && o->deterministic != 1)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: options.deterministic is %d; use 0 or 1", op, o->deterministic);
    if (o->compat != CLRS_COMPAT_CURRENT && o->compat != CLRS_COMPAT_TORCH_1_13)
        return clrs__fail(CLRS_ERR_ARGUMENT,
                          "%s: options.compat is %d; use CLRS_COMPAT_CURRENT (0) or CLRS_COMPAT_TORCH_1_13 (1)", op,
                          o->compat);
    return CLRS_OK;
}

static clrs_status context_alloc(clrs_context **out, const clrs_context_options *options)
{
    clrs_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return clrs__fail(CLRS_ERR_MEMORY, "context: out of memory");
    if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
        free(ctx);
        return clrs__fail(CLRS_ERR_MEMORY, "context: cannot create a mutex");
    }
    ctx->host_fallback = options->host_fallback ? 1 : 0;
    ctx->deterministic = options->deterministic ? 1 : 0;
    ctx->compat = options->compat;
    *out = ctx;
    return CLRS_OK;
}

static void finish_setup(clrs_context *ctx, const clrs_context_options *options)
{
    if (!ctx->is_host) ctx->cache_dir = resolve_cache_dir(options->cache_dir);
    ctx->stats.disk_enabled = ctx->cache_dir != NULL;
    if (!ctx->is_host) clrs__tune_load(ctx);
}

clrs_status clrs_context_create(clrs_context **out, const clrs_context_options *options)
{
    static const clrs_context_options defaults = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    clrs__device dev;
    const char *spec;
    int is_host = 0;
    cl_int err;
    clrs_status st;

    if (!out) return clrs__fail(CLRS_ERR_ARGUMENT, "context_create: ctx is NULL");
    if (!options) options = &defaults;
    if ((st = check_options("context_create", options)) != CLRS_OK) return st;
    spec = options->device ? options->device : getenv("CLRS_DEVICE");
    if ((st = clrs__device_select(spec, &dev, &is_host)) != CLRS_OK)
        return st;
    if ((st = context_alloc(&ctx, options)) != CLRS_OK) return st;
    ctx->is_host = is_host;
    if (is_host) {
        clrs__host_info(&ctx->info);
    } else {
        cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev.platform, 0};
        ctx->info = dev.info;
        ctx->platform = dev.platform;
        ctx->device = dev.device;
        ctx->cl = clCreateContext(props, 1, &dev.device, NULL, NULL, &err);
        if (!ctx->cl) {
            st = clrs__cl_fail(err, "context_create", "clCreateContext");
            goto fail;
        }
        ctx->queue = clCreateCommandQueue(ctx->cl, dev.device, CL_QUEUE_PROFILING_ENABLE, &err);
        if (!ctx->queue) {
            st = clrs__cl_fail(err, "context_create", "clCreateCommandQueue");
            goto fail;
        }
    }
    finish_setup(ctx, options);
    *out = ctx;
    clrs__clear_error();
    return CLRS_OK;
fail:
    clrs_context_destroy(ctx);
    return st;
}

clrs_status clrs_context_wrap(clrs_context **out, cl_command_queue queue,
                              const clrs_context_options *options)
{
    static const clrs_context_options defaults = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    cl_device_id device;
    cl_context cl;
    cl_platform_id platform;
    cl_int err;
    clrs_status st;

    if (!out) return clrs__fail(CLRS_ERR_ARGUMENT, "context_wrap: ctx is NULL");
    if (!queue) return clrs__fail(CLRS_ERR_ARGUMENT, "context_wrap: queue is NULL");
    if (!options) options = &defaults;
    if ((st = check_options("context_wrap", options)) != CLRS_OK) return st;
    if ((err = clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof device, &device, NULL)) !=
        CL_SUCCESS)
        return clrs__fail(CLRS_ERR_ARGUMENT, "context_wrap: queue is not a valid command queue (%s)",
                          clrs__cl_error_name(err));
    if ((err = clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof cl, &cl, NULL)) != CL_SUCCESS)
        return clrs__cl_fail(err, "context_wrap", "clGetCommandQueueInfo");
    if ((err = clGetDeviceInfo(device, CL_DEVICE_PLATFORM, sizeof platform, &platform, NULL)) !=
        CL_SUCCESS)
        return clrs__cl_fail(err, "context_wrap", "clGetDeviceInfo");
    if ((st = context_alloc(&ctx, options)) != CLRS_OK) return st;
    clRetainCommandQueue(queue);
    clRetainContext(cl);
    ctx->queue = queue;
    ctx->cl = cl;
    ctx->device = device;
    ctx->platform = platform;
    {
        /* find the platform / device indices for the info block */
        cl_platform_id plats[16];
        cl_uint np = 0, p, pi = (cl_uint)-1, di = (cl_uint)-1;
        if (clGetPlatformIDs(16, plats, &np) == CL_SUCCESS)
            for (p = 0; p < np && p < 16; p++) {
                cl_device_id ids[64];
                cl_uint nd = 0, d;
                if (plats[p] != platform ||
                    clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 64, ids, &nd) != CL_SUCCESS)
                    continue;
                for (d = 0; d < nd && d < 64; d++)
                    if (ids[d] == device) pi = p, di = d;
            }
        clrs__device_fill_info(platform, device, (int)pi, (int)di, &ctx->info);
    }
    finish_setup(ctx, options);
    *out = ctx;
    clrs__clear_error();
    return CLRS_OK;
}

void clrs_context_destroy(clrs_context *ctx)
{
    if (!ctx) return;
    if (ctx->queue) clFinish(ctx->queue);
    clrs__program_cache_free(ctx);
    clrs__op_begin(ctx);
    /* CLBlast's cached programs hold the cl_context: released first, or it never goes */
    clrs__cl_blast_release(ctx);
    if (ctx->queue) clReleaseCommandQueue(ctx->queue);
    if (ctx->cl) clReleaseContext(ctx->cl);
    free(ctx->cache_dir);
    clrs__tune_free(ctx);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

clrs_status clrs_context_finish(clrs_context *ctx)
{
    cl_int err;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "context_finish: ctx is NULL");
    if (ctx->queue && (err = clFinish(ctx->queue)) != CL_SUCCESS)
        return clrs__cl_fail(err, "context_finish", "clFinish");
    clrs__clear_error();
    return CLRS_OK;
}

const clrs_device_info *clrs_context_device(const clrs_context *ctx)
{
    return ctx ? &ctx->info : NULL;
}

clrs_status clrs_context_cache_stats(const clrs_context *ctx, clrs_cache_stats *stats)
{
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "context_cache_stats: ctx is NULL");
    if (!stats) return clrs__fail(CLRS_ERR_ARGUMENT, "context_cache_stats: stats is NULL");
    pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
    *stats = ctx->stats;
    pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
    clrs__clear_error();
    return CLRS_OK;
}

cl_context clrs_context_cl_context(const clrs_context *ctx) { return ctx ? ctx->cl : NULL; }
cl_command_queue clrs_context_cl_queue(const clrs_context *ctx) { return ctx ? ctx->queue : NULL; }

void clrs__count_fallback(clrs_context *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    ctx->stats.host_fallbacks++;
    pthread_mutex_unlock(&ctx->lock);
}

void clrs__op_begin(clrs_context *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    if (ctx->first_event) clReleaseEvent(ctx->first_event);
    if (ctx->last_event) clReleaseEvent(ctx->last_event);
    ctx->first_event = ctx->last_event = NULL;
    pthread_mutex_unlock(&ctx->lock);
}

void clrs__set_last_event(clrs_context *ctx, cl_event ev)
{
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->first_event) {
        ctx->first_event = ev;
        clRetainEvent(ev);
    }
    if (ctx->last_event) clReleaseEvent(ctx->last_event);
    ctx->last_event = ev;
    pthread_mutex_unlock(&ctx->lock);
}

clrs_status clrs_context_last_kernel_ms(clrs_context *ctx, double *ms)
{
    cl_event first, last;
    cl_ulong t0 = 0, t1 = 0;
    int ok;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "context_last_kernel_ms: ctx is NULL");
    if (!ms) return clrs__fail(CLRS_ERR_ARGUMENT, "context_last_kernel_ms: ms is NULL");
    pthread_mutex_lock(&ctx->lock);
    first = ctx->first_event;
    last = ctx->last_event;
    if (last) clRetainEvent(first), clRetainEvent(last);
    pthread_mutex_unlock(&ctx->lock);
    if (!last)
        return clrs__fail(CLRS_ERR_UNSUPPORTED,
                          "context_last_kernel_ms: no device op has run on this context");
    /* from the start of the op's first kernel to the end of its last */
    ok = clWaitForEvents(1, &last) == CL_SUCCESS &&
         clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) == CL_SUCCESS &&
         clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) == CL_SUCCESS;
    clReleaseEvent(first);
    clReleaseEvent(last);
    if (!ok)
        return clrs__fail(CLRS_ERR_UNSUPPORTED,
                          "context_last_kernel_ms: the queue has no profiling information");
    *ms = (double)(t1 - t0) / 1e6;
    clrs__clear_error();
    return CLRS_OK;
}
