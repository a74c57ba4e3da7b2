/* host/interpolate_rows.h — the host's row engine for interpolate, one storage dtype.
 *
 * A template: host/interpolate.c includes it once per dtype with RW_SFX, RW_ST (storage),
 * RW_ACC (arithmetic), RW_LOAD(p, i), RW_STORE(p, i, v) and RW_DIRECT (1 when RW_ST is RW_ACC,
 * so results may be written straight into the destination) defined, and undefines them at its
 * end; never on its own (host/interpolate_rows_real.h instantiates f32 and f64).
 * RW_ATTR, when defined, precedes every function (host/interpolate.c: a second f32 / f64
 * instance compiled for AVX-512, chosen at run time).
 *
 * The arithmetic is the gather body's (resample_math_body.h), reordered only where that is
 * exact: dst = sum_t0 w0 * (sum_t1 w1 * (sum_t2 w2 * src)), each sum in tap order, no fused
 * multiply-add. The innermost sum of one source row (i0, i1) does not depend on the
 * destination row, so it is computed once into a slot of a small per-thread cache and reused by
 * every destination row that reads that source row; the two outer sums then run as vector
 * loops along the row. A row is O2 x CB elements: the tables of axis 2 are laid out per
 * element of the row (host/interpolate.c), so channels-last rows take the same loops. A unit
 * axis (one tap of weight 1 everywhere) skips its sum: x, not 0 + 1 * x, and every sum starts
 * from its first product rather than from 0 + it (the only difference either makes is the sign
 * of a zero result). */

#define RW_CAT_(a, b) a##_##b
#define RW_CAT(a, b) RW_CAT_(a, b)
#define RW_FN(name) RW_CAT(name, RW_SFX)
#ifndef RW_ATTR
#define RW_ATTR
#define RW_ATTR_DEFAULTED
#endif

/* h[o] for o in [o_begin, o_end): the axis-2 sums of the source row at p, per output through
 * its offset table. */
RW_ATTR static void RW_FN(rows_h_range)(const rows_job *r, const RW_ST *p, RW_ACC *h, int64_t o_begin, int64_t L)
{
    const RW_ACC *w = (const RW_ACC *)r->wx;
    const int32_t *cnt = r->cntx;
    const int64_t *off = r->offx, k = r->k[2];
    int64_t o, t;
    switch (r->fixed2) {
    case 1:
        if (r->unit[2]) {
            for (o = o_begin; o < L; o++) h[o] = (RW_ACC)RW_LOAD(p, off[o]);
        } else {
            for (o = o_begin; o < L; o++) h[o] = w[o] * (RW_ACC)RW_LOAD(p, off[o]);
        }
        return;
    case 2:
        for (o = o_begin; o < L; o++)
            h[o] = w[2 * o] * (RW_ACC)RW_LOAD(p, off[2 * o]) +
                   w[2 * o + 1] * (RW_ACC)RW_LOAD(p, off[2 * o + 1]);
        return;
    case 4:
        if (r->box4) { /* four consecutive source elements per output (area 4x down) */
            for (o = o_begin; o < L; o++) {
                const RW_ACC *wo = w + 4 * o;
                const RW_ST *q = p + off[4 * o];
                h[o] = wo[0] * (RW_ACC)RW_LOAD(q, 0) + wo[1] * (RW_ACC)RW_LOAD(q, 1) +
                       wo[2] * (RW_ACC)RW_LOAD(q, 2) + wo[3] * (RW_ACC)RW_LOAD(q, 3);
            }
            return;
        }
        for (o = o_begin; o < L; o++) {
            const RW_ACC *wo = w + 4 * o;
            const int64_t *fo = off + 4 * o;
            h[o] = wo[0] * (RW_ACC)RW_LOAD(p, fo[0]) + wo[1] * (RW_ACC)RW_LOAD(p, fo[1]) +
                   wo[2] * (RW_ACC)RW_LOAD(p, fo[2]) + wo[3] * (RW_ACC)RW_LOAD(p, fo[3]);
        }
        return;
    default:
        for (o = o_begin; o < L; o++) {
            const int64_t n = cnt[o];
            const RW_ACC *wo = w + o * k;
            const int64_t *fo = off + o * k;
            RW_ACC acc;
            if (n == 0) {
                h[o] = (RW_ACC)0;
                continue;
            }
            acc = wo[0] * (RW_ACC)RW_LOAD(p, fo[0]);
            for (t = 1; t < n; t++) acc += wo[t] * (RW_ACC)RW_LOAD(p, fo[t]);
            h[o] = acc;
        }
        return;
    }
}

/* The regular interior of axis 2 (rows_job hr_*; host/interpolate.c regular_taps): output o
 * in [0, n) (counted from hr_lo) sums w[t * n + o] * x[STEP * o + t] over t < k, in tap order,
 * x = the source row from its first tap. Loops run along the outputs, four taps at a time
 * ((((acc + p_t) + p_t+1) + p_t+2) + p_t+3: the order of the per-output loop), so each is a
 * vector loop over strided loads; the same arithmetic as rows_h_range, bit for bit. */
#define RW_HREG(STEP)                                                                              \
    for (t = 0; t < k;) {                                                                          \
        /* taps past k clamped to t: formed, never read (pointers stay inside hr_w) */             \
        const int64_t t1 = t + 1 < k ? t + 1 : t, t2 = t + 2 < k ? t + 2 : t, t3 = t + 3 < k ? t + 3 : t; \
        const RW_ACC *a = w + t * n, *b = w + t1 * n, *c = w + t2 * n, *e = w + t3 * n;            \
        const RW_ST *y = x + t;                                                                    \
        if (k - t >= 4) {                                                                          \
            if (t == 0) {                                                                          \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] =                                 \
                    a[o] * (RW_ACC)RW_LOAD(y, STEP * o) + b[o] * (RW_ACC)RW_LOAD(y, STEP * o + 1) + \
                    c[o] * (RW_ACC)RW_LOAD(y, STEP * o + 2) + e[o] * (RW_ACC)RW_LOAD(y, STEP * o + 3); \
            } else {                                                                               \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] +                          \
                    a[o] * (RW_ACC)RW_LOAD(y, STEP * o) + b[o] * (RW_ACC)RW_LOAD(y, STEP * o + 1) + \
                    c[o] * (RW_ACC)RW_LOAD(y, STEP * o + 2) + e[o] * (RW_ACC)RW_LOAD(y, STEP * o + 3); \
            }                                                                                      \
            t += 4;                                                                                \
        } else if (k - t >= 2) {                                                                   \
            if (t == 0) {                                                                          \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] =                                 \
                    a[o] * (RW_ACC)RW_LOAD(y, STEP * o) + b[o] * (RW_ACC)RW_LOAD(y, STEP * o + 1); \
            } else {                                                                               \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] +                          \
                    a[o] * (RW_ACC)RW_LOAD(y, STEP * o) + b[o] * (RW_ACC)RW_LOAD(y, STEP * o + 1); \
            }                                                                                      \
            t += 2;                                                                                \
        } else {                                                                                   \
            _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] + a[o] * (RW_ACC)RW_LOAD(y, STEP * o); \
            t += 1;                                                                                \
        }                                                                                          \
    }

/* The split form, four (or two, or one) taps at a time: output o adds w_t * P_t[o], P_t the
 * phase t % S of the split row from element t / S (contiguous loads), w_t the run's uniform
 * weight of tap t; in tap order, as the per-output loop. */
#define RW_HSPLIT()                                                                                \
    for (t = 0; t < k;) {                                                                          \
        /* taps past k clamped to t: formed, never read (pointers stay inside xt) */               \
        const int64_t t1 = t + 1 < k ? t + 1 : t, t2 = t + 2 < k ? t + 2 : t, t3 = t + 3 < k ? t + 3 : t; \
        const RW_ACC *pa = xt + (t % S) * xm + t / S, *pb = xt + (t1 % S) * xm + t1 / S;            \
        const RW_ACC *pc = xt + (t2 % S) * xm + t2 / S, *pe = xt + (t3 % S) * xm + t3 / S;          \
        if (k - t >= 4) {                                                                          \
            const RW_ACC wa = w[t * n], wb = w[(t + 1) * n], wc = w[(t + 2) * n], we = w[(t + 3) * n]; \
            if (t == 0) {                                                                          \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] =                                 \
                    wa * pa[o] + wb * pb[o] + wc * pc[o] + we * pe[o];                             \
            } else {                                                                               \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] +                          \
                    wa * pa[o] + wb * pb[o] + wc * pc[o] + we * pe[o];                             \
            }                                                                                      \
            t += 4;                                                                                \
        } else if (k - t >= 2) {                                                                   \
            const RW_ACC wa = w[t * n], wb = w[(t + 1) * n];                                       \
            if (t == 0) {                                                                          \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = wa * pa[o] + wb * pb[o];        \
            } else {                                                                               \
                _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] + wa * pa[o] + wb * pb[o]; \
            }                                                                                      \
            t += 2;                                                                                \
        } else {                                                                                   \
            const RW_ACC wa = w[t * n];                                                            \
            _Pragma("omp simd") for (o = 0; o < n; o++) h[o] = h[o] + wa * pa[o];                  \
            t += 1;                                                                                \
        }                                                                                          \
    }

/* The source row split by phase: xt[r * xm + j] = x[S * j + r] for every element the run's
 * taps read (x[0 .. S * (n - 1) + k - 1]), so that tap t of output o, x[S * o + t], is
 * xt[(t % S) * xm + t / S + o]: contiguous along o. */
#define RW_SPLIT(SC)                                                                               \
    do {                                                                                           \
        const int64_t last = SC * (n - 1) + k - 1, full = (last + 1) / SC;                         \
        int64_t j, q;                                                                              \
        for (q = 0; q < SC; q++) {                                                                 \
            RW_ACC *xq = xt + q * xm;                                                              \
            _Pragma("omp simd") for (j = 0; j < full; j++) xq[j] = (RW_ACC)RW_LOAD(x, SC * j + q); \
            if (SC * full + q <= last) xq[full] = (RW_ACC)RW_LOAD(x, SC * full + q);               \
        }                                                                                          \
    } while (0)

RW_ATTR static void RW_FN(rows_h_reg)(const rows_job *r, const RW_ST *p, RW_ACC *h, RW_ACC *xt)
{
    const RW_ACC *w = (const RW_ACC *)r->hr_w;
    const int64_t n = r->hr_hi - r->hr_lo, k = r->hr_k, step = r->hr_step, xm = r->hr_xm;
    const RW_ST *x = p + (r->hr_base + step * r->hr_lo); /* hr_base alone may lie before the row */
    int64_t o, t;
    h += r->hr_lo;
    if (r->hr_split) {
        const int64_t S = r->hr_split;
        if (S == 4) { /* one pass over the row, four phases per load group */
            const int64_t last = 4 * (n - 1) + k - 1, full = (last + 1) / 4;
            RW_ACC *x0 = xt, *x1 = xt + xm, *x2 = xt + 2 * xm, *x3 = xt + 3 * xm;
            int64_t j, q;
#pragma omp simd
            for (j = 0; j < full; j++) {
                x0[j] = (RW_ACC)RW_LOAD(x, 4 * j);
                x1[j] = (RW_ACC)RW_LOAD(x, 4 * j + 1);
                x2[j] = (RW_ACC)RW_LOAD(x, 4 * j + 2);
                x3[j] = (RW_ACC)RW_LOAD(x, 4 * j + 3);
            }
            for (q = 0; q < 4; q++)
                if (4 * full + q <= last) xt[q * xm + full] = (RW_ACC)RW_LOAD(x, 4 * full + q);
        } else {
            RW_SPLIT(S);
        }
        RW_HSPLIT()
        return;
    }
    switch (step) {
    case 2: RW_HREG(2) return;
    case 4: RW_HREG(4) return;
    default: RW_HREG(step) return;
    }
}
#undef RW_HSPLIT
#undef RW_SPLIT
#undef RW_HREG

/* h[0 .. row_len) = the axis-2 sums of the source row starting at element `base`. */
RW_ATTR static void RW_FN(rows_h)(const rows_job *r, const RW_ST *s, int64_t base, RW_ACC *h, RW_ACC *xt)
{
    const RW_ST *p = s + base;
    if (r->hr_hi > r->hr_lo) {
        RW_FN(rows_h_range)(r, p, h, 0, r->hr_lo);
        RW_FN(rows_h_reg)(r, p, h, xt);
        RW_FN(rows_h_range)(r, p, h, r->hr_hi, (int64_t)r->row_len);
        return;
    }
    RW_FN(rows_h_range)(r, p, h, 0, (int64_t)r->row_len);
}

/* out[j] = sum over t < n of w[t] * h[t][j], in tap order (n >= 1). */
RW_ATTR static void RW_FN(rows_sum)(RW_ACC *out, const RW_ACC *const *h, const RW_ACC *w, int n, size_t L)
{
    size_t j;
    int t;
    switch (n) {
    case 1:
#pragma omp simd
        for (j = 0; j < L; j++) out[j] = w[0] * h[0][j];
        return;
    case 2:
#pragma omp simd
        for (j = 0; j < L; j++) out[j] = w[0] * h[0][j] + w[1] * h[1][j];
        return;
    case 4:
#pragma omp simd
        for (j = 0; j < L; j++) out[j] = w[0] * h[0][j] + w[1] * h[1][j] + w[2] * h[2][j] + w[3] * h[3][j];
        return;
    default:
        /* ((out + w_t h_t) + w_t+1 h_t+1) + ...: three taps per pass over out, in tap order */
#pragma omp simd
        for (j = 0; j < L; j++) out[j] = w[0] * h[0][j];
        for (t = 1; t + 3 <= n; t += 3) {
            const RW_ACC wa = w[t], wb = w[t + 1], wc = w[t + 2], *ha = h[t], *hb = h[t + 1], *hc = h[t + 2];
#pragma omp simd
            for (j = 0; j < L; j++) out[j] = out[j] + wa * ha[j] + wb * hb[j] + wc * hc[j];
        }
        for (; t < n; t++) {
            const RW_ACC wt = w[t], *ht = h[t];
#pragma omp simd
            for (j = 0; j < L; j++) out[j] += wt * ht[j];
        }
        return;
    }
}

/* Destination rows [row_begin, row_end) of a plan that only picks (nearest, nearest-exact, and
 * any plan whose every axis is one tap of weight 1) into a contiguous destination row: each
 * row is copied element by element from its source row (storage bits, no arithmetic), straight
 * into the destination, and a row that reads the same source row as the one before it is a
 * memcpy of that finished row (2x up: every second row). An exact 2x pick of a unit-stride
 * row (element o from o / 2) runs as a duplicating loop with no offset table. */
RW_ATTR static void RW_FN(rows_pick)(const rows_job *r, const void *src, void *dst, int64_t row_begin, int64_t row_end,
                                     void *row_buf)
{
    const RW_ST *s = (const RW_ST *)src;
    RW_ST *d = (RW_ST *)dst, *prev = NULL;
    const size_t L = r->row_len;
    const int64_t rows_per_plane = r->O0 * r->O1, *off = r->offx;
    int64_t row, prev_key = -1;
    for (row = row_begin; row < row_end; row++) {
        const int64_t p = row / rows_per_plane, rem = row % rows_per_plane;
        const int64_t o0 = rem / r->O1, o1 = rem % r->O1;
        const int64_t sbase = r->CB > 1 ? p * r->ss[0] : (p / r->C) * r->ss[0] + (p % r->C) * r->ss[1];
        const int64_t dbase = r->CB > 1 ? p * r->ds[0] : (p / r->C) * r->ds[0] + (p % r->C) * r->ds[1];
        const int64_t i0 = r->idx[0][o0 * r->k[0]], i1 = r->idx[1][o1 * r->k[1]];
        const int64_t key = (p * r->S0 + i0) * r->S1 + i1;
        RW_ST *q = d + dbase + o0 * r->ds[2] + o1 * r->ds[3];
        const RW_ST *sp = s + sbase + i0 * r->ss[2] + i1 * r->ss[3];
        size_t o;
        if (r->stream) { /* the row once in row_buf, streamed to each row that repeats it */
            RW_ST *b = (RW_ST *)row_buf;
            if (key != prev_key) {
                if (r->dup2) {
#pragma omp simd
                    for (o = 0; o < L / 2; o++) b[2 * o] = b[2 * o + 1] = sp[o];
                } else {
                    for (o = 0; o < L; o++) b[o] = sp[off[o]];
                }
            }
            stream_copy(q, b, L * sizeof *q);
            prev_key = key;
            continue;
        }
        if (key == prev_key) {
            memcpy(q, prev, L * sizeof *q);
        } else if (r->dup2) {
            /* source and destination never overlap (checked at the entry point) */
#pragma omp simd
            for (o = 0; o < L / 2; o++) q[2 * o] = q[2 * o + 1] = sp[o];
        } else {
            for (o = 0; o < L; o++) q[o] = sp[off[o]];
        }
        prev = q, prev_key = key;
    }
}

/* Destination rows [row_begin, row_end) of an integer-factor block mean (area mode when the
 * input is k1 x k2 times the output; axis 0 unit, unit-stride source and destination rows):
 * each of the k1 source rows is read once, front to back, its k2 consecutive elements per
 * output added in order (no weights), those row sums added in row order, and the total scaled
 * by the axis-2 then the axis-1 weight (1/k2, 1/k1). That is the row engine's order with the
 * weights taken out of the sums: for factors 2, 4, 8 ... the weights are powers of two and
 * the results are bit-identical to it; otherwise a few ulps from it (PyTorch sums the box row
 * by row and divides: the same terms, another order). Summing the k1 rows first (one vertical
 * pass over the k1 rows, then sums of k2 along the stored row) was tried and measured 2-3x
 * slower on the development VM. */
RW_ATTR static void RW_FN(rows_block)(const rows_job *r, const void *src, void *dst, int64_t row_begin,
                              int64_t row_end, RW_ACC *acc)
{
    const RW_ST *s = (const RW_ST *)src;
    RW_ST *d = (RW_ST *)dst;
    const int64_t O2 = r->O2, k1 = r->kb[1], k2 = r->kb[2], s3 = r->ss[3];
    const int64_t rows_per_plane = r->O0 * r->O1;
    const RW_ACC w1 = ((const RW_ACC *)r->w[1])[0], w2 = ((const RW_ACC *)r->w[2])[0];
    const size_t rowbytes = (size_t)(O2 * k2) * sizeof(RW_ST);
    int64_t row;
    for (row = row_begin; row < row_end; row++) {
        const int64_t p = row / rows_per_plane, rem = row % rows_per_plane;
        const int64_t o0 = rem / r->O1, o1 = rem % r->O1;
        const int64_t sbase = (p / r->C) * r->ss[0] + (p % r->C) * r->ss[1];
        const int64_t dbase = (p / r->C) * r->ds[0] + (p % r->C) * r->ds[1];
        const int64_t i0 = r->idx[0][o0 * r->k[0]];
        const RW_ST *sp = s + sbase + i0 * r->ss[2] + o1 * k1 * s3;
        RW_ST *q = d + dbase + o0 * r->ds[2] + o1 * r->ds[3];
        const RW_ST *nsp = NULL; /* the next destination row's source block, to prefetch */
        int64_t o, t, j;
        if (row + 1 < row_end) {
            const int64_t pn = (row + 1) / rows_per_plane, remn = (row + 1) % rows_per_plane;
            const int64_t o0n = remn / r->O1, o1n = remn % r->O1;
            nsp = s + (pn / r->C) * r->ss[0] + (pn % r->C) * r->ss[1] + r->idx[0][o0n * r->k[0]] * r->ss[2] + o1n * k1 * s3;
        }
        for (t = 0; t < k1; t++) {
            const RW_ST *a = sp + t * s3;
            if (nsp) {
                /* the same source row of the next destination row: the rows of one
                 * destination row are too short for the hardware prefetcher to run ahead
                 * (area 4x down 8x64x224^2, 2 threads: ~3.9 -> ~2.6-3.0 ms) */
                const char *pf = (const char *)(nsp + t * s3);
                size_t b;
                for (b = 0; b < rowbytes; b += 64) __builtin_prefetch(pf + b);
            }
            if (k2 == 2) {
                if (t == 0) {
#pragma omp simd
                    for (o = 0; o < O2; o++) acc[o] = (RW_ACC)RW_LOAD(a, 2 * o) + (RW_ACC)RW_LOAD(a, 2 * o + 1);
                } else {
#pragma omp simd
                    for (o = 0; o < O2; o++) acc[o] += (RW_ACC)RW_LOAD(a, 2 * o) + (RW_ACC)RW_LOAD(a, 2 * o + 1);
                }
            } else if (k2 == 4) {
                if (t == 0) {
#pragma omp simd
                    for (o = 0; o < O2; o++)
                        acc[o] = (RW_ACC)RW_LOAD(a, 4 * o) + (RW_ACC)RW_LOAD(a, 4 * o + 1) +
                                 (RW_ACC)RW_LOAD(a, 4 * o + 2) + (RW_ACC)RW_LOAD(a, 4 * o + 3);
                } else {
#pragma omp simd
                    for (o = 0; o < O2; o++)
                        acc[o] += (RW_ACC)RW_LOAD(a, 4 * o) + (RW_ACC)RW_LOAD(a, 4 * o + 1) +
                                  (RW_ACC)RW_LOAD(a, 4 * o + 2) + (RW_ACC)RW_LOAD(a, 4 * o + 3);
                }
            } else {
                for (o = 0; o < O2; o++) {
                    RW_ACC h = (RW_ACC)RW_LOAD(a, o * k2);
                    for (j = 1; j < k2; j++) h += (RW_ACC)RW_LOAD(a, o * k2 + j);
                    acc[o] = t == 0 ? h : acc[o] + h;
                }
            }
        }
#if RW_DIRECT
#pragma omp simd
        for (o = 0; o < O2; o++) q[o] = (acc[o] * w2) * w1;
#else
        for (o = 0; o < O2; o++) RW_STORE(q, o, (acc[o] * w2) * w1);
#endif
    }
}

/* Destination rows [row_begin, row_end): row = (plane, o0, o1). */
RW_ATTR static void RW_FN(rows_run)(const rows_job *r, const void *src, void *dst, int64_t row_begin,
                            int64_t row_end, RW_ACC *scratch, int64_t *keys, const RW_ACC **hs, RW_ACC *xt)
{
    const RW_ST *s = (const RW_ST *)src;
    RW_ST *d = (RW_ST *)dst;
    const size_t L = r->row_len;
    const int64_t rows_per_plane = r->O0 * r->O1;
    const RW_ACC *w0 = (const RW_ACC *)r->w[0], *w1 = (const RW_ACC *)r->w[1];
    RW_ACC *slots = scratch, *a1 = scratch + (size_t)r->r0 * r->r1 * L, *a0 = a1 + L;
    int64_t row;
    for (row = row_begin; row < row_end; row++) {
        const int64_t p = row / rows_per_plane, rem = row % rows_per_plane;
        const int64_t o0 = rem / r->O1, o1 = rem % r->O1;
        const int64_t sbase = r->CB > 1 ? p * r->ss[0] : (p / r->C) * r->ss[0] + (p % r->C) * r->ss[1];
        const int64_t dbase = r->CB > 1 ? p * r->ds[0] : (p / r->C) * r->ds[0] + (p % r->C) * r->ds[1];
        const int32_t n0 = r->cnt[0][o0], n1 = r->cnt[1][o1];
        RW_ST *q = d + dbase + o0 * r->ds[2] + o1 * r->ds[3];
        /* the final sum goes straight into a contiguous destination row when it can */
        RW_ACC *final = RW_DIRECT && r->dst_contiguous ? (RW_ACC *)(void *)q : a0;
        const RW_ACC *out = NULL;
        int32_t t0, t1;
        /* every source row this destination row reads, summed along axis 2 (cached) */
        for (t0 = 0; t0 < n0; t0++) {
            const int64_t i0 = r->idx[0][o0 * r->k[0] + t0];
            for (t1 = 0; t1 < n1; t1++) {
                const int64_t i1 = r->idx[1][o1 * r->k[1] + t1];
                const int64_t slot = r->m0 >= 0 ? (i0 & r->m0) * r->r1 + (i1 & r->m1)
                                                 : (i0 % r->r0) * r->r1 + (i1 % r->r1);
                const int64_t key = (p * r->S0 + i0) * r->S1 + i1;
                RW_ACC *h = slots + (size_t)slot * L;
                if (keys[slot] != key) {
                    RW_FN(rows_h)(r, s, sbase + i0 * r->ss[2] + i1 * r->ss[3], h, xt);
                    keys[slot] = key;
                }
                hs[t0 * n1 + t1] = h;
            }
        }
        if (n0 > 0 && n1 > 0) {
            const RW_ACC *v1 = w1 + o1 * r->k[1], *v0 = w0 + o0 * r->k[0];
            if (r->unit[0] && r->unit[1]) {
                out = hs[0];
            } else if (r->unit[0]) {
                RW_FN(rows_sum)(final, hs, v1, n1, L);
                out = final;
            } else if (n0 == 2 && n1 == 2 && !r->unit[1]) {
                /* trilinear: both outer sums in one pass */
                const RW_ACC *h00 = hs[0], *h01 = hs[1], *h10 = hs[2], *h11 = hs[3];
                size_t j;
#pragma omp simd
                for (j = 0; j < L; j++)
                    final[j] = v0[0] * (v1[0] * h00[j] + v1[1] * h01[j]) + v0[1] * (v1[0] * h10[j] + v1[1] * h11[j]);
                out = final;
            } else if (n0 == 4 && n1 == 4 && !r->unit[1]) {
                /* trilinear backward (4 x 4 taps inside): both outer sums in one pass, the
                 * order of the loops below */
                const RW_ACC *const *g = hs;
                size_t j;
#pragma omp simd
                for (j = 0; j < L; j++)
                    final[j] = v0[0] * (v1[0] * g[0][j] + v1[1] * g[1][j] + v1[2] * g[2][j] + v1[3] * g[3][j]) +
                               v0[1] * (v1[0] * g[4][j] + v1[1] * g[5][j] + v1[2] * g[6][j] + v1[3] * g[7][j]) +
                               v0[2] * (v1[0] * g[8][j] + v1[1] * g[9][j] + v1[2] * g[10][j] + v1[3] * g[11][j]) +
                               v0[3] * (v1[0] * g[12][j] + v1[1] * g[13][j] + v1[2] * g[14][j] + v1[3] * g[15][j]);
                out = final;
            } else {
                for (t0 = 0; t0 < n0; t0++) {
                    const RW_ACC *row1 = hs[t0 * n1];
                    size_t j;
                    if (!r->unit[1]) {
                        RW_FN(rows_sum)(a1, hs + t0 * n1, v1, n1, L);
                        row1 = a1;
                    }
                    if (t0 == 0) {
#pragma omp simd
                        for (j = 0; j < L; j++) a0[j] = v0[0] * row1[j];
                    } else {
                        const RW_ACC w = v0[t0];
#pragma omp simd
                        for (j = 0; j < L; j++) a0[j] += w * row1[j];
                    }
                }
                out = a0;
            }
        }
        if (!out) {
            /* every sum was empty (backward: a source element no destination reads) */
            size_t j;
            for (j = 0; j < L; j++) a0[j] = (RW_ACC)0;
            out = a0;
        }
        if (out != (const RW_ACC *)(const void *)q) {
            const int64_t d2 = r->ds[4], dc = r->ds[1];
            int64_t o, c;
            if (r->dst_contiguous) {
                for (o = 0; o < (int64_t)L; o++) RW_STORE(q, o, out[o]);
            } else if (r->CB == 1) {
                for (o = 0; o < r->O2; o++) RW_STORE(q, o * d2, out[o]);
            } else {
                for (o = 0; o < r->O2; o++)
                    for (c = 0; c < r->CB; c++) RW_STORE(q, o * d2 + c * dc, out[o * r->CB + c]);
            }
        }
    }
}

#undef RW_FN
#ifdef RW_ATTR_DEFAULTED
#undef RW_ATTR
#undef RW_ATTR_DEFAULTED
#endif
#undef RW_CAT
#undef RW_CAT_
#undef RW_SFX
#undef RW_ST
#undef RW_ACC
#undef RW_LOAD
#undef RW_STORE
#undef RW_DIRECT
