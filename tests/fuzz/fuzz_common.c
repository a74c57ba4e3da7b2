/* fuzz_common.c — see fuzz_common.h. The harness must itself be free of undefined
 * behaviour: layout arithmetic is done in saturating 128-bit integers, and pointers are only
 * formed inside the buffers the harness allocated. */
#include "fuzz_common.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

clrs_context *fz_host_ctx;

/* FUZZ_STATS=1: per call, how many runs returned each status (printed at exit), to see that
 * the decoder reaches successful calls as well as refusals. */
#define MAX_CALLS 32
static struct {
    const char *call;
    unsigned long n[7];
} call_stats[MAX_CALLS];
static int ncalls;
static int trace; /* FUZZ_TRACE=1: every call's status and message on stderr */

static void print_stats(void)
{
    int i, s;
    for (i = 0; i < ncalls; i++) {
        fprintf(stderr, "fuzz stats: %-34s", call_stats[i].call);
        for (s = 0; s < 7; s++)
            if (call_stats[i].n[s]) fprintf(stderr, " %s %lu", clrs_status_name((clrs_status)s), call_stats[i].n[s]);
        fprintf(stderr, "\n");
    }
}

static void count(const char *call, clrs_status st)
{
    int i;
    if ((int)st < 0 || (int)st > 6) return;
    for (i = 0; i < ncalls && strcmp(call_stats[i].call, call); i++) continue;
    if (i == ncalls) {
        if (ncalls == MAX_CALLS) return;
        call_stats[ncalls++].call = call;
    }
    call_stats[i].n[st]++;
}

static int64_t cap_elems = 16384;
static size_t cap_bytes = (size_t)1 << 20;

void fz_set_caps(int64_t max_elems, size_t max_bytes)
{
    cap_elems = max_elems;
    cap_bytes = max_bytes;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    (void)argc, (void)argv;
    o.device = "host";
    o.cache_dir = "";
    if (clrs_context_create(&fz_host_ctx, &o) != CLRS_OK) {
        fprintf(stderr, "fuzz: cannot create the host context: %s\n", clrs_error_message());
        abort();
    }
    if (getenv("FUZZ_STATS")) atexit(print_stats);
    trace = getenv("FUZZ_TRACE") != NULL;
    return 0;
}

/* ---- input bytes ---- */

uint8_t fz_u8(fz_in *in)
{
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}

uint32_t fz_u32(fz_in *in)
{
    uint32_t v = 0;
    int i;
    for (i = 0; i < 4; i++) v = v << 8 | fz_u8(in);
    return v;
}

uint64_t fz_u64(fz_in *in)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++) v = v << 8 | fz_u8(in);
    return v;
}

int fz_pick(fz_in *in, int n) { return n <= 1 ? 0 : fz_u8(in) % n; }

/* Exhausted input reads zeros: every decoder maps 0 to its most ordinary choice. */
int fz_rare(fz_in *in, int n) { return fz_u8(in) >= 256 - 256 / n; }

int64_t fz_i64(fz_in *in)
{
    static const int64_t special[] = {
        INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 1, -1, 0, 1,
        (int64_t)1 << 31, ((int64_t)1 << 31) - 1, (int64_t)1 << 32, ((int64_t)1 << 32) + 1,
        (int64_t)1 << 62, -((int64_t)1 << 62), (int64_t)1 << 53, 65536, 65535, (int64_t)1 << 20,
        -65536, 3037000500, (int64_t)1 << 59, ((int64_t)1 << 59) + 1, (int64_t)1 << 61,
        INT32_MAX, INT32_MIN, (int64_t)1 << 40, 100, 1000, -2, -3};
    const uint8_t b = fz_u8(in);
    if (b < 128) return b % 9;
    if (b < 160) return fz_u8(in) % 64;
    if (b < 200) return special[fz_u8(in) % (sizeof special / sizeof special[0])];
    return (int64_t)fz_u64(in); /* implementation-defined conversion, not UB */
}

int64_t fz_size(fz_in *in)
{
    const uint8_t b = fz_u8(in);
    if (b < 150) return 1 + b % 6;
    if (b < 175) return 0;
    if (b < 215) return 1 + fz_u8(in) % 32;
    return fz_i64(in);
}

int64_t fz_param(fz_in *in)
{
    const uint8_t b = fz_u8(in);
    if (b < 140) return 1 + b % 3;
    if (b < 160) return 0;
    if (b < 190) return CLRS_DEFAULT;
    return fz_i64(in);
}

int fz_enum(fz_in *in, int nvalid)
{
    const uint8_t b = fz_u8(in);
    if (b < 220) return b % nvalid;
    switch (b % 6) {
    case 0: return -1;
    case 1: return nvalid;
    case 2: return nvalid + 1;
    case 3: return INT_MIN;
    case 4: return INT_MAX;
    default: return (int)(fz_u32(in) & 0x7fffffff) * ((b & 8) ? -1 : 1);
    }
}

int fz_tristate(fz_in *in)
{
    static const int bad[] = {2, -2, INT_MIN, INT_MAX};
    const uint8_t b = fz_u8(in);
    static const int ok[] = {0, 1, -1};
    if (b < 230) return ok[b % 3];
    return bad[b % 4];
}

double fz_double(fz_in *in)
{
    static const double special[] = {
        0.0, -0.0, 1.0, 0.5, 2.0, -1.0, NAN, INFINITY, -INFINITY, 1e300, -1e300, 1e-300,
        4.9e-324, 1.7976931348623157e308, 1e10, 1e18, 9.3e18, 1e19, 0.999999, 1.0000001,
        9223372036854775808.0, 18446744073709551616.0, 1e-10, 3.0, 0.25, 1.5, 1.0 / 3.0, 2147483648.0};
    const uint8_t b = fz_u8(in);
    uint64_t bits;
    double d;
    if (b < 100) return (double)(fz_u8(in) % 33) / 8.0;
    if (b < 150) return special[fz_u8(in) % (sizeof special / sizeof special[0])];
    if (b < 190) return (double)(1 + fz_u8(in) % 16) / (double)(1 + fz_u8(in) % 16);
    bits = fz_u64(in);
    memcpy(&d, &bits, sizeof d);
    return d;
}

clrs_context *fz_ctx(fz_in *in) { return fz_rare(in, 64) ? NULL : fz_host_ctx; }

/* ---- buffers ---- */

#define MAX_BUFS 24
#define MAX_TENS 12
typedef struct {
    unsigned char *p, *snap, *map;
    size_t len;
    size_t writable;   /* plain buffers: bytes the call may write on success */
    int plain;
} fz_bufrec;
static fz_bufrec bufs[MAX_BUFS];
static int nbufs;
static fz_tensor *tens[MAX_TENS];
static int ntens;

static void die(const char *call, const char *what)
{
    fprintf(stderr, "\nFUZZ CONTRACT VIOLATION in %s: %s\n  status message: \"%s\"\n", call, what,
            clrs_error_message());
    abort();
}

void fz_begin(void)
{
    int i;
    for (i = 0; i < nbufs; i++) {
        free(bufs[i].p);
        free(bufs[i].snap);
        free(bufs[i].map);
    }
    memset(bufs, 0, sizeof bufs);
    nbufs = 0;
    ntens = 0;
}

/* A new buffer of exactly len bytes (malloc(0) for 0), or -1 when the table is full. */
static int buf_new(size_t len, int plain)
{
    fz_bufrec *b;
    if (nbufs == MAX_BUFS) return -1;
    b = &bufs[nbufs];
    memset(b, 0, sizeof *b);
    b->p = malloc(len ? len : 0);
    b->snap = malloc(len ? len : 1);
    b->map = malloc(len ? len : 1);
    if (!b->p || !b->snap || !b->map) {
        fprintf(stderr, "fuzz: out of memory\n");
        abort();
    }
    b->len = len;
    b->plain = plain;
    return nbufs++;
}

void fz_snapshot(void)
{
    int i;
    for (i = 0; i < nbufs; i++) memcpy(bufs[i].snap, bufs[i].p, bufs[i].len);
}

void *fz_buffer(fz_in *in, size_t bytes, int may_null, size_t **writable)
{
    int k;
    static size_t dummy;
    *writable = &dummy;
    dummy = 0;
    if (may_null && fz_rare(in, 24)) return NULL;
    if ((k = buf_new(bytes, 1)) < 0) return NULL;
    memset(bufs[k].p, 0xA5, bytes);
    memcpy(bufs[k].snap, bufs[k].p, bytes);
    *writable = &bufs[k].writable;
    return bufs[k].p;
}

/* ---- tensors ---- */

typedef __int128 i128;
#define SAT ((i128)1 << 100)
static i128 sat(i128 v) { return v > SAT ? SAT : v < -SAT ? -SAT : v; }
static i128 sat_mul(i128 a, i128 b)
{
    i128 aa, bb;
    a = sat(a), b = sat(b);
    if (!a || !b) return 0;
    aa = a < 0 ? -a : a, bb = b < 0 ? -b : b;
    if (aa > SAT / bb) return (a < 0) != (b < 0) ? -SAT : SAT;
    return a * b;
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static size_t esize_of(clrs_dtype d)
{
    switch ((int)d) {
    case CLRS_F32: return 4;
    case CLRS_F64: case CLRS_I64: return 8;
    case CLRS_F16: case CLRS_BF16: return 2;
    case CLRS_U8: return 1;
    }
    return 0;
}

/* Fills an input buffer: `mode` 0 zeros, 1 small values, 2 random bits, 3 extremes. */
static void fill(unsigned char *p, size_t len, clrs_dtype dtype, int mode, int64_t modulus)
{
    size_t es = esize_of(dtype), i, n;
    if (!es) es = 1;
    n = len / es;
    if (mode == 0) {
        memset(p, 0, len);
        return;
    }
    if (mode == 2) {
        for (i = 0; i < len; i++) p[i] = (unsigned char)rng();
        return;
    }
    for (i = 0; i < n; i++) {
        unsigned char *e = p + i * es;
        if ((int)dtype == CLRS_I64) {
            static const int64_t ext[] = {-1, INT64_MIN, INT64_MAX, 0, 1, (int64_t)1 << 31, -((int64_t)1 << 40)};
            int64_t v = mode == 1 ? (int64_t)(rng() % (uint64_t)(modulus > 0 ? modulus : 7))
                                  : ext[rng() % (sizeof ext / sizeof ext[0])];
            memcpy(e, &v, 8);
        } else if ((int)dtype == CLRS_F32) {
            static const float ext[] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, 1e-40f, 0.5f, -1.0f, 1.0f};
            float v = mode == 1 ? (float)((int)(rng() % 17) - 8) * 0.37f : ext[rng() % (sizeof ext / sizeof ext[0])];
            memcpy(e, &v, 4);
        } else if ((int)dtype == CLRS_F64) {
            static const double ext[] = {NAN, INFINITY, -INFINITY, 1e300, -1e300, 4.9e-324, 0.5, -1.0, 1e19};
            double v = mode == 1 ? (double)((int)(rng() % 17) - 8) * 0.37 : ext[rng() % (sizeof ext / sizeof ext[0])];
            memcpy(e, &v, 8);
        } else if (es == 2) {
            /* f16 / bf16 bit patterns: small values, or inf / NaN / max / denormal */
            static const uint16_t h_small[] = {0x0000, 0x3c00, 0xbc00, 0x3800, 0x4000, 0xc200};
            static const uint16_t b_small[] = {0x0000, 0x3f80, 0xbf80, 0x3f00, 0x4000, 0xc040};
            static const uint16_t h_ext[] = {0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x0001, 0xffff};
            static const uint16_t b_ext[] = {0x7f80, 0xff80, 0x7fc0, 0x7f7f, 0x0001, 0xffff};
            const int bf = (int)dtype == CLRS_BF16;
            uint16_t v = mode == 1 ? (bf ? b_small : h_small)[rng() % 6] : (bf ? b_ext : h_ext)[rng() % 6];
            memcpy(e, &v, 2);
        } else {
            *e = (unsigned char)rng();
        }
    }
}

void fz_tensor_make(fz_in *in, fz_tensor *t, int ndim_hint, clrs_dtype dtype_hint,
                    const int64_t *shape_hint, int out, int optional)
{
    static const int bad_dtype[] = {-1, 6, 7, 100, INT_MAX, INT_MIN};
    static const int bad_ndim[] = {-1, 0, 1, 2, 3, 4, 5, 6, 7, INT_MIN, INT_MAX, 64};
    static const int bad_contig[] = {2, -1, INT_MIN, INT_MAX};
    static const size_t huge_off[] = {SIZE_MAX, SIZE_MAX - 7, (size_t)1 << 40, (size_t)1 << 62,
                                      ((size_t)1 << 63) + 8};
    static unsigned char fake_mem[256]; /* not a cl_mem: the host context must never use it */
    clrs_tensor *x = &t->t;
    int i, b, nd, mode, fmode;
    size_t es, es_alloc;
    i128 st[5], numel = 1, lo = 0, hi = 0, need = 0;
    int shapes_ok = 1, strides_ok = 1, rank_ok, cont_ok, perm[5];

    memset(t, 0, sizeof *t);
    t->buf = -1;
    t->out = out;
    t->present = optional ? fz_pick(in, 4) != 3 : !fz_rare(in, 40);
    b = fz_u8(in);
    x->dtype = (clrs_dtype)(b < 180 ? (int)dtype_hint : b < 240 ? b % 6 : bad_dtype[b % 6]);
    b = fz_u8(in);
    x->ndim = b < 200 ? ndim_hint : bad_ndim[b % 12];
    nd = x->ndim >= 1 && x->ndim <= 5 ? x->ndim : 0;
    rank_ok = nd > 0;
    /* shape: the hint, the hint with one axis changed, or anything */
    mode = fz_u8(in);
    for (i = 0; i < 5; i++) {
        if (shape_hint && i < ndim_hint && mode < 220)
            x->shape[i] = shape_hint[i];
        else if (i < nd || fz_rare(in, 16))
            x->shape[i] = i < nd ? fz_size(in) : fz_i64(in); /* entries past ndim are ignored */
    }
    if (mode >= 170 && mode < 220 && nd) x->shape[fz_pick(in, nd)] = fz_size(in);
    /* contiguous flag */
    b = fz_u8(in);
    x->contiguous = b < 128 ? 1 : b < 244 ? 0 : bad_contig[b % 4];
    /* strides: row-major in some axis order, with gaps, with broadcasts, or anything */
    for (i = 0; i < 5; i++) perm[i] = i;
    mode = fz_u8(in);
    if (mode >= 100 && mode < 150 && nd > 1)
        for (i = nd - 1; i > 0; i--) { /* Fisher-Yates */
            int j = fz_pick(in, i + 1), tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
    {
        i128 s = 1;
        for (i = nd - 1; i >= 0; i--) {
            const int a = perm[i];
            st[a] = s;
            s = sat_mul(s, x->shape[a] > 0 ? x->shape[a] : 1);
            if (mode >= 150 && mode < 180) s = sat(s + fz_pick(in, 3));
        }
        for (i = 0; i < 5; i++) {
            i128 v = i < nd ? st[i] : 0;
            if (mode >= 180 && mode < 210 && i < nd && fz_pick(in, 2)) v = 0;
            if (mode >= 210 && i < nd) v = fz_i64(in);
            x->strides[i] = v > INT64_MAX ? INT64_MAX : (int64_t)v;
        }
    }
    /* offset */
    b = fz_u8(in);
    es = esize_of(x->dtype);
    es_alloc = es ? es : 8;
    x->offset = b < 190 ? 0 : b < 230 ? es_alloc * (size_t)fz_pick(in, 8) : b < 245 ? (size_t)(1 + b % 7)
                                                                                   : huge_off[b % 5];
    /* the layout as the tensor rules read it */
    cont_ok = x->contiguous == 0 || x->contiguous == 1;
    if (rank_ok) {
        i128 s = 1;
        for (i = nd - 1; i >= 0; i--) { /* row-major strides, as the contiguous flag means */
            if (x->contiguous) st[i] = s;
            else st[i] = x->strides[i];
            s = sat_mul(s, x->shape[i] > 0 ? x->shape[i] : 1);
        }
        for (i = 0; i < nd; i++) {
            if (x->shape[i] < 0) shapes_ok = 0;
            if (st[i] < 0) strides_ok = 0;
            numel = sat_mul(numel, x->shape[i] < 0 ? 0 : x->shape[i]);
        }
        if (numel > 0 && shapes_ok) {
            for (i = 0; i < nd; i++) {
                const i128 r = sat_mul(x->shape[i] - 1, st[i]);
                if (r < 0) lo = sat(lo + r);
                else hi = sat(hi + r);
            }
            need = sat(sat_mul(sat(hi + 1), (i128)es_alloc) + (i128)x->offset);
        }
    }
    /* memory: exactly `need` bytes, NULL past the caps; sometimes a fake cl_mem as well */
    fmode = fz_pick(in, 4);
    rng_state = fz_u64(in) | 1;
    b = fz_u8(in);
    if (b >= 248) {
        x->mem = (cl_mem)(void *)fake_mem;
    }
    if (b < 248 || b >= 252) { /* b >= 252: both data and mem */
        if (!rank_ok || !shapes_ok) {
            if (fz_pick(in, 2)) t->buf = buf_new(8, 0);
        } else if (numel == 0) {
            if (fz_pick(in, 2)) t->buf = buf_new(0, 0);
        } else if (numel <= cap_elems && need <= (i128)cap_bytes) {
            /* now and then share an earlier tensor's buffer (overlap checks) */
            if (ntens && fz_rare(in, 10)) {
                const fz_tensor *o = tens[fz_pick(in, ntens)];
                if (o->buf >= 0 && (i128)bufs[o->buf].len >= need) t->buf = o->buf;
            }
            if (t->buf < 0) {
                t->buf = buf_new((size_t)need, 0);
                if (t->buf >= 0) {
                    if (out) memset(bufs[t->buf].p, 0xA5, (size_t)need);
                    else fill(bufs[t->buf].p, (size_t)need, x->dtype, fmode, 1 + fz_u8(in));
                }
            }
        }
        if (t->buf >= 0) x->data = bufs[t->buf].p;
    }
    if (t->buf >= 0) memcpy(bufs[t->buf].snap, bufs[t->buf].p, bufs[t->buf].len);
    t->valid = es && rank_ok && cont_ok && shapes_ok && strides_ok && numel <= INT64_MAX &&
               x->offset % es == 0 && !(x->data && x->mem) && (numel == 0 || x->data);
    t->numel = t->valid ? (int64_t)numel : 0;
    if (ntens < MAX_TENS) tens[ntens++] = t;
}

/* Marks the bytes of t's elements in its buffer's map with `bit`; returns 1 when an output
 * element meets another output element. */
static int mark(const fz_tensor *t, unsigned char bit)
{
    const clrs_tensor *x = &t->t;
    fz_bufrec *b = &bufs[t->buf];
    const size_t es = esize_of(x->dtype);
    int64_t st[5], idx[5] = {0, 0, 0, 0, 0}, k;
    int d, clash = 0;
    if (!t->numel) return 0;
    if (x->contiguous) {
        int64_t s = 1;
        for (d = x->ndim - 1; d >= 0; d--) st[d] = s, s *= x->shape[d]; /* numel fits: no overflow */
    } else {
        memcpy(st, x->strides, sizeof st);
    }
    for (k = 0; k < t->numel; k++) {
        size_t at = x->offset, j;
        for (d = 0; d < x->ndim; d++) at += (size_t)(idx[d] * st[d]) * es;
        if (at + es > b->len) die("harness", "element past the buffer (harness bug)");
        for (j = 0; j < es; j++) {
            if ((b->map[at + j] & 1) && bit == 1) clash = 1;
            b->map[at + j] |= bit;
        }
        for (d = x->ndim - 1; d >= 0; d--) {
            if (++idx[d] < x->shape[d]) break;
            idx[d] = 0;
        }
    }
    return clash;
}

void fz_check(const char *call, clrs_status st)
{
    const char *msg = clrs_error_message();
    int i;
    size_t j;
    char what[160];
    count(call, st);
    if (trace) fprintf(stderr, "fuzz trace: %s: %s: %s\n", call, clrs_status_name(st), msg ? msg : "(null)");
    if ((int)st < 0 || (int)st > 6) die(call, "unknown status value");
    if (!msg) die(call, "clrs_error_message() is NULL");
    if (st == CLRS_OK && msg[0]) die(call, "CLRS_OK with a non-empty error message");
    if (st != CLRS_OK && !msg[0]) die(call, "a failure with an empty error message");
    if (st != CLRS_OK && strlen(msg) >= 1023) die(call, "error message fills the whole buffer (truncated?)");
    if (st != CLRS_OK) {
        for (i = 0; i < nbufs; i++)
            if (bufs[i].len && memcmp(bufs[i].p, bufs[i].snap, bufs[i].len)) {
                snprintf(what, sizeof what, "status %s but buffer %d (of %zu bytes) changed", clrs_status_name(st), i,
                         bufs[i].len);
                die(call, what);
            }
        return;
    }
    for (i = 0; i < nbufs; i++)
        if (bufs[i].len) memset(bufs[i].map, 0, bufs[i].len);
    for (i = 0; i < ntens; i++) {
        const fz_tensor *t = tens[i];
        if (!t->present) continue;
        if (!t->valid) {
            snprintf(what, sizeof what, "CLRS_OK but tensor %d breaks the tensor rules (dtype %d ndim %d contiguous %d offset %zu)",
                     i, (int)t->t.dtype, t->t.ndim, t->t.contiguous, t->t.offset);
            die(call, what);
        }
        if (t->buf >= 0 && mark(t, t->out ? 1 : 2)) {
            snprintf(what, sizeof what, "CLRS_OK but output tensor %d reaches one element twice or meets another output", i);
            die(call, what);
        }
    }
    for (i = 0; i < nbufs; i++) {
        const fz_bufrec *b = &bufs[i];
        for (j = 0; j < b->len; j++) {
            const int changed = b->p[j] != b->snap[j];
            if (!b->plain && b->map[j] == 3) {
                snprintf(what, sizeof what, "CLRS_OK but an output shares byte %zu of buffer %d with an input", j, i);
                die(call, what);
            }
            if (changed && (b->plain ? j >= b->writable : !(b->map[j] & 1))) {
                snprintf(what, sizeof what, "CLRS_OK but byte %zu of buffer %d, not an output element, changed", j, i);
                die(call, what);
            }
        }
        memcpy(b->snap, b->p, b->len); /* the next checked call compares against this state */
    }
}
