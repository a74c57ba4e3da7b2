/* test_api.c — the public API contract on every backend: each argument rule of interpolate,
 * interpolate_backward and interpolate_shape (status, message naming the argument, outputs
 * byte-for-byte untouched), the cleared message after success, status names / version / dtype
 * sizes, contexts (create, $CLRS_DEVICE, device list, wrap) and one context shared by threads. */
#include "harness.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BACKENDS 8
#define CAP 8192          /* bytes of every fixture buffer: room for any shape a rule makes */
#define SRC_FILL 0x3F     /* input bytes: 0x3F3F3F3F is the float 0.747 */
#define CANARY 0xA5       /* output bytes before a call */

static th_backend backends[MAX_BACKENDS];
static int nbackends;

static void setup(void) { nbackends = th_backends(backends, MAX_BACKENDS); }
static void teardown(void) { th_backends_free(backends, nbackends); }

/* ---- rule bookkeeping: a broken rule is reported and counted, the others still run ---- */

static int nrules, nfailed;
static int noted; /* a skipped-rule note is printed once per test */

static void rule_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void rule_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    nfailed++;
}

/* The message of a failed call: non-empty, "<op>: ..." and naming the argument (n1, n2). */
static int message_ok(const char *op, const char *n1, const char *n2, char *why, size_t cap)
{
    const char *m = clrs_error_message();
    size_t k = strlen(op);
    if (!m || !*m) {
        snprintf(why, cap, "the message is empty");
        return 0;
    }
    if (strncmp(m, op, k) != 0 || m[k] != ':') {
        snprintf(why, cap, "message \"%s\" does not start with \"%s:\"", m, op);
        return 0;
    }
    if ((n1 && !strstr(m, n1)) || (n2 && !strstr(m, n2))) {
        snprintf(why, cap, "message \"%s\" does not name \"%s\"%s%s", m, n1 ? n1 : "",
                 n2 ? " / " : "", n2 ? n2 : "");
        return 0;
    }
    return 1;
}

/* ---- raw OpenCL, made by the test itself ---- */

typedef struct {
    cl_device_id dev;
    cl_context cl;
    cl_command_queue q;
} rawcl;

/* CLRS_TEST_BACKENDS=host (valgrind runs): no OpenCL device wanted. */
static int host_only(void)
{
    const char *b = getenv("CLRS_TEST_BACKENDS");
    return b && !strcmp(b, "host");
}

/* A context and queue of our own on `dev` (NULL: the first OpenCL device). 0 without one. */
static int rawcl_open(rawcl *r, cl_device_id dev)
{
    cl_platform_id plat = NULL;
    cl_int err;
    memset(r, 0, sizeof *r);
    if (host_only()) return 0;
    if (!dev) {
        cl_platform_id plats[16];
        cl_uint np = 0, p, nd;
        if (clGetPlatformIDs(16, plats, &np) != CL_SUCCESS) return 0;
        for (p = 0; p < np && p < 16 && !dev; p++)
            if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 1, &dev, &nd) != CL_SUCCESS || !nd)
                dev = NULL;
        if (!dev) return 0;
    }
    if (clGetDeviceInfo(dev, CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL) != CL_SUCCESS) return 0;
    {
        cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
        r->cl = clCreateContext(props, 1, &dev, NULL, NULL, &err);
    }
    if (!r->cl) return 0;
    r->q = clCreateCommandQueue(r->cl, dev, 0, &err);
    if (!r->q) {
        clReleaseContext(r->cl);
        r->cl = NULL;
        return 0;
    }
    r->dev = dev;
    return 1;
}

static void rawcl_close(rawcl *r)
{
    if (r->q) clReleaseCommandQueue(r->q);
    if (r->cl) clReleaseContext(r->cl);
    memset(r, 0, sizeof *r);
}

static cl_device_id backend_device(clrs_context *ctx)
{
    cl_command_queue q = clrs_context_cl_queue(ctx);
    cl_device_id d = NULL;
    if (q && clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof d, &d, NULL) != CL_SUCCESS) d = NULL;
    return d;
}

/* ---- byte-pattern buffers: host memory, or a cl_mem with a host copy of what was written ---- */

typedef struct {
    unsigned char *host;
    cl_mem mem;
    cl_command_queue q;   /* a queue of mem's context, to read it back */
    size_t cap;
    unsigned char fill;
} buf;

static void buf_make(buf *b, cl_context cl, cl_command_queue q, size_t cap, unsigned char fill)
{
    cl_int err = CL_SUCCESS;
    memset(b, 0, sizeof *b);
    b->cap = cap;
    b->fill = fill;
    b->host = malloc(cap);
    ck_assert_ptr_nonnull(b->host);
    memset(b->host, fill, cap);
    if (cl) {
        b->mem = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, cap, b->host, &err);
        ck_assert_msg(b->mem != NULL, "clCreateBuffer: %d", (int)err);
        b->q = q;
    }
}

static void buf_free(buf *b)
{
    if (b->mem) clReleaseMemObject(b->mem);
    free(b->host);
    memset(b, 0, sizeof *b);
}

/* The buffer's current bytes (cap of them). */
static void buf_read(const buf *b, unsigned char *out)
{
    if (b->mem)
        ck_assert_int_eq(clEnqueueReadBuffer(b->q, b->mem, CL_TRUE, 0, b->cap, out, 0, NULL, NULL),
                         CL_SUCCESS);
    else
        memcpy(out, b->host, b->cap);
}

/* The first byte that no longer holds the fill pattern, or -1. */
static long buf_changed(const buf *b)
{
    unsigned char *now;
    long at = -1;
    size_t i;
    if (!b->cap) return -1;
    now = malloc(b->cap);
    ck_assert_ptr_nonnull(now);
    buf_read(b, now);
    for (i = 0; i < b->cap && at < 0; i++)
        if (now[i] != b->fill) at = (long)i;
    free(now);
    return at;
}

static void attach(clrs_tensor *t, const buf *b)
{
    t->data = b->mem ? NULL : b->host;
    t->mem = b->mem;
    t->offset = 0;
}

/* ---- the fixture of one interpolate / interpolate_backward call ---- */

enum { OP_FWD, OP_BWD };

typedef struct {
    th_backend *be;
    int op, mem;
    clrs_interpolate_params p;
    clrs_tensor src, dst;     /* input, output (forward); grad_output, grad_input (backward) */
    buf bs, bd, bx;           /* their memory, and an extra buffer a rule may point a tensor at */
    int null_ctx, null_params, null_src, null_dst;
} fx;

#define OPNAME(f) ((f)->op == OP_FWD ? "interpolate" : "interpolate_backward")
#define SRCNAME(f) ((f)->op == OP_FWD ? "input" : "grad_output")
#define DSTNAME(f) ((f)->op == OP_FWD ? "output" : "grad_input")
/* the tensor params resolve against (input / grad_input), and the one whose shape must match */
#define RES(f) ((f)->op == OP_FWD ? &(f)->src : &(f)->dst)
#define OTH(f) ((f)->op == OP_FWD ? &(f)->dst : &(f)->src)
#define OTHNAME(f) ((f)->op == OP_FWD ? "output" : "grad_output")

/* Valid params for an ndim input: linear, size 8 on every spatial dim. */
static void base_params(clrs_interpolate_params *p, int ndim)
{
    int d;
    *p = (clrs_interpolate_params)CLRS_INTERPOLATE_PARAMS_INIT;
    p->mode = CLRS_LINEAR;
    for (d = 0; d < ndim - 2 && d < 3; d++) p->size[d] = 8;
}

/* f32 [1, 2, s, s, s] cut to ndim (at most 5 entries are stored), contiguous. */
static void set_tensor(clrs_tensor *t, int ndim, int64_t s)
{
    static const int64_t nc[2] = {1, 2};
    int d;
    t->dtype = CLRS_F32;
    t->ndim = ndim;
    for (d = 0; d < 5; d++) {
        t->shape[d] = d < 2 ? nc[d] : s;
        t->strides[d] = 0;
    }
    t->contiguous = 1;
}

static void fx_init(fx *f, th_backend *be, int op, int mem, int ndim)
{
    cl_context cl = mem ? clrs_context_cl_context(be->ctx) : NULL;
    cl_command_queue q = mem ? clrs_context_cl_queue(be->ctx) : NULL;
    memset(f, 0, sizeof *f);
    f->be = be;
    f->op = op;
    f->mem = mem;
    base_params(&f->p, ndim);
    set_tensor(&f->src, ndim, op == OP_FWD ? 4 : 8);
    set_tensor(&f->dst, ndim, op == OP_FWD ? 8 : 4);
    buf_make(&f->bs, cl, q, CAP, SRC_FILL);
    buf_make(&f->bd, cl, q, CAP, CANARY);
    attach(&f->src, &f->bs);
    attach(&f->dst, &f->bd);
}

static void fx_free(fx *f)
{
    buf_free(&f->bs);
    buf_free(&f->bd);
    buf_free(&f->bx);
}

static clrs_status fx_call(fx *f)
{
    clrs_context *ctx = f->null_ctx ? NULL : f->be->ctx;
    const clrs_interpolate_params *p = f->null_params ? NULL : &f->p;
    const clrs_tensor *s = f->null_src ? NULL : &f->src, *d = f->null_dst ? NULL : &f->dst;
    return f->op == OP_FWD ? clrs_interpolate(ctx, p, s, d) : clrs_interpolate_backward(ctx, p, s, d);
}

static void fx_where(const fx *f, const char *label, char *out, size_t cap)
{
    snprintf(out, cap, "%s [%s, %s, %s]", label, f->be->name, OPNAME(f),
             f->mem ? "cl_mem tensors" : "host tensors");
}

/* Every buffer of the fixture still holds its fill pattern. */
static void fx_check_untouched(fx *f, const char *where)
{
    const buf *bufs[3] = {&f->bs, &f->bd, &f->bx};
    static const char *names[3] = {"source", "destination", "extra"};
    int i;
    for (i = 0; i < 3; i++) {
        long at = buf_changed(bufs[i]);
        if (at >= 0) rule_fail("%s: %s buffer byte %ld changed", where, names[i], at);
    }
}

/* The call fails with `want`, the message names the argument, nothing was written. */
static void fx_expect(fx *f, clrs_status want, const char *n1, const char *n2, const char *label)
{
    char where[300], why[600];
    clrs_status st = fx_call(f);
    fx_where(f, label, where, sizeof where);
    nrules++;
    if (st != want)
        rule_fail("%s: status %s, want %s (message \"%s\")", where, clrs_status_name(st),
                  clrs_status_name(want), clrs_error_message());
    else if (!message_ok(OPNAME(f), n1, n2, why, sizeof why))
        rule_fail("%s: %s", where, why);
    fx_check_untouched(f, where);
    fx_free(f);
}

/* The call succeeds after a failed one and clears the message. Nearest mode, N may be 0;
 * the written values are checked (a copy forward, four copies summed backward), and the
 * bytes past the destination and the whole source are untouched. */
static void fx_expect_ok(fx *f, const char *label)
{
    char where[300];
    float cv;
    clrs_status st;
    int64_t n = 1, i;
    int d;
    fx_where(f, label, where, sizeof where);
    nrules++;
    ck_assert_int_eq(clrs_interpolate(NULL, NULL, NULL, NULL), CLRS_ERR_ARGUMENT);
    ck_assert_msg(clrs_error_message()[0] != '\0', "a failed call left no message");
    st = fx_call(f);
    if (st != CLRS_OK) {
        rule_fail("%s: status %s (%s)", where, clrs_status_name(st), clrs_error_message());
        fx_free(f);
        return;
    }
    if (clrs_error_message()[0] != '\0')
        rule_fail("%s: message \"%s\" after a successful call, want \"\"", where, clrs_error_message());
    if (buf_changed(&f->bs) >= 0) rule_fail("%s: the source buffer changed", where);
    for (d = 0; d < f->dst.ndim; d++) n *= f->dst.shape[d];
    memset(&cv, SRC_FILL, sizeof cv);
    {
        unsigned char *now = malloc(f->bd.cap);
        const size_t span = (size_t)n * sizeof(float);
        ck_assert_ptr_nonnull(now);
        buf_read(&f->bd, now);
        for (i = 0; i < n; i++) {
            float v, want = f->op == OP_FWD ? cv : 4 * cv;
            memcpy(&v, now + i * 4, 4);
            if (!(fabsf(v - want) <= 1e-6f * want)) {
                rule_fail("%s: destination element %lld is %.9g, want %.9g", where, (long long)i,
                          v, want);
                break;
            }
        }
        for (i = (int64_t)span; i < (int64_t)f->bd.cap; i++)
            if (now[i] != CANARY) {
                rule_fail("%s: byte %lld past the destination changed", where, (long long)i);
                break;
            }
        free(now);
    }
    fx_free(f);
}

/* ---- the params rules, shared by the three entry points ---- */

typedef struct {
    const char *label;
    int ndim;                 /* of the input the params resolve against ([1, 2, 4, ...]) */
    int mode;                 /* clrs_mode, or an invalid value */
    int64_t size[3];
    double scale[3];
    int align_corners, recompute, antialias;
    clrs_status want;
    const char *n1, *n2;      /* what the message must contain */
} prule;

#define A_ CLRS_ERR_ARGUMENT
#define U_ CLRS_ERR_UNSUPPORTED
#define NE_ CLRS_NEAREST
#define NX_ CLRS_NEAREST_EXACT
#define LI_ CLRS_LINEAR
#define CU_ CLRS_CUBIC
#define AR_ CLRS_AREA
#define S2_ {8, 8, 0}         /* size on two spatial dims */
#define NO_ {0, 0, 0}
static const prule param_rules[] = {
    {"mode 5", 4, 5, S2_, NO_, -1, -1, 0, A_, "mode", NULL},
    {"mode -1", 4, -1, S2_, NO_, -1, -1, 0, A_, "mode", NULL},
    {"mode 1000", 4, 1000, S2_, NO_, -1, -1, 0, A_, "mode", NULL},
    {"align_corners 2", 4, LI_, S2_, NO_, 2, -1, 0, A_, "align_corners", NULL},
    {"align_corners -2", 4, LI_, S2_, NO_, -2, -1, 0, A_, "align_corners", NULL},
    {"align_corners 0 with nearest", 4, NE_, S2_, NO_, 0, -1, 0, A_, "align_corners", "nearest"},
    {"align_corners 1 with nearest", 4, NE_, S2_, NO_, 1, -1, 0, A_, "align_corners", "nearest"},
    {"align_corners 0 with nearest-exact",
     4, NX_, S2_, NO_, 0, -1, 0, A_, "align_corners", "nearest-exact"},
    {"align_corners 1 with nearest-exact",
     4, NX_, S2_, NO_, 1, -1, 0, A_, "align_corners", "nearest-exact"},
    {"align_corners 0 with area", 4, AR_, S2_, NO_, 0, -1, 0, A_, "align_corners", "area"},
    {"align_corners 1 with area (3-D)", 3, AR_, {8}, NO_, 1, -1, 0, A_, "align_corners", "area"},
    {"recompute_scale_factor 2", 4, LI_, S2_, NO_, -1, 2, 0, A_, "recompute_scale_factor", NULL},
    {"recompute_scale_factor -5", 4, LI_, S2_, NO_, -1, -5, 0, A_, "recompute_scale_factor", NULL},
    {"antialias 2", 4, LI_, S2_, NO_, -1, -1, 2, A_, "antialias", NULL},
    {"antialias -1", 4, LI_, S2_, NO_, -1, -1, -1, A_, "antialias", NULL},
    {"size and scale_factor both set",
     4, LI_, S2_, {2, 2}, -1, -1, 0, A_, "size and scale_factor", "both"},
    {"size[0] and scale_factor[1] set",
     4, LI_, {8}, {0, 2}, -1, -1, 0, A_, "size and scale_factor", "both"},
    {"neither size nor scale_factor",
     4, LI_, NO_, NO_, -1, -1, 0, A_, "neither size nor scale_factor", NULL},
    {"size[2] set on 2 spatial dims", 4, LI_, {8, 8, 8}, NO_, -1, -1, 0, A_, "size[2]", NULL},
    {"size[1] set on 1 spatial dim", 3, LI_, {8, 8}, NO_, -1, -1, 0, A_, "size[1]", NULL},
    {"scale_factor[2] set on 2 spatial dims",
     4, LI_, NO_, {2, 2, 2}, -1, -1, 0, A_, "scale_factor[2]", NULL},
    {"scale_factor[1] set on 1 spatial dim",
     3, LI_, NO_, {2, 2}, -1, -1, 0, A_, "scale_factor[1]", NULL},
    {"size[2] 0 on 3 spatial dims", 5, LI_, {8, 8, 0}, NO_, -1, -1, 0, A_, "size[2]", NULL},
    {"size[1] -3", 4, LI_, {8, -3}, NO_, -1, -1, 0, A_, "size[1]", NULL},
    {"size[0] -1", 4, LI_, {-1, 8}, NO_, -1, -1, 0, A_, "size[0]", NULL},
    {"scale_factor[0] 0", 4, LI_, NO_, {0, 2}, -1, -1, 0, A_, "scale_factor[0]", NULL},
    {"scale_factor[0] -2", 4, LI_, NO_, {-2, 2}, -1, -1, 0, A_, "scale_factor[0]", NULL},
    {"scale_factor[0] -0.0", 4, LI_, NO_, {-0.0, 2}, -1, -1, 0, A_, "scale_factor[0]", NULL},
    {"scale_factor[1] NaN", 4, LI_, NO_, {2, NAN}, -1, -1, 0, A_, "scale_factor[1]", NULL},
    {"scale_factor[0] inf", 4, LI_, NO_, {INFINITY, 2}, -1, -1, 0, A_, "scale_factor[0]", NULL},
    {"scale_factor[1] -inf", 4, LI_, NO_, {2, -INFINITY}, -1, -1, 0, A_, "scale_factor[1]", NULL},
    {"scale_factor[0] NaN (3-D)", 3, LI_, NO_, {NAN}, -1, -1, 0, A_, "scale_factor[0]", NULL},
    {"recompute_scale_factor 1 with size",
     4, LI_, S2_, NO_, -1, 1, 0, A_, "recompute_scale_factor", "size"},
    {"antialias with nearest", 4, NE_, S2_, NO_, -1, -1, 1, A_, "Anti-alias", NULL},
    {"antialias with nearest-exact", 4, NX_, S2_, NO_, -1, -1, 1, A_, "Anti-alias", NULL},
    {"antialias with area", 4, AR_, S2_, NO_, -1, -1, 1, A_, "Anti-alias", NULL},
    {"antialias linear on a 3-D input", 3, LI_, {8}, NO_, -1, -1, 1, A_, "Anti-alias", "4-D"},
    {"antialias linear on a 5-D input", 5, LI_, {8, 8, 8}, NO_, -1, -1, 1, A_, "Anti-alias", "4-D"},
    {"antialias cubic on a 3-D input", 3, CU_, {8}, NO_, -1, -1, 1, A_, "Anti-alias", "4-D"},
    {"antialias cubic on a 5-D input", 5, CU_, {8, 8, 8}, NO_, -1, -1, 1, A_, "Anti-alias", "4-D"},
    {"scale_factor[0] 0.1 gives output size 0",
     4, LI_, NO_, {0.1, 2}, -1, -1, 0, A_, "scale_factor[0]", "greater than 0"},
    {"scale_factor[1] 0.2 gives output size 0",
     4, LI_, NO_, {2, 0.2}, -1, -1, 0, A_, "scale_factor[1]", "greater than 0"},
    {"scale_factor 0.24 gives output size 0 (3-D area)",
     3, AR_, NO_, {0.24}, -1, -1, 0, A_, "scale_factor[0]", "greater than 0"},
    {"scale_factor[2] 1e-300 gives output size 0 (5-D)",
     5, LI_, NO_, {1, 1, 1e-300}, -1, -1, 0, A_, "scale_factor[2]", "greater than 0"},
    {"size[0] 2^32", 4, LI_, {(int64_t)1 << 32, 8}, NO_, -1, -1, 0, U_, "size", "2^31-1"},
    {"scale_factor[0] 1e12", 4, LI_, NO_, {1e12, 1}, -1, -1, 0, U_, "output size", "2^31-1"},
};
#define NPARAM_RULES ((int)(sizeof param_rules / sizeof param_rules[0]))

static void rule_params(const prule *r, clrs_interpolate_params *p)
{
    *p = (clrs_interpolate_params)CLRS_INTERPOLATE_PARAMS_INIT;
    p->mode = (clrs_mode)r->mode;
    memcpy(p->size, r->size, sizeof p->size);
    memcpy(p->scale_factor, r->scale, sizeof p->scale_factor);
    p->align_corners = r->align_corners;
    p->recompute_scale_factor = r->recompute;
    p->antialias = r->antialias;
}

/* ---- interpolate / interpolate_backward: every rule, on one backend, one op, one memory kind */

static void params_rules(th_backend *be, int op, int mem)
{
    fx f;
    int k;
    for (k = 0; k < NPARAM_RULES; k++) {
        const prule *r = &param_rules[k];
        fx_init(&f, be, op, mem, r->ndim);
        rule_params(r, &f.p);
        fx_expect(&f, r->want, r->n1, r->n2, r->label);
    }
    fx_init(&f, be, op, mem, 4);
    f.null_params = 1;
    fx_expect(&f, CLRS_ERR_ARGUMENT, "params", "NULL", "NULL params");
}

/* A cl_mem for rules that need one next to host tensors: the backend's context, else `side`. */
static int extra_mem(fx *f, const rawcl *side, unsigned char fill)
{
    cl_context cl = clrs_context_cl_context(f->be->ctx);
    if (cl)
        buf_make(&f->bx, cl, clrs_context_cl_queue(f->be->ctx), CAP, fill);
    else if (side && side->cl)
        buf_make(&f->bx, side->cl, side->q, CAP, fill);
    else
        return 0;
    return 1;
}

static void tensor_rules(th_backend *be, int op, int mem, const rawcl *side)
{
    const clrs_status A = CLRS_ERR_ARGUMENT;
    const int is_host = clrs_context_cl_context(be->ctx) == NULL;
    fx f;
    int which;
#define FX() fx_init(&f, be, op, mem, 4)
    FX(), f.null_ctx = 1, fx_expect(&f, A, "ctx", "NULL", "NULL ctx");
    FX(), f.null_src = 1, fx_expect(&f, A, SRCNAME(&f), "NULL", "NULL source tensor");
    FX(), f.null_dst = 1, fx_expect(&f, A, DSTNAME(&f), "NULL", "NULL destination tensor");
    FX(), f.null_src = f.null_dst = 1, fx_expect(&f, A, SRCNAME(&f), "NULL", "NULL tensors");

    /* ndim */
    FX(), f.src.ndim = f.dst.ndim = 2, fx_expect(&f, A, "3-D, 4-D or 5-D", "2-D", "ndim 2");
    FX(), f.src.ndim = f.dst.ndim = 1, fx_expect(&f, A, "3-D, 4-D or 5-D", "1-D", "ndim 1");
    FX(), f.src.ndim = f.dst.ndim = 6, fx_expect(&f, A, SRCNAME(&f), "ndim 6", "ndim 6");
    FX(), f.dst.ndim = 6, fx_expect(&f, A, DSTNAME(&f), "ndim 6", "destination ndim 6");
    FX(), f.src.ndim = f.dst.ndim = 0, fx_expect(&f, A, SRCNAME(&f), "ndim 0", "ndim 0");
    FX(), f.src.ndim = -3, fx_expect(&f, A, SRCNAME(&f), "ndim -3", "ndim -3");
    FX(), set_tensor(&f.dst, 5, 8),
        fx_expect(&f, A, DSTNAME(&f), "5-D", "destination 5-D, source 4-D");

    /* shapes of the input the params resolve against */
    FX(), RES(&f)->shape[1] = OTH(&f)->shape[1] = 0,
        fx_expect(&f, A, "shape[1]", "positive", "C = 0");
    FX(), RES(&f)->shape[2] = 0, fx_expect(&f, A, "shape[2]", "positive", "H = 0");
    FX(), RES(&f)->shape[3] = 0, fx_expect(&f, A, "shape[3]", "positive", "W = 0");
    FX(), f.src.shape[0] = -1, fx_expect(&f, A, SRCNAME(&f), "shape[0]", "source N = -1");
    FX(), f.dst.shape[0] = -1, fx_expect(&f, A, DSTNAME(&f), "shape[0]", "destination N = -1");
    FX(), f.src.shape[2] = -4, fx_expect(&f, A, SRCNAME(&f), "shape[2]", "source H = -4");

    /* dtypes */
    FX(), f.dst.dtype = CLRS_F64, fx_expect(&f, A, DSTNAME(&f), "dtype", "dtype f64 vs f32");
    FX(), f.src.dtype = CLRS_F16, fx_expect(&f, A, DSTNAME(&f), "dtype", "dtype f32 vs f16");
    FX(), f.dst.dtype = CLRS_BF16, fx_expect(&f, A, DSTNAME(&f), "dtype", "dtype bf16 vs f32");
    FX(), f.src.dtype = f.dst.dtype = CLRS_I64, fx_expect(&f, A, SRCNAME(&f), "i64", "i64 tensors");
    FX(), f.dst.dtype = CLRS_I64, fx_expect(&f, A, DSTNAME(&f), "dtype", "i64 destination");
    FX(), f.src.dtype = (clrs_dtype)7,
        fx_expect(&f, A, SRCNAME(&f), "unknown dtype", "source dtype 7");
    FX(), f.dst.dtype = (clrs_dtype)-1,
        fx_expect(&f, A, DSTNAME(&f), "unknown dtype", "destination dtype -1");

    /* the shape that must match the interpolated one */
    FX(), OTH(&f)->shape[3] = 7, fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "W differs");
    FX(), OTH(&f)->shape[2] = 9, fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "H differs");
    FX(), OTH(&f)->shape[1] = 3, fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "C differs");
    FX(), OTH(&f)->shape[0] = 2, fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "N differs");
    FX(), OTH(&f)->shape[0] = 0, fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "N 1 vs 0");
    FX(), f.p.size[1] = 9,
        fx_expect(&f, A, OTHNAME(&f), "the interpolated shape", "size gives another shape");

    /* overlap: the destination in the source's memory, and the source in the destination's */
    for (which = 0; which < 3; which++) {
        static const char *labels[3] = {"destination = source memory",
                                        "destination 64 bytes into the source",
                                        "source 64 bytes into the destination"};
        FX();
        if (which < 2) {
            attach(&f.dst, &f.bs);
            f.dst.offset = which ? 64 : 0;
        } else {
            attach(&f.src, &f.bd);
            f.src.offset = 64;
        }
        fx_expect(&f, A, DSTNAME(&f), "overlaps", labels[which]);
    }
    /* a destination whose strides reach one element twice */
    for (which = 0; which < 4; which++) {
        static const char *labels[4] = {"destination stride 0 on H", "destination stride 0 on C",
                                        "destination W stride 1, H stride W/2",
                                        "destination stride 0 on W"};
        int64_t *s;
        FX();
        f.dst.contiguous = 0;
        s = f.dst.strides;
        s[3] = 1, s[2] = f.dst.shape[3], s[1] = s[2] * f.dst.shape[2], s[0] = s[1] * f.dst.shape[1];
        if (which == 0) s[2] = 0;
        if (which == 1) s[1] = 0;
        if (which == 2) s[2] = f.dst.shape[3] / 2;
        if (which == 3) s[3] = 0, s[2] = 8 * f.dst.shape[3];
        fx_expect(&f, A, DSTNAME(&f), "overlap", labels[which]);
    }
    /* negative strides */
    FX(), f.src.contiguous = 0, f.src.strides[0] = 1, f.src.strides[3] = -1,
        fx_expect(&f, A, SRCNAME(&f), "strides[3]", "source stride -1");
    FX(), f.dst.contiguous = 0, f.dst.strides[0] = 1, f.dst.strides[1] = -64,
        fx_expect(&f, A, DSTNAME(&f), "strides[1]", "destination stride -64");

    /* memory: both / neither of data and mem, misaligned offsets */
    for (which = 0; which < 2; which++) {
        clrs_tensor *t = which ? &f.dst : &f.src;
        FX();
        if (mem) {
            t->data = which ? f.bd.host : f.bs.host;
        } else if (!extra_mem(&f, side, which ? CANARY : SRC_FILL)) {
            if (!(noted & 1))
                printf("note [%s]: no OpenCL device (or CLRS_TEST_BACKENDS=host) to make a cl_mem: "
                       "'both data and mem' not checked\n", be->name);
            noted |= 1;
            fx_free(&f);
            continue;
        } else {
            t->mem = f.bx.mem;
        }
        fx_expect(&f, A, which ? DSTNAME(&f) : SRCNAME(&f),
                  "both data",
                  which ? "destination with data and mem" : "source with data and mem");
    }
    FX(), f.src.data = NULL, f.src.mem = NULL,
        fx_expect(&f, A, SRCNAME(&f), "neither data", "source without memory");
    FX(), f.dst.data = NULL, f.dst.mem = NULL,
        fx_expect(&f, A, DSTNAME(&f), "neither data", "destination without memory");
    FX(), f.src.offset = 2, fx_expect(&f, A, SRCNAME(&f), "offset", "source offset 2 (f32)");
    FX(), f.dst.offset = 1, fx_expect(&f, A, DSTNAME(&f), "offset", "destination offset 1 (f32)");
    FX(), f.src.dtype = f.dst.dtype = CLRS_F64, f.dst.offset = 4,
        fx_expect(&f, A, DSTNAME(&f), "offset", "destination offset 4 (f64)");

    if (mem) {
        /* cl_mem sizes: a small buffer, an offset near or past the end */
        cl_context cl = clrs_context_cl_context(be->ctx);
        cl_command_queue q = clrs_context_cl_queue(be->ctx);
        FX(), buf_make(&f.bx, cl, q, 64, CANARY), f.dst.mem = f.bx.mem,
            fx_expect(&f, A, DSTNAME(&f), "bytes", "destination cl_mem of 64 bytes");
        FX(), buf_make(&f.bx, cl, q, 64, SRC_FILL), f.src.mem = f.bx.mem,
            fx_expect(&f, A, SRCNAME(&f), "bytes", "source cl_mem of 64 bytes");
        FX(), f.dst.offset = CAP - 64,
            fx_expect(&f, A, DSTNAME(&f), "bytes", "destination offset 64 bytes before the end");
        FX(), f.src.offset = CAP - 16,
            fx_expect(&f, A, SRCNAME(&f), "bytes", "source offset 16 bytes before the end");
        FX(), f.dst.offset = 2 * CAP,
            fx_expect(&f, A, DSTNAME(&f), "bytes", "destination offset past the end");
        /* buffers of another cl_context (on the same device) */
        if (side && side->cl) {
            FX(), buf_make(&f.bx, side->cl, side->q, CAP, CANARY), f.dst.mem = f.bx.mem,
                fx_expect(&f, A, DSTNAME(&f), "another cl_context",
                          "destination cl_mem of another cl_context");
            FX(), buf_make(&f.bx, side->cl, side->q, CAP, SRC_FILL), f.src.mem = f.bx.mem,
                fx_expect(&f, A, SRCNAME(&f), "another cl_context",
                          "source cl_mem of another cl_context");
        } else {
            if (!(noted & 4))
                printf("note [%s]: could not make a second cl_context: foreign cl_mem not checked\n",
                       be->name);
            noted |= 4;
        }
    }
    if (is_host) {
        if (side && side->cl) {
            FX(), buf_make(&f.bx, side->cl, side->q, CAP, CANARY),
                f.dst.data = NULL, f.dst.mem = f.bx.mem,
                fx_expect(&f, A, DSTNAME(&f), "cl_mem", "cl_mem destination on the host backend");
            FX(), buf_make(&f.bx, side->cl, side->q, CAP, SRC_FILL),
                f.src.data = NULL, f.src.mem = f.bx.mem,
                fx_expect(&f, A, SRCNAME(&f), "cl_mem", "cl_mem source on the host backend");
        } else {
            if (!(noted & 2))
                printf("note [%s]: no OpenCL device (or CLRS_TEST_BACKENDS=host): cl_mem tensors "
                       "on the host backend not checked\n", be->name);
            noted |= 2;
        }
    }

    /* successes clear the message: N = 0 does nothing; a nearest call writes exactly its output */
    FX(), f.p.mode = CLRS_NEAREST, f.src.shape[0] = f.dst.shape[0] = 0, fx_expect_ok(&f, "N = 0");
    FX(), f.p.mode = CLRS_NEAREST, fx_expect_ok(&f, "nearest 4x4 <-> 8x8");
    FX(), f.p.mode = CLRS_NEAREST, f.p.size[0] = f.p.size[1] = 0,
        f.p.scale_factor[0] = f.p.scale_factor[1] = 2,
        fx_expect_ok(&f, "nearest scale 2");
#undef FX
}

START_TEST(interpolate_rules)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    const int is_host = clrs_context_cl_context(be->ctx) == NULL;
    rawcl side;
    int have_side, op, mem;
    nrules = nfailed = noted = 0;
    /* the host backend gets a cl_mem from any device; a device one from a second context on it */
    have_side = rawcl_open(&side, is_host ? NULL : backend_device(be->ctx));
    for (op = 0; op < 2; op++)
        for (mem = 0; mem <= (is_host ? 0 : 1); mem++) {
            params_rules(be, op, mem);
            tensor_rules(be, op, mem, have_side ? &side : NULL);
        }
    if (have_side) rawcl_close(&side);
    printf("argument rules [%s]: %d calls checked (interpolate + interpolate_backward, %s): "
           "%d failed\n",
           be->name, nrules, is_host ? "host tensors" : "host and cl_mem tensors", nfailed);
    fflush(stdout);
    ck_assert_msg(nfailed == 0, "%d of %d argument rules failed on %s (see FAIL lines)", nfailed,
                  nrules, be->name);
}
END_TEST

/* ---- interpolate_shape (no context: the same on every backend) ---- */

static void shape_expect(const clrs_interpolate_params *p, int ndim, const int64_t *in,
                         int null_out, clrs_status want, const char *n1, const char *n2,
                         const char *label)
{
    int64_t out[6];
    unsigned char canary[sizeof out];
    char why[600];
    clrs_status st;
    memset(out, CANARY, sizeof out);
    memset(canary, CANARY, sizeof canary);
    st = clrs_interpolate_shape(p, ndim, in, null_out ? NULL : out);
    nrules++;
    if (st != want)
        rule_fail("%s [interpolate_shape]: status %s, want %s (\"%s\")", label,
                  clrs_status_name(st), clrs_status_name(want), clrs_error_message());
    else if (!message_ok("interpolate_shape", n1, n2, why, sizeof why))
        rule_fail("%s [interpolate_shape]: %s", label, why);
    if (memcmp(out, canary, sizeof out) != 0)
        rule_fail("%s [interpolate_shape]: out_shape was written", label);
}

START_TEST(shape_rules)
{
    static const int64_t in[6] = {1, 2, 4, 4, 4, 4};
    const clrs_status A = CLRS_ERR_ARGUMENT;
    clrs_interpolate_params p;
    int64_t bad[5], out[6];
    unsigned char canary[8];
    int k;
    nrules = nfailed = 0;
    for (k = 0; k < NPARAM_RULES; k++) {
        const prule *r = &param_rules[k];
        rule_params(r, &p);
        shape_expect(&p, r->ndim, in, 0, r->want, r->n1, r->n2, r->label);
    }
    base_params(&p, 4);
    shape_expect(NULL, 4, in, 0, A, "params", "NULL", "NULL params");
    shape_expect(&p, 4, NULL, 0, A, "in_shape", "NULL", "NULL in_shape");
    shape_expect(&p, 4, in, 1, A, "out_shape", "NULL", "NULL out_shape");
    shape_expect(&p, 2, in, 0, A, "3-D, 4-D or 5-D", "2-D", "ndim 2");
    shape_expect(&p, 6, in, 0, A, "3-D, 4-D or 5-D", "6-D", "ndim 6");
    shape_expect(&p, 0, in, 0, A, "3-D, 4-D or 5-D", "0-D", "ndim 0");
    shape_expect(&p, -1, in, 0, A, "3-D, 4-D or 5-D", "-1-D", "ndim -1");
    memcpy(bad, in, sizeof bad), bad[1] = 0;
    shape_expect(&p, 4, bad, 0, A, "shape[1]", "positive", "C = 0");
    memcpy(bad, in, sizeof bad), bad[3] = 0;
    shape_expect(&p, 4, bad, 0, A, "shape[3]", "positive", "W = 0");
    memcpy(bad, in, sizeof bad), bad[2] = -2;
    shape_expect(&p, 4, bad, 0, A, "shape[2]", "positive", "H = -2");
    memcpy(bad, in, sizeof bad), bad[0] = -1;
    shape_expect(&p, 4, bad, 0, A, "shape[0]", ">= 0", "N = -1");

    /* successes: only ndim entries written, the message cleared */
    memcpy(bad, in, sizeof bad), bad[0] = 0;
    memset(out, CANARY, sizeof out);
    memset(canary, CANARY, sizeof canary);
    ck_assert_int_eq(clrs_interpolate_shape(NULL, 4, in, out), A);
    ck_assert_int_eq(clrs_interpolate_shape(&p, 4, bad, out), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    ck_assert(out[0] == 0 && out[1] == 2 && out[2] == 8 && out[3] == 8);
    ck_assert_msg(!memcmp(&out[4], canary, 8), "out_shape[4] written for a 4-D shape");
    p.size[0] = p.size[1] = 0, p.scale_factor[0] = 2.5, p.scale_factor[1] = 0.5;
    ck_assert_int_eq(clrs_interpolate_shape(&p, 4, in, out), CLRS_OK);
    ck_assert(out[0] == 1 && out[1] == 2 && out[2] == 10 && out[3] == 2);
    nrules += 2;
    printf("argument rules [interpolate_shape, no context]: %d calls checked: %d failed\n", nrules,
           nfailed);
    ck_assert_msg(nfailed == 0, "%d of %d interpolate_shape rules failed", nfailed, nrules);
}
END_TEST

/* ---- status names, version, dtype sizes ---- */

START_TEST(status_version_dtype)
{
    static const struct { clrs_status s; const char *name; } names[] = {
        {CLRS_OK, "CLRS_OK"}, {CLRS_ERR_ARGUMENT, "CLRS_ERR_ARGUMENT"},
        {CLRS_ERR_UNSUPPORTED, "CLRS_ERR_UNSUPPORTED"}, {CLRS_ERR_MEMORY, "CLRS_ERR_MEMORY"},
        {CLRS_ERR_DEVICE, "CLRS_ERR_DEVICE"}, {CLRS_ERR_BUILD, "CLRS_ERR_BUILD"},
        {CLRS_ERR_IO, "CLRS_ERR_IO"}};
    size_t i;
    int a, b, c, n = -1;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_int_eq((int)names[i].s, (int)i); /* pinned values */
        ck_assert_str_eq(clrs_status_name(names[i].s), names[i].name);
    }
    ck_assert_str_eq(clrs_status_name((clrs_status)7), "CLRS_UNKNOWN_STATUS");
    ck_assert_str_eq(clrs_status_name((clrs_status)-1), "CLRS_UNKNOWN_STATUS");
    ck_assert_str_eq(clrs_status_name((clrs_status)100000), "CLRS_UNKNOWN_STATUS");
    ck_assert_ptr_nonnull(clrs_version());
    ck_assert_msg(clrs_version()[0] != '\0', "empty version");
    ck_assert_msg(sscanf(clrs_version(), "%d.%d.%d%n", &a, &b, &c, &n) == 3 &&
                      n == (int)strlen(clrs_version()),
                  "version \"%s\" is not MAJOR.MINOR.PATCH", clrs_version());
    ck_assert_uint_eq(clrs_dtype_size(CLRS_F32), 4);
    ck_assert_uint_eq(clrs_dtype_size(CLRS_F64), 8);
    ck_assert_uint_eq(clrs_dtype_size(CLRS_F16), 2);
    ck_assert_uint_eq(clrs_dtype_size(CLRS_BF16), 2);
    ck_assert_uint_eq(clrs_dtype_size(CLRS_I64), 8);
    ck_assert_uint_eq(clrs_dtype_size(CLRS_U8), 1);
    ck_assert_uint_eq(clrs_dtype_size((clrs_dtype)6), 0);
    ck_assert_uint_eq(clrs_dtype_size((clrs_dtype)-1), 0);
    printf("status names: %d + unknown; version %s; dtype sizes checked\n", (int)i, clrs_version());
}
END_TEST

/* ---- contexts ---- */

static int message_has(const char *op, const char *needle)
{
    char why[600];
    return message_ok(op, needle, NULL, why, sizeof why);
}

/* Creates a context with $CLRS_DEVICE set to `env` (restored before returning). */
static clrs_status create_with_env(const char *env, const clrs_context_options *o,
                                   clrs_context **ctx, clrs_device_type *type, char *msg, size_t cap)
{
    const char *saved = getenv("CLRS_DEVICE");
    char *saved_copy = saved ? strdup(saved) : NULL;
    clrs_status st;
    setenv("CLRS_DEVICE", env, 1);
    st = clrs_context_create(ctx, o);
    snprintf(msg, cap, "%s", clrs_error_message());
    if (saved_copy)
        setenv("CLRS_DEVICE", saved_copy, 1);
    else
        unsetenv("CLRS_DEVICE");
    free(saved_copy);
    if (st == CLRS_OK) {
        *type = clrs_context_device(*ctx)->type;
        clrs_context_destroy(*ctx);
    }
    return st;
}

START_TEST(context_create_rules)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL, *sentinel = (clrs_context *)&o;
    const clrs_device_info *info;
    clrs_device_type type = CLRS_DEVICE_OTHER;
    size_t ndev = 0;
    char msg[1100];
    clrs_status st;

    /* "host" */
    o.device = "host", o.cache_dir = "";
    ck_assert_int_eq(clrs_context_create(&ctx, &o), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    info = clrs_context_device(ctx);
    ck_assert_ptr_nonnull(info);
    ck_assert_int_eq(info->type, CLRS_DEVICE_HOST);
    ck_assert_int_eq(info->platform_index, -1);
    ck_assert_ptr_null(clrs_context_cl_context(ctx));
    ck_assert_ptr_null(clrs_context_cl_queue(ctx));
    ck_assert_int_eq(clrs_context_finish(ctx), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    clrs_context_destroy(ctx);

    /* NULL out pointer, NULL contexts */
    ck_assert_int_eq(clrs_context_create(NULL, &o), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("context_create", "ctx"), "%s", clrs_error_message());
    clrs_context_destroy(NULL);
    ck_assert_int_eq(clrs_context_finish(NULL), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("context_finish", "ctx"), "%s", clrs_error_message());
    ck_assert_ptr_null(clrs_context_device(NULL));
    ck_assert_ptr_null(clrs_context_cl_context(NULL));
    ck_assert_ptr_null(clrs_context_cl_queue(NULL));
    {
        clrs_cache_stats cs;
        ck_assert_int_eq(clrs_context_cache_stats(NULL, &cs), CLRS_ERR_ARGUMENT);
        ck_assert_msg(message_has("context_cache_stats", "ctx"), "%s", clrs_error_message());
    }

    /* $CLRS_DEVICE when options->device is NULL, and with options NULL */
    st = create_with_env("host", NULL, &ctx, &type, msg, sizeof msg);
    ck_assert_msg(st == CLRS_OK && type == CLRS_DEVICE_HOST, "CLRS_DEVICE=host, options NULL: %s (%s)",
                  clrs_status_name(st), msg);
    o.device = NULL, o.host_fallback = 0;
    type = CLRS_DEVICE_OTHER;
    st = create_with_env("host", &o, &ctx, &type, msg, sizeof msg);
    ck_assert_msg(st == CLRS_OK && type == CLRS_DEVICE_HOST, "CLRS_DEVICE=host, device NULL: %s (%s)",
                  clrs_status_name(st), msg);

    if (host_only()) { /* the rest looks for OpenCL devices */
        printf("context: CLRS_TEST_BACKENDS=host: unknown device strings not checked\n");
        return;
    }
    ck_assert_int_eq(clrs_device_list(NULL, 0, &ndev), CLRS_OK);
    /* options->device wins over $CLRS_DEVICE; a bad $CLRS_DEVICE is reported */
    o.device = "host";
    st = create_with_env("no-such-device-xyz", &o, &ctx, &type, msg, sizeof msg);
    ck_assert_msg(st == CLRS_OK && type == CLRS_DEVICE_HOST, "device \"host\" under a bad $CLRS_DEVICE: %s",
                  msg);
    o.device = NULL;
    ctx = sentinel;
    st = create_with_env("no-such-device-xyz", &o, &ctx, &type, msg, sizeof msg);
    ck_assert_msg(st == CLRS_ERR_DEVICE && strstr(msg, "no-such-device-xyz"),
                  "CLRS_DEVICE=no-such-device-xyz: %s (\"%s\")", clrs_status_name(st), msg);
    ck_assert_ptr_eq(ctx, sentinel);

    /* a device string that matches nothing: CLRS_ERR_DEVICE naming it, *ctx untouched */
    o.device = "no-such-device-xyz", o.host_fallback = 0;
    st = clrs_context_create(&ctx, &o);
    ck_assert_msg(st == CLRS_ERR_DEVICE, "status %s", clrs_status_name(st));
    ck_assert_msg(strstr(clrs_error_message(), "no-such-device-xyz") != NULL, "message \"%s\"",
                  clrs_error_message());
    ck_assert_ptr_eq(ctx, sentinel);
    if (ndev > 1) { /* with OpenCL devices present, fallback does not hide a bad string either */
        o.host_fallback = 1;
        ck_assert_int_eq(clrs_context_create(&ctx, &o), CLRS_ERR_DEVICE);
        ck_assert_ptr_eq(ctx, sentinel);
        o.device = "99:99";
        ck_assert_int_eq(clrs_context_create(&ctx, &o), CLRS_ERR_DEVICE);
        ck_assert_msg(strstr(clrs_error_message(), "99:99") != NULL, "%s", clrs_error_message());
        ck_assert_ptr_eq(ctx, sentinel);
    }
    printf("context: create host / unknown device / NULL out / $CLRS_DEVICE checked\n");
}
END_TEST

START_TEST(device_list_rules)
{
    clrs_device_info infos[34], one[2];
    size_t n = 0, n2 = 12345, i;
    ck_assert_int_eq(clrs_device_list(infos, 4, NULL), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("device_list", "count"), "%s", clrs_error_message());
    ck_assert_int_eq(clrs_device_list(NULL, 3, &n2), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("device_list", "infos"), "%s", clrs_error_message());
    ck_assert_uint_eq(n2, 12345);
    if (host_only()) {
        printf("device_list: CLRS_TEST_BACKENDS=host: enumeration not checked\n");
        return;
    }
    ck_assert_int_eq(clrs_device_list(NULL, 0, &n), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_le(n, 33);
    ck_assert_int_eq(clrs_device_list(infos, 34, &n2), CLRS_OK);
    ck_assert_uint_eq(n, n2);
    for (i = 0; i < n; i++) {
        ck_assert_msg(infos[i].name[0] != '\0', "device %zu has no name", i);
        if (i + 1 < n) {
            ck_assert_int_ne(infos[i].type, CLRS_DEVICE_HOST);
            ck_assert_int_ge(infos[i].platform_index, 0);
            ck_assert_int_ge(infos[i].device_index, 0);
        }
    }
    ck_assert_int_eq(infos[n - 1].type, CLRS_DEVICE_HOST);
    ck_assert_int_eq(infos[n - 1].platform_index, -1);
    ck_assert_int_eq(infos[n - 1].device_index, -1);
    /* a short array: filled up to cap, the full count reported, nothing past cap written */
    memset(one, CANARY, sizeof one);
    ck_assert_int_eq(clrs_device_list(one, 1, &n2), CLRS_OK);
    ck_assert_uint_eq(n2, n);
    ck_assert_str_eq(one[0].name, infos[0].name);
    {
        unsigned char c[sizeof one[1]];
        memset(c, CANARY, sizeof c);
        ck_assert_msg(!memcmp(&one[1], c, sizeof c), "device_list wrote past cap");
    }
    printf("device_list: %zu devices, the host last\n", n);
}
END_TEST

/* The device info of each backend's context; finish; the OpenCL handles. */
START_TEST(context_device_info)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    const clrs_device_info *info = clrs_context_device(be->ctx);
    const int is_host = clrs_context_cl_context(be->ctx) == NULL;
    ck_assert_ptr_nonnull(info);
    ck_assert_msg(info->name[0] && info->vendor[0] && info->platform[0] && info->version[0] &&
                      info->driver[0],
                  "[%s] empty info: name \"%s\" vendor \"%s\" platform \"%s\" version \"%s\" "
                  "driver \"%s\"",
                  be->name, info->name, info->vendor, info->platform, info->version, info->driver);
    ck_assert_uint_ge(info->compute_units, 1);
    if (is_host) {
        ck_assert_int_eq(info->type, CLRS_DEVICE_HOST);
        ck_assert_int_eq(info->platform_index, -1);
        ck_assert_ptr_null(clrs_context_cl_queue(be->ctx));
    } else {
        ck_assert_int_ne(info->type, CLRS_DEVICE_HOST);
        ck_assert_msg(info->opencl_c_version[0] != '\0', "[%s] no OpenCL C version", be->name);
        ck_assert_int_ge(info->platform_index, 0);
        ck_assert_uint_gt(info->global_mem_bytes, 0);
        ck_assert_uint_gt(info->max_alloc_bytes, 0);
        ck_assert_uint_gt(info->max_work_group_size, 0);
        ck_assert_ptr_nonnull(clrs_context_cl_queue(be->ctx));
    }
    ck_assert_int_eq(clrs_context_finish(be->ctx), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    printf("device info [%s]: %s / %s / %s, %u compute units\n", be->name, info->name,
           info->vendor, info->version, info->compute_units);
}
END_TEST

/* ---- clrs_context_wrap on the test's own queue ---- */

static cl_uint ref_count_queue(cl_command_queue q)
{
    cl_uint n = 0;
    ck_assert_int_eq(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof n, &n, NULL), CL_SUCCESS);
    return n;
}

static cl_uint ref_count_context(cl_context c)
{
    cl_uint n = 0;
    ck_assert_int_eq(clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof n, &n, NULL), CL_SUCCESS);
    return n;
}

/* The runtime drops its own references (those of finished commands) asynchronously: wait up
 * to 2 s for a count to come down to `want`, and return the last one seen. */
static cl_uint settled(cl_uint (*count)(void *), void *obj, cl_uint want)
{
    const struct timespec ms = {0, 1000000};
    cl_uint n = count(obj);
    int k;
    for (k = 0; k < 2000 && n > want; k++) {
        nanosleep(&ms, NULL);
        n = count(obj);
    }
    return n;
}
static cl_uint count_queue(void *q) { return ref_count_queue((cl_command_queue)q); }
static cl_uint count_context(void *c) { return ref_count_context((cl_context)c); }

START_TEST(context_wrap)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *w = NULL, *host = backends[0].ctx;
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    const int64_t in_shape[4] = {1, 2, 5, 6}, out_shape[4] = {1, 2, 7, 9};
    float x[60], y[126], ref[126], probe = 0;
    const float one = 1.5f;
    clrs_tensor ti, to;
    cl_mem mi, mo, m;
    cl_int err;
    cl_uint qrefs, crefs;
    rawcl r;
    double e, ya[126], yr[126];
    int i;

    ck_assert_int_eq(clrs_context_wrap(&w, NULL, NULL), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("context_wrap", "queue"), "%s", clrs_error_message());
    ck_assert_ptr_null(w);
    if (clrs_context_cl_context(be->ctx) == NULL) {
        printf("context_wrap [%s]: the host backend has no queue to wrap; wrap(NULL queue) checked\n",
               be->name);
        return;
    }
    ck_assert_msg(rawcl_open(&r, backend_device(be->ctx)), "[%s] cannot make our own queue", be->name);
    ck_assert_int_eq(clrs_context_wrap(NULL, r.q, NULL), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("context_wrap", "ctx"), "%s", clrs_error_message());
    qrefs = ref_count_queue(r.q);
    crefs = ref_count_context(r.cl);

    o.cache_dir = "";
    ck_assert_int_eq(clrs_context_wrap(&w, r.q, &o), CLRS_OK);
    ck_assert_str_eq(clrs_error_message(), "");
    ck_assert_uint_eq(ref_count_queue(r.q), qrefs + 1); /* retained */
    ck_assert_ptr_eq(clrs_context_cl_queue(w), r.q);
    ck_assert_ptr_eq(clrs_context_cl_context(w), r.cl);
    ck_assert_str_eq(clrs_context_device(w)->name, clrs_context_device(be->ctx)->name);
    ck_assert_int_eq(clrs_context_device(w)->type, clrs_context_device(be->ctx)->type);
    ck_assert_int_eq(clrs_context_device(w)->platform_index, clrs_context_device(be->ctx)->platform_index);
    ck_assert_int_eq(clrs_context_device(w)->device_index, clrs_context_device(be->ctx)->device_index);

    /* bilinear on cl_mem buffers of our context, against the host backend */
    for (i = 0; i < 60; i++) x[i] = (float)sin(0.37 * i) + 0.25f * (float)(i % 7);
    for (i = 0; i < 126; i++) y[i] = -7.0f;
    mi = clCreateBuffer(r.cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof x, x, &err);
    ck_assert_ptr_nonnull(mi);
    mo = clCreateBuffer(r.cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof y, y, &err);
    ck_assert_ptr_nonnull(mo);
    memset(&ti, 0, sizeof ti), memset(&to, 0, sizeof to);
    ti.dtype = to.dtype = CLRS_F32;
    ti.ndim = to.ndim = 4;
    ti.contiguous = to.contiguous = 1;
    memcpy(ti.shape, in_shape, sizeof in_shape), memcpy(to.shape, out_shape, sizeof out_shape);
    ti.mem = mi, to.mem = mo;
    p.mode = CLRS_LINEAR, p.size[0] = 7, p.size[1] = 9;
    ck_assert_msg(clrs_interpolate(w, &p, &ti, &to) == CLRS_OK, "%s", clrs_error_message());
    ck_assert_str_eq(clrs_error_message(), "");
    ck_assert_int_eq(clrs_context_finish(w), CLRS_OK);
    ck_assert_int_eq(clEnqueueReadBuffer(r.q, mo, CL_TRUE, 0, sizeof y, y, 0, NULL, NULL), CL_SUCCESS);
    ti.mem = NULL, ti.data = x, to.mem = NULL, to.data = ref;
    ck_assert_int_eq(clrs_interpolate(host, &p, &ti, &to), CLRS_OK);
    for (i = 0; i < 126; i++) ya[i] = y[i], yr[i] = ref[i];
    e = th_rel_error(ya, yr, 126);
    ck_assert_msg(e <= 1e-6, "[%s] wrapped context vs host: rel %g", be->name, e);
    /* the wrapped context also takes host memory */
    ti.data = x, to.data = y;
    memset(y, 0, sizeof y);
    ck_assert_int_eq(clrs_interpolate(w, &p, &ti, &to), CLRS_OK);
    for (i = 0; i < 126; i++) ya[i] = y[i];
    ck_assert_msg(th_rel_error(ya, yr, 126) <= 1e-6, "[%s] wrapped context, host memory", be->name);
    /* and refuses buffers of the backend's own (other) cl_context */
    m = clCreateBuffer(clrs_context_cl_context(be->ctx), CL_MEM_READ_WRITE, sizeof y, NULL, &err);
    ck_assert_ptr_nonnull(m);
    to.data = NULL, to.mem = m;
    ck_assert_int_eq(clrs_interpolate(w, &p, &ti, &to), CLRS_ERR_ARGUMENT);
    ck_assert_msg(message_has("interpolate", "another cl_context"), "%s", clrs_error_message());
    clReleaseMemObject(m);

    clrs_context_destroy(w);
    /* our queue and context keep the references we hold and still work. (The runtime holds
     * references of its own for recent commands on our buffers: count after releasing them.) */
    ck_assert_int_eq(clFinish(r.q), CL_SUCCESS);
    clReleaseMemObject(mi);
    clReleaseMemObject(mo);
    ck_assert_uint_eq(settled(count_queue, r.q, qrefs), qrefs);
    ck_assert_uint_eq(settled(count_context, r.cl, crefs), crefs);
    m = clCreateBuffer(r.cl, CL_MEM_READ_WRITE, sizeof one, NULL, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(clEnqueueWriteBuffer(r.q, m, CL_TRUE, 0, sizeof one, &one, 0, NULL, NULL), CL_SUCCESS);
    ck_assert_int_eq(clEnqueueReadBuffer(r.q, m, CL_TRUE, 0, sizeof probe, &probe, 0, NULL, NULL), CL_SUCCESS);
    ck_assert(probe == one);
    ck_assert_int_eq(clFinish(r.q), CL_SUCCESS);
    clReleaseMemObject(m);
    rawcl_close(&r);
    printf("context_wrap [%s]: bilinear on our own queue matches the host (rel %.1e); queue "
           "refcount %u before and after\n",
           be->name, e, qrefs);
}
END_TEST

/* ---- one context, four threads ---- */

#define NTHREADS 4
#define NITER 50
#define SRC_MAX 1024

static float thr_src[SRC_MAX];
static unsigned char *thr_ref[NITER];
static size_t thr_ref_bytes[NITER];

/* Call k: a mode, size or scale, forward or backward, on a [1, 2, 5, 7] input. */
static void thread_call(int k, clrs_interpolate_params *p, clrs_tensor *src, clrs_tensor *dst,
                        int *backward)
{
    static const int64_t in[4] = {1, 2, 5, 7};
    int64_t out[4];
    int kind = k % 7;
    *p = (clrs_interpolate_params)CLRS_INTERPOLATE_PARAMS_INIT;
    p->mode = kind == 5 ? CLRS_LINEAR : kind == 6 ? CLRS_CUBIC : (clrs_mode)kind;
    p->antialias = kind >= 5;
    if (k % 2) {
        p->size[0] = 3 + k % 6, p->size[1] = 2 + (k * 3) % 9;
    } else {
        p->scale_factor[0] = 0.5 + (k % 5) * 0.4, p->scale_factor[1] = 1.7;
    }
    if ((p->mode == CLRS_LINEAR || p->mode == CLRS_CUBIC) && !p->antialias)
        p->align_corners = k % 3 - 1;
    *backward = k % 4 == 3;
    ck_assert_int_eq(clrs_interpolate_shape(p, 4, in, out), CLRS_OK);
    memset(src, 0, sizeof *src), memset(dst, 0, sizeof *dst);
    src->dtype = dst->dtype = CLRS_F32;
    src->ndim = dst->ndim = 4;
    src->contiguous = dst->contiguous = 1;
    memcpy(src->shape, *backward ? out : in, sizeof out);
    memcpy(dst->shape, *backward ? in : out, sizeof out);
    src->data = thr_src;
}

static clrs_status thread_run(clrs_context *ctx, const clrs_interpolate_params *p,
                              const clrs_tensor *s, const clrs_tensor *d, int backward)
{
    return backward ? clrs_interpolate_backward(ctx, p, s, d) : clrs_interpolate(ctx, p, s, d);
}

typedef struct {
    clrs_context *ctx;
    int id, bad, calls;
    char why[300];
} worker;

/* No ck_assert here: failures are recorded and asserted by the test's thread. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    int j;
    for (j = 0; j < NITER && !w->bad; j++) {
        int k = (j + w->id * 13) % NITER, backward;
        clrs_interpolate_params p;
        clrs_tensor s, d;
        unsigned char *out;
        clrs_status st;
        thread_call(k, &p, &s, &d, &backward);
        out = malloc(thr_ref_bytes[k]);
        if (!out) {
            snprintf(w->why, sizeof w->why, "out of memory");
            w->bad = 1;
            break;
        }
        memset(out, CANARY, thr_ref_bytes[k]);
        d.data = out;
        if (j % 10 == 5) { /* a failure here must not show in the other threads' messages */
            if (thread_run(w->ctx, NULL, &s, &d, backward) != CLRS_ERR_ARGUMENT ||
                !strstr(clrs_error_message(), "params")) {
                snprintf(w->why, sizeof w->why, "call %d: NULL params not refused (\"%s\")", k,
                         clrs_error_message());
                w->bad = 1;
            }
        }
        st = thread_run(w->ctx, &p, &s, &d, backward);
        w->calls++;
        if (st != CLRS_OK) {
            snprintf(w->why, sizeof w->why, "call %d: %s (%s)", k, clrs_status_name(st), clrs_error_message());
            w->bad = 1;
        } else if (clrs_error_message()[0]) {
            snprintf(w->why, sizeof w->why, "call %d: message \"%s\" after success", k, clrs_error_message());
            w->bad = 1;
        } else if (memcmp(out, thr_ref[k], thr_ref_bytes[k]) != 0) {
            snprintf(w->why, sizeof w->why, "call %d (mode %d, %s): result differs from the single-threaded run",
                     k, p.mode, backward ? "backward" : "forward");
            w->bad = 1;
        }
        free(out);
    }
    return NULL;
}

START_TEST(threads_share_context)
{
    TH_SKIP_MISSING_BACKEND();
    th_backend *be = &backends[_i];
    pthread_t th[NTHREADS];
    worker w[NTHREADS];
    int k, t, calls = 0;
    for (k = 0; k < SRC_MAX; k++) thr_src[k] = (float)sin(0.37 * k) + 0.01f * (float)(k % 13);
    /* the single-threaded reference */
    for (k = 0; k < NITER; k++) {
        clrs_interpolate_params p;
        clrs_tensor s, d;
        int backward, dd;
        int64_t n = 1;
        thread_call(k, &p, &s, &d, &backward);
        for (dd = 0; dd < 4; dd++) n *= d.shape[dd];
        ck_assert_int_le(th_numel(&s), SRC_MAX);
        thr_ref_bytes[k] = (size_t)n * sizeof(float);
        thr_ref[k] = malloc(thr_ref_bytes[k]);
        ck_assert_ptr_nonnull(thr_ref[k]);
        memset(thr_ref[k], CANARY, thr_ref_bytes[k]);
        d.data = thr_ref[k];
        ck_assert_msg(thread_run(be->ctx, &p, &s, &d, backward) == CLRS_OK, "reference %d: %s", k,
                      clrs_error_message());
    }
    ck_assert_str_eq(clrs_error_message(), "");
    for (t = 0; t < NTHREADS; t++) {
        memset(&w[t], 0, sizeof w[t]);
        w[t].ctx = be->ctx;
        w[t].id = t;
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker_main, &w[t]), 0);
    }
    for (t = 0; t < NTHREADS; t++) ck_assert_int_eq(pthread_join(th[t], NULL), 0);
    for (t = 0; t < NTHREADS; t++) {
        ck_assert_msg(!w[t].bad, "[%s] thread %d: %s", be->name, t, w[t].why);
        calls += w[t].calls;
    }
    /* the workers' failed calls left this thread's message alone */
    ck_assert_str_eq(clrs_error_message(), "");
    for (k = 0; k < NITER; k++) free(thr_ref[k]);
    printf("threads [%s]: %d threads x %d interpolates on one context (%d calls), all identical "
           "to the single-threaded run\n",
           be->name, NTHREADS, NITER, calls);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("all");
    SRunner *sr;
    int failed, n = th_backend_count();
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, status_version_dtype);
    tcase_add_test(tc, shape_rules);
    tcase_add_test(tc, context_create_rules);
    tcase_add_test(tc, device_list_rules);
    tcase_add_loop_test(tc, interpolate_rules, 0, n);
    tcase_add_loop_test(tc, context_device_info, 0, n);
    tcase_add_loop_test(tc, context_wrap, 0, n);
    tcase_add_loop_test(tc, threads_share_context, 0, n);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    /* OpenCL runtimes do not survive fork(): run the tests in this process */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
