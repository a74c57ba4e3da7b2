/* program_cache.c — kernel sources (embedded, or from $CLRS_KERNEL_DIR) and their built
 * programs: a memory level per context and a disk level of program binaries.
 *
 * A disk file is named by a hash of the full key (library version, platform, device, driver,
 * build options, source text) and holds the full key, checked on load, so a collision or a
 * stale file is never used. It also holds the program's kernel names and argument counts as
 * built from source; a loaded binary must report the same, or it is another program's.
 *
 * The cache directory is trusted storage: a binary found there goes to the driver. So the
 * directory is used only when it is the user's own and no one else may write it
 * (context.c), and a file is read only when it is a regular file of the user's that group
 * and others may not write, opened with O_NOFOLLOW | O_NONBLOCK and checked on the open
 * descriptor (no symlink is followed, no FIFO blocks). Anything else at a file's path is
 * rejected for that key only: a regular file is rebuilt and replaced, a directory, FIFO or
 * symlink is left where it is and the key is built from source. Files are written 0600 to a
 * temporary name, synced and renamed; a directory that cannot be written turns the disk
 * level off and nothing else. The checks keep out mistakes and other users, not a binary
 * crafted by someone who can write the directory: that one can still crash the driver. */
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

/* 2: the kernel list joined the payload; files of format 1 are stale (rejected, rebuilt). */
#define FILE_MAGIC "CLRSBIN2"
#define MAX_INCLUDE_DEPTH 8
#define MAX_FILE_BYTES ((size_t)1 << 30)

/* ---- growable string (internal.h) ---- */
void clrs__sb_add(clrs__strbuf *b, const char *s, size_t n)
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
static void sb_str(clrs__strbuf *b, const char *s) { clrs__sb_add(b, s, strlen(s)); }

/* ---- kernel sources ---- */

/* The raw text of one kernel file; caller frees. */
static char *raw_file(const char *name)
{
    const char *dir = getenv("CLRS_KERNEL_DIR");
    const struct clrs__embedded_file *e;
    if (dir && *dir) {
        clrs__strbuf path = {0}, text = {0};
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
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) clrs__sb_add(&text, buf, n);
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
static int expand(clrs__strbuf *out, const char *name, int depth)
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
            clrs__sb_add(out, line, len);
        }
    }
    free(text);
    return 0;
}

char *clrs__kernel_source(const char *file)
{
    clrs__strbuf out = {0};
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
    clrs__strbuf k = {0};
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

/* What clrs__cache_file_read found at a cache file's path. */
enum {
    READ_OK = 0,
    READ_ABSENT = -1,   /* nothing there: not a reject */
    READ_BAD = -2,      /* a regular file we may not use (empty, huge, unreadable, another
                           user's, writable by group or others): rejected and replaced */
    READ_NOT_FILE = -3  /* a directory, FIFO, symlink, device...: rejected and left alone, so
                           the key is built from source each time and nothing else changes */
};

/* Reads a file of the cache directory under its trust rules (also the tuning file's,
 * lib/tune.c): a regular file, owned by the effective user, not group/other-writable, at most
 * max_bytes, opened without following links or blocking. One of the READ_* codes. */
int clrs__cache_file_read(const char *path, size_t max_bytes, unsigned char **data, size_t *size)
{
    struct stat st;
    unsigned char *p;
    size_t got = 0;
    /* O_NOFOLLOW: a symlink fails (ELOOP) instead of being followed; O_NONBLOCK: a FIFO opens
     * at once instead of waiting for a writer. Both are decided on the open descriptor. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return READ_ABSENT;
        return lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? READ_BAD : READ_NOT_FILE;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return READ_NOT_FILE;
    }
    /* whoever can write the file can hand the driver a binary of their choosing */
    if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size <= 0 ||
        (uint64_t)st.st_size > max_bytes || !(p = malloc((size_t)st.st_size))) {
        close(fd);
        return READ_BAD;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(p);
        return READ_BAD;
    }
    *data = p;
    *size = got;
    return READ_OK;
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

/* File: magic[8] keylen[8] key infolen[8] info binlen[8] binary checksum[8] (lengths
 * little-endian; the checksum is FNV-1a of all bytes before it). info is the kernel list of
 * the program as built from source (kernel_list). Sets the info and binary spans inside
 * `file` when everything matches. */
static int parse_file(const unsigned char *file, size_t size, const char *key,
                      const unsigned char **info, size_t *info_size,
                      const unsigned char **bin, size_t *bin_size)
{
    size_t klen = strlen(key), pos = 8;
    uint64_t n;
    if (size < 40 || memcmp(file, FILE_MAGIC, 8) != 0) return -1;
    n = get_u64(file + pos);
    pos += 8;
    if (n != klen || size - pos < klen + 24 || memcmp(file + pos, key, klen) != 0) return -1;
    pos += klen;
    n = get_u64(file + pos);
    pos += 8;
    if (n > size - pos - 16) return -1;
    *info = file + pos;
    *info_size = (size_t)n;
    pos += (size_t)n;
    n = get_u64(file + pos);
    pos += 8;
    if (n == 0 || n != size - pos - 8) return -1;
    if (get_u64(file + size - 8) != fnv1a(file, size - 8, 14695981039346656037ull)) return -1;
    *bin = file + pos;
    *bin_size = (size_t)n;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One "<kernel name> <number of arguments>" line per kernel of a built program, names sorted
 * (the driver's order is not promised to survive a binary round trip). Recorded when a
 * program is built from source and compared when its binary is loaded: a binary of another
 * program (another kernel file) under a valid key and checksum would otherwise load and then
 * fail every call. It cannot catch a corrupt binary that crashes the driver while it is
 * loaded or built, nor one of the same kernel file built with other options. -1 when the
 * program cannot tell (CL_PROGRAM_KERNEL_NAMES is OpenCL 1.2). */
static int kernel_list(cl_program prog, clrs__strbuf *out)
{
    size_t n = 0, count = 0, i;
    char *names = NULL, **v = NULL, *s, *save = NULL;
    int rc = -1;
    clrs__sb_add(out, "", 0);
    if (clGetProgramInfo(prog, CL_PROGRAM_KERNEL_NAMES, 0, NULL, &n) != CL_SUCCESS || n == 0 ||
        !(names = malloc(n + 1)))
        goto fail;
    if (clGetProgramInfo(prog, CL_PROGRAM_KERNEL_NAMES, n, names, NULL) != CL_SUCCESS) goto fail;
    names[n] = '\0';
    for (s = names; *s; s++) count += *s == ';';
    if (!(v = malloc((count + 1) * sizeof *v))) goto fail;
    count = 0;
    for (s = strtok_r(names, ";", &save); s; s = strtok_r(NULL, ";", &save)) v[count++] = s;
    qsort(v, count, sizeof *v, cmp_names);
    for (i = 0; i < count; i++) {
        cl_int err;
        cl_uint nargs = 0;
        char num[16];
        cl_kernel k = clCreateKernel(prog, v[i], &err);
        if (!k) goto fail;
        err = clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, NULL);
        clReleaseKernel(k);
        if (err != CL_SUCCESS) goto fail;
        snprintf(num, sizeof num, " %u\n", (unsigned)nargs);
        sb_str(out, v[i]);
        sb_str(out, num);
    }
    rc = out->failed ? -1 : 0;
fail:
    free(v);
    free(names);
    return rc;
}

/* The program from the cache file at path, or NULL. *rejected: 0 (a hit, or no file),
 * READ_BAD (a file to rebuild and replace) or READ_NOT_FILE (something to leave alone). */
static cl_program load_from_disk(clrs_context *ctx, const char *path, const char *key,
                                 const char *options, int *rejected)
{
    unsigned char *file = NULL;
    const unsigned char *bin, *info;
    size_t size, bin_size, info_size;
    cl_int err, bstatus = CL_SUCCESS;
    cl_program prog = NULL;
    clrs__strbuf kernels = {0};

    *rejected = 0;
    switch (clrs__cache_file_read(path, MAX_FILE_BYTES, &file, &size)) {
    case READ_OK: break;
    case READ_ABSENT: return NULL;
    case READ_NOT_FILE: *rejected = READ_NOT_FILE; return NULL;
    default: *rejected = READ_BAD; return NULL;
    }
    if (parse_file(file, size, key, &info, &info_size, &bin, &bin_size) != 0) goto fail;
    prog = clCreateProgramWithBinary(ctx->cl, 1, &ctx->device, &bin_size, &bin, &bstatus, &err);
    if (!prog || err != CL_SUCCESS || bstatus != CL_SUCCESS ||
        clBuildProgram(prog, 1, &ctx->device, options, NULL, NULL) != CL_SUCCESS)
        goto fail;
    /* the binary must be the program the file says it is */
    if (kernel_list(prog, &kernels) != 0 || kernels.n != info_size ||
        memcmp(kernels.p, info, info_size) != 0)
        goto fail;
    free(kernels.p);
    free(file);
    return prog;
fail:
    if (prog) clReleaseProgram(prog);
    free(kernels.p);
    free(file);
    *rejected = READ_BAD;
    return NULL;
}

/* 0: written; -1: the temporary file could not be written (the directory is unusable);
 * -2: it could not be renamed over path (a problem of this one path). Mode 0600, fsynced,
 * renamed into place: readers never see half a file. Also writes the tuning file. */
int clrs__cache_file_write(const char *path, const unsigned char *data, size_t n)
{
    static unsigned counter;
    size_t len = strlen(path) + 48;
    char *tmp = malloc(len);
    int fd, rc = -1;
    size_t done = 0;
    if (!tmp) return -1;
    snprintf(tmp, len, "%s.tmp.%ld.%u", path, (long)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    /* 0600: the file is trusted on load only while no one else can write it */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        int ok;
        while (done < n) {
            ssize_t w = write(fd, data + done, n - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            done += (size_t)w;
        }
        ok = done == n && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        if (ok) rc = rename(tmp, path) == 0 ? 0 : -2;
        if (rc != 0) unlink(tmp);
    }
    free(tmp);
    return rc;
}

static void store_to_disk(clrs_context *ctx, const char *path, const char *key, cl_program prog)
{
    size_t bin_size = 0, klen = strlen(key), total, pos;
    unsigned char *file, *p;
    clrs__strbuf kernels = {0};
    int rc;
    /* a program that cannot list its kernels could not be checked on load: not stored */
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof bin_size, &bin_size, NULL) !=
            CL_SUCCESS ||
        bin_size == 0 || kernel_list(prog, &kernels) != 0)
        goto done;
    total = 8 + 8 + klen + 8 + kernels.n + 8 + bin_size + 8;
    if (!(file = malloc(total))) goto done;
    memcpy(file, FILE_MAGIC, 8);
    put_u64(file + 8, klen);
    memcpy(file + 16, key, klen);
    pos = 16 + klen;
    put_u64(file + pos, kernels.n);
    memcpy(file + pos + 8, kernels.p, kernels.n);
    pos += 8 + kernels.n;
    put_u64(file + pos, bin_size);
    p = file + pos + 8;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof p, &p, NULL) == CL_SUCCESS) {
        put_u64(file + total - 8, fnv1a(file, total - 8, 14695981039346656037ull));
        if ((rc = clrs__cache_file_write(path, file, total)) == 0) {
            ctx->stats.disk_writes++;
        } else if (rc == -1) {
            /* an unwritable directory: stop using the disk level, nothing else. A path that
             * cannot be replaced (rc -2) only costs its own key a build. */
            clrs__verbose("disk cache %s cannot be written: turned off for this context", ctx->cache_dir);
            free(ctx->cache_dir);
            ctx->cache_dir = NULL;
            ctx->stats.disk_enabled = 0;
        }
    }
    free(file);
done:
    free(kernels.p);
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
        if (rejected) clrs__verbose("program %s (%s): cache file %s not used (unsafe, stale or corrupt): rebuilt", file, options, path);
        if (prog) clrs__verbose("program %s (%s): loaded from the disk cache %s", file, options, path);
    }
    if (!prog) {
        const char *src = strstr(key, "\nsource:\n") + 9;
        if ((st = build_from_source(ctx, file, src, options, &prog)) != CLRS_OK) goto done;
        ctx->stats.builds++;
        clrs__verbose("program %s (%s): built from source%s", file, options,
                      ctx->cache_dir ? "" : " (no disk cache)");
        /* never write over a directory, FIFO or symlink: it is not ours to replace */
        if (ctx->cache_dir && path && rejected != READ_NOT_FILE)
            store_to_disk(ctx, path, key, prog);
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
