/* test_tune.c — the OpenCL kernels' tuning (lib/tune.c) on the first OpenCL device:
 * `clrs-tune --quick` into a fresh cache directory stores a configuration that a new context
 * reads and its calls use (clrs_context_last_tune); every parameter value gives the same bits
 * as the defaults (interpolate forward / backward in several modes, dtypes and layouts, odd
 * sizes; grid_sample forward and backward; pixel_shuffle / unshuffle; max_unpool forward and
 * backward); the tuning file's trust rules and corrupt,
 * truncated, foreign and hostile contents (ignored, never fatal); the environment overrides
 * and the API's refusals. Skipped (77) without OpenCL. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static char device_spec[32];
static char *program_dir; /* the disk cache of the contexts made with cache_dir NULL */

static clrs_context *make_ctx(const char *cache_dir)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    o.device = device_spec;
    o.cache_dir = cache_dir ? cache_dir : program_dir;
    o.host_fallback = 0;
    ck_assert_msg(clrs_context_create(&ctx, &o) == CLRS_OK, "context: %s", clrs_error_message());
    return ctx;
}

static void write_text(const char *path, const void *text, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert(write(fd, text, n) == (ssize_t)n);
    close(fd);
    ck_assert(chmod(path, mode) == 0);
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ---- the calls compared ---- */

typedef struct {
    const char *what;
    int grid;                    /* 0 interpolate, 1 grid_sample, 2 pixel_shuffle (r 3),
                                    3 pixel_unshuffle (r 3), 4 max_unpool 2x2 (backward too) */
    int backward;
    clrs_dtype dtype;
    int ndim;
    int64_t in[5];
    clrs_mode mode;
    int antialias;
    double scale[3];
    int channels_last;
} call_case;

static const call_case cases[] = {
    {"bilinear 2x f32", 0, 0, CLRS_F32, 4, {1, 3, 13, 37}, CLRS_LINEAR, 0, {2, 2, 0}, 0},
    {"bicubic 1.7x f32", 0, 0, CLRS_F32, 4, {2, 2, 9, 23}, CLRS_CUBIC, 0, {1.7, 1.7, 0}, 0},
    {"nearest 3x f32", 0, 0, CLRS_F32, 4, {1, 2, 7, 11}, CLRS_NEAREST, 0, {3, 3, 0}, 0},
    {"area 0.3x f32", 0, 0, CLRS_F32, 4, {1, 2, 31, 45}, CLRS_AREA, 0, {0.3, 0.3, 0}, 0},
    {"aa bilinear 0.3x f32", 0, 0, CLRS_F32, 4, {1, 2, 40, 53}, CLRS_LINEAR, 1, {0.3, 0.3, 0}, 0},
    {"bilinear 2x backward f32", 0, 1, CLRS_F32, 4, {1, 3, 13, 37}, CLRS_LINEAR, 0, {2, 2, 0}, 0},
    {"trilinear 2x f32", 0, 0, CLRS_F32, 5, {1, 2, 5, 7, 19}, CLRS_LINEAR, 0, {2, 2, 2}, 0},
    {"bilinear 2x channels-last f32", 0, 0, CLRS_F32, 4, {1, 3, 11, 29}, CLRS_LINEAR, 0, {2, 2, 0}, 1},
    {"bicubic 2x f16", 0, 0, CLRS_F16, 4, {1, 2, 9, 21}, CLRS_CUBIC, 0, {2, 2, 0}, 0},
    {"grid_sample bilinear f32", 1, 0, CLRS_F32, 4, {2, 3, 17, 23}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    {"grid_sample bilinear backward f32", 1, 1, CLRS_F32, 4, {2, 3, 17, 23}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    {"pixel_shuffle r3 f32", 2, 0, CLRS_F32, 4, {2, 18, 5, 7}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    {"pixel_unshuffle r3 f16", 3, 0, CLRS_F16, 4, {2, 2, 15, 21}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    {"max_unpool 2x2 f32", 4, 0, CLRS_F32, 4, {2, 3, 5, 7}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    {"max_unpool 2x2 backward f32", 4, 1, CLRS_F32, 4, {2, 3, 5, 7}, CLRS_LINEAR, 0, {0, 0, 0}, 0},
    /* rows too long for one band in local memory: the band kernel splits them in segments */
    {"bilinear 2x long rows f32", 0, 0, CLRS_F32, 4, {1, 1, 20, 5001}, CLRS_LINEAR, 0, {2, 2, 0}, 0},
    /* uint8 (kernel "interpolate_u8"): vec 1 is the one work-item per byte kernel, above 1 the
     * CPU-shaped one (kernels/interpolate_u8.cl) */
    {"aa bicubic 0.3x u8", 0, 0, CLRS_U8, 4, {2, 2, 40, 53}, CLRS_CUBIC, 1, {0.3, 0.3, 0}, 0},
    {"lanczos 0.45x channels-last u8", 0, 0, CLRS_U8, 4, {1, 3, 37, 61}, CLRS_LANCZOS, 1, {0.45, 0.45, 0}, 1},
};
#define NCASES (int)(sizeof cases / sizeof cases[0])

static void fill(th_tensor *t, uint64_t seed)
{
    int64_t i, n = th_numel(&t->t);
    for (i = 0; i < n; i++) th_set(&t->t, i, t->t.dtype == CLRS_U8 ? (double)(int)((th_uniform(&seed) + 1) * 127.9) : th_uniform(&seed) * 3);
}

static void channels_last(th_tensor *t)
{
    /* NHWC strides over the same elements count */
    const int64_t *s = t->t.shape;
    t->t.contiguous = 0;
    t->t.strides[1] = 1;
    t->t.strides[3] = s[1];
    t->t.strides[2] = s[1] * s[3];
    t->t.strides[0] = s[1] * s[2] * s[3];
}

/* Runs case c on ctx; the output bytes (all outputs concatenated) land in *out (malloc'd). */
static size_t run_case(clrs_context *ctx, const call_case *c, unsigned char **out)
{
    th_tensor in, o, grid, go, gg;
    size_t n = 0, nb;
    int d;
    clrs_status st;
    *out = NULL;
    th_tensor_alloc(&in, c->dtype, c->ndim, c->in);
    fill(&in, 11);
    if (c->grid == 2 || c->grid == 3) {
        int64_t os[4];
        if (c->grid == 2) ck_assert(clrs_pixel_shuffle_shape(3, 4, c->in, os) == CLRS_OK);
        else ck_assert(clrs_pixel_unshuffle_shape(3, 4, c->in, os) == CLRS_OK);
        th_tensor_alloc(&o, c->dtype, 4, os);
        st = c->grid == 2 ? clrs_pixel_shuffle(ctx, 3, &in.t, &o.t) : clrs_pixel_unshuffle(ctx, 3, &in.t, &o.t);
        ck_assert_msg(st == CLRS_OK, "%s: %s", c->what, clrs_error_message());
        n = (size_t)th_numel(&o.t) * clrs_dtype_size(c->dtype);
        *out = malloc(n);
        memcpy(*out, o.t.data, n);
        th_tensor_free(&o);
    } else if (c->grid == 4) {
        /* indices: one valid position of each input's 2x2 window, varied */
        clrs_unpool_params p = CLRS_UNPOOL_PARAMS_INIT;
        const int64_t os[4] = {c->in[0], c->in[1], 2 * c->in[2], 2 * c->in[3]};
        th_tensor idx;
        int64_t q, i, j;
        p.kernel[0] = p.kernel[1] = 2;
        th_tensor_alloc(&idx, CLRS_I64, 4, c->in);
        for (q = 0; q < c->in[0] * c->in[1]; q++)
            for (i = 0; i < c->in[2]; i++)
                for (j = 0; j < c->in[3]; j++)
                    ((int64_t *)idx.t.data)[(q * c->in[2] + i) * c->in[3] + j] =
                        (2 * i + (i + j + q) % 2) * os[3] + 2 * j + (i * j) % 2;
        th_tensor_alloc(&o, c->dtype, 4, os);
        if (!c->backward) {
            st = clrs_max_unpool(ctx, &p, &in.t, &idx.t, &o.t);
        } else {
            fill(&o, 5);
            st = clrs_max_unpool_backward(ctx, &p, &o.t, &idx.t, &in.t);
        }
        ck_assert_msg(st == CLRS_OK, "%s: %s", c->what, clrs_error_message());
        {
            const th_tensor *r = c->backward ? &in : &o;
            n = (size_t)th_numel(&r->t) * clrs_dtype_size(c->dtype);
            *out = malloc(n);
            memcpy(*out, r->t.data, n);
        }
        th_tensor_free(&o);
        th_tensor_free(&idx);
    } else if (!c->grid) {
        clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
        int64_t os[5];
        p.mode = c->mode;
        p.antialias = c->antialias;
        if (c->mode == CLRS_LINEAR || c->mode == CLRS_CUBIC) p.align_corners = 0;
        for (d = 0; d < c->ndim - 2; d++) p.scale_factor[d] = c->scale[d];
        ck_assert(clrs_interpolate_shape(&p, c->ndim, c->in, os) == CLRS_OK);
        th_tensor_alloc(&o, c->dtype, c->ndim, os);
        if (c->channels_last) {
            channels_last(&in);
            channels_last(&o);
        }
        if (!c->backward) {
            st = clrs_interpolate(ctx, &p, &in.t, &o.t);
        } else { /* grad_output has the output's shape, grad_input the input's */
            fill(&o, 5);
            st = clrs_interpolate_backward(ctx, &p, &o.t, &in.t);
        }
        ck_assert_msg(st == CLRS_OK, "%s: %s", c->what, clrs_error_message());
        {
            const th_tensor *r = c->backward ? &in : &o;
            nb = (size_t)th_numel(&r->t) * clrs_dtype_size(c->dtype);
            *out = malloc(nb);
            memcpy(*out, r->t.data, nb); /* contiguous allocations: the bytes in memory order */
            n = nb;
        }
        th_tensor_free(&o);
    } else {
        clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
        int64_t gs[4] = {c->in[0], c->in[2], c->in[3], 2};
        int64_t i;
        uint64_t seed = 3;
        p.mode = CLRS_GRID_BILINEAR;
        p.padding_mode = CLRS_PADDING_ZEROS;
        p.align_corners = 0;
        p.deterministic = 1; /* grad_input bit-reproducible, so comparable */
        th_tensor_alloc(&grid, c->dtype, 4, gs);
        for (i = 0; i < th_numel(&grid.t); i++) th_set(&grid.t, i, th_uniform(&seed) * 1.1);
        th_tensor_alloc(&o, c->dtype, 4, c->in);
        if (!c->backward) {
            st = clrs_grid_sample(ctx, &p, &in.t, &grid.t, &o.t);
            ck_assert_msg(st == CLRS_OK, "%s: %s", c->what, clrs_error_message());
            n = (size_t)th_numel(&o.t) * 4;
            *out = malloc(n);
            memcpy(*out, o.t.data, n);
        } else {
            th_tensor_alloc(&go, c->dtype, 4, c->in);
            th_tensor_alloc(&gg, c->dtype, 4, gs);
            fill(&go, 9);
            st = clrs_grid_sample_backward(ctx, &p, &go.t, &in.t, &grid.t, &o.t, &gg.t);
            ck_assert_msg(st == CLRS_OK, "%s: %s", c->what, clrs_error_message());
            nb = (size_t)th_numel(&o.t) * 4;
            n = nb + (size_t)th_numel(&gg.t) * 4;
            *out = malloc(n);
            memcpy(*out, o.t.data, nb);
            memcpy(*out + nb, gg.t.data, n - nb);
            th_tensor_free(&go);
            th_tensor_free(&gg);
        }
        th_tensor_free(&o);
        th_tensor_free(&grid);
    }
    th_tensor_free(&in);
    return n;
}

/* ---- tests ---- */

/* clrs-tune --quick stores a configuration; a new context reads it, its calls use it and give
 * the untuned bits. */
START_TEST(quick_tool_round_trip)
{
    char *dir = th_temp_dir("tune-quick"), *file = path_in(dir, "tuning.txt"), cmd[2048], path[4096];
    const char *bdir = getenv("abs_top_builddir");
    clrs_context *ctx, *plain;
    clrs_tune_choice ch;
    unsigned char *a, *b;
    size_t na, nb, entries = 0;
    struct stat st;
    int rc;
    snprintf(cmd, sizeof cmd, "CLRS_CACHE_DIR='%s' '%s/tools/clrs-tune' --quick --device '%s'", dir, bdir ? bdir : ".",
             device_spec);
    printf("running: %s\n", cmd);
    fflush(stdout);
    rc = system(cmd);
    ck_assert_msg(rc == 0, "clrs-tune --quick failed (%d)", rc);
    ck_assert_msg(stat(file, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600, "no private tuning file");
    /* clrs-probe says the device is tuned, and where the file is */
    snprintf(cmd, sizeof cmd, "CLRS_CACHE_DIR='%s' '%s/tools/clrs-probe' | grep -F 'tuned: yes' | grep -qF '%s'", dir,
             bdir ? bdir : ".", file);
    ck_assert_msg(system(cmd) == 0, "clrs-probe does not report the device tuned with %s", file);

    ctx = make_ctx(dir);
    ck_assert(clrs_tune_file(ctx, path, sizeof path, &entries) == CLRS_OK);
    ck_assert_str_eq(path, file);
    ck_assert_msg(entries >= 2, "%zu entries read", entries);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-2-2", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);
    printf("tuned interpolate taps1-2-2: wg=%d vec=%d passes=%d\n", ch.params.wg, ch.params.vec, ch.params.passes);
    ck_assert(clrs_tune_lookup(ctx, "grid_sample", "2d-bilinear", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);

    /* the calls use the file's entries, and equal an untuned context's bits */
    plain = make_ctx("");
    na = run_case(ctx, &cases[0], &a);
    ck_assert(clrs_context_last_tune(ctx, &ch) == CLRS_OK);
    ck_assert_str_eq(ch.kernel, "interpolate");
    ck_assert_str_eq(ch.shape_class, "taps1-2-2");
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);
    nb = run_case(plain, &cases[0], &b);
    ck_assert(clrs_context_last_tune(plain, &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_DEFAULT);
    ck_assert(na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    na = run_case(ctx, &cases[9], &a);
    ck_assert(clrs_context_last_tune(ctx, &ch) == CLRS_OK);
    ck_assert_str_eq(ch.kernel, "grid_sample");
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);
    nb = run_case(plain, &cases[9], &b);
    ck_assert(na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    clrs_context_destroy(ctx);
    clrs_context_destroy(plain);
    th_remove_tree(dir);
    free(dir);
    free(file);
}
END_TEST

/* Every parameter value gives the defaults' bits (loop: one call case per iteration). */
START_TEST(same_bits_every_param)
{
    static const clrs_tune_params ps[] = {
        {0, 4, 1}, {1, 4, 1}, {7, 4, 1}, {4096, 4, 1},          /* one pass, odd work-groups */
        {0, 1, 2}, {64, 2, 2}, {256, 8, 2}, {3, 16, 2}, {1024, 4, 2}, /* two passes, every width */
        {0, 1, 3}, {1, 2, 3}, {4, 4, 3}, {3, 8, 3}, {256, 16, 3},     /* bands of 1 to 16 rows */
    };
    /* grid_sample: passes 1 (per point; backward: with the deterministic gather) and 2 (forward:
     * the channels in step; backward: the plane scatter, vec channels a work-item) */
    static const clrs_tune_params gps[] = {
        {0, 4, 1}, {1, 4, 1}, {7, 4, 1}, {4096, 4, 1}, {0, 1, 2}, {1, 2, 2}, {64, 8, 2}, {3, 16, 2},
    };
    const call_case *c = &cases[_i];
    clrs_context *ctx = make_ctx(NULL), *plain = make_ctx(NULL);
    clrs_tune_choice ch;
    unsigned char *ref, *got;
    /* grid_sample: its own sets; pixel_shuffle: only wg applies (the first 4); interpolate and
     * max_unpool (passes / vec): every set */
    size_t nref, ngot, k,
        nsets = c->grid == 1 ? sizeof gps / sizeof gps[0] : c->grid && c->grid != 4 ? 4 : sizeof ps / sizeof ps[0];
    nref = run_case(plain, c, &ref);
    ck_assert(clrs_context_last_tune(plain, &ch) == CLRS_OK);
    for (k = 0; k < nsets; k++) {
        const clrs_tune_params *pk = c->grid == 1 ? &gps[k] : &ps[k];
        ck_assert(clrs_tune_set(ctx, ch.kernel, ch.shape_class, pk) == CLRS_OK);
        ngot = run_case(ctx, c, &got);
        ck_assert(ngot == nref);
        ck_assert_msg(memcmp(got, ref, nref) == 0, "%s (%s %s): wg=%d vec=%d passes=%d changed the result", c->what,
                      ch.kernel, ch.shape_class, pk->wg, pk->vec, pk->passes);
        free(got);
        {
            clrs_tune_choice used;
            ck_assert(clrs_context_last_tune(ctx, &used) == CLRS_OK);
            ck_assert_int_eq(used.source, CLRS_TUNE_SET);
            ck_assert_int_eq(used.params.wg, pk->wg);
        }
    }
    printf("%s (%s %s): %zu parameter sets, same bits\n", c->what, ch.kernel, ch.shape_class, nsets);
    free(ref);
    clrs_context_destroy(ctx);
    clrs_context_destroy(plain);
}
END_TEST

/* A hand-written file: this device's entries are read (missing parameters keep the default),
 * another device's are not, and clrs_tune_save keeps them. */
START_TEST(file_entries_and_save)
{
    char *dir = th_temp_dir("tune-file"), *file = path_in(dir, "tuning.txt"), text[2048];
    clrs_context *ctx = make_ctx(dir);
    clrs_device_info info_copy = *clrs_context_device(ctx), *info = &info_copy;
    clrs_tune_choice ch, def;
    clrs_tune_params p = {16, 2, 2};
    unsigned char *a, *b;
    size_t na, nb;
    FILE *f;
    long len;
    char *back;
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-4-4", &def) == CLRS_OK);
    ck_assert_int_eq(def.source, CLRS_TUNE_DEFAULT);
    clrs_context_destroy(ctx);
    snprintf(text, sizeof text,
             "# a comment\nclresample-tuning 1\n"
             "%s\t%s\tinterpolate\ttaps1-4-4\tvec=8 passes=2\n"
             "%s\t%s\tgrid_sample\t2d-bilinear\twg=32\n"
             "Other Device\t9.9\tinterpolate\ttaps1-4-4\twg=1 vec=1 passes=1\n",
             info->name, info->driver, info->name, info->driver);
    write_text(file, text, strlen(text), 0600);
    ctx = make_ctx(dir);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-4-4", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);
    ck_assert_int_eq(ch.params.vec, 8);
    ck_assert_int_eq(ch.params.passes, 2);
    ck_assert_int_eq(ch.params.wg, def.params.wg);
    ck_assert(clrs_tune_lookup(ctx, "grid_sample", "2d-bilinear", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.params.wg, 32);
    /* the bicubic call uses vec=8 two passes: same bits as the default */
    na = run_case(ctx, &cases[1], &a);
    ck_assert(clrs_context_last_tune(ctx, &ch) == CLRS_OK);
    ck_assert_str_eq(ch.shape_class, "taps1-4-4");
    ck_assert_int_eq(ch.params.vec, 8);
    {
        clrs_context *plain = make_ctx("");
        nb = run_case(plain, &cases[1], &b);
        clrs_context_destroy(plain);
    }
    ck_assert(na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    /* save: ours replaced, the other device's line kept */
    ck_assert(clrs_tune_set(ctx, "interpolate", "taps1-2-2", &p) == CLRS_OK);
    ck_assert(clrs_tune_save(ctx) == CLRS_OK);
    clrs_context_destroy(ctx);
    f = fopen(file, "rb");
    ck_assert(f != NULL);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    back = calloc(1, (size_t)len + 1);
    ck_assert(fread(back, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    ck_assert_msg(strstr(back, "Other Device\t9.9\tinterpolate\ttaps1-4-4\twg=1 vec=1 passes=1\n") != NULL, "%s", back);
    ck_assert(strstr(back, "\tinterpolate\ttaps1-2-2\twg=16 vec=2 passes=2\n") != NULL);
    free(back);
    ctx = make_ctx(dir);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-2-2", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_FILE);
    ck_assert_int_eq(ch.params.wg, 16);
    clrs_context_destroy(ctx);
    th_remove_tree(dir);
    free(dir);
    free(file);
}
END_TEST

/* The defaults stay, and calls work, whatever sits at the tuning file's path. */
static void expect_ignored(const char *dir, const char *what)
{
    clrs_context *ctx = make_ctx(dir);
    clrs_tune_choice ch;
    unsigned char *a;
    size_t entries = 99;
    char path[4096];
    ck_assert(clrs_tune_file(ctx, path, sizeof path, &entries) == CLRS_OK);
    ck_assert_msg(entries == 0, "%s: %zu entries read", what, entries);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-2-2", &ch) == CLRS_OK);
    ck_assert_msg(ch.source == CLRS_TUNE_DEFAULT, "%s: not the default", what);
    run_case(ctx, &cases[0], &a);
    free(a);
    clrs_context_destroy(ctx);
}

START_TEST(unsafe_and_corrupt_files)
{
    char *dir = th_temp_dir("tune-bad"), *file = path_in(dir, "tuning.txt"), *other = path_in(dir, "other.txt");
    char good[1024], big_line[3000];
    clrs_context *ctx = make_ctx("");
    clrs_device_info info_copy = *clrs_context_device(ctx), *info = &info_copy;
    static const char *const bad[] = {
        "", "clresample-tuning 2\n", "garbage\x01\x02\xff\n", "clresample-tuning 1",
        "# only a comment\n",
    };
    uint64_t seed = th_seed("tune-corrupt");
    size_t k, n;
    int i;
    snprintf(good, sizeof good, "clresample-tuning 1\n%s\t%s\tinterpolate\ttaps1-2-2\twg=64 vec=8 passes=2\n", info->name,
             info->driver);
    clrs_context_destroy(ctx);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_text(file, bad[k], strlen(bad[k]), 0600);
        expect_ignored(dir, bad[k]);
    }
    /* entries with values out of range, unknown keys, bad names, too many fields, NUL bytes */
    {
        static const char *const lines[] = {
            "wg=4097", "vec=3", "passes=4", "wg=-1", "wg=99999999999", "speed=9", "wg", "wg=", "wg=6 4",
        };
        for (k = 0; k < sizeof lines / sizeof lines[0]; k++) {
            char t[1024];
            n = (size_t)snprintf(t, sizeof t, "clresample-tuning 1\n%s\t%s\tinterpolate\ttaps1-2-2\t%s\n", info->name,
                                 info->driver, lines[k]);
            write_text(file, t, n, 0600);
            expect_ignored(dir, lines[k]);
        }
        n = (size_t)snprintf(good + 0, 0, "%s", "");
        {
            char t[1024];
            n = (size_t)snprintf(t, sizeof t, "clresample-tuning 1\n%s\t%s\tinter polate\ttaps1-2-2\twg=1\n%s\t%s\ta\tb\tc\td\te\tf\n",
                                 info->name, info->driver, info->name, info->driver);
            write_text(file, t, n, 0600);
            expect_ignored(dir, "bad name / too many fields");
            memcpy(t, good, strlen(good) + 1);
            t[strlen("clresample-tuning 1\n") + 2] = '\0'; /* a NUL inside the device name */
            write_text(file, t, strlen(good), 0600);
            expect_ignored(dir, "NUL byte");
        }
    }
    /* a line over the length limit */
    memset(big_line, 'a', sizeof big_line);
    n = (size_t)snprintf(big_line, sizeof big_line, "clresample-tuning 1\n%s\t%s\tinterpolate\ttaps1-2-2\twg=64 ", info->name,
                         info->driver);
    memset(big_line + n, ' ', sizeof big_line - n - 1);
    big_line[sizeof big_line - 1] = '\n';
    write_text(file, big_line, sizeof big_line, 0600);
    expect_ignored(dir, "a long line");
    /* a valid file the library may not trust: group-writable, a symlink, a FIFO, a directory */
    write_text(file, good, strlen(good), 0620);
    expect_ignored(dir, "group-writable");
    unlink(file);
    write_text(other, good, strlen(good), 0600);
    ck_assert(symlink(other, file) == 0);
    expect_ignored(dir, "symlink");
    unlink(file);
    ck_assert(mkfifo(file, 0600) == 0);
    expect_ignored(dir, "FIFO");
    unlink(file);
    ck_assert(mkdir(file, 0700) == 0);
    expect_ignored(dir, "directory");
    {
        clrs_context *c2 = make_ctx(dir);
        ck_assert_int_eq(clrs_tune_save(c2), CLRS_ERR_IO); /* never replaces a directory */
        clrs_context_destroy(c2);
    }
    rmdir(file);
    /* seeded mutations of the valid file: read or ignored, never fatal, values in range */
    for (i = 0; i < (th_quick() ? 5 : 40); i++) {
        char t[1024];
        clrs_tune_choice ch;
        int m, flips = 1 + (int)(th_rand(&seed) % 4);
        n = strlen(good);
        memcpy(t, good, n);
        for (m = 0; m < flips; m++) t[th_rand(&seed) % n] = (char)(th_rand(&seed) & 0xff);
        if (th_rand(&seed) % 3 == 0) n = (size_t)(th_rand(&seed) % n) + 1; /* truncated */
        write_text(file, t, n, 0600);
        ctx = make_ctx(dir);
        ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-2-2", &ch) == CLRS_OK);
        ck_assert(ch.params.wg >= 0 && ch.params.wg <= 4096);
        ck_assert(ch.params.vec == 1 || ch.params.vec == 2 || ch.params.vec == 4 || ch.params.vec == 8 ||
                  ch.params.vec == 16);
        ck_assert(ch.params.passes >= 0 && ch.params.passes <= 3);
        clrs_context_destroy(ctx);
    }
    unlink(file);
    unlink(other);
    th_remove_tree(dir);
    free(dir);
    free(file);
    free(other);
}
END_TEST

START_TEST(environment_and_refusals)
{
    clrs_context *ctx = make_ctx(""), *host = NULL;
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_tune_choice ch;
    clrs_tune_params p = {64, 4, 0}, bad;
    char path[8];
    size_t entries;
    unsigned char *a, *b;
    size_t na, nb;
    /* CLRS_VEC overrides whatever the file or the default says; same bits */
    na = run_case(ctx, &cases[1], &a);
    setenv("CLRS_VEC", "2", 1); /* not the CPU or GPU default */
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-4-4", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_ENV);
    ck_assert_int_eq(ch.params.vec, 2);
    nb = run_case(ctx, &cases[1], &b);
    unsetenv("CLRS_VEC");
    ck_assert(na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    setenv("CLRS_VEC", "3", 1); /* not a width: ignored */
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "taps1-4-4", &ch) == CLRS_OK);
    ck_assert_int_eq(ch.source, CLRS_TUNE_DEFAULT);
    unsetenv("CLRS_VEC");
    /* refusals */
    ck_assert_int_eq(clrs_tune_set(NULL, "interpolate", "x", &p), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_tune_set(ctx, "", "x", &p), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_tune_set(ctx, "interpolate", "has space", &p), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_tune_set(ctx, "interpolate", "a23456789012345678901234567890123", &p), CLRS_ERR_ARGUMENT);
    bad = p;
    bad.wg = -1;
    ck_assert_int_eq(clrs_tune_set(ctx, "interpolate", "x", &bad), CLRS_ERR_ARGUMENT);
    ck_assert(strstr(clrs_error_message(), "params.wg") != NULL);
    bad = p;
    bad.vec = 3;
    ck_assert_int_eq(clrs_tune_set(ctx, "interpolate", "x", &bad), CLRS_ERR_ARGUMENT);
    bad = p;
    bad.passes = 5;
    ck_assert_int_eq(clrs_tune_set(ctx, "interpolate", "x", &bad), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_tune_lookup(ctx, "interpolate", "x", NULL), CLRS_ERR_ARGUMENT);
    ck_assert_int_eq(clrs_tune_file(ctx, path, sizeof path, &entries), CLRS_OK); /* no cache dir: "" */
    ck_assert_str_eq(path, "");
    ck_assert_int_eq(clrs_tune_save(ctx), CLRS_ERR_IO);
    /* set then remove */
    ck_assert(clrs_tune_set(ctx, "interpolate", "x", &p) == CLRS_OK);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "x", &ch) == CLRS_OK && ch.source == CLRS_TUNE_SET);
    ck_assert(clrs_tune_set(ctx, "interpolate", "x", NULL) == CLRS_OK);
    ck_assert(clrs_tune_lookup(ctx, "interpolate", "x", &ch) == CLRS_OK && ch.source == CLRS_TUNE_DEFAULT);
    clrs_context_destroy(ctx);
    o.device = "host";
    ck_assert(clrs_context_create(&host, &o) == CLRS_OK);
    ck_assert_int_eq(clrs_tune_lookup(host, "interpolate", "x", &ch), CLRS_ERR_UNSUPPORTED);
    ck_assert_int_eq(clrs_context_last_tune(host, &ch), CLRS_ERR_UNSUPPORTED);
    clrs_context_destroy(host);
}
END_TEST

static void add_tests(TCase *tc, int n)
{
    (void)n;
    tcase_add_test(tc, quick_tool_round_trip);
    tcase_add_loop_test(tc, same_bits_every_param, 0, NCASES);
    tcase_add_test(tc, file_entries_and_save);
    tcase_add_test(tc, unsafe_and_corrupt_files);
    tcase_add_test(tc, environment_and_refusals);
}

int main(void)
{
    clrs_device_info infos[16];
    size_t count = 0, i;
    int rc;
    if (getenv("CLRS_TEST_BACKENDS") && !strcmp(getenv("CLRS_TEST_BACKENDS"), "host")) {
        printf("test_tune: CLRS_TEST_BACKENDS=host: no OpenCL device wanted: skipped\n");
        return 77;
    }
    if (clrs_device_list(infos, 16, &count) != CLRS_OK) count = 0;
    for (i = 0; i < count && i < 16; i++)
        if (infos[i].type != CLRS_DEVICE_HOST) break;
    if (i >= count || i >= 16) {
        printf("test_tune: no OpenCL device: skipped\n");
        return 77;
    }
    snprintf(device_spec, sizeof device_spec, "%d:%d", infos[i].platform_index, infos[i].device_index);
    printf("test_tune: OpenCL device %s (%s)\n", device_spec, infos[i].name);
    /* the overrides would make every source "environment" */
    unsetenv("CLRS_WG");
    unsetenv("CLRS_VEC");
    unsetenv("CLRS_INTERP_PASSES");
    {
        const char *root = getenv("CLRS_TEST_CACHE_ROOT");
        char buf[512];
        if (!root || !*root) root = "/tmp";
        mkdir(root, 0755);
        snprintf(buf, sizeof buf, "%s/clrs-tune-programs-XXXXXX", root);
        if (!(program_dir = strdup(buf)) || !mkdtemp(program_dir)) {
            printf("test_tune: cannot make a temporary directory under %s\n", root);
            return 99;
        }
    }
    rc = th_run("tune", NULL, NULL, add_tests);
    th_remove_tree(program_dir);
    free(program_dir);
    return rc;
}
