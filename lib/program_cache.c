/* program_cache.c — kernel sources (embedded, or from $CLRS_KERNEL_DIR) and their built
 * programs: a memory level per context and a disk level of program binaries.
 *
 * A disk file is named by a hash of the full key (library version, platform, device, driver,
 * build options, source text) and holds the full key, checked on load, so a collision or a
 * stale file is never used. Files are written to a temporary name, synced and renamed;
 * a corrupt, truncated or foreign file is rebuilt from source and replaced; a directory that
 * cannot be written turns the disk level off and nothing else. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct clrs__embedded_file {
    const char *name;
    const char *text;
};
extern const struct clrs__embedded_file clrs__embedded_kernels[]; /* kernels_embedded.c */

struct clrs__program {
    char *key;
    cl_program program;
    clrs__program *next;
};

#define FILE_MAGIC "CLRSBIN1"
#define MAX_INCLUDE_DEPTH 8
#define MAX_FILE_BYTES ((size_t)1 << 30)

/* ---- growable string ---- */
typedef struct {
    char *p;
    size_t n, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *q;
        while (cap < b->n + n + 1) cap *= 2;
        if (!(q = realloc(b->p, cap))) {
            b->failed = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
static void sb_str(strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* ---- kernel sources ---- */

/* The raw text of one kernel file; caller frees. */
static char *raw_file(const char *name)
{
    const char *dir = getenv("CLRS_KERNEL_DIR");
    const struct clrs__embedded_file *e;
    if (dir && *dir) {
        strbuf path = {0}, text = {0};
        char buf[8192];
        size_t n;
        FILE *f;
        sb_str(&path, dir);
        sb_str(&path, "/");
        sb_str(&path, name);
        if (path.failed || !(f = fopen(path.p, "rb"))) {
            clrs__fail(CLRS_ERR_IO, "kernel source: cannot open %s (CLRS_KERNEL_DIR)",
                       path.p ? path.p : name);
            free(path.p);
            return NULL;
        }
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&text, buf, n);
        fclose(f);
        free(path.p);
        if (text.failed || !text.p) {
            free(text.p);
            clrs__fail(CLRS_ERR_IO, "kernel source: cannot read %s", name);
            return NULL;
        }
        return text.p;
    }
    for (e = clrs__embedded_kernels; e->name; e++)
        if (!strcmp(e->name, name)) {
            char *s = strdup(e->text);
            if (!s) clrs__fail(CLRS_ERR_MEMORY, "kernel source: out of memory");
            return s;
        }
    clrs__fail(CLRS_ERR_IO, "kernel source: no kernel file named %s", name);
    return NULL;
}

/* Appends `name` to out with every line `#include "X"` replaced by X's text. */
static int expand(strbuf *out, const char *name, int depth)
{
    char *text, *line, *next;
    if (depth > MAX_INCLUDE_DEPTH) {
        clrs__fail(CLRS_ERR_BUILD, "kernel source: includes nested too deeply at %s", name);
        return -1;
    }
    if (!(text = raw_file(name))) return -1;
    for (line = text; *line; line = next) {
        const char *p = line, *q;
        size_t len;
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        len = (size_t)(next - line);
        while (*p == ' ' || *p == '\t') p++;
        if (!strncmp(p, "#include \"", 10) && (q = strchr(p + 10, '"')) != NULL && q < next) {
            char inc[256];
            size_t n = (size_t)(q - (p + 10));
            if (n >= sizeof inc) n = sizeof inc - 1;
            memcpy(inc, p + 10, n);
            inc[n] = '\0';
            if (expand(out, inc, depth + 1) != 0) {
                free(text);
                return -1;
            }
            sb_str(out, "\n");
        } else {
            sb_add(out, line, len);
        }
    }
    free(text);
    return 0;
}

char *clrs__kernel_source(const char *file)
{
    strbuf out = {0};
    if (expand(&out, file, 0) != 0) {
        free(out.p);
        return NULL;
    }
    if (out.failed) {
        free(out.p);
        clrs__fail(CLRS_ERR_MEMORY, "kernel source: out of memory");
        return NULL;
    }
    return out.p;
}

/* ---- keys and hashes ---- */

static uint64_t fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static char *make_key(const clrs_context *ctx, const char *options, const char *source)
{
    strbuf k = {0};
    char plat[256] = "";
    clGetPlatformInfo(ctx->platform, CL_PLATFORM_VERSION, sizeof plat - 1, plat, NULL);
    plat[sizeof plat - 1] = '\0';
    sb_str(&k, "clresample " PACKAGE_VERSION "\nplatform: ");
    sb_str(&k, ctx->info.platform);
    sb_str(&k, " / ");
    sb_str(&k, plat);
    sb_str(&k, "\ndevice: ");
    sb_str(&k, ctx->info.name);
    sb_str(&k, " / ");
    sb_str(&k, ctx->info.version);
    sb_str(&k, "\ndriver: ");
    sb_str(&k, ctx->info.driver);
    sb_str(&k, "\noptions: ");
    sb_str(&k, options);
    sb_str(&k, "\nsource:\n");
    sb_str(&k, source);
    if (k.failed) {
        free(k.p);
        return NULL;
    }
    return k.p;
}

static char *disk_path(const clrs_context *ctx, const char *key)
{
    size_t n = strlen(key), len = strlen(ctx->cache_dir) + 64;
    uint64_t h1 = fnv1a(key, n, 14695981039346656037ull);
    uint64_t h2 = fnv1a(key, n, h1 ^ 0x9e3779b97f4a7c15ull);
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%016llx%016llx.clbin", ctx->cache_dir, (unsigned long long)h1,
                 (unsigned long long)h2);
    return p;
}

/* ---- disk level ---- */

static int read_all(const char *path, unsigned char **data, size_t *size)
{
    struct stat st;
    unsigned char *p;
    size_t got = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno == ENOENT ? -1 : -2;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_FILE_BYTES ||
        !(p = malloc((size_t)st.st_size))) {
        close(fd);
        return -2;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(p);
        return -2;
    }
    *data = p;
    *size = got;
    return 0;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}
static void put_u64(unsigned char *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++, v >>= 8) p[i] = (unsigned char)(v & 0xff);
}

/* 0: read; -1: no such file; -2: a file that cannot be used (empty, huge, unreadable). */
static int read_all(const char *path, unsigned char **data, size_t *size);

/* File: magic[8] keylen[8] key binlen[8] binary checksum[8] (little-endian; FNV-1a of all
 * bytes before the checksum). Returns the binary inside `file` when everything matches. */
static int parse_file(const unsigned char *file, size_t size, const char *key,
                      const unsigned char **bin, size_t *bin_size)
{
    size_t klen = strlen(key), pos = 8;
    uint64_t n;
    if (size < 32 || memcmp(file, FILE_MAGIC, 8) != 0) return -1;
    n = get_u64(file + pos);
    pos += 8;
    if (n != klen || size - pos < klen + 16 || memcmp(file + pos, key, klen) != 0) return -1;
    pos += klen;
    n = get_u64(file + pos);
    pos += 8;
    if (n == 0 || n != size - pos - 8) return -1;
    if (get_u64(file + size - 8) != fnv1a(file, size - 8, 14695981039346656037ull)) return -1;
    *bin = file + pos;
    *bin_size = (size_t)n;
    return 0;
}

static cl_program load_from_disk(clrs_context *ctx, const char *path, const char *key,
                                 const char *options, int *rejected)
{
    unsigned char *file = NULL;
    const unsigned char *bin;
    size_t size, bin_size;
    cl_int err, bstatus = CL_SUCCESS;
    cl_program prog = NULL;

    *rejected = 0;
    switch (read_all(path, &file, &size)) {
    case 0: break;
    case -1: return NULL; /* absent: not a reject */
    default: *rejected = 1; return NULL;
    }
    if (parse_file(file, size, key, &bin, &bin_size) != 0) {
        *rejected = 1;
        free(file);
        return NULL;
    }
    prog = clCreateProgramWithBinary(ctx->cl, 1, &ctx->device, &bin_size, &bin, &bstatus, &err);
    if (prog && (err != CL_SUCCESS || bstatus != CL_SUCCESS ||
                 clBuildProgram(prog, 1, &ctx->device, options, NULL, NULL) != CL_SUCCESS)) {
        clReleaseProgram(prog);
        prog = NULL;
    }
    if (!prog) *rejected = 1;
    free(file);
    return prog;
}

static int write_file(const char *path, const unsigned char *data, size_t n)
{
    static unsigned counter;
    size_t len = strlen(path) + 48;
    char *tmp = malloc(len);
    int fd, ok = 0;
    size_t done = 0;
    if (!tmp) return -1;
    snprintf(tmp, len, "%s.tmp.%ld.%u", path, (long)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
        while (done < n) {
            ssize_t w = write(fd, data + done, n - done);
            if (w <= 0) break;
            done += (size_t)w;
        }
        ok = done == n && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
        if (!ok) unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

static void store_to_disk(clrs_context *ctx, const char *path, const char *key, cl_program prog)
{
    size_t bin_size = 0, klen = strlen(key), total;
    unsigned char *file, *p;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof bin_size, &bin_size, NULL) !=
            CL_SUCCESS ||
        bin_size == 0)
        return;
    total = 8 + 8 + klen + 8 + bin_size + 8;
    if (!(file = malloc(total))) return;
    memcpy(file, FILE_MAGIC, 8);
    put_u64(file + 8, klen);
    memcpy(file + 16, key, klen);
    put_u64(file + 16 + klen, bin_size);
    p = file + 24 + klen;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof p, &p, NULL) == CL_SUCCESS) {
        put_u64(file + total - 8, fnv1a(file, total - 8, 14695981039346656037ull));
        if (write_file(path, file, total) == 0) {
            ctx->stats.disk_writes++;
        } else {
            /* an unwritable directory: stop using the disk level, nothing else */
            free(ctx->cache_dir);
            ctx->cache_dir = NULL;
            ctx->stats.disk_enabled = 0;
        }
    }
    free(file);
}

/* ---- building ---- */

static clrs_status build_from_source(clrs_context *ctx, const char *file, const char *source,
                                     const char *options, cl_program *out)
{
    cl_int err;
    cl_program prog = clCreateProgramWithSource(ctx->cl, 1, &source, NULL, &err);
    if (!prog) return clrs__cl_fail(err, "program build", "clCreateProgramWithSource");
    err = clBuildProgram(prog, 1, &ctx->device, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        char log[700] = "";
        size_t n = 0;
        clGetProgramBuildInfo(prog, ctx->device, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, &n);
        log[sizeof log - 1] = '\0';
        clReleaseProgram(prog);
        return clrs__fail(CLRS_ERR_BUILD, "program build: %s (%s) failed with %s: %s", file,
                          options, clrs__cl_error_name(err), log);
    }
    *out = prog;
    return CLRS_OK;
}

clrs_status clrs__program_get(clrs_context *ctx, const char *file, const char *options,
                              cl_program *program)
{
    char *source, *key, *path = NULL;
    clrs__program *e;
    cl_program prog = NULL;
    clrs_status st = CLRS_OK;
    int rejected = 0;

    if (!(source = clrs__kernel_source(file))) return CLRS_ERR_BUILD;
    key = make_key(ctx, options, source);
    free(source);
    if (!key) return clrs__fail(CLRS_ERR_MEMORY, "program cache: out of memory");

    pthread_mutex_lock(&ctx->lock);
    for (e = ctx->programs; e; e = e->next)
        if (!strcmp(e->key, key)) break;
    if (e) {
        ctx->stats.memory_hits++;
        *program = e->program;
        goto done;
    }
    if (ctx->cache_dir && (path = disk_path(ctx, key)) != NULL) {
        prog = load_from_disk(ctx, path, key, options, &rejected);
        if (rejected) ctx->stats.disk_rejects++;
        if (prog) ctx->stats.disk_hits++;
    }
    if (!prog) {
        const char *src = strstr(key, "\nsource:\n") + 9;
        if ((st = build_from_source(ctx, file, src, options, &prog)) != CLRS_OK) goto done;
        ctx->stats.builds++;
        if (ctx->cache_dir && path) store_to_disk(ctx, path, key, prog);
    }
    if (!(e = malloc(sizeof *e))) {
        clReleaseProgram(prog);
        st = clrs__fail(CLRS_ERR_MEMORY, "program cache: out of memory");
        goto done;
    }
    e->key = key;
    key = NULL;
    e->program = prog;
    e->next = ctx->programs;
    ctx->programs = e;
    *program = prog;
done:
    pthread_mutex_unlock(&ctx->lock);
    free(key);
    free(path);
    return st;
}

void clrs__program_cache_free(clrs_context *ctx)
{
    clrs__program *e = ctx->programs, *next;
    for (; e; e = next) {
        next = e->next;
        clReleaseProgram(e->program);
        free(e->key);
        free(e);
    }
    ctx->programs = NULL;
}
