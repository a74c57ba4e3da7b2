/* test_cache.c — the program cache on the first OpenCL device: the memory and disk levels and
 * their counters, corrupt, truncated, empty and foreign cache files, unwritable and disabled
 * cache directories, two processes filling one directory at once, and $CLRS_KERNEL_DIR; what
 * the disk level trusts (a FIFO, directory or symlink at a file's path, group-writable and
 * foreign-owned files, another program's binary under a valid checksum, an old format, an
 * untrusted cache directory); and CLBlast's programs going with their context.
 * Every test runs a small call and checks its result; skipped (77) without OpenCL. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static char device_spec[32];   /* "P:D" of the first OpenCL device */
static char device_name[128];
static int device_fp64;

/* ---- the call: bilinear 1x1x4x4 -> 1x1x8x8 on host memory ---- */

#define IN_N 16
#define OUT_N 64
#define CANARY 1234.5

static double input_value(int i) { return ((i * 7) % 11 - 5) * 0.5 + i * 0.125; }

/* torch bilinear, align_corners=False, scale 0.5: written out independently of the library */
static void reference(double *y)
{
    int oy, ox;
    for (oy = 0; oy < 8; oy++)
        for (ox = 0; ox < 8; ox++) {
            double sy = (oy + 0.5) * 0.5 - 0.5, sx = (ox + 0.5) * 0.5 - 0.5, ly, lx;
            int y0, x0, y1, x1;
            if (sy < 0) sy = 0;
            if (sx < 0) sx = 0;
            y0 = (int)sy, x0 = (int)sx;
            y1 = y0 < 3 ? y0 + 1 : 3, x1 = x0 < 3 ? x0 + 1 : 3;
            ly = sy - y0, lx = sx - x0;
            y[oy * 8 + ox] = (1 - ly) * ((1 - lx) * input_value(y0 * 4 + x0) + lx * input_value(y0 * 4 + x1)) +
                             ly * ((1 - lx) * input_value(y1 * 4 + x0) + lx * input_value(y1 * 4 + x1));
        }
}

/* Runs the call in `dtype` (F32 or F64); the 64 output values (canaries where untouched)
 * land in out. No ck_assert: usable in forked children. */
static clrs_status run_call_dtype(clrs_context *ctx, clrs_dtype dtype, double *out)
{
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_tensor in, o;
    float fi[IN_N], fo[OUT_N];
    double di[IN_N], dout[OUT_N];
    clrs_status st;
    int i;
    p.mode = CLRS_LINEAR;
    p.size[0] = 8, p.size[1] = 8;
    memset(&in, 0, sizeof in);
    memset(&o, 0, sizeof o);
    in.dtype = o.dtype = dtype;
    in.ndim = o.ndim = 4;
    in.contiguous = o.contiguous = 1;
    in.shape[0] = in.shape[1] = o.shape[0] = o.shape[1] = 1;
    in.shape[2] = in.shape[3] = 4;
    o.shape[2] = o.shape[3] = 8;
    for (i = 0; i < IN_N; i++) fi[i] = (float)input_value(i), di[i] = input_value(i);
    for (i = 0; i < OUT_N; i++) fo[i] = (float)CANARY, dout[i] = CANARY;
    in.data = dtype == CLRS_F64 ? (void *)di : (void *)fi;
    o.data = dtype == CLRS_F64 ? (void *)dout : (void *)fo;
    st = clrs_interpolate(ctx, &p, &in, &o);
    for (i = 0; i < OUT_N; i++) out[i] = dtype == CLRS_F64 ? dout[i] : fo[i];
    return st;
}

/* 0 when out matches the reference. */
static int result_error(const double *out, int dtype_is_f64, double *worst)
{
    double y[OUT_N], tol = dtype_is_f64 ? 1e-12 : 1e-5, w = 0;
    int i;
    reference(y);
    for (i = 0; i < OUT_N; i++) {
        double d = fabs(out[i] - y[i]);
        if (!(d <= w)) w = d; /* NaN propagates */
    }
    if (worst) *worst = w;
    return !(w <= tol);
}

static void expect_right(clrs_status st, const double *out, const char *what)
{
    double worst;
    ck_assert_msg(st == CLRS_OK, "%s: interpolate returned %s: %s", what, clrs_status_name(st),
                  clrs_error_message());
    ck_assert_msg(result_error(out, 0, &worst) == 0, "%s: result off by %g", what, worst);
}

static void expect_untouched(const double *out, const char *what)
{
    int i;
    for (i = 0; i < OUT_N; i++)
        ck_assert_msg(out[i] == CANARY, "%s: output[%d] written (%g) by a failed call", what, i,
                      out[i]);
}

/* ---- contexts and stats ---- */

static clrs_context *make_ctx(const char *cache_dir, int host_fallback)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    clrs_status st;
    o.device = device_spec;
    o.cache_dir = cache_dir;
    o.host_fallback = host_fallback;
    st = clrs_context_create(&ctx, &o);
    ck_assert_msg(st == CLRS_OK, "context on %s (cache %s): %s: %s", device_spec,
                  cache_dir ? cache_dir : "(default)", clrs_status_name(st), clrs_error_message());
    ck_assert_msg(clrs_context_device(ctx)->type != CLRS_DEVICE_HOST,
                  "context on %s fell back to the host", device_spec);
    return ctx;
}

static clrs_cache_stats stats_of(const clrs_context *ctx)
{
    clrs_cache_stats s;
    ck_assert_int_eq(clrs_context_cache_stats(ctx, &s), CLRS_OK);
    return s;
}

static void print_stats(const char *label, const clrs_cache_stats *s)
{
    printf("  %-34s builds %llu, memory_hits %llu, disk_hits %llu, disk_writes %llu, "
           "disk_rejects %llu, host_fallbacks %llu, disk_enabled %d\n",
           label, (unsigned long long)s->builds, (unsigned long long)s->memory_hits,
           (unsigned long long)s->disk_hits, (unsigned long long)s->disk_writes,
           (unsigned long long)s->disk_rejects, (unsigned long long)s->host_fallbacks,
           s->disk_enabled);
    fflush(stdout);
}

/* A new context on dir, one call checked right; its stats. */
static clrs_cache_stats one_context(const char *dir, const char *label)
{
    clrs_context *ctx = make_ctx(dir, 1);
    clrs_cache_stats s;
    double out[OUT_N];
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, label);
    s = stats_of(ctx);
    print_stats(label, &s);
    clrs_context_destroy(ctx);
    return s;
}

#define EXPECT_STAT(s, field, op, v)                                                            \
    ck_assert_msg((s).field op (v), "%s: " #field " is %llu, expected " #op " %d", __func__,   \
                  (unsigned long long)(s).field, (int)(v))

/* ---- cache directory contents ---- */

typedef struct {
    int clbin, tmp, other;
    char clbin_path[600];
} dir_scan;

static dir_scan scan_dir(const char *dir)
{
    dir_scan r;
    DIR *d = opendir(dir);
    struct dirent *e;
    memset(&r, 0, sizeof r);
    ck_assert_msg(d != NULL, "opendir %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (strstr(e->d_name, ".tmp")) {
            r.tmp++;
        } else if (n == 32 + 6 && !strcmp(e->d_name + 32, ".clbin") &&
                   strspn(e->d_name, "0123456789abcdef") == 32) {
            r.clbin++;
            snprintf(r.clbin_path, sizeof r.clbin_path, "%s/%s", dir, e->d_name);
        } else {
            r.other++;
        }
    }
    closedir(d);
    return r;
}

/* Exactly one well-named .clbin and nothing else; its path. */
static dir_scan expect_one_clbin(const char *dir)
{
    dir_scan r = scan_dir(dir);
    ck_assert_msg(r.clbin == 1, "%s: %d .clbin files, expected 1", dir, r.clbin);
    ck_assert_msg(r.tmp == 0, "%s: %d .tmp leftovers", dir, r.tmp);
    ck_assert_msg(r.other == 0, "%s: %d unexpected entries", dir, r.other);
    return r;
}

static void expect_empty_dir(const char *dir)
{
    dir_scan r = scan_dir(dir);
    ck_assert_msg(r.clbin + r.tmp + r.other == 0, "%s: %d .clbin, %d .tmp, %d other entries; "
                  "expected nothing written", dir, r.clbin, r.tmp, r.other);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p;
    long n;
    ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    p = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(fread(p, 1, (size_t)n, f) == (size_t)n, "read %s", path);
    fclose(f);
    *size = (size_t)n;
    return p;
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "create %s: %s", path, strerror(errno));
    ck_assert_msg(fwrite(p, 1, n, f) == n, "write %s", path);
    ck_assert_int_eq(fclose(f), 0);
}

/* The disk format, written out here on purpose (not the library's code). */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
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

static int contains(const unsigned char *p, size_t n, const char *needle)
{
    size_t m = strlen(needle), i;
    for (i = 0; i + m <= n; i++)
        if (!memcmp(p + i, needle, m)) return 1;
    return 0;
}

/* Where the parts of a cache file lie: magic[8] keylen[8] key infolen[8] info binlen[8]
 * binary checksum[8], lengths and checksum little-endian, the checksum FNV-1a of all bytes
 * before it; info is one "<kernel name> <number of arguments>" line per kernel. */
typedef struct {
    size_t key_off, key_len, info_off, info_len, bin_off, bin_len;
} clbin_layout;

#define CLBIN_MAGIC "CLRSBIN2"

static clbin_layout clbin_parts(const unsigned char *file, size_t size)
{
    clbin_layout l;
    uint64_t klen, ilen, blen;
    ck_assert_msg(size >= 40 && !memcmp(file, CLBIN_MAGIC, 8), "cache file: bad magic");
    klen = get_u64(file + 8);
    ck_assert_msg(klen > 0 && klen < size - 40, "cache file: key length %llu of %zu bytes",
                  (unsigned long long)klen, size);
    ilen = get_u64(file + 16 + klen);
    ck_assert_msg(ilen < size - 40 - klen, "cache file: info length %llu of %zu bytes",
                  (unsigned long long)ilen, size);
    blen = get_u64(file + 24 + klen + ilen);
    ck_assert_msg(blen > 0 && 16 + klen + 8 + ilen + 8 + blen + 8 == size,
                  "cache file: binary length %llu does not fill %zu bytes", (unsigned long long)blen,
                  size);
    ck_assert_msg(get_u64(file + size - 8) == fnv1a(file, size - 8), "cache file: bad checksum");
    l.key_off = 16, l.key_len = (size_t)klen;
    l.info_off = 24 + (size_t)klen, l.info_len = (size_t)ilen;
    l.bin_off = 32 + (size_t)(klen + ilen), l.bin_len = (size_t)blen;
    return l;
}

/* Checks that `file` is a well-formed cache file; sets the key span. */
static void parse_clbin(const unsigned char *file, size_t size, size_t *key_off, size_t *key_len)
{
    clbin_layout l = clbin_parts(file, size);
    *key_off = l.key_off;
    *key_len = l.key_len;
}

/* Fills a cache with one context; the .clbin's path (caller frees). */
static char *fill_cache(const char *dir)
{
    clrs_cache_stats s = one_context(dir, "fill (new context, empty dir)");
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 1);
    return strdup(expect_one_clbin(dir).clbin_path);
}

/* After the cache file was spoiled: a new context rejects it once, rebuilds, gets the right
 * result and replaces the file; a further context then loads it. */
static void expect_rejected_and_replaced(const char *dir, const char *what)
{
    char label[96];
    clrs_cache_stats s;
    snprintf(label, sizeof label, "%s: new context", what);
    s = one_context(dir, label);
    EXPECT_STAT(s, disk_rejects, ==, 1);
    EXPECT_STAT(s, disk_hits, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 1);
    EXPECT_STAT(s, disk_enabled, ==, 1);
    expect_one_clbin(dir);
    snprintf(label, sizeof label, "%s: further context", what);
    s = one_context(dir, label);
    EXPECT_STAT(s, disk_hits, ==, 1);
    EXPECT_STAT(s, builds, ==, 0);
    EXPECT_STAT(s, disk_rejects, ==, 0);
    EXPECT_STAT(s, disk_writes, ==, 0);
    expect_one_clbin(dir);
}

/* ---- 1-3: cold, memory hit, disk hit ---- */

START_TEST(cold)
{
    char *dir = th_temp_dir("cache-cold");
    clrs_cache_stats s = one_context(dir, "cold: new context, empty dir");
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, memory_hits, ==, 0);
    EXPECT_STAT(s, disk_hits, ==, 0);
    EXPECT_STAT(s, disk_writes, ==, 1);
    EXPECT_STAT(s, disk_rejects, ==, 0);
    EXPECT_STAT(s, host_fallbacks, ==, 0);
    EXPECT_STAT(s, disk_enabled, ==, 1);
    expect_one_clbin(dir);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(memory_hit)
{
    char *dir = th_temp_dir("cache-mem");
    clrs_context *ctx = make_ctx(dir, 1);
    clrs_cache_stats a, b;
    double out[OUT_N];
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, "memory hit: first call");
    a = stats_of(ctx);
    print_stats("memory hit: after the first call", &a);
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, "memory hit: second call");
    b = stats_of(ctx);
    print_stats("memory hit: after the second call", &b);
    EXPECT_STAT(b, memory_hits, >=, 1);
    EXPECT_STAT(b, builds, ==, a.builds);
    EXPECT_STAT(b, disk_hits, ==, a.disk_hits);
    EXPECT_STAT(b, disk_writes, ==, a.disk_writes);
    clrs_context_destroy(ctx);
    expect_one_clbin(dir);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(disk_hit)
{
    char *dir = th_temp_dir("cache-disk");
    char *path = fill_cache(dir);
    clrs_cache_stats s = one_context(dir, "disk hit: second context");
    EXPECT_STAT(s, builds, ==, 0);
    EXPECT_STAT(s, disk_hits, ==, 1);
    EXPECT_STAT(s, disk_rejects, ==, 0);
    EXPECT_STAT(s, disk_writes, ==, 0);
    expect_one_clbin(dir);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- 4-6: spoiled cache files ---- */

START_TEST(corrupt_file)
{
    char *dir = th_temp_dir("cache-corrupt");
    char *path = fill_cache(dir);
    size_t n, i;
    unsigned char *p = read_file(path, &n);
    ck_assert_uint_gt(n, 64);
    for (i = n / 2 - 8; i < n / 2 + 8; i++) p[i] ^= 0x5a;
    write_file(path, p, n);
    printf("corrupt: flipped 16 bytes at offset %zu of %zu\n", n / 2 - 8, n);
    expect_rejected_and_replaced(dir, "corrupt");
    free(p);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(truncated_file)
{
    char *dir = th_temp_dir("cache-trunc");
    char *path = fill_cache(dir);
    size_t n;
    unsigned char *p = read_file(path, &n);
    write_file(path, p, n / 2);
    printf("truncated: cut %zu bytes to %zu\n", n, n / 2);
    expect_rejected_and_replaced(dir, "truncated");
    free(p);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(empty_file)
{
    char *dir = th_temp_dir("cache-empty");
    char *path = fill_cache(dir);
    write_file(path, (const unsigned char *)"", 0);
    printf("empty: cut the cache file to 0 bytes\n");
    expect_rejected_and_replaced(dir, "empty");
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* A well-formed file (magic, lengths, checksum all right) holding the same binary under a key
 * that differs in one byte, so only the key comparison can refuse it. */
START_TEST(foreign_key)
{
    char *dir = th_temp_dir("cache-foreign");
    char *path = fill_cache(dir);
    size_t n, koff, klen;
    unsigned char *p = read_file(path, &n);
    parse_clbin(p, n, &koff, &klen);
    p[koff + klen / 2] = p[koff + klen / 2] == 'x' ? 'y' : 'x';
    put_u64(p + n - 8, fnv1a(p, n - 8));
    parse_clbin(p, n, &koff, &klen); /* still well-formed */
    write_file(path, p, n);
    printf("foreign key: same binary, key byte %zu of %zu changed, checksum redone\n", klen / 2,
           klen);
    expect_rejected_and_replaced(dir, "foreign key");
    free(p);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* The f64 program's own, valid cache file put under the f32 program's name: a real program
 * that would give wrong results if it were used. */
START_TEST(foreign_program)
{
    char *dir = th_temp_dir("cache-foreign2");
    char *f32_path = fill_cache(dir), *f64_path = NULL;
    clrs_context *ctx;
    clrs_cache_stats s;
    double out[OUT_N], worst;
    unsigned char *p;
    size_t n, koff, klen;
    DIR *d;
    struct dirent *e;
    if (!device_fp64) {
        printf("foreign program: %s has no fp64, so no second program to swap in: skipped\n",
               device_name);
        free(f32_path);
        th_remove_tree(dir);
        free(dir);
        return;
    }
    ctx = make_ctx(dir, 0);
    ck_assert_int_eq(run_call_dtype(ctx, CLRS_F64, out), CLRS_OK);
    ck_assert_msg(result_error(out, 1, &worst) == 0, "f64 call off by %g", worst);
    s = stats_of(ctx);
    print_stats("foreign program: f64 call", &s);
    clrs_context_destroy(ctx);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 1);
    ck_assert_ptr_nonnull(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        char full[700];
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".clbin") && strcmp(full, f32_path) != 0) f64_path = strdup(full);
    }
    closedir(d);
    ck_assert_msg(f64_path != NULL, "the f64 program left no second cache file");
    p = read_file(f64_path, &n);
    parse_clbin(p, n, &koff, &klen);
    ck_assert_msg(contains(p + koff, klen, "options: -DCLRS_DTYPE=1 "),
                  "the second cache file is not the f64 program's");
    ck_assert_int_eq(unlink(f64_path), 0);
    write_file(f32_path, p, n);
    printf("foreign program: the f64 program's file (%zu bytes) now under the f32 name\n", n);
    expect_rejected_and_replaced(dir, "foreign program");
    free(p);
    free(f64_path);
    free(f32_path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- 7-8: no usable directory, disk cache off ---- */

START_TEST(unwritable_parent_is_file)
{
    char *dir = th_temp_dir("cache-nodir"), file[600], cache[700];
    clrs_cache_stats s;
    struct stat st;
    snprintf(file, sizeof file, "%s/plain-file", dir);
    snprintf(cache, sizeof cache, "%s/cache", file);
    write_file(file, (const unsigned char *)"x", 1);
    s = one_context(cache, "parent is a file: new context");
    EXPECT_STAT(s, disk_enabled, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    EXPECT_STAT(s, disk_hits, ==, 0);
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode) && st.st_size == 1, "the plain file was changed");
    {
        dir_scan r = scan_dir(dir);
        ck_assert_msg(r.clbin + r.tmp == 0 && r.other == 1, "files appeared next to the plain file");
    }
    th_remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(unwritable_readonly_dir)
{
    char *dir, cache[700];
    clrs_context *ctx;
    clrs_cache_stats s0, s;
    double out[OUT_N];
    if (geteuid() == 0) {
        printf("note: running as root, which ignores directory permissions: the chmod 0555 "
               "part is skipped\n");
        return;
    }
    dir = th_temp_dir("cache-ro");
    snprintf(cache, sizeof cache, "%s/ro", dir);
    ck_assert_int_eq(mkdir(cache, 0755), 0);
    ck_assert_int_eq(chmod(cache, 0555), 0);
    ctx = make_ctx(cache, 1);
    s0 = stats_of(ctx);
    print_stats("read-only dir: at creation", &s0);
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, "read-only dir");
    s = stats_of(ctx);
    print_stats("read-only dir: after the call", &s);
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, "read-only dir: second call");
    clrs_context_destroy(ctx);
    EXPECT_STAT(s, disk_enabled, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    chmod(cache, 0755);
    expect_empty_dir(cache);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* Cache files (.clbin, .tmp) and clresample directories anywhere under dir. Other entries
 * (e.g. the OpenCL runtime's own kernel cache under $XDG_CACHE_HOME) are not ours. */
static int cache_entries_in_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) return 0;
    while ((e = readdir(d)) != NULL) {
        char full[1024];
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".clbin") || strstr(e->d_name, "clresample")) {
            printf("  unexpected: %s\n", full);
            n++;
        }
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) n += cache_entries_in_tree(full);
    }
    closedir(d);
    return n;
}

/* cache_dir "" turns the disk level off even with every default location set. */
START_TEST(disk_off)
{
    char *dir = th_temp_dir("cache-off"), env[700], xdg[700], home[700];
    clrs_cache_stats s;
    struct stat st;
    snprintf(env, sizeof env, "%s/env", dir);
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    snprintf(home, sizeof home, "%s/home", dir);
    setenv("CLRS_CACHE_DIR", env, 1);
    setenv("XDG_CACHE_HOME", xdg, 1);
    setenv("HOME", home, 1);
    s = one_context("", "disk off: cache_dir \"\"");
    EXPECT_STAT(s, disk_enabled, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    EXPECT_STAT(s, disk_hits, ==, 0);
    /* and $CLRS_CACHE_DIR="" with the option unset */
    setenv("CLRS_CACHE_DIR", "", 1);
    s = one_context(NULL, "disk off: $CLRS_CACHE_DIR \"\"");
    EXPECT_STAT(s, disk_enabled, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    unsetenv("CLRS_CACHE_DIR");
    ck_assert_msg(stat(env, &st) != 0, "%s was created", env);
    ck_assert_int_eq(cache_entries_in_tree(dir), 0);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- 9: two processes ---- */

typedef struct {
    int ok;
    clrs_cache_stats s;
    char msg[200];
} child_report;

static void child(const char *dir, int go_fd, int report_fd)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    child_report r;
    double out[OUT_N];
    char c;
    clrs_status st;
    memset(&r, 0, sizeof r);
    alarm(240);
    while (read(go_fd, &c, 1) < 0 && errno == EINTR) {} /* returns 0 when the parent closes */
    o.device = device_spec;
    o.cache_dir = dir;
    o.host_fallback = 0;
    if ((st = clrs_context_create(&ctx, &o)) != CLRS_OK) {
        snprintf(r.msg, sizeof r.msg, "context: %s", clrs_error_message());
    } else if ((st = run_call_dtype(ctx, CLRS_F32, out)) != CLRS_OK) {
        snprintf(r.msg, sizeof r.msg, "call: %s: %s", clrs_status_name(st), clrs_error_message());
    } else if (result_error(out, 0, NULL)) {
        snprintf(r.msg, sizeof r.msg, "wrong result");
    } else {
        r.ok = 1;
        clrs_context_cache_stats(ctx, &r.s);
    }
    clrs_context_destroy(ctx);
    if (write(report_fd, &r, sizeof r) != (ssize_t)sizeof r) r.ok = 0;
    _exit(r.ok ? 0 : 1);
}

START_TEST(two_processes)
{
    char *dir = th_temp_dir("cache-race");
    int go[2], rep[2], k, status;
    pid_t pid[2];
    child_report r[2];
    clrs_cache_stats s;
    ck_assert_int_eq(pipe(go), 0);
    ck_assert_int_eq(pipe(rep), 0);
    fflush(stdout);
    fflush(stderr);
    for (k = 0; k < 2; k++) {
        pid[k] = fork();
        ck_assert_msg(pid[k] >= 0, "fork: %s", strerror(errno));
        if (pid[k] == 0) {
            close(go[1]);
            close(rep[0]);
            child(dir, go[0], rep[1]);
        }
    }
    close(go[0]);
    close(rep[1]);
    close(go[1]); /* both children start now */
    for (k = 0; k < 2; k++) {
        ssize_t got = read(rep[0], &r[k], sizeof r[k]);
        if (got != (ssize_t)sizeof r[k]) memset(&r[k], 0, sizeof r[k]);
    }
    close(rep[0]);
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(waitpid(pid[k], &status, 0), pid[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "child %d failed (%s %d): %s", k,
                      WIFEXITED(status) ? "exit" : "signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), r[k].msg);
    }
    for (k = 0; k < 2; k++) {
        char label[48];
        snprintf(label, sizeof label, "two processes: child %d", k);
        ck_assert_msg(r[k].ok, "child %d sent no report", k);
        print_stats(label, &r[k].s);
        ck_assert_msg(r[k].s.builds + r[k].s.disk_hits == 1,
                      "child %d: builds %llu + disk_hits %llu != 1", k,
                      (unsigned long long)r[k].s.builds, (unsigned long long)r[k].s.disk_hits);
    }
    expect_one_clbin(dir);
    s = one_context(dir, "two processes: parent afterwards");
    EXPECT_STAT(s, disk_hits, ==, 1);
    EXPECT_STAT(s, builds, ==, 0);
    EXPECT_STAT(s, disk_rejects, ==, 0);
    expect_one_clbin(dir);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- 10: $CLRS_KERNEL_DIR ---- */

/* <srcdir>/kernels from $CLRS_GOLDEN_DIR = <srcdir>/tests/golden. */
static void source_kernel_dir(char *buf, size_t cap)
{
    const char *g = getenv("CLRS_GOLDEN_DIR");
    char base[600], probe[700], *slash;
    struct stat st;
    int k;
    snprintf(base, sizeof base, "%s", g && *g ? g : "tests/golden");
    for (k = 0; k < 2; k++) { /* drop "golden", then "tests" */
        size_t n = strlen(base);
        while (n > 1 && base[n - 1] == '/') base[--n] = '\0';
        slash = strrchr(base, '/');
        if (!slash) snprintf(base, sizeof base, ".");
        else if (slash == base) base[1] = '\0';
        else *slash = '\0';
    }
    snprintf(buf, cap, "%s%skernels", base, !strcmp(base, "/") ? "" : "/");
    snprintf(probe, sizeof probe, "%s/interpolate.cl", buf);
    ck_assert_msg(stat(probe, &st) == 0, "cannot find %s (from CLRS_GOLDEN_DIR=%s)", probe,
                  g ? g : "(unset)");
}

START_TEST(kernel_dir_source)
{
    char *dir = th_temp_dir("cache-kdir"), kdir[600];
    clrs_context *ctx;
    clrs_cache_stats s;
    double embedded[OUT_N], from_dir[OUT_N];
    source_kernel_dir(kdir, sizeof kdir);
    unsetenv("CLRS_KERNEL_DIR");
    ctx = make_ctx(dir, 0);
    expect_right(run_call_dtype(ctx, CLRS_F32, embedded), embedded, "embedded sources");
    clrs_context_destroy(ctx);
    setenv("CLRS_KERNEL_DIR", kdir, 1);
    ctx = make_ctx(dir, 0);
    expect_right(run_call_dtype(ctx, CLRS_F32, from_dir), from_dir, "CLRS_KERNEL_DIR=kernels/");
    s = stats_of(ctx);
    print_stats("kernel dir = source kernels/", &s);
    printf("  (%s: the sources in %s %s the embedded ones)\n",
           s.disk_hits ? "disk hit" : "rebuilt", kdir, s.disk_hits ? "match" : "differ from");
    clrs_context_destroy(ctx);
    unsetenv("CLRS_KERNEL_DIR");
    EXPECT_STAT(s, host_fallbacks, ==, 0);
    EXPECT_STAT(s, builds + s.disk_hits, ==, 1);
    ck_assert_msg(!memcmp(embedded, from_dir, sizeof embedded),
                  "CLRS_KERNEL_DIR sources give a different result from the embedded ones");
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* Loop index = host_fallback. */
START_TEST(kernel_dir_empty)
{
    char *dir = th_temp_dir("cache-kempty"), *kdir = th_temp_dir("kernels-empty");
    const int fallback = _i;
    clrs_context *ctx;
    clrs_cache_stats s;
    double out[OUT_N];
    clrs_status st;
    char label[64], msg[1024];
    setenv("CLRS_KERNEL_DIR", kdir, 1);
    ctx = make_ctx(dir, fallback);
    st = run_call_dtype(ctx, CLRS_F32, out);
    snprintf(msg, sizeof msg, "%s", clrs_error_message()); /* before the next library call */
    s = stats_of(ctx);
    snprintf(label, sizeof label, "empty kernel dir, host_fallback %d", fallback);
    print_stats(label, &s);
    printf("  -> %s: \"%s\"\n", clrs_status_name(st), msg);
    fflush(stdout);
    unsetenv("CLRS_KERNEL_DIR");
    if (fallback) {
        ck_assert_msg(st == CLRS_OK, "%s: %s: %s", label, clrs_status_name(st), msg);
        ck_assert_msg(result_error(out, 0, NULL) == 0, "%s: wrong result", label);
        EXPECT_STAT(s, host_fallbacks, ==, 1);
    } else {
        ck_assert_msg(st == CLRS_ERR_IO || st == CLRS_ERR_BUILD, "%s: status %s", label,
                      clrs_status_name(st));
        ck_assert_msg(strstr(msg, "interpolate.cl") != NULL,
                      "%s: message does not name the missing file: \"%s\"", label, msg);
        expect_untouched(out, label);
        EXPECT_STAT(s, host_fallbacks, ==, 0);
    }
    EXPECT_STAT(s, builds, ==, 0);
    EXPECT_STAT(s, disk_hits, ==, 0);
    EXPECT_STAT(s, disk_writes, ==, 0);
    clrs_context_destroy(ctx);
    expect_empty_dir(dir);
    expect_empty_dir(kdir);
    th_remove_tree(kdir);
    th_remove_tree(dir);
    free(kdir);
    free(dir);
}
END_TEST

/* ---- 11: what the disk level trusts (owner, mode, file type, kernels) ---- */

/* max_pool 1x1x4x4, kernel 2: a second program (pool.cl) for the same cache directory. */
static void expect_pool_right(clrs_context *ctx, const char *what)
{
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    clrs_tensor in, o, ix;
    float fi[IN_N], fo[4] = {(float)CANARY, (float)CANARY, (float)CANARY, (float)CANARY};
    int64_t idx[4] = {-1, -1, -1, -1};
    clrs_status st;
    int i, oy, ox;
    p.kernel[0] = p.kernel[1] = 2;
    memset(&in, 0, sizeof in);
    in.dtype = CLRS_F32;
    in.ndim = 4;
    in.contiguous = 1;
    in.shape[0] = in.shape[1] = 1;
    in.shape[2] = in.shape[3] = 4;
    o = in;
    o.shape[2] = o.shape[3] = 2;
    ix = o;
    ix.dtype = CLRS_I64;
    for (i = 0; i < IN_N; i++) fi[i] = (float)input_value(i);
    in.data = fi, o.data = fo, ix.data = idx;
    st = clrs_max_pool(ctx, &p, &in, &o, &ix);
    ck_assert_msg(st == CLRS_OK, "%s: max_pool returned %s: %s", what, clrs_status_name(st),
                  clrs_error_message());
    for (oy = 0; oy < 2; oy++)
        for (ox = 0; ox < 2; ox++) {
            int best = -1, dy, dx;
            for (dy = 0; dy < 2; dy++)
                for (dx = 0; dx < 2; dx++) {
                    int j = (2 * oy + dy) * 4 + 2 * ox + dx;
                    if (best < 0 || (float)input_value(j) > (float)input_value(best)) best = j;
                }
            ck_assert_msg(fo[oy * 2 + ox] == (float)input_value(best) && idx[oy * 2 + ox] == best,
                          "%s: max_pool output %d is %g at %lld, expected %g at %d", what,
                          oy * 2 + ox, fo[oy * 2 + ox], (long long)idx[oy * 2 + ox],
                          (float)input_value(best), best);
        }
}

/* A cache with the interpolate program's file and the pool program's file; their paths. */
static void fill_two(const char *dir, char **interp_path, char **pool_path)
{
    clrs_context *ctx;
    clrs_cache_stats s;
    DIR *d;
    struct dirent *e;
    *interp_path = fill_cache(dir);
    *pool_path = NULL;
    ctx = make_ctx(dir, 0);
    expect_pool_right(ctx, "fill: pool program");
    s = stats_of(ctx);
    print_stats("fill: pool program", &s);
    clrs_context_destroy(ctx);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 1);
    ck_assert_ptr_nonnull(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        char full[700];
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".clbin") && strcmp(full, *interp_path) != 0) {
            free(*pool_path);
            *pool_path = strdup(full);
        }
    }
    closedir(d);
    ck_assert_msg(*pool_path != NULL, "the pool program left no second cache file");
}

/* A new context whose interpolate program finds `path` unusable: rejected once, built from
 * source, nothing written over the path, the disk level still on. */
static clrs_cache_stats expect_skipped(const char *dir, const char *what)
{
    char label[96];
    clrs_cache_stats s;
    snprintf(label, sizeof label, "%s: new context", what);
    s = one_context(dir, label);
    EXPECT_STAT(s, disk_rejects, ==, 1);
    EXPECT_STAT(s, disk_hits, ==, 0);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    EXPECT_STAT(s, disk_enabled, ==, 1);
    return s;
}

/* After a replace: the file at path is a regular file of ours that no one else can write. */
static void expect_private_file(const char *path)
{
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", path);
    ck_assert_msg(st.st_uid == geteuid(), "%s is owned by uid %ld, not %ld", path,
                  (long)st.st_uid, (long)geteuid());
    ck_assert_msg((st.st_mode & 022) == 0, "%s has mode %03o", path, (unsigned)(st.st_mode & 0777));
}

/* A FIFO at the cache file's path: open() used to wait for a writer forever. */
START_TEST(test_cache_fifo_no_hang)
{
    char *dir = th_temp_dir("cache-fifo");
    char *path = fill_cache(dir);
    struct stat st;
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_msg(mkfifo(path, 0600) == 0, "mkfifo %s: %s", path, strerror(errno));
    printf("fifo: a FIFO where the cache file was (SIGALRM in 60 s if a call hangs)\n");
    fflush(stdout);
    alarm(60);
    expect_skipped(dir, "fifo");
    expect_skipped(dir, "fifo, again");
    alarm(0);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISFIFO(st.st_mode), "the FIFO was replaced or removed");
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* A directory at one key's path: that key is built from source; the other key still loads
 * from disk in the same context and the disk level stays on. */
START_TEST(test_cache_directory_at_path)
{
    char *dir = th_temp_dir("cache-dirpath"), *interp, *pool, inner[800];
    clrs_context *ctx;
    clrs_cache_stats s;
    double out[OUT_N];
    struct stat st;
    fill_two(dir, &interp, &pool);
    ck_assert_int_eq(unlink(interp), 0);
    ck_assert_int_eq(mkdir(interp, 0700), 0);
    snprintf(inner, sizeof inner, "%s/keep", interp);
    write_file(inner, (const unsigned char *)"x", 1);
    printf("directory: a directory where the interpolate program's file was\n");
    ctx = make_ctx(dir, 0);
    expect_right(run_call_dtype(ctx, CLRS_F32, out), out, "directory: interpolate");
    s = stats_of(ctx);
    print_stats("directory: after interpolate", &s);
    EXPECT_STAT(s, disk_rejects, ==, 1);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 0);
    EXPECT_STAT(s, disk_enabled, ==, 1);
    expect_pool_right(ctx, "directory: pool");
    s = stats_of(ctx);
    print_stats("directory: after pool", &s);
    EXPECT_STAT(s, disk_hits, ==, 1);
    EXPECT_STAT(s, builds, ==, 1);
    EXPECT_STAT(s, disk_rejects, ==, 1);
    EXPECT_STAT(s, disk_enabled, ==, 1);
    clrs_context_destroy(ctx);
    ck_assert_int_eq(lstat(interp, &st), 0);
    ck_assert_msg(S_ISDIR(st.st_mode), "the directory was replaced or removed");
    ck_assert_int_eq(stat(inner, &st), 0);
    free(interp);
    free(pool);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* A symlink to a valid cache file: never followed, never replaced, its target untouched. */
START_TEST(test_cache_symlink_at_path)
{
    char *dir = th_temp_dir("cache-link"), *other = th_temp_dir("cache-link-target");
    char *path = fill_cache(dir), target[700];
    size_t n0, n1;
    unsigned char *p0, *p1;
    struct stat st;
    snprintf(target, sizeof target, "%s/real.clbin", other);
    ck_assert_msg(rename(path, target) == 0, "rename: %s", strerror(errno));
    ck_assert_msg(symlink(target, path) == 0, "symlink: %s", strerror(errno));
    p0 = read_file(target, &n0);
    printf("symlink: the cache file moved to %s, a symlink to it in its place\n", target);
    expect_skipped(dir, "symlink");
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced or removed");
    p1 = read_file(target, &n1);
    ck_assert_msg(n0 == n1 && !memcmp(p0, p1, n0), "the symlink's target was changed");
    free(p0);
    free(p1);
    free(path);
    th_remove_tree(other);
    th_remove_tree(dir);
    free(other);
    free(dir);
}
END_TEST

/* A cache file that group or others may write: rejected, then replaced by a private one. */
START_TEST(test_cache_group_writable_rejected)
{
    char *dir = th_temp_dir("cache-gw");
    char *path = fill_cache(dir);
    expect_private_file(path);
    ck_assert_int_eq(chmod(path, 0664), 0);
    printf("group-writable: chmod 0664 on the cache file\n");
    expect_rejected_and_replaced(dir, "group-writable");
    expect_private_file(path);
    ck_assert_int_eq(chmod(path, 0602), 0);
    printf("other-writable: chmod 0602 on the cache file\n");
    expect_rejected_and_replaced(dir, "other-writable");
    expect_private_file(path);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* A cache file owned by another user (nobody): rejected, then replaced by one of ours. */
START_TEST(test_cache_foreign_owner_rejected)
{
    char *dir = th_temp_dir("cache-owner");
    char *path = fill_cache(dir);
    if (chown(path, 65534, 65534) != 0) {
        printf("foreign owner: chown to uid 65534 failed (%s; needs root): skipped\n",
               strerror(errno));
    } else {
        printf("foreign owner: the cache file chown'ed to uid 65534\n");
        expect_rejected_and_replaced(dir, "foreign owner");
        expect_private_file(path);
    }
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* The pool program's binary spliced into the interpolate program's file, lengths and checksum
 * redone: the key matches, only the kernel names and argument counts recorded at build time
 * can tell. */
START_TEST(test_cache_swapped_binary_rejected)
{
    char *dir = th_temp_dir("cache-swap"), *interp, *pool;
    unsigned char *a, *b, *f;
    size_t na, nb, n;
    clbin_layout la, lb;
    fill_two(dir, &interp, &pool);
    a = read_file(interp, &na);
    b = read_file(pool, &nb);
    la = clbin_parts(a, na);
    lb = clbin_parts(b, nb);
    n = la.bin_off + lb.bin_len + 8;
    ck_assert_ptr_nonnull(f = malloc(n));
    memcpy(f, a, la.bin_off);
    put_u64(f + la.bin_off - 8, lb.bin_len);
    memcpy(f + la.bin_off, b + lb.bin_off, lb.bin_len);
    put_u64(f + n - 8, fnv1a(f, n - 8));
    clbin_parts(f, n); /* still well-formed */
    ck_assert_int_eq(unlink(pool), 0);
    write_file(interp, f, n);
    printf("swapped binary: the pool program's binary (%zu bytes) under the interpolate key, "
           "checksum redone\n", lb.bin_len);
    expect_rejected_and_replaced(dir, "swapped binary");
    free(a);
    free(b);
    free(f);
    free(interp);
    free(pool);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* A file of the previous format (magic CLRSBIN1, no kernel list) is stale: rebuilt. */
START_TEST(test_cache_old_format_stale)
{
    char *dir = th_temp_dir("cache-v1");
    char *path = fill_cache(dir);
    size_t n;
    unsigned char *p = read_file(path, &n);
    clbin_parts(p, n);
    memcpy(p, "CLRSBIN1", 8);
    put_u64(p + n - 8, fnv1a(p, n - 8));
    write_file(path, p, n);
    printf("old format: magic CLRSBIN1, checksum redone\n");
    expect_rejected_and_replaced(dir, "old format");
    free(p);
    free(path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* The cache directory itself: a group- or other-writable one, or one owned by another user,
 * is not used at all; one the library creates is private. */
START_TEST(test_cache_dir_untrusted)
{
    char *dir = th_temp_dir("cache-untrusted"), made[700];
    clrs_cache_stats s;
    struct stat st;
    static const mode_t modes[2] = {0770, 0707};
    int k;
    for (k = 0; k < 2; k++) {
        char label[64];
        ck_assert_int_eq(chmod(dir, modes[k]), 0);
        snprintf(label, sizeof label, "cache dir mode %03o", (unsigned)modes[k]);
        s = one_context(dir, label);
        EXPECT_STAT(s, disk_enabled, ==, 0);
        EXPECT_STAT(s, disk_writes, ==, 0);
        EXPECT_STAT(s, builds, ==, 1);
        expect_empty_dir(dir);
    }
    ck_assert_int_eq(chmod(dir, 0700), 0);
    if (chown(dir, 65534, 65534) != 0) {
        printf("cache dir owned by uid 65534: chown failed (%s; needs root): skipped\n",
               strerror(errno));
    } else {
        s = one_context(dir, "cache dir owned by uid 65534");
        EXPECT_STAT(s, disk_enabled, ==, 0);
        EXPECT_STAT(s, disk_writes, ==, 0);
        expect_empty_dir(dir);
        ck_assert_int_eq(chown(dir, geteuid(), getegid()), 0);
    }
    /* made by the library: 0700 */
    snprintf(made, sizeof made, "%s/new/cache", dir);
    s = one_context(made, "cache dir created by the library");
    EXPECT_STAT(s, disk_enabled, ==, 1);
    EXPECT_STAT(s, disk_writes, ==, 1);
    ck_assert_int_eq(stat(made, &st), 0);
    ck_assert_msg((st.st_mode & 077) == 0, "%s was created with mode %03o", made,
                  (unsigned)(st.st_mode & 0777));
    expect_private_file(expect_one_clbin(made).clbin_path);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- 12: CLBlast's programs go with the context ---- */

/* Resident memory in bytes, from /proc/self/statm; 0 where that cannot be read. */
static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    int ok;
    if (!f) return 0;
    ok = fscanf(f, "%llu %llu", &size, &resident) == 2;
    fclose(f);
    return ok ? (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

/* create -> conv_transpose (CLBlast GEMM) -> destroy, 20 times: resident memory must not keep
 * growing, as it did (~2 MB a cycle) while CLBlast kept every context's programs. */
START_TEST(test_cache_clblast_no_leak)
{
    enum { CYCLES = 20, SETTLE = 5 };
    char *dir = th_temp_dir("cache-clblast");
    uint64_t rss[CYCLES];
    int k;
    if (resident_bytes() == 0) {
        printf("clblast leak: /proc/self/statm unreadable: skipped\n");
        th_remove_tree(dir);
        free(dir);
        return;
    }
    for (k = 0; k < CYCLES; k++) {
        clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
        float x[2] = {1, 2}, w[1] = {3}, y[2] = {0, 0};
        clrs_tensor tx, tw, ty;
        clrs_context *ctx = make_ctx(dir, 0);
        clrs_status st;
        memset(&tx, 0, sizeof tx);
        tx.dtype = CLRS_F32, tx.ndim = 3, tx.shape[0] = 1, tx.shape[1] = 1, tx.shape[2] = 2;
        tx.data = x, tx.contiguous = 1;
        tw = tx, tw.shape[2] = 1, tw.data = w;
        ty = tx, ty.data = y;
        st = clrs_conv_transpose(ctx, &p, &tx, &tw, NULL, &ty);
        if (st == CLRS_ERR_BUILD && strstr(clrs_error_message(), "without CLBlast")) {
            printf("clblast leak: library built without CLBlast: skipped (%s)\n",
                   clrs_error_message());
            clrs_context_destroy(ctx);
            th_remove_tree(dir);
            free(dir);
            return;
        }
        ck_assert_msg(st == CLRS_OK && y[0] == 3 && y[1] == 6, "cycle %d: conv_transpose: %s: %s",
                      k, clrs_status_name(st), clrs_error_message());
        clrs_context_destroy(ctx);
        rss[k] = resident_bytes();
    }
    printf("clblast leak: resident MB after each cycle:");
    for (k = 0; k < CYCLES; k++) printf(" %.1f", rss[k] / 1048576.0);
    printf("\n");
    fflush(stdout);
    ck_assert_msg(rss[CYCLES - 1] <= rss[SETTLE - 1] + ((uint64_t)4 << 20),
                  "resident memory grew by %.1f MB over cycles %d..%d",
                  (rss[CYCLES - 1] - (double)rss[SETTLE - 1]) / 1048576.0, SETTLE, CYCLES);
    th_remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- main ---- */

/* The device list is read in a child process so that this process (and the tests and
 * children forked from it) never start the OpenCL runtime before forking. */
typedef struct {
    int status, found;
    char spec[32], name[128], why[256];
    int fp64;
} probe_result;

static probe_result probe_devices(void)
{
    probe_result r;
    int fd[2];
    pid_t pid;
    memset(&r, 0, sizeof r);
    if (pipe(fd) != 0 || (pid = fork()) < 0) {
        snprintf(r.why, sizeof r.why, "pipe/fork: %s", strerror(errno));
        r.status = -1;
        return r;
    }
    if (pid == 0) {
        static clrs_device_info infos[64];
        size_t count = 0, i;
        clrs_status st = clrs_device_list(infos, 64, &count);
        close(fd[0]);
        if (st != CLRS_OK) {
            r.status = (int)st;
            snprintf(r.why, sizeof r.why, "clrs_device_list: %s", clrs_error_message());
        }
        for (i = 0; st == CLRS_OK && i < count && i < 64; i++)
            if (infos[i].type != CLRS_DEVICE_HOST) {
                r.found = 1;
                r.fp64 = infos[i].fp64;
                snprintf(r.spec, sizeof r.spec, "%d:%d", infos[i].platform_index,
                         infos[i].device_index);
                snprintf(r.name, sizeof r.name, "%s", infos[i].name);
                break;
            }
        if (st == CLRS_OK && !r.found)
            snprintf(r.why, sizeof r.why, "clrs_device_list lists %zu device(s), only the host",
                     count);
        _exit(write(fd[1], &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    if (read(fd[0], &r, sizeof r) != (ssize_t)sizeof r) {
        memset(&r, 0, sizeof r);
        r.status = -1;
        snprintf(r.why, sizeof r.why, "the device probe process died");
    }
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return r;
}

int main(void)
{
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;
    probe_result pr;
    if (getenv("CLRS_TEST_BACKENDS") && !strcmp(getenv("CLRS_TEST_BACKENDS"), "host")) {
        printf("test_cache: CLRS_TEST_BACKENDS=host: no OpenCL device wanted: skipped\n");
        return 77;
    }
    pr = probe_devices();
    if (!pr.found) {
        printf("test_cache: no OpenCL device (%s): skipped\n", pr.why);
        return 77;
    }
    snprintf(device_spec, sizeof device_spec, "%s", pr.spec);
    snprintf(device_name, sizeof device_name, "%s", pr.name);
    device_fp64 = pr.fp64;
    s = suite_create("cache");
    tc = tcase_create("all");
    printf("test_cache: OpenCL device %s (%s)%s\n", device_spec, device_name,
           device_fp64 ? "" : ", no fp64");
    fflush(stdout);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, cold);
    tcase_add_test(tc, memory_hit);
    tcase_add_test(tc, disk_hit);
    tcase_add_test(tc, corrupt_file);
    tcase_add_test(tc, truncated_file);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, foreign_key);
    tcase_add_test(tc, foreign_program);
    tcase_add_test(tc, unwritable_parent_is_file);
    tcase_add_test(tc, unwritable_readonly_dir);
    tcase_add_test(tc, disk_off);
    tcase_add_test(tc, two_processes);
    tcase_add_test(tc, kernel_dir_source);
    tcase_add_loop_test(tc, kernel_dir_empty, 0, 2);
    tcase_add_test(tc, test_cache_fifo_no_hang);
    tcase_add_test(tc, test_cache_directory_at_path);
    tcase_add_test(tc, test_cache_symlink_at_path);
    tcase_add_test(tc, test_cache_group_writable_rejected);
    tcase_add_test(tc, test_cache_foreign_owner_rejected);
    tcase_add_test(tc, test_cache_swapped_binary_rejected);
    tcase_add_test(tc, test_cache_old_format_stale);
    tcase_add_test(tc, test_cache_dir_untrusted);
    tcase_add_test(tc, test_cache_clblast_no_leak);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
