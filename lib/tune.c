/* tune.c — the OpenCL kernels' tuning parameters: the shipped defaults per device class, the
 * tuning file in the cache directory (read when a context is made, written by clrs_tune_save
 * for tools/clrs-tune), and the per-call lookup with its environment overrides. Parameters
 * only schedule work; they never change a result. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TUNE_FILE "tuning.txt"
#define TUNE_HEADER "clresample-tuning 1"
#define TUNE_MAX_BYTES ((size_t)1 << 20)
#define TUNE_MAX_ENTRIES 256
#define TUNE_MAX_LINE 1024

struct clrs__tune_entry {
    char kernel[32], shape_class[32];
    clrs_tune_params p;      /* a parameter of -1: not given, the default stays */
    clrs_tune_source source; /* CLRS_TUNE_FILE or CLRS_TUNE_SET */
};

/* ---- names and values ---- */

static int name_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > 31) return 0;
    for (i = 0; i < n; i++) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int wg_ok(int v) { return v >= 0 && v <= 4096; }
static int vec_ok(int v) { return v == 1 || v == 2 || v == 4 || v == 8 || v == 16; }
static int passes_ok(int v) { return v >= 0 && v <= 3; }

/* A device or driver string as the file holds it: tabs, newlines and other control bytes
 * become spaces (so a field never breaks a line), at most cap - 1 bytes. */
static void field_clean(char *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i]; i++) dst[i] = (unsigned char)src[i] < 32 || src[i] == 127 ? ' ' : src[i];
    dst[i] = '\0';
}

/* ---- shipped defaults ---- */

/* The defaults. CPU: clrs-tune's choices on PoCL 3.1 (AMD EPYC, 2 threads; docs/PERFORMANCE.md):
 * PoCL runs a work-group as loops over its work-items and vectorises across them, so big
 * groups and many destinations per work-item (two passes, 16 along a row) pay; wide and
 * varying filters (antialias, area, backward: "taps1-v-v") liked smaller groups; bilinear and
 * bicubic 2-D with fixed taps ("taps1-2-2", "taps1-4-4", upsampling) and the varying-tap
 * downsampling class ("taps1-v-v-down": their backwards, antialias down) take the band kernel
 * (passes 3: 16 rows a work-group; 1.2-2x faster than two passes, docs/PERFORMANCE.md). GPU:
 * starting points for clrs-tune, not measurements (no GPU was at hand): 256-item groups are
 * legal and sensible on every vendor's OpenCL, 4 destinations per work-item keep the loads of
 * neighbouring work-items together, and the host's choice of passes. */
static void shipped(const clrs_device_info *info, const char *kernel, const char *shape_class, clrs_tune_params *p)
{
    p->wg = 0;
    p->vec = 4;
    p->passes = 0;
    if (info->type == CLRS_DEVICE_CPU) {
        if (!strcmp(kernel, "interpolate")) {
            const int down = strstr(shape_class, "-down") != NULL;
            p->wg = 256;
            p->vec = 16;
            p->passes = 2;
            if (!strcmp(shape_class, "taps1-2-2") || !strcmp(shape_class, "taps1-4-4")) {
                p->passes = 3; /* bilinear / bicubic 2-D up: the band kernel, 16 rows (~2x) */
            } else if (!strcmp(shape_class, "taps1-v-v-down")) {
                p->passes = 3; /* their backwards, antialias down: the band kernel (1.2-2x) */
            } else if (!strncmp(shape_class, "taps1-v", 7)) { /* antialias, area, backward */
                p->wg = down ? 64 : 16;
            } else if (!strcmp(shape_class, "taps1-2-2-down")) { /* 2x backward */
                p->wg = 16;
                p->vec = 4;
            } else if (strncmp(shape_class, "taps1-", 6) != 0) { /* 3-D */
                p->wg = 4096;
            }
        } else if (!strncmp(kernel, "grid_sample", 11)) { /* and grid_sample_backward */
            p->wg = 1024;
            p->passes = 2; /* forward: channels in step, backward: the plane scatter of grad_input */
            if (!strcmp(kernel, "grid_sample_backward")) p->vec = 8; /* 8 channels a work-item */
            else p->wg = 128; /* 128-point groups (against 32, 512, 1024, 4096) */
        } else if (!strncmp(kernel, "pixel_", 6)) { /* pixel_shuffle, pixel_unshuffle */
            p->wg = 256;
        } else if (!strcmp(kernel, "interpolate_pick")) { /* rows of 256 */
            p->wg = 4096;
            p->vec = 16;
            p->passes = 1;
        } else if (!strcmp(kernel, "interpolate_block")) { /* rows of 256 */
            p->wg = 256;
            p->vec = 16;
            p->passes = 1;
        } else if (!strcmp(kernel, "max_unpool")) { /* one plane per work-item and group */
            p->wg = 1;
            p->passes = 1;
        } else if (!strcmp(kernel, "max_unpool_backward")) { /* runs of 16 inputs */
            p->wg = 64;
            p->vec = 16;
        }
    } else if (info->type == CLRS_DEVICE_GPU) {
        p->wg = 256;
    }
    if (info->type != CLRS_DEVICE_CPU && !strcmp(kernel, "max_unpool_backward"))
        p->vec = 1; /* one input per work-item: neighbouring work-items read neighbouring indices */
    /* uint8 interpolate: vec 1 is the one work-item per byte kernel of interpolate.cl (GPUs and
     * other devices: it reads neighbouring bytes in neighbouring work-items already); above 1
     * the kernels of interpolate_u8.cl (same bytes), vec bytes per int vector where the taps are
     * shared: 1.5-1.8x faster on PoCL 3.1 at 16 (docs/PERFORMANCE.md, 2026-11-30 session 2) */
    if (!strcmp(kernel, "interpolate_u8")) p->vec = info->type == CLRS_DEVICE_CPU ? 16 : 1;
    if (info->max_work_group_size && (unsigned)p->wg > info->max_work_group_size) p->wg = (int)info->max_work_group_size;
}

/* ---- the file ---- */

static int parse_int(const char *s, size_t n, int *v)
{
    size_t i;
    int x = 0;
    if (n == 0 || n > 5) return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/* "wg=256 vec=8 passes=2" (any order, any subset; unknown keys are refused so a typo is not
 * silently a default) */
static int parse_params(const char *s, size_t n, clrs_tune_params *p)
{
    size_t i = 0;
    p->wg = p->vec = p->passes = -1;
    while (i < n) {
        size_t j, eq;
        int v;
        if (s[i] == ' ') {
            i++;
            continue;
        }
        for (j = i; j < n && s[j] != ' '; j++) ;
        for (eq = i; eq < j && s[eq] != '='; eq++) ;
        if (eq == j || parse_int(s + eq + 1, j - eq - 1, &v) != 0) return -1;
        if (eq - i == 2 && !memcmp(s + i, "wg", 2) && wg_ok(v)) p->wg = v;
        else if (eq - i == 3 && !memcmp(s + i, "vec", 3) && vec_ok(v)) p->vec = v;
        else if (eq - i == 6 && !memcmp(s + i, "passes", 6) && passes_ok(v)) p->passes = v;
        else return -1;
        i = j;
    }
    return 0;
}

/* Splits one line into up to 6 tab-separated fields; returns how many. */
static int split_fields(const char *s, size_t n, const char **f, size_t *len)
{
    int k = 0;
    size_t i, start = 0;
    for (i = 0; i <= n; i++)
        if (i == n || s[i] == '\t') {
            if (k == 6) return 7;
            f[k] = s + start;
            len[k] = i - start;
            k++;
            start = i + 1;
        }
    return k;
}

static int field_is(const char *f, size_t n, const char *want)
{
    return strlen(want) == n && !memcmp(f, want, n);
}

int clrs__tune_parse(const char *text, size_t n, const char *device, const char *driver,
                     void (*add)(void *arg, const char *kernel, const char *shape_class,
                                 const clrs_tune_params *p),
                     void *arg)
{
    char dev[128], drv[128];
    size_t pos = 0;
    int header = 0, count = 0;
    field_clean(dev, sizeof dev, device);
    field_clean(drv, sizeof drv, driver);
    while (pos < n) {
        const char *line = text + pos, *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        const char *f[6];
        size_t fl[6];
        int k;
        pos += len + (nl ? 1 : 0);
        if (len && line[len - 1] == '\r') len--;
        if (len == 0 || line[0] == '#') continue;
        if (!header) {
            if (len != strlen(TUNE_HEADER) || memcmp(line, TUNE_HEADER, len) != 0) return -1;
            header = 1;
            continue;
        }
        if (len > TUNE_MAX_LINE || memchr(line, '\0', len)) continue;
        k = split_fields(line, len, f, fl);
        if (k < 5 || k > 6 || !field_is(f[0], fl[0], dev) || !field_is(f[1], fl[1], drv) ||
            !name_ok(f[2], fl[2]) || !name_ok(f[3], fl[3]))
            continue;
        {
            char kernel[32], shape_class[32];
            clrs_tune_params p;
            if (parse_params(f[4], fl[4], &p) != 0) continue;
            memcpy(kernel, f[2], fl[2]);
            kernel[fl[2]] = '\0';
            memcpy(shape_class, f[3], fl[3]);
            shape_class[fl[3]] = '\0';
            if (count >= TUNE_MAX_ENTRIES) break;
            add(arg, kernel, shape_class, &p);
            count++;
        }
    }
    return header ? count : -1;
}

static char *tune_path(const clrs_context *ctx)
{
    size_t n;
    char *p;
    if (!ctx->cache_dir) return NULL;
    n = strlen(ctx->cache_dir) + sizeof "/" TUNE_FILE;
    if ((p = malloc(n)) != NULL) snprintf(p, n, "%s/%s", ctx->cache_dir, TUNE_FILE);
    return p;
}

/* Sets or replaces an entry (caller holds the lock, or owns ctx alone). 0, or -1 when full. */
static int entry_put(clrs_context *ctx, const char *kernel, const char *shape_class,
                     const clrs_tune_params *p, clrs_tune_source source)
{
    size_t i;
    clrs__tune_entry *e;
    for (i = 0; i < ctx->ntune; i++)
        if (!strcmp(ctx->tune[i].kernel, kernel) && !strcmp(ctx->tune[i].shape_class, shape_class)) break;
    if (i == ctx->ntune) {
        if (ctx->ntune >= TUNE_MAX_ENTRIES) return -1;
        if (!(e = realloc(ctx->tune, (ctx->ntune + 1) * sizeof *e))) return -1;
        ctx->tune = e;
        ctx->ntune++;
    }
    e = &ctx->tune[i];
    snprintf(e->kernel, sizeof e->kernel, "%s", kernel);
    snprintf(e->shape_class, sizeof e->shape_class, "%s", shape_class);
    e->p = *p;
    e->source = source;
    return 0;
}

static void load_add(void *arg, const char *kernel, const char *shape_class, const clrs_tune_params *p)
{
    entry_put((clrs_context *)arg, kernel, shape_class, p, CLRS_TUNE_FILE);
}

void clrs__tune_load(clrs_context *ctx)
{
    char *path = tune_path(ctx);
    unsigned char *data = NULL;
    size_t size = 0;
    int rc, n;
    if (!path) return;
    rc = clrs__cache_file_read(path, TUNE_MAX_BYTES, &data, &size);
    if (rc == 0) {
        n = clrs__tune_parse((const char *)data, size, ctx->info.name, ctx->info.driver, load_add, ctx);
        if (n < 0) clrs__verbose("tuning file %s: not a tuning file, ignored", path);
        else clrs__verbose("tuning file %s: %d entries for this device", path, n);
    } else if (rc != -1) {
        clrs__verbose("tuning file %s: not used (unsafe: not a regular file of this user's, or writable by others)", path);
    }
    free(data);
    free(path);
}

void clrs__tune_free(clrs_context *ctx)
{
    free(ctx->tune);
    ctx->tune = NULL;
    ctx->ntune = 0;
}

/* ---- lookup ---- */

static int env_int(const char *name, int (*ok)(int), int *v)
{
    const char *e = getenv(name);
    char *end;
    long x;
    if (!e || !*e) return 0;
    x = strtol(e, &end, 10);
    if (*end || x < 0 || x > 65536 || !ok((int)x)) return 0;
    *v = (int)x;
    return 1;
}

static void resolve(clrs_context *ctx, const char *kernel, const char *shape_class, clrs_tune_choice *c)
{
    size_t i;
    int changed = 0, v;
    memset(c, 0, sizeof *c);
    snprintf(c->kernel, sizeof c->kernel, "%s", kernel);
    snprintf(c->shape_class, sizeof c->shape_class, "%s", shape_class);
    shipped(&ctx->info, kernel, shape_class, &c->params);
    c->source = CLRS_TUNE_DEFAULT;
    for (i = 0; i < ctx->ntune; i++) {
        const clrs__tune_entry *e = &ctx->tune[i];
        if (strcmp(e->kernel, kernel) || strcmp(e->shape_class, shape_class)) continue;
        if (e->p.wg >= 0) c->params.wg = e->p.wg;
        if (e->p.vec >= 0) c->params.vec = e->p.vec;
        if (e->p.passes >= 0) c->params.passes = e->p.passes;
        c->source = e->source;
        break;
    }
    /* the development overrides, as before the tuning file (CLRS_WG=0: the runtime's choice) */
    if (env_int("CLRS_WG", wg_ok, &v) && v != c->params.wg) c->params.wg = v, changed = 1;
    if (env_int("CLRS_VEC", vec_ok, &v) && v != c->params.vec) c->params.vec = v, changed = 1;
    if (!strcmp(kernel, "interpolate") && env_int("CLRS_INTERP_PASSES", passes_ok, &v) && v &&
        v != c->params.passes)
        c->params.passes = v, changed = 1;
    if (changed) c->source = CLRS_TUNE_ENV;
}

void clrs__tune_get(clrs_context *ctx, const char *kernel, const char *shape_class, clrs_tune_params *p)
{
    clrs_tune_choice c;
    pthread_mutex_lock(&ctx->lock);
    resolve(ctx, kernel, shape_class, &c);
    ctx->last_tune = c;
    pthread_mutex_unlock(&ctx->lock);
    *p = c.params;
}

/* ---- public ---- */

clrs_status clrs_tune_lookup(clrs_context *ctx, const char *kernel, const char *shape_class,
                             clrs_tune_choice *choice)
{
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_lookup: ctx is NULL");
    if (!choice) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_lookup: choice is NULL");
    if (!kernel || !name_ok(kernel, strlen(kernel)))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_lookup: kernel must be 1 to 31 characters of [A-Za-z0-9_.-]");
    if (!shape_class || !name_ok(shape_class, strlen(shape_class)))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_lookup: shape_class must be 1 to 31 characters of [A-Za-z0-9_.-]");
    if (ctx->is_host) return clrs__fail(CLRS_ERR_UNSUPPORTED, "tune_lookup: the host backend has no tuned kernels");
    pthread_mutex_lock(&ctx->lock);
    resolve(ctx, kernel, shape_class, choice);
    pthread_mutex_unlock(&ctx->lock);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_context_last_tune(clrs_context *ctx, clrs_tune_choice *choice)
{
    clrs_status st = CLRS_OK;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "context_last_tune: ctx is NULL");
    if (!choice) return clrs__fail(CLRS_ERR_ARGUMENT, "context_last_tune: choice is NULL");
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->last_tune.kernel[0]) st = CLRS_ERR_UNSUPPORTED;
    else *choice = ctx->last_tune;
    pthread_mutex_unlock(&ctx->lock);
    if (st != CLRS_OK) return clrs__fail(st, "context_last_tune: no tuned kernel has run on this context");
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_tune_set(clrs_context *ctx, const char *kernel, const char *shape_class,
                          const clrs_tune_params *params)
{
    int rc = 0;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: ctx is NULL");
    if (!kernel || !name_ok(kernel, strlen(kernel)))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: kernel must be 1 to 31 characters of [A-Za-z0-9_.-]");
    if (!shape_class || !name_ok(shape_class, strlen(shape_class)))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: shape_class must be 1 to 31 characters of [A-Za-z0-9_.-]");
    if (params && !wg_ok(params->wg))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: params.wg is %d; use 0 (the runtime's choice) to 4096", params->wg);
    if (params && !vec_ok(params->vec))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: params.vec is %d; use 1, 2, 4, 8 or 16", params->vec);
    if (params && !passes_ok(params->passes))
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_set: params.passes is %d; use 0 (choose), 1, 2 or 3 (band)", params->passes);
    if (ctx->is_host) return clrs__fail(CLRS_ERR_UNSUPPORTED, "tune_set: the host backend has no tuned kernels");
    pthread_mutex_lock(&ctx->lock);
    if (params) {
        rc = entry_put(ctx, kernel, shape_class, params, CLRS_TUNE_SET);
    } else {
        size_t i;
        for (i = 0; i < ctx->ntune; i++)
            if (!strcmp(ctx->tune[i].kernel, kernel) && !strcmp(ctx->tune[i].shape_class, shape_class)) {
                ctx->tune[i] = ctx->tune[--ctx->ntune];
                break;
            }
    }
    pthread_mutex_unlock(&ctx->lock);
    if (rc) return clrs__fail(CLRS_ERR_MEMORY, "tune_set: out of memory, or more than %d entries", TUNE_MAX_ENTRIES);
    clrs__clear_error();
    return CLRS_OK;
}

static void out_entry(clrs__strbuf *b, const char *dev, const char *drv, const char *kernel,
                      const char *shape_class, const clrs_tune_params *p)
{
    char line[TUNE_MAX_LINE + 64];
    int n = snprintf(line, sizeof line, "%s\t%s\t%s\t%s\t", dev, drv, kernel, shape_class);
    if (n > 0 && p->wg >= 0) n += snprintf(line + n, sizeof line - (size_t)n, "wg=%d ", p->wg);
    if (n > 0 && p->vec >= 0) n += snprintf(line + n, sizeof line - (size_t)n, "vec=%d ", p->vec);
    if (n > 0 && p->passes >= 0) n += snprintf(line + n, sizeof line - (size_t)n, "passes=%d ", p->passes);
    if (n <= 0 || (size_t)n >= sizeof line) return;
    if (line[n - 1] == ' ') n--;
    line[n++] = '\n';
    clrs__sb_add(b, line, (size_t)n);
}

/* Keeps the existing file's valid entries of other devices (re-written from their fields). */
static void keep_others(clrs__strbuf *b, const char *text, size_t n, const char *dev, const char *drv)
{
    size_t pos = 0;
    int header = 0;
    while (pos < n) {
        const char *line = text + pos, *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        const char *f[6];
        size_t fl[6];
        clrs_tune_params p;
        int k;
        pos += len + (nl ? 1 : 0);
        if (len && line[len - 1] == '\r') len--;
        if (len == 0 || line[0] == '#') continue;
        if (!header) {
            if (len != strlen(TUNE_HEADER) || memcmp(line, TUNE_HEADER, len) != 0) return;
            header = 1;
            continue;
        }
        if (len > TUNE_MAX_LINE || memchr(line, '\0', len)) continue;
        k = split_fields(line, len, f, fl);
        if (k < 5 || k > 6 || fl[0] >= 128 || fl[1] >= 128 || !name_ok(f[2], fl[2]) || !name_ok(f[3], fl[3]) ||
            parse_params(f[4], fl[4], &p) != 0 || (field_is(f[0], fl[0], dev) && field_is(f[1], fl[1], drv)))
            continue;
        clrs__sb_add(b, line, len);
        clrs__sb_add(b, "\n", 1);
    }
}

clrs_status clrs_tune_save(clrs_context *ctx)
{
    char dev[128], drv[128], *path;
    unsigned char *old = NULL;
    size_t old_n = 0, i;
    clrs__strbuf b = {0};
    int rc;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_save: ctx is NULL");
    if (ctx->is_host) return clrs__fail(CLRS_ERR_UNSUPPORTED, "tune_save: the host backend has no tuned kernels");
    if (!(path = tune_path(ctx))) return clrs__fail(CLRS_ERR_IO, "tune_save: the context has no cache directory");
    field_clean(dev, sizeof dev, ctx->info.name);
    field_clean(drv, sizeof drv, ctx->info.driver);
    clrs__sb_add(&b, "# clresample tuning file: device <TAB> driver <TAB> kernel <TAB> shape class <TAB> parameters\n"
                "# written by clrs-tune (clrs_tune_save); entries of other devices are kept\n" TUNE_HEADER "\n",
            strlen("# clresample tuning file: device <TAB> driver <TAB> kernel <TAB> shape class <TAB> parameters\n"
                   "# written by clrs-tune (clrs_tune_save); entries of other devices are kept\n" TUNE_HEADER "\n"));
    /* an unsafe or absent old file contributes nothing */
    if (clrs__cache_file_read(path, TUNE_MAX_BYTES, &old, &old_n) == 0) keep_others(&b, (const char *)old, old_n, dev, drv);
    free(old);
    pthread_mutex_lock(&ctx->lock);
    for (i = 0; i < ctx->ntune; i++)
        out_entry(&b, dev, drv, ctx->tune[i].kernel, ctx->tune[i].shape_class, &ctx->tune[i].p);
    pthread_mutex_unlock(&ctx->lock);
    if (b.failed) {
        free(b.p);
        free(path);
        return clrs__fail(CLRS_ERR_MEMORY, "tune_save: out of memory");
    }
    rc = clrs__cache_file_write(path, (const unsigned char *)b.p, b.n);
    free(b.p);
    if (rc != 0) {
        clrs_status st = clrs__fail(CLRS_ERR_IO, "tune_save: %s cannot be written", path);
        free(path);
        return st;
    }
    pthread_mutex_lock(&ctx->lock);
    for (i = 0; i < ctx->ntune; i++) ctx->tune[i].source = CLRS_TUNE_FILE;
    pthread_mutex_unlock(&ctx->lock);
    free(path);
    clrs__clear_error();
    return CLRS_OK;
}

clrs_status clrs_tune_file(clrs_context *ctx, char *path, size_t cap, size_t *entries)
{
    char *p;
    if (!ctx) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_file: ctx is NULL");
    if (!path || cap == 0) return clrs__fail(CLRS_ERR_ARGUMENT, "tune_file: path is NULL or cap is 0");
    p = tune_path(ctx);
    if (p && strlen(p) >= cap) {
        free(p);
        return clrs__fail(CLRS_ERR_ARGUMENT, "tune_file: cap is too small for the path");
    }
    snprintf(path, cap, "%s", p ? p : "");
    free(p);
    if (entries) {
        pthread_mutex_lock(&ctx->lock);
        *entries = ctx->ntune;
        pthread_mutex_unlock(&ctx->lock);
    }
    clrs__clear_error();
    return CLRS_OK;
}
