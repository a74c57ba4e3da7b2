/* host/interpolate.c — the host backend of interpolate.
 *
 * Two ways to run a gather plan, with the same arithmetic: the row engine
 * (host/interpolate_rows.h: per-thread caches of source rows summed along the innermost axis,
 * then vector loops along the row; channels ride along the row for channels-last tensors), and,
 * where its caches would be too large, a loop over destination elements calling the gather
 * body of resample_math.h, the body the OpenCL kernel runs. Two special row forms skip the
 * engine's cache: picks (nearest) copy storage bits, and integer-factor block means (area)
 * sum each box with the weights factored out (interpolate_rows.h, rows_pick, rows_block). On
 * x86-64 the f32 / f64 rows are compiled a second time for AVX-512 and chosen at run time. */
#include "host/host.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* One gather plan laid out for the row engine (dtype-independent). */
typedef struct {
    int64_t C, CB;           /* channels; channels per row (C when channels ride along, else 1) */
    int64_t ss[5], ds[5];    /* (N, C, axis 0, 1, 2) strides in elements */
    int64_t sc;              /* source channel stride */
    int64_t O0, O1, O2;      /* destination sizes per axis */
    int64_t S0, S1;          /* source sizes along axes 0, 1 (cache keys) */
    const int32_t *cnt[3], *idx[3];
    int64_t k[3];            /* table row length per axis */
    const void *w[3];        /* weights per axis, in the arithmetic type */
    /* axis 2 per element j = o2 * CB + c of the row: tap count, [row_len * k2] source
     * offsets (index * stride + c * channel stride) and weights */
    int32_t *cntx;
    int64_t *offx;
    void *wx;
    int fixed2;              /* constant tap count on axis 2, or 0 */
    /* axis 2's regular interior (host/interpolate_rows.h rows_h_reg): for o in [hr_lo, hr_hi)
     * of a unit-stride row (CB 1), hr_k >= 2 consecutive taps from source element
     * hr_base + hr_step * o; weights tap-major, hr_w[t * (hr_hi - hr_lo) + o - hr_lo] */
    int64_t hr_lo, hr_hi, hr_step, hr_base;
    int hr_k;
    void *hr_w;
    int hr_uniform;          /* every output of the run has the same weights: hr_w[t * n] */
    int hr_split;            /* uniform, step 3 .. 8: the source row split into hr_split phases
                                of hr_xm elements */
    int64_t hr_xm;
    int box4;                /* fixed2 4, each element's taps four consecutive source elements */
    int dst_contiguous;      /* the destination row is row_len consecutive elements */
    int stream;              /* pick rows of a destination past STREAM_MIN: each row built in
                                scratch, then written past the caches (rows_pick) */
    int pick;                /* every axis unit and the destination row contiguous: rows_pick */
    int dup2;                /* pick, and axis 2 is o -> o / 2 over a unit-stride row (CB 1) */
    int unit[3];             /* axis is one tap of weight 1 everywhere */
    int block;               /* integer-factor block mean: rows_block (see clrs__interp_block_taps) */
    int64_t kb[3];           /* block: taps per output on axes 1, 2 (kb[0] unused: axis 0 is unit) */
    int64_t r0, r1;          /* cache slots along axes 0, 1 */
    int64_t m0, m1;          /* r0 - 1, r1 - 1 when both are powers of two (slot by mask), else -1 */
    size_t row_len;          /* O2 * CB */
} rows_job;

#include "host/interpolate_u8.h"

/* A pick (nearest) destination of this many bytes or more is written with streaming (non-temporal)
 * stores: it would not stay in the caches for a next op, and ordinary stores read every
 * destination line before writing it (a 2x up writes 4x what it reads: a third of its
 * traffic; nearest 2x up 4.7 -> 3.5 ms). The weighted rows keep ordinary stores: streaming
 * their finished rows measured slower (bilinear 2x up 7.8 -> 8.6 ms, bicubic and trilinear
 * too), and so did streaming from 64-byte boundaries with ordinary stores for the row ends
 * (13 ms: both kinds of store in one line). CLRS_HOST_NO_STREAM=1 keeps ordinary stores
 * everywhere (comparisons). */
#define STREAM_MIN ((double)((size_t)16 << 20))

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
/* n bytes from src to dst (no overlap), the 16-byte-aligned body of dst with streaming stores:
 * the same bits as memcpy. The caller fences (stream_fence) before others read dst. */
static void stream_copy(void *dst, const void *src, size_t n)
{
    char *d = (char *)dst;
    const char *s = (const char *)src;
    size_t head = (size_t)(-(uintptr_t)d & 15), i;
    if (head > n) head = n;
    memcpy(d, s, head);
    for (i = head; i + 64 <= n; i += 64) {
        const __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
        const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 32));
        const __m128i e = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 48));
        _mm_stream_si128((__m128i *)(void *)(d + i), a);
        _mm_stream_si128((__m128i *)(void *)(d + i + 16), b);
        _mm_stream_si128((__m128i *)(void *)(d + i + 32), c);
        _mm_stream_si128((__m128i *)(void *)(d + i + 48), e);
    }
    for (; i + 16 <= n; i += 16)
        _mm_stream_si128((__m128i *)(void *)(d + i), _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    memcpy(d + i, s + i, n - i);
}
static void stream_fence(void) { _mm_sfence(); }
static int stream_have(void) { return 1; }
#else
static void stream_copy(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }
static void stream_fence(void) {}
static int stream_have(void) { return 0; }
#endif

/* f32 and f64 (host/interpolate_rows_real.h), then the same C once more for AVX-512 (16 / 8
 * lanes where the default build has SSE2's 4 / 2): the same operations per element
 * (contraction stays off: no fused multiply-add), chosen at run time where the CPU has
 * AVX-512 (rows_avx512) */
#define RW_REAL(t) t
#include "host/interpolate_rows_real.h"
#undef RW_REAL
#if defined(__GNUC__) && defined(__x86_64__)
#define CLRS_HOST_AVX512 1
#define RW_ATTR __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))
#define RW_REAL(t) t##_avx512
#include "host/interpolate_rows_real.h"
#undef RW_REAL
#undef RW_ATTR

/* Whether the row engine's f32 / f64 sums run their AVX-512 instance (CLRS_HOST_NO_AVX512:
 * never, for comparisons). */
static int rows_avx512(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           getenv("CLRS_HOST_NO_AVX512") == NULL;
}
#endif

#define RW_SFX f16
#define RW_ST clrs_f16_t
#define RW_ACC float
#define RW_LOAD CLRS_H_LOAD_f16
#define RW_STORE CLRS_H_STORE_f16
#define RW_DIRECT 0
#include "host/interpolate_rows.h"
#define RW_SFX bf16
#define RW_ST clrs_u16
#define RW_ACC float
#define RW_LOAD CLRS_H_LOAD_bf16
#define RW_STORE CLRS_H_STORE_bf16
#define RW_DIRECT 0
#include "host/interpolate_rows.h"

/* Per-thread cache budget of the row engine; above it the element loop runs instead. */
#define ROWS_CACHE_MAX ((size_t)64 << 20)

/* The widest index range of one destination's taps on an axis (>= 1). */
static int64_t tap_range(const int32_t *cnt, const int32_t *idx, int64_t k, int64_t n)
{
    int64_t o, t, r = 1;
    for (o = 0; o < n; o++) {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (t = 0; t < cnt[o]; t++) {
            if (idx[o * k + t] < lo) lo = idx[o * k + t];
            if (idx[o * k + t] > hi) hi = idx[o * k + t];
        }
        if (cnt[o] > 0 && hi - lo + 1 > r) r = hi - lo + 1;
    }
    return r;
}

/* Finds the longest run of axis-2 outputs whose taps are regular (rows_job hr_*): the same
 * count k >= 2, consecutive source elements, first tap advancing by a constant step (2 for
 * a 2x-up backward, 4 for a 4x-down antialias), and lays its weights out tap-major so that
 * rows_h_reg's loops run along the outputs. Returns whether rows_h_reg needs its per-thread
 * split row (hr_split x hr_xm elements); out of memory: hr_hi > hr_lo with hr_w NULL. */
static int regular_taps(rows_job *r, size_t esize)
{
    const int64_t L = (int64_t)r->row_len, k = r->k[2];
    int64_t o, lo = -1, step = 0, best_lo = 0, best_hi = 0, best_step = 0, n, t;
    int32_t best_k = 0;
    r->hr_lo = r->hr_hi = 0, r->hr_w = NULL, r->hr_split = 0, r->hr_xm = 0, r->hr_uniform = 0;
    if (r->CB != 1 || r->ss[4] != 1 || k < 2 || getenv("CLRS_HOST_NO_REGULAR") != NULL) return 0;
    /* runs of outputs with the same count (>= 2) of consecutive taps; a run ends where the
     * count or the step changes (and the next may start at its last output) */
    for (o = 0; o <= L; o++) {
        int good = o < L && r->cntx[o] >= 2;
        for (t = 1; good && t < r->cntx[o]; t++) good = r->offx[o * k + t] == r->offx[o * k] + t;
        if (good && lo >= 0 && o > lo) {
            const int64_t d = r->offx[o * k] - r->offx[(o - 1) * k];
            if (r->cntx[o] != r->cntx[lo]) {
                if (o - lo > best_hi - best_lo) best_lo = lo, best_hi = o, best_step = step, best_k = r->cntx[lo];
                lo = o;
            } else if (o == lo + 1) {
                step = d;
            } else if (d != step) {
                if (o - lo > best_hi - best_lo) best_lo = lo, best_hi = o, best_step = step, best_k = r->cntx[lo];
                lo = o - 1, step = d;
            }
        }
        if (!good) {
            if (lo >= 0 && o - lo > best_hi - best_lo) best_lo = lo, best_hi = o, best_step = step, best_k = r->cntx[lo];
            lo = -1;
        } else if (lo < 0) {
            lo = o;
        }
    }
    n = best_hi - best_lo;
    if (n < 8) return 0;
    r->hr_lo = best_lo, r->hr_hi = best_hi; /* hr_w NULL from here: out of memory */
    if (!(r->hr_w = malloc(esize * (size_t)(n * best_k)))) return 0;
    for (o = best_lo; o < best_hi; o++)
        for (t = 0; t < best_k; t++)
            memcpy((char *)r->hr_w + esize * (size_t)(t * n + o - best_lo),
                   (const char *)r->wx + esize * (size_t)(o * k + t), esize);
    r->hr_k = best_k, r->hr_step = best_step;
    r->hr_base = r->offx[best_lo * k] - best_step * best_lo;
    /* every output of the run with the same weights (integer factors): scalars */
    r->hr_uniform = 1;
    for (o = 1; o < n && r->hr_uniform; o++)
        for (t = 0; t < best_k && r->hr_uniform; t++)
            r->hr_uniform = memcmp((const char *)r->hr_w + esize * (size_t)(t * n + o),
                                   (const char *)r->hr_w + esize * (size_t)(t * n), esize) == 0;
    /* uniform weights and a step of 3 .. 8 (antialias at an integer factor): the source row
     * split into its step phases first (rows_h_reg; at a step of 2 the strided loads were
     * faster: bilinear 2x up backward 8.1 -> 9.2 ms split) */
    r->hr_split = r->hr_uniform && best_step >= 3 && best_step <= 8 ? (int)best_step : 0;
    r->hr_xm = n + best_k / (best_step > 0 ? best_step : 1) + 2;
    return r->hr_split > 0;
}

/* Runs the plan through the row engine; returns 0 (nothing written) when it does not fit. */
static int rows_gather(const clrs__interp_plan *plan, const clrs__view *src, const clrs__view *dst,
                       const int64_t *ss, const int64_t *ds)
{
    const int32_t *tab = plan->tab;
    const size_t esize = plan->dbl ? sizeof(double) : sizeof(float);
    rows_job r;
    int64_t a, o, t, rows, nthreads = 1;
    int avx512 = 0;
    size_t data, xt_at, per_thread; /* per thread: slots + two rows (data bytes), keys, row pointers, split row */
    char *scratch;

    r.C = dst->shape[1];
    for (a = 0; a < 5; a++) r.ss[a] = ss[a], r.ds[a] = ds[a];
    /* channels ride along the row when they are the source's innermost axis */
    r.CB = (r.C > 1 && ss[1] >= 0 && ss[1] < (ss[4] < 0 ? -ss[4] : ss[4])) ? r.C : 1;
    r.sc = ss[1];
    r.O0 = plan->dst[0], r.O1 = plan->dst[1], r.O2 = plan->dst[2];
    r.S0 = clrs__view_axis(src, 0), r.S1 = clrs__view_axis(src, 1);
    for (a = 0; a < 3; a++) {
        r.cnt[a] = tab + tab[4 * a];
        r.idx[a] = tab + tab[4 * a + 1];
        r.k[a] = tab[4 * a + 2];
        r.w[a] = (const char *)plan->wt + esize * (size_t)tab[4 * a + 3];
        r.unit[a] = clrs__interp_axis_is_unit(plan, (int)a);
    }
    r.fixed2 = plan->fixed[2] == 1 || plan->fixed[2] == 2 || plan->fixed[2] == 4 ? plan->fixed[2] : 0;
    r.r0 = tap_range(r.cnt[0], r.idx[0], r.k[0], r.O0);
    r.r1 = tap_range(r.cnt[1], r.idx[1], r.k[1], r.O1);
    r.row_len = (size_t)(r.O2 * r.CB);
    r.dst_contiguous = r.CB == 1 ? ds[4] == 1 : ds[1] == 1 && ds[4] == r.CB;
    /* streamed only when every row starts and ends on a 16-byte boundary: a row end inside a
     * 16-byte chunk takes ordinary stores into a line the streaming stores write too, and that
     * measured slower than no streaming (nearest 2x up, 129-wide rows: 8.4 against 7.9 ms) */
    r.stream = r.unit[0] && r.unit[1] && r.unit[2] && r.dst_contiguous && stream_have() &&
               (double)dst->numel * (double)dst->esize >= STREAM_MIN && getenv("CLRS_HOST_NO_STREAM") == NULL &&
               (uintptr_t)dst->host % 16 == 0 && r.row_len * dst->esize % 16 == 0;
    for (a = 0; a < 4 && r.stream; a++) /* the strides between rows (a unit axis never steps) */
        r.stream = (a == 0 ? dst->shape[0] : a == 1 ? (r.CB > 1 ? 1 : r.C) : a == 2 ? r.O0 : r.O1) <= 1 ||
                   (ds[a] < 0 ? -(uint64_t)ds[a] : (uint64_t)ds[a]) * dst->esize % 16 == 0;
    if ((double)(r.r0 * r.r1 + 2) * (double)r.row_len * (double)esize > (double)ROWS_CACHE_MAX) return 0;
    /* slots by mask rather than by a 64-bit division per source row read: powers of two where
     * that stays within the budget (bilinear 2x up backward: ~3% fewer samples). A cache of
     * a whole plane along axis 1 for 3-D plans, so that the next axis-0 destination finds the
     * axis-2 sums it shares with this one (trilinear 2x up backward computes each twice), was
     * tried and measured no change: kept out. */
    {
        int64_t p0 = 1, p1 = 1;
        while (p0 < r.r0) p0 *= 2;
        while (p1 < r.r1) p1 *= 2;
        if ((double)(p0 * p1 + 2) * (double)r.row_len * (double)esize <= (double)ROWS_CACHE_MAX)
            r.r0 = p0, r.r1 = p1;
        r.m0 = r.r0 == p0 && r.r1 == p1 ? p0 - 1 : -1;
        r.m1 = r.m0 >= 0 ? p1 - 1 : -1;
    }
    data = ((size_t)(r.r0 * r.r1 + 2) * r.row_len * esize + 63) / 64 * 64; /* >= rows_block's O2 */
    xt_at = (data + (size_t)(r.r0 * r.r1) * sizeof(int64_t) + (size_t)(r.k[0] * r.k[1] + 1) * sizeof(void *) + 63) / 64 * 64;
#ifdef _OPENMP
    nthreads = omp_get_max_threads();
#endif
    rows = (r.CB > 1 ? dst->shape[0] : dst->shape[0] * r.C) * r.O0 * r.O1;
    if (nthreads > rows) nthreads = rows;
    r.cntx = malloc(sizeof *r.cntx * r.row_len);
    r.offx = malloc(sizeof *r.offx * (r.row_len * (size_t)r.k[2] + 1));
    r.wx = malloc(esize * (r.row_len * (size_t)r.k[2] + 1));
    if (!r.cntx || !r.offx || !r.wx) {
        free(r.cntx), free(r.offx), free(r.wx);
        return 0;
    }
    for (o = 0; o < r.O2; o++) {
        int64_t c;
        for (c = 0; c < r.CB; c++) {
            const int64_t j = o * r.CB + c;
            r.cntx[j] = r.cnt[2][o];
            for (t = 0; t < r.k[2]; t++) {
                r.offx[j * r.k[2] + t] = (int64_t)r.idx[2][o * r.k[2] + t] * ss[4] + c * r.sc;
                memcpy((char *)r.wx + esize * (size_t)(j * r.k[2] + t),
                       (const char *)r.w[2] + esize * (size_t)(o * r.k[2] + t), esize);
            }
        }
    }
    /* per thread after the row pointers: rows_h_reg's split source row (hr_split) */
    per_thread = xt_at + (regular_taps(&r, esize) ? (size_t)r.hr_split * r.hr_xm * esize : 0);
    per_thread = (per_thread + 63) / 64 * 64; /* every thread's part aligned (its keys are int64) */
    scratch = malloc(per_thread * (size_t)nthreads);
    if (!scratch || (r.hr_hi > r.hr_lo && !r.hr_w)) {
        free(r.cntx), free(r.offx), free(r.wx), free(r.hr_w), free(scratch);
        return 0;
    }
#ifdef CLRS_HOST_AVX512
    avx512 = rows_avx512();
#endif
    r.box4 = r.fixed2 == 4 && r.CB == 1 && ss[4] == 1;
    for (o = 0; o < r.O2 && r.box4; o++)
        for (t = 1; t < 4; t++) r.box4 = r.box4 && r.offx[o * 4 + t] == r.offx[o * 4] + t;
    r.pick = r.unit[0] && r.unit[1] && r.unit[2] && r.dst_contiguous;
    /* an integer-factor block mean (area 2x, 4x down ...) over unit-stride rows: rows_block */
    r.kb[1] = r.unit[0] && r.CB == 1 && ss[4] == 1 && ds[4] == 1 ? clrs__interp_block_taps(plan, 1) : 0;
    r.kb[2] = r.kb[1] ? clrs__interp_block_taps(plan, 2) : 0;
    r.block = r.kb[1] > 0 && r.kb[2] > 0 && r.kb[1] * r.kb[2] > 1 && getenv("CLRS_HOST_NO_BLOCK") == NULL;
    r.dup2 = r.pick && r.CB == 1 && r.O2 % 2 == 0;
    for (o = 0; o < r.O2 && r.dup2; o++) r.dup2 = r.offx[o] == (o / 2) * ss[4] && ss[4] == 1;
    {
        int64_t th;
#pragma omp parallel for schedule(static, 1) num_threads(nthreads)
        for (th = 0; th < nthreads; th++) {
            char *mine = scratch + per_thread * (size_t)th;
            const int64_t begin = rows * th / nthreads, end = rows * (th + 1) / nthreads;
            int64_t *k = (int64_t *)(mine + data);
            void *hs = mine + data + (size_t)(r.r0 * r.r1) * sizeof(int64_t), *xt = mine + xt_at;
            int64_t j;
            for (j = 0; j < r.r0 * r.r1; j++) k[j] = -1;
            do { /* the branches 'continue' out of this block, to the fence */
                if (r.block) {
                    switch (dst->dtype) {
                    case CLRS_F32: rows_block_f32(&r, src->host, dst->host, begin, end, (float *)mine); break;
                    case CLRS_F64: rows_block_f64(&r, src->host, dst->host, begin, end, (double *)mine); break;
                    case CLRS_F16: rows_block_f16(&r, src->host, dst->host, begin, end, (float *)mine); break;
                    case CLRS_BF16: rows_block_bf16(&r, src->host, dst->host, begin, end, (float *)mine); break;
                    default: break;
                    }
                    continue;
                }
                if (r.pick) {
                    switch (dst->dtype) {
                    case CLRS_F32: rows_pick_f32(&r, src->host, dst->host, begin, end, mine); break;
                    case CLRS_F64: rows_pick_f64(&r, src->host, dst->host, begin, end, mine); break;
                    case CLRS_F16: rows_pick_f16(&r, src->host, dst->host, begin, end, mine); break;
                    case CLRS_BF16: rows_pick_bf16(&r, src->host, dst->host, begin, end, mine); break;
                    default: break;
                    }
                    continue;
                }
#ifdef CLRS_HOST_AVX512
                if (avx512 && dst->dtype == CLRS_F32) {
                    rows_run_f32_avx512(&r, src->host, dst->host, begin, end, (float *)mine, k, hs, xt);
                    continue;
                }
                if (avx512 && dst->dtype == CLRS_F64) {
                    rows_run_f64_avx512(&r, src->host, dst->host, begin, end, (double *)mine, k, hs, xt);
                    continue;
                }
#endif
                switch (dst->dtype) {
                case CLRS_F32: rows_run_f32(&r, src->host, dst->host, begin, end, (float *)mine, k, hs, xt); break;
                case CLRS_F64: rows_run_f64(&r, src->host, dst->host, begin, end, (double *)mine, k, hs, xt); break;
                case CLRS_F16: rows_run_f16(&r, src->host, dst->host, begin, end, (float *)mine, k, hs, xt); break;
                case CLRS_BF16: rows_run_bf16(&r, src->host, dst->host, begin, end, (float *)mine, k, hs, xt); break;
                default: break;
                }
            } while (0);
            if (r.stream) stream_fence(); /* this thread's streaming stores, before the region ends */
        }
    }
    free(scratch);
    free(r.cntx), free(r.offx), free(r.wx), free(r.hr_w);
    return 1;
}

#define HOST_GATHER(SFX, ST, ACC)                                                           \
    do {                                                                                    \
        const ST *s = (const ST *)src->host;                                                \
        ST *d = (ST *)dst->host;                                                            \
        const ACC *wt = (const ACC *)plan->wt;                                              \
        int64_t z;                                                                          \
        _Pragma("omp parallel for schedule(static)")                                        \
        for (z = 0; z < planes * O0; z++) {                                                 \
            const int64_t o0 = z % O0, nc = z / O0, n = nc / C, c = nc % C;                 \
            const int64_t sb = n * ss[0] + c * ss[1], db = n * ds[0] + c * ds[1];           \
            int64_t o1, o2;                                                                 \
            for (o1 = 0; o1 < O1; o1++)                                                     \
                for (o2 = 0; o2 < O2; o2++)                                                 \
                    clrs_gather_point_##SFX(s, sb, ss[2], ss[3], ss[4], d, db, ds[2], ds[3], \
                                            ds[4], plan->tab, wt, o0, o1, o2);              \
        }                                                                                   \
    } while (0)

clrs_status clrs__host_interp_gather(const clrs__interp_plan *plan, const clrs__view *src,
                                     const clrs__view *dst)
{
    int64_t ss[5], ds[5];
    const int64_t C = dst->shape[1], planes = dst->shape[0] * dst->shape[1];
    const int64_t O0 = plan->dst[0], O1 = plan->dst[1], O2 = plan->dst[2];
    clrs__axis_strides(src, ss);
    clrs__axis_strides(dst, ds);
    if (planes == 0) return CLRS_OK;
    if (dst->dtype != CLRS_F32 && dst->dtype != CLRS_F64 && dst->dtype != CLRS_F16 &&
        dst->dtype != CLRS_BF16 && dst->dtype != CLRS_U8)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "interpolate: dtype %s on the host",
                          clrs__dtype_name(dst->dtype));
    /* uint8 (nearest picks) takes the element loop: the row engine has no uint8 rows */
    if (dst->dtype != CLRS_U8 && getenv("CLRS_HOST_ELEMENT_LOOP") == NULL && rows_gather(plan, src, dst, ss, ds))
        return CLRS_OK;
    switch (dst->dtype) {
    case CLRS_F32: HOST_GATHER(f32, float, float); break;
    case CLRS_F64: HOST_GATHER(f64, double, double); break;
    case CLRS_F16: HOST_GATHER(f16, clrs_f16_t, float); break;
    case CLRS_U8: HOST_GATHER(u8, clrs_u8, float); break;
    default: HOST_GATHER(bf16, clrs_u16, float); break;
    }
    return CLRS_OK;
}

/* ---- uint8: PyTorch's int16 passes (plan.h clrs__u8_plan) ----------------------------------
 * One pass resamples tensor dim `axis` (2 = H, 3 = W) of src (strides s) into dst (strides d,
 * shape N, C, OH, OW) with clrs_u8_pass_block, the sum the OpenCL kernel runs (clrs_u8_pass_row,
 * the same sum along a whole row, for an H pass over gapless rows). Threads take rows (n, y). A
 * block is a run of destinations with the same taps: the channels of one pixel, or (H pass,
 * planar) a run of columns of one channel. */
#ifdef CLRS_U8_AVX2
#define U8_ROW(...) (avx2 >= 2 ? u8_row_avx512(__VA_ARGS__) : avx2 ? u8_row_avx2(__VA_ARGS__) : u8_row_sse2(__VA_ARGS__))
#elif defined(CLRS_U8_SSE2)
#define U8_ROW u8_row_sse2
#else
#define U8_ROW clrs_u8_pass_row
#endif

/* Whether a pass takes the channels-last pixel loop of interpolate_u8.h (W pass, C = 3 or 4,
 * gapless pixels on both sides): its table is repacked before the threads start. */
static int u8_pass_wrow(const int64_t s[4], const int64_t d[4], const int64_t shape[4], int axis)
{
#ifdef CLRS_U8_SSE2
    const int64_t C = shape[1];
    return axis == 3 && (C == 3 || C == 4) && s[1] == 1 && s[3] == C && d[1] == 1 && d[3] == C;
#else
    (void)s, (void)d, (void)shape, (void)axis;
    return 0;
#endif
}

/* Called by every thread of a parallel region (or outside one); its rows are shared out with a
 * worksharing loop whose implicit barrier ends the pass. wt: the repacked table when
 * u8_pass_wrow, else NULL; avx2: u8_have_avx2 (asked once, before the region). */
static void u8_pass(const uint8_t *src, const int64_t s[4], uint8_t *dst, const int64_t d[4],
                    const int64_t shape[4], int axis, const int32_t *tab, const u8_wtab *wt, int avx2)
{
    const int64_t N = shape[0], C = shape[1], OH = shape[2], OW = shape[3], step = s[axis];
    const int by_x = axis == 2 && d[3] <= d[1]; /* H pass, columns innermost: blocks of columns */
    /* H pass over rows stored without gaps on both sides: whole rows at a time (channels-last:
     * the row's pixels and channels; planar: one channel's row) */
    const int rows_cl = axis == 2 && s[1] == 1 && s[3] == C && d[1] == 1 && d[3] == C;
    const int rows_planar = axis == 2 && !rows_cl && s[3] == 1 && d[3] == 1;
    int64_t row;
#ifndef CLRS_U8_AVX2
    (void)avx2;
#endif
#ifdef CLRS_U8_SSE2
    if (wt) {
#ifdef CLRS_U8_AVX2
        if (avx2 >= 2) { /* rows in fours (the last row again where they run out) */
            int64_t pr;
#pragma omp for schedule(dynamic, 2)
            for (pr = 0; pr < (N * OH + 3) / 4; pr++) {
                const uint8_t *rows[4];
                uint8_t *outs[4];
                int i;
                for (i = 0; i < 4; i++) {
                    const int64_t ri = 4 * pr + i < N * OH ? 4 * pr + i : N * OH - 1, ni = ri / OH, yi = ri % OH;
                    rows[i] = src + ni * s[0] + yi * s[2], outs[i] = dst + ni * d[0] + yi * d[2];
                }
                u8_wrow_avx512(rows, outs, C, wt, tab);
            }
            return;
        }
        if (avx2) { /* rows in pairs (a lone last row twice) */
            int64_t pr;
#pragma omp for schedule(dynamic, 4)
            for (pr = 0; pr < (N * OH + 1) / 2; pr++) {
                const int64_t r0 = 2 * pr, r1 = r0 + 1 < N * OH ? r0 + 1 : r0;
                const int64_t n0 = r0 / OH, y0 = r0 % OH, n1 = r1 / OH, y1 = r1 % OH;
                u8_wrow_avx2(src + n0 * s[0] + y0 * s[2], src + n1 * s[0] + y1 * s[2], dst + n0 * d[0] + y0 * d[2],
                             dst + n1 * d[0] + y1 * d[2], C, wt, tab);
            }
            return;
        }
#endif
#pragma omp for schedule(dynamic, 8)
        for (row = 0; row < N * OH; row++) {
            const int64_t n = row / OH, y = row % OH;
            u8_wrow_sse2(src + n * s[0] + y * s[2], dst + n * d[0] + y * d[2], C, wt, tab);
        }
        return;
    }
#else
    (void)wt;
#endif
#pragma omp for schedule(dynamic, 8)
    for (row = 0; row < N * OH; row++) {
        const int64_t n = row / OH, y = row % OH;
        int64_t x, c;
        if (rows_cl) {
            U8_ROW(src, n * s[0], step, OW * C, tab, y, dst + n * d[0] + y * d[2]);
        } else if (rows_planar) {
            for (c = 0; c < C; c++)
                U8_ROW(src, n * s[0] + c * s[1], step, OW, tab, y, dst + n * d[0] + c * d[1] + y * d[2]);
        } else if (by_x) {
            for (c = 0; c < C; c++)
                for (x = 0; x < OW; x += CLRS_U8_BLOCK) {
                    const int nb = (int)(OW - x < CLRS_U8_BLOCK ? OW - x : CLRS_U8_BLOCK);
                    clrs_u8_pass_block(src, n * s[0] + c * s[1] + x * s[3], step, s[3], nb, tab, y,
                                       dst + n * d[0] + c * d[1] + y * d[2] + x * d[3], d[3]);
                }
        } else {
            for (x = 0; x < OW; x++)
                for (c = 0; c < C; c += CLRS_U8_BLOCK) {
                    const int nb = (int)(C - c < CLRS_U8_BLOCK ? C - c : CLRS_U8_BLOCK);
                    clrs_u8_pass_block(src, n * s[0] + c * s[1] + (axis == 3 ? y * s[2] : x * s[3]), step, s[1], nb,
                                       tab, axis == 3 ? x : y, dst + n * d[0] + c * d[1] + y * d[2] + x * d[3], d[1]);
                }
        }
    }
}

clrs_status clrs__host_interp_u8(const clrs__u8_plan *plan, const clrs__view *src, const clrs__view *dst)
{
    int64_t s[4], d[4], ts[4], shape[4], tshape[4];
    const int two = plan->npass == 2;
    const int64_t *ps0 = s, *pd0 = two ? ts : d, *psh0 = two ? tshape : shape;
    uint8_t *tmp = NULL, *out0;
    u8_wtab wt[2] = {{NULL, 0, 0, 0, 0}, {NULL, 0, 0, 0, 0}};
    int i, ok = 1, avx2 = 0;
    for (i = 0; i < 4; i++) s[i] = src->strides[i], d[i] = dst->strides[i], shape[i] = dst->shape[i];
#ifdef CLRS_U8_AVX2
    avx2 = u8_have_avx2();
#endif
    if (two) { /* W then H through a uint8 image (N, C, H, OW) */
        tshape[0] = shape[0], tshape[1] = shape[1], tshape[2] = src->shape[2], tshape[3] = shape[3];
        clrs__u8_tmp_strides(src, tshape, ts);
        if (!(tmp = malloc((size_t)(tshape[0] * tshape[1] * tshape[2] * tshape[3]))))
            return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for the intermediate image");
    }
    out0 = two ? tmp : (uint8_t *)dst->host;
    /* the repacked tables first (the first pass reads src, the second the intermediate) */
    if (u8_pass_wrow(ps0, pd0, psh0, plan->axis[0]))
        ok = u8_wtab_build(&wt[0], plan->tab + plan->off[0], shape[1], src->shape[plan->axis[0]]);
    if (ok && two && u8_pass_wrow(ts, d, shape, plan->axis[1]))
        ok = u8_wtab_build(&wt[1], plan->tab + plan->off[1], shape[1], tshape[plan->axis[1]]);
    if (!ok) {
        free(tmp), free(wt[0].e);
        return clrs__fail(CLRS_ERR_MEMORY, "interpolate: out of memory for the uint8 weight tables");
    }
    /* one parallel region for both passes: a thread wakes once per call (on a loaded machine
     * each wake-up of the team can cost a scheduler time slice) */
#pragma omp parallel
    {
        u8_pass((const uint8_t *)src->host, ps0, out0, pd0, psh0, plan->axis[0], plan->tab + plan->off[0],
                wt[0].e ? &wt[0] : NULL, avx2);
        if (two)
            u8_pass(tmp, ts, (uint8_t *)dst->host, d, shape, plan->axis[1], plan->tab + plan->off[1],
                    wt[1].e ? &wt[1] : NULL, avx2);
    }
    free(tmp), free(wt[0].e), free(wt[1].e);
    return CLRS_OK;
}
