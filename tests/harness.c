/* harness.c — shared test helpers (see harness.h). */
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Host fallback off: a kernel that fails to build must fail the OpenCL tests, not pass them
 * quietly on the host. Tests skip f64 on devices without fp64. */
static const clrs_context_options *options_with_cache(clrs_context_options *o, const char *spec,
                                                      const char *cache)
{
    o->device = spec;
    o->cache_dir = cache;
    o->host_fallback = 0;
    return o;
}

char *th_temp_dir(const char *tag)
{
    const char *root = getenv("CLRS_TEST_CACHE_ROOT");
    char buf[512];
    char *dir;
    if (!root || !*root) root = "/tmp";
    mkdir(root, 0755);
    snprintf(buf, sizeof buf, "%s/clrs-%s-XXXXXX", root, tag);
    dir = strdup(buf);
    ck_assert_ptr_nonnull(dir);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", buf, strerror(errno));
    return dir;
}

void th_remove_tree(const char *dir)
{
    char cmd[600];
    if (!dir || !*dir || !strcmp(dir, "/")) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* CLRS_TEST_BACKENDS=host: only the host backend (valgrind runs: an OpenCL compiler under
 * memcheck takes hours and its own allocations are not ours to judge). */
static int host_only(void)
{
    const char *b = getenv("CLRS_TEST_BACKENDS");
    return b && !strcmp(b, "host");
}

static char *backends_cache_dir; /* removed by th_backends_free */

int th_backends(th_backend *out, int cap)
{
    static clrs_device_info infos[32];
    size_t count = 0, i;
    int n = 0;
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_status st;
    char *cache = th_temp_dir("cache");

    memset(out, 0, sizeof *out * (size_t)cap);
    st = clrs_context_create(&out[n].ctx, options_with_cache(&o, "host", ""));
    ck_assert_msg(st == CLRS_OK, "host context: %s", clrs_error_message());
    snprintf(out[n].name, sizeof out[n].name, "host");
    snprintf(out[n].spec, sizeof out[n].spec, "host");
    n++;
    if (host_only()) {
        free(cache);
        return n;
    }
    ck_assert_int_eq(clrs_device_list(infos, 32, &count), CLRS_OK);
    for (i = 0; i + 1 < count && i < 32 && n < cap; i++) {
        if (infos[i].type == CLRS_DEVICE_HOST) continue;
        snprintf(out[n].spec, sizeof out[n].spec, "%d:%d", infos[i].platform_index,
                 infos[i].device_index);
        st = clrs_context_create(&out[n].ctx, options_with_cache(&o, out[n].spec, cache));
        if (st != CLRS_OK) {
            fprintf(stderr, "skipping OpenCL device %s (%s): %s\n", out[n].spec, infos[i].name,
                    clrs_error_message());
            continue;
        }
        snprintf(out[n].name, sizeof out[n].name, "opencl %s %s", out[n].spec, infos[i].name);
        n++;
    }
    backends_cache_dir = cache;
    return n;
}

int th_backend_count(void)
{
    size_t count = 0;
    if (host_only() || clrs_device_list(NULL, 0, &count) != CLRS_OK) return 1;
    return (int)(count < 8 ? count : 8); /* the host is counted in the list */
}

void th_backends_free(th_backend *b, int n)
{
    int i;
    for (i = 0; i < n; i++) clrs_context_destroy(b[i].ctx);
    th_remove_tree(backends_cache_dir);
    free(backends_cache_dir);
    backends_cache_dir = NULL;
}

/* ---- tensors ---- */

void th_tensor_alloc(th_tensor *x, clrs_dtype dtype, int ndim, const int64_t *shape)
{
    int64_t n = 1;
    int i;
    memset(x, 0, sizeof *x);
    x->t = clrs_tensor_host(dtype, ndim, shape, NULL);
    for (i = 0; i < ndim; i++) n *= shape[i];
    x->bytes = (size_t)(n ? n : 1) * clrs_dtype_size(dtype);
    x->base = calloc(1, x->bytes);
    ck_assert_ptr_nonnull(x->base);
    x->t.data = x->base;
}

void th_tensor_free(th_tensor *x)
{
    free(x->base);
    memset(x, 0, sizeof *x);
}

int64_t th_numel(const clrs_tensor *t)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < t->ndim; i++) n *= t->shape[i];
    return n;
}

static size_t elem_offset(const clrs_tensor *t, int64_t i)
{
    int64_t strides[5], s = 1, off = 0;
    int d;
    for (d = t->ndim - 1; d >= 0; d--) {
        strides[d] = t->contiguous ? s : t->strides[d];
        s *= t->shape[d];
    }
    for (d = t->ndim - 1; d >= 0; d--) {
        off += (i % t->shape[d]) * strides[d];
        i /= t->shape[d];
    }
    return t->offset + (size_t)off * clrs_dtype_size(t->dtype);
}

static float bits_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t float_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* Independent of the library's conversions on purpose: reference conversions. */
static double half_to_double(uint16_t h)
{
    int e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
}
static uint16_t double_to_half(double v)
{
    /* brute force over the finite halves near v: exact round-to-nearest-even */
    uint16_t sign = signbit(v) ? 0x8000 : 0, best = 0;
    double a = fabs(v), bd = INFINITY;
    int lo = 0, hi = 0x7bff, mid;
    if (isnan(v)) return 0x7e00;
    if (a >= 65520.0) return sign | 0x7c00;
    while (lo < hi) { /* largest h with value <= a */
        mid = (lo + hi + 1) / 2;
        if (half_to_double((uint16_t)mid) <= a) lo = mid; else hi = mid - 1;
    }
    for (mid = lo; mid <= lo + 1 && mid <= 0x7bff; mid++) {
        double d = fabs(half_to_double((uint16_t)mid) - a);
        if (d < bd || (d == bd && !(mid & 1))) bd = d, best = (uint16_t)mid;
    }
    return sign | best;
}

double th_round(clrs_dtype dtype, double v)
{
    switch (dtype) {
    case CLRS_F32: return (float)v;
    case CLRS_F16: return half_to_double(double_to_half((float)v));
    case CLRS_BF16: {
        uint32_t u = float_bits((float)v);
        u += 0x7fff + ((u >> 16) & 1);
        return bits_float(u & 0xffff0000u);
    }
    default: return v;
    }
}

double th_get(const clrs_tensor *t, int64_t i)
{
    const char *p = (const char *)t->data + elem_offset(t, i);
    switch (t->dtype) {
    case CLRS_F32: { float f; memcpy(&f, p, 4); return f; }
    case CLRS_F64: { double d; memcpy(&d, p, 8); return d; }
    case CLRS_F16: { uint16_t h; memcpy(&h, p, 2); return half_to_double(h); }
    case CLRS_BF16: { uint16_t h; memcpy(&h, p, 2); return bits_float((uint32_t)h << 16); }
    case CLRS_I64: { int64_t k; memcpy(&k, p, 8); return (double)k; }
    case CLRS_U8: return (double)*(const uint8_t *)p;
    }
    return NAN;
}

void th_set(const clrs_tensor *t, int64_t i, double v)
{
    char *p = (char *)t->data + elem_offset(t, i);
    switch (t->dtype) {
    case CLRS_F32: { float f = (float)v; memcpy(p, &f, 4); break; }
    case CLRS_F64: memcpy(p, &v, 8); break;
    case CLRS_F16: { uint16_t h = double_to_half((float)v); memcpy(p, &h, 2); break; }
    case CLRS_BF16: {
        uint32_t u = float_bits((float)th_round(CLRS_BF16, v));
        uint16_t h = (uint16_t)(u >> 16);
        memcpy(p, &h, 2);
        break;
    }
    case CLRS_I64: { int64_t k = (int64_t)v; memcpy(p, &k, 8); break; }
    case CLRS_U8: *(uint8_t *)p = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); break;
    }
}

double th_rel_error(const double *a, const double *b, int64_t n)
{
    double maxdiff = 0, maxref = 0;
    int64_t i;
    for (i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i])) {
            if (isnan(a[i]) != isnan(b[i])) return INFINITY;
            continue;
        }
        if (fabs(a[i] - b[i]) > maxdiff) maxdiff = fabs(a[i] - b[i]);
        if (fabs(b[i]) > maxref) maxref = fabs(b[i]);
    }
    return maxref > 0 ? maxdiff / maxref : maxdiff;
}

/* ---- golden files ---- */

/* f32: the text is '%.9g' of a float32; round back to that float exactly. */
static double *read_values(char *rest, int64_t *count, int f32)
{
    char *end;
    int64_t n = strtoll(rest, &end, 10), i;
    double *v = malloc(sizeof *v * (size_t)(n ? n : 1));
    ck_assert_ptr_nonnull(v);
    for (i = 0; i < n; i++) {
        rest = end;
        v[i] = strtod(rest, &end);
        if (f32) v[i] = (float)v[i];
        ck_assert_msg(end != rest, "golden: short value list");
    }
    *count = n;
    return v;
}

static int read_ints(char *rest, int64_t *out, int cap)
{
    char *end;
    int n = 0;
    for (;;) {
        long long v = strtoll(rest, &end, 10);
        if (end == rest || n == cap) break;
        out[n++] = v;
        rest = end;
    }
    return n;
}

int th_golden_load(const char *file, th_golden **cases)
{
    const char *dir = getenv("CLRS_GOLDEN_DIR");
    char path[600], *line = NULL;
    size_t cap = 0;
    FILE *f;
    th_golden *v = NULL, *c = NULL;
    int n = 0, vcap = 0;
    ssize_t len;

    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/golden", file);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s (set CLRS_GOLDEN_DIR)", path);
    while ((len = getline(&line, &cap, f)) > 0) {
        char *sp, *key = line, *rest;
        int64_t cnt = 0;
        if (line[0] == '#' || line[0] == '\n') continue;
        if (line[len - 1] == '\n') line[len - 1] = '\0';
        sp = strchr(line, ' ');
        rest = sp ? sp + 1 : line + strlen(line);
        if (sp) *sp = '\0';
        if (!strcmp(key, "case")) {
            if (n == vcap) {
                vcap = vcap ? vcap * 2 : 256;
                v = realloc(v, sizeof *v * (size_t)vcap);
                ck_assert_ptr_nonnull(v);
            }
            c = &v[n++];
            memset(c, 0, sizeof *c);
            c->p = (clrs_interpolate_params)CLRS_INTERPOLATE_PARAMS_INIT;
            snprintf(c->name, sizeof c->name, "%s", rest);
            continue;
        }
        ck_assert_msg(c != NULL, "golden: %s before a case", key);
        if (!strcmp(key, "mode")) {
            c->p.mode = !strcmp(rest, "nearest")         ? CLRS_NEAREST
                        : !strcmp(rest, "nearest-exact") ? CLRS_NEAREST_EXACT
                        : !strcmp(rest, "linear")        ? CLRS_LINEAR
                        : !strcmp(rest, "cubic")         ? CLRS_CUBIC
                        : !strcmp(rest, "lanczos")       ? CLRS_LANCZOS
                                                         : CLRS_AREA;
        } else if (!strcmp(key, "antialias")) {
            c->p.antialias = atoi(rest);
        } else if (!strcmp(key, "align_corners")) {
            c->p.align_corners = atoi(rest);
        } else if (!strcmp(key, "recompute")) {
            c->p.recompute_scale_factor = atoi(rest);
        } else if (!strcmp(key, "in_shape")) {
            c->ndim = read_ints(rest, c->in_shape, 5);
        } else if (!strcmp(key, "out_shape")) {
            read_ints(rest, c->out_shape, 5);
        } else if (!strcmp(key, "size")) {
            read_ints(rest, c->p.size, 3);
        } else if (!strcmp(key, "scale")) {
            char *end;
            int i;
            for (i = 0; i < 3; i++) {
                double s = strtod(rest, &end);
                if (end == rest) break;
                c->p.scale_factor[i] = s;
                rest = end;
            }
        } else if (!strcmp(key, "x")) {
            c->x = read_values(rest, &c->nx, 1);
        } else if (!strcmp(key, "y32")) {
            c->y32 = read_values(rest, &c->ny, 1);
        } else if (!strcmp(key, "y64")) {
            c->y64 = read_values(rest, &cnt, 0);
        } else if (!strcmp(key, "g")) {
            c->g = read_values(rest, &cnt, 1);
        } else if (!strcmp(key, "gx32")) {
            c->gx32 = read_values(rest, &cnt, 1);
        } else if (!strcmp(key, "gx64")) {
            c->gx64 = read_values(rest, &cnt, 0);
        }
    }
    free(line);
    fclose(f);
    ck_assert_msg(n > 0, "golden file %s has no cases", path);
    *cases = v;
    return n;
}

void th_golden_free(th_golden *cases, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        free(cases[i].x), free(cases[i].y32), free(cases[i].y64);
        free(cases[i].g), free(cases[i].gx32), free(cases[i].gx64);
    }
    free(cases);
}

/* ---- generic golden records ---- */

int th_records_load(const char *file, th_record **records)
{
    const char *dir = getenv("CLRS_GOLDEN_DIR");
    char path[600], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *f;
    th_record *recs = NULL, *r = NULL;
    int n = 0, rcap = 0;
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "tests/golden", file);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while ((len = getline(&line, &cap, f)) > 0) {
        char *sp, *rest, *end, *p;
        double *v;
        int64_t i;
        if (line[0] == '#' || line[0] == '\n') continue;
        if (line[len - 1] == '\n') line[len - 1] = '\0';
        sp = strchr(line, ' ');
        rest = sp ? sp + 1 : line + strlen(line);
        if (sp) *sp = '\0';
        if (!strcmp(line, "case")) {
            if (n == rcap) {
                rcap = rcap ? 2 * rcap : 256;
                recs = realloc(recs, sizeof *recs * (size_t)rcap);
                ck_assert_ptr_nonnull(recs);
            }
            r = &recs[n++];
            memset(r, 0, sizeof *r);
            snprintf(r->name, sizeof r->name, "%s", rest);
            continue;
        }
        if (!strcmp(line, "end") || !r) continue;
        ck_assert_int_lt(r->nkeys, TH_MAX_KEYS);
        snprintf(r->key[r->nkeys], sizeof r->key[0], "%s", line);
        snprintf(r->text[r->nkeys], sizeof r->text[0], "%s", rest);
        v = malloc(sizeof *v * (strlen(rest) / 2 + 2));
        ck_assert_ptr_nonnull(v);
        for (i = 0, p = rest;; i++, p = end) {
            double d = strtod(p, &end);
            if (end == p) break;
            v[i] = d;
        }
        r->val[r->nkeys] = v;
        r->n[r->nkeys] = i;
        r->nkeys++;
    }
    free(line);
    fclose(f);
    *records = recs;
    return n;
}

void th_records_free(th_record *records, int n)
{
    int i, k;
    for (i = 0; i < n; i++)
        for (k = 0; k < records[i].nkeys; k++) free(records[i].val[k]);
    free(records);
}

static int record_find(const th_record *r, const char *key)
{
    int k;
    for (k = 0; k < r->nkeys; k++)
        if (!strcmp(r->key[k], key)) return k;
    return -1;
}

const double *th_record_values(th_record *r, const char *key, int64_t *n, int f32)
{
    int k = record_find(r, key);
    int64_t i, cnt;
    ck_assert_msg(k >= 0, "%s: no %s", r->name, key);
    if (r->n[k] == 1) { /* a single number */
        if (n) *n = 0;
        return r->val[k] + 1;
    }
    cnt = (int64_t)r->val[k][0];
    ck_assert_msg(cnt == r->n[k] - 1, "%s: %s has %lld values, says %lld", r->name, key,
                  (long long)(r->n[k] - 1), (long long)cnt);
    if (f32)
        for (i = 1; i <= cnt; i++) r->val[k][i] = (float)r->val[k][i];
    if (n) *n = cnt;
    return r->val[k] + 1;
}

int th_record_shape(const th_record *r, const char *key, int64_t *s)
{
    int k = record_find(r, key), i;
    if (k < 0) return 0;
    for (i = 0; i < r->n[k]; i++) s[i] = (int64_t)r->val[k][i];
    return (int)r->n[k];
}

const char *th_record_text(const th_record *r, const char *key)
{
    int k = record_find(r, key);
    return k < 0 ? NULL : r->text[k];
}

/* ---- running a suite ---- */

int th_run(const char *suite, void (*setup)(void), void (*teardown)(void),
           void (*add)(TCase *tc, int n))
{
    Suite *s = suite_create(suite);
    TCase *tc = tcase_create("all");
    SRunner *sr;
    int failed;
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 1200);
    add(tc, th_backend_count());
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

/* ---- seeds ---- */

uint64_t th_seed(const char *suite)
{
    const char *env = getenv("CLRS_TEST_SEED");
    uint64_t s = env && *env ? strtoull(env, NULL, 0)
                             : ((uint64_t)time(NULL) * 2654435761u) ^ (uint64_t)getpid();
    printf("%s: seed %llu (replay with CLRS_TEST_SEED=%llu)\n", suite, (unsigned long long)s,
           (unsigned long long)s);
    fflush(stdout);
    return s ? s : 1;
}

uint64_t th_rand(uint64_t *state)
{
    uint64_t x = *state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

double th_uniform(uint64_t *state) { return (double)(th_rand(state) >> 11) * 0x1p-52 - 1.0; }

int th_quick(void)
{
    const char *q = getenv("CLRS_TEST_QUICK");
    return q && *q && *q != '0';
}
