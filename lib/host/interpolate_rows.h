/* host/interpolate_rows.h — the host's row engine for interpolate, one storage dtype.
 *
 * A template: host/interpolate.c includes it once per dtype with RW_SFX, RW_ST (storage),
 * RW_ACC (arithmetic), RW_LOAD(p, i) and RW_STORE(p, i, v) defined; never on its own.
 *
 * The arithmetic is the gather body's (resample_math_body.h), reordered only where that is
 * exact: dst = sum_t0 w0 * (sum_t1 w1 * (sum_t2 w2 * src)), each sum in tap order, no fused
 * multiply-add. The innermost sum of one source row (i0, i1) does not depend on the
 * destination row, so it is computed once into a slot of a small per-thread cache and reused by
 * every destination row that reads that source row; the two outer sums then run as vector
 * loops along the row. A unit axis (one tap of weight 1 everywhere) skips its sum: x, not
 * 0 + 1 * x (the only difference is the sign of a zero result). */

#define RW_CAT_(a, b) a##_##b
#define RW_CAT(a, b) RW_CAT_(a, b)
#define RW_FN(name) RW_CAT(name, RW_SFX)

/* h[0 .. row_len) = the axis-2 sums of the source row starting at element `base`. */
static void RW_FN(rows_h)(const rows_job *r, const RW_ST *s, int64_t base, RW_ACC *h)
{
    const RW_ACC *w = (const RW_ACC *)r->w[2];
    const int32_t *cnt = r->cnt[2];
    const int64_t *off = r->off2, O2 = r->O2, k = r->k[2];
    int64_t o, t;
    if (r->CB == 1) {
        const RW_ST *p = s + base;
        switch (r->fixed2) {
        case 1:
            if (r->unit[2]) {
                for (o = 0; o < O2; o++) h[o] = (RW_ACC)RW_LOAD(p, off[o]);
            } else {
                for (o = 0; o < O2; o++) h[o] = w[o] * (RW_ACC)RW_LOAD(p, off[o]);
            }
            return;
        case 2:
            for (o = 0; o < O2; o++)
                h[o] = w[2 * o] * (RW_ACC)RW_LOAD(p, off[2 * o]) +
                       w[2 * o + 1] * (RW_ACC)RW_LOAD(p, off[2 * o + 1]);
            return;
        case 4:
            for (o = 0; o < O2; o++) {
                const RW_ACC *wo = w + 4 * o;
                const int64_t *fo = off + 4 * o;
                h[o] = wo[0] * (RW_ACC)RW_LOAD(p, fo[0]) + wo[1] * (RW_ACC)RW_LOAD(p, fo[1]) +
                       wo[2] * (RW_ACC)RW_LOAD(p, fo[2]) + wo[3] * (RW_ACC)RW_LOAD(p, fo[3]);
            }
            return;
        default:
            for (o = 0; o < O2; o++) {
                const int64_t n = cnt[o];
                RW_ACC acc = (RW_ACC)0;
                for (t = 0; t < n; t++) acc += w[o * k + t] * (RW_ACC)RW_LOAD(p, off[o * k + t]);
                h[o] = acc;
            }
            return;
        }
    } else {
        /* channels ride along the row: h[o * CB + c], a vector loop over c per tap */
        const int64_t CB = r->CB, sc = r->sc;
        for (o = 0; o < O2; o++) {
            const int64_t n = cnt[o];
            RW_ACC *ho = h + o * CB;
            int64_t c;
            if (r->unit[2]) {
                const RW_ST *p = s + base + off[o * k];
                for (c = 0; c < CB; c++) ho[c] = (RW_ACC)RW_LOAD(p, c * sc);
                continue;
            }
            for (c = 0; c < CB; c++) ho[c] = (RW_ACC)0;
            for (t = 0; t < n; t++) {
                const RW_ST *p = s + base + off[o * k + t];
                const RW_ACC wt = w[o * k + t];
                for (c = 0; c < CB; c++) ho[c] += wt * (RW_ACC)RW_LOAD(p, c * sc);
            }
        }
    }
}

/* Destination rows [row_begin, row_end): row = (plane, o0, o1). */
static void RW_FN(rows_run)(const rows_job *r, const void *src, void *dst, int64_t row_begin,
                            int64_t row_end, RW_ACC *scratch, int64_t *keys)
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
        const RW_ACC *out = NULL;
        int32_t t0, t1;
        for (t0 = 0; t0 < n0; t0++) {
            const int64_t i0 = r->idx[0][o0 * r->k[0] + t0];
            const RW_ACC *row1 = NULL;
            for (t1 = 0; t1 < n1; t1++) {
                const int64_t i1 = r->idx[1][o1 * r->k[1] + t1];
                const int64_t slot = (i0 % r->r0) * r->r1 + (i1 % r->r1);
                const int64_t key = (p * r->S0 + i0) * r->S1 + i1;
                RW_ACC *h = slots + (size_t)slot * L;
                size_t j;
                if (keys[slot] != key) {
                    RW_FN(rows_h)(r, s, sbase + i0 * r->ss[2] + i1 * r->ss[3], h);
                    keys[slot] = key;
                }
                if (r->unit[1]) {
                    row1 = h;
                } else {
                    const RW_ACC w = w1[o1 * r->k[1] + t1];
                    if (t1 == 0) {
#pragma omp simd
                        for (j = 0; j < L; j++) a1[j] = w * h[j];
                    } else {
#pragma omp simd
                        for (j = 0; j < L; j++) a1[j] += w * h[j];
                    }
                    row1 = a1;
                }
            }
            if (r->unit[0]) {
                out = row1;
            } else {
                const RW_ACC w = w0[o0 * r->k[0] + t0];
                size_t j;
                if (n1 == 0) {
                    /* no taps on axis 1 (a backward row nobody reads): the sum is zero */
                    for (j = 0; j < L; j++) a1[j] = (RW_ACC)0;
                    row1 = a1;
                }
                if (t0 == 0) {
#pragma omp simd
                    for (j = 0; j < L; j++) a0[j] = w * row1[j];
                } else {
#pragma omp simd
                    for (j = 0; j < L; j++) a0[j] += w * row1[j];
                }
                out = a0;
            }
        }
        if (!out || (n1 == 0 && r->unit[0])) {
            /* an empty sum (backward: a source element no destination reads) */
            size_t j;
            for (j = 0; j < L; j++) a0[j] = (RW_ACC)0;
            out = a0;
        }
        {
            RW_ST *q = d + dbase + o0 * r->ds[2] + o1 * r->ds[3];
            const int64_t d2 = r->ds[4], dc = r->ds[1];
            int64_t o, c;
            if (r->CB == 1 && d2 == 1) {
                for (o = 0; o < r->O2; o++) RW_STORE(q, o, out[o]);
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
#undef RW_CAT
#undef RW_CAT_
