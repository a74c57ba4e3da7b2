/* host/interpolate_u8.h — the host's SIMD loops (SSE2; AVX2 and AVX-512 BW chosen at run time)
 * for the uint8 passes of interpolate.
 *
 * Included by host/interpolate.c only. The same sum as clrs_u8_pass_block / clrs_u8_pass_row
 * of resample_math_u8.h ((2^(p-1) + sum w * x) >> p, saturated to [0, 255], in 32-bit
 * integers), with two taps per multiply: a tap pair's pixels are interleaved as int16 next to
 * the pair's weights and _mm_madd_epi16 adds both products into one int32 lane (exact: |w| <
 * 2^15 and x <= 255, so neither a product nor the pair's sum leaves int32). Integer sums do not
 * depend on their order, so the outputs are the scalar loops' byte for byte. SSE2 is part of
 * x86-64 and needs no dispatch; the AVX2 / AVX-512 rows are compiled with target attributes
 * and asked for per call (u8_have_avx2); other machines keep the scalar loops. */
/* Two weights of one destination packed for _mm_madd_epi16: the first in the low half. */
static inline int32_t u8_wpair(int32_t w0, int32_t w1)
{
    return (int32_t)((uint32_t)(uint16_t)w0 | (uint32_t)(uint16_t)w1 << 16);
}

/* A W pass's table repacked for channels-last rows of C = 3 or 4 channels: per destination its
 * first source byte in the row, its number of tap quads (-1: near the row's end, where a quad's
 * 16-byte load would pass the row; the scalar sum runs there) and then 2 * kq packed weight
 * pairs, kq = (k + 3) / 4 (the weights past the tap count 0). */
typedef struct {
    int32_t *e;
    int64_t n, kq, stride; /* destinations, quads per destination, entries per destination */
    int p;
} u8_wtab;

static int u8_wtab_build(u8_wtab *wt, const int32_t *tab, int64_t C, int64_t in_len)
{
    const int64_t n = tab[0], k = tab[1];
    int64_t o, t;
    wt->n = n, wt->kq = (k + 3) / 4, wt->stride = 2 + 2 * wt->kq, wt->p = tab[2];
    if (!(wt->e = malloc(sizeof *wt->e * (size_t)(n * wt->stride)))) return 0;
    for (o = 0; o < n; o++) {
        int32_t *e = wt->e + o * wt->stride;
        const int32_t *w = tab + CLRS_U8_HDR + 2 * n + o * k;
        const int64_t first = tab[CLRS_U8_HDR + o], cnt = tab[CLRS_U8_HDR + n + o], nq = (cnt + 3) / 4;
        e[0] = (int32_t)(first * C);
        e[1] = (first + 4 * (nq - 1)) * C + 16 <= in_len * C ? (int32_t)nq : -1;
        for (t = 0; t < 2 * wt->kq; t++)
            e[2 + t] = u8_wpair(2 * t < cnt ? w[2 * t] : 0, 2 * t + 1 < cnt ? w[2 * t + 1] : 0);
    }
    return 1;
}

#if defined(__SSE2__) && !defined(CLRS_U8_NO_SIMD)
#include <emmintrin.h>
#define CLRS_U8_SSE2 1

/* Saturates four int32 sums (already shifted) to bytes, in the low four bytes. */
static inline __m128i u8_pack4(__m128i acc, int p)
{
    const __m128i v = _mm_packs_epi32(_mm_srai_epi32(acc, p), _mm_setzero_si128());
    return _mm_packus_epi16(v, _mm_setzero_si128());
}

/* An H pass along nb destinations side by side (clrs_u8_pass_row's contract): 16 columns at a
 * time, taps in pairs of source rows, bytes of the two rows interleaved. */
static void u8_row_sse2(const uint8_t *src, int64_t base, int64_t step, int64_t nb, const int32_t *tab,
                        int64_t o, uint8_t *out)
{
    const int64_t n = tab[0], k = tab[1];
    const int p = tab[2];
    const int32_t *w = tab + CLRS_U8_HDR + 2 * n + o * k;
    const int32_t cnt = tab[CLRS_U8_HDR + n + o];
    const uint8_t *s = src + base + (int64_t)tab[CLRS_U8_HDR + o] * step;
    const __m128i zero = _mm_setzero_si128(), init = _mm_set1_epi32(1 << (p - 1));
    int64_t j = 0;
    for (; j + 16 <= nb; j += 16) {
        __m128i a0 = init, a1 = init, a2 = init, a3 = init;
        int32_t t = 0;
        for (; t + 1 < cnt; t += 2) {
            const __m128i wp = _mm_set1_epi32(u8_wpair(w[t], w[t + 1]));
            const __m128i r0 = _mm_loadu_si128((const __m128i *)(s + t * step + j));
            const __m128i r1 = _mm_loadu_si128((const __m128i *)(s + (t + 1) * step + j));
            const __m128i lo = _mm_unpacklo_epi8(r0, r1), hi = _mm_unpackhi_epi8(r0, r1);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), wp));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), wp));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), wp));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), wp));
        }
        if (t < cnt) { /* the last tap alone, its pair weight 0 */
            const __m128i wp = _mm_set1_epi32(u8_wpair(w[t], 0));
            const __m128i r0 = _mm_loadu_si128((const __m128i *)(s + t * step + j));
            const __m128i lo = _mm_unpacklo_epi8(r0, zero), hi = _mm_unpackhi_epi8(r0, zero);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi16(lo, zero), wp));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi16(lo, zero), wp));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi16(hi, zero), wp));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi16(hi, zero), wp));
        }
        {
            const __m128i v0 = _mm_packs_epi32(_mm_srai_epi32(a0, p), _mm_srai_epi32(a1, p));
            const __m128i v1 = _mm_packs_epi32(_mm_srai_epi32(a2, p), _mm_srai_epi32(a3, p));
            _mm_storeu_si128((__m128i *)(out + j), _mm_packus_epi16(v0, v1));
        }
    }
    if (j < nb) clrs_u8_pass_row(src, base + j, step, nb - j, tab, o, out + j);
}

/* One channels-last row of a W pass: row is the source row (pixels of C bytes, gapless), out the
 * destination row. Two pixels per 8-byte load (a pair of a quad of the table); their channels
 * interleaved as int16 so that one madd gives the four channel sums of the pair. tab is the
 * pass' table (the scalar fallback). */
static void u8_wrow_sse2(const uint8_t *row, uint8_t *out, int64_t C, const u8_wtab *wt, const int32_t *tab)
{
    const __m128i zero = _mm_setzero_si128(), init = _mm_set1_epi32(1 << (wt->p - 1));
    const int32_t *e = wt->e;
    int64_t o;
    for (o = 0; o < wt->n; o++, e += wt->stride) {
        const uint8_t *s = row + e[0];
        __m128i acc = init, v;
        int32_t t, np = 2 * e[1]; /* pairs */
        if (np < 0) {
            clrs_u8_pass_block(row, 0, C, 1, (int)C, tab, o, out + o * C, 1);
            continue;
        }
        if (C == 4) {
            for (t = 0; t < np; t++, s += 8) {
                /* bytes p0c0..p0c3 p1c0..p1c3 -> words p0c0 p1c0 p0c1 p1c1 ... */
                const __m128i b = _mm_loadl_epi64((const __m128i *)s);
                const __m128i x = _mm_unpacklo_epi8(_mm_unpacklo_epi8(b, _mm_srli_si128(b, 4)), zero);
                acc = _mm_add_epi32(acc, _mm_madd_epi16(x, _mm_set1_epi32(e[2 + t])));
            }
            v = u8_pack4(acc, wt->p);
            {
                const int32_t r = _mm_cvtsi128_si32(v);
                memcpy(out + o * 4, &r, 4);
            }
        } else { /* C == 3: bytes p0c0 p0c1 p0c2 p1c0 p1c1 p1c2 (and two more, unused) */
            for (t = 0; t < np; t++, s += 6) {
                const __m128i b = _mm_loadl_epi64((const __m128i *)s);
                const __m128i x = _mm_unpacklo_epi8(_mm_unpacklo_epi8(b, _mm_srli_si128(b, 3)), zero);
                acc = _mm_add_epi32(acc, _mm_madd_epi16(x, _mm_set1_epi32(e[2 + t])));
            }
            v = u8_pack4(acc, wt->p);
            {
                const int32_t r = _mm_cvtsi128_si32(v);
                memcpy(out + o * 3, &r, 3);
            }
        }
    }
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define CLRS_U8_AVX2 1

/* The W pass row of u8_wrow_sse2 with AVX2, for two rows at once (row1 / out1: the second, or
 * row0 / out0 again), four taps per instruction: the quad's 16 bytes in both halves of a
 * register, one byte shuffle makes int16 words [pixel 0, 1 | 2, 3] of channel c0, c1 (low half)
 * and c2, c3 (high half; zero for C = 3), one madd with the quad's two weight pairs (loaded once
 * for both rows) gives each channel's sum over pixels 0-1 and 2-3 in adjacent lanes. */
__attribute__((target("avx2"))) static void u8_wrow_avx2(const uint8_t *row0, const uint8_t *row1, uint8_t *out0,
                                                         uint8_t *out1, int64_t C, const u8_wtab *wt,
                                                         const int32_t *tab)
{
    /* per channel: its byte in pixels 0..3 (-128: a zero byte) */
#define U8_SH(c, C) (char)(c), -128, (char)((c) + (C)), -128, (char)((c) + 2 * (C)), -128, (char)((c) + 3 * (C)), -128
    const __m256i sh4 = _mm256_setr_epi8(U8_SH(0, 4), U8_SH(1, 4), U8_SH(2, 4), U8_SH(3, 4));
    const __m256i sh3 = _mm256_setr_epi8(U8_SH(0, 3), U8_SH(1, 3), U8_SH(2, 3), -128, -128, -128, -128, -128,
                                         -128, -128, -128);
#undef U8_SH
    const __m256i sh = C == 4 ? sh4 : sh3;
    const __m128i init = _mm_set1_epi32(1 << (wt->p - 1));
    const int32_t *e = wt->e;
    int64_t o;
    for (o = 0; o < wt->n; o++, e += wt->stride) {
        const uint8_t *s0 = row0 + e[0], *s1 = row1 + e[0];
        const int32_t nq = e[1];
        const int64_t q4 = 4 * C;
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        __m128i lo, hi, v0, v1, v;
        int32_t q;
        if (nq < 0) {
            clrs_u8_pass_block(row0, 0, C, 1, (int)C, tab, o, out0 + o * C, 1);
            clrs_u8_pass_block(row1, 0, C, 1, (int)C, tab, o, out1 + o * C, 1);
            continue;
        }
        for (q = 0; q < nq; q++, s0 += q4, s1 += q4) {
            const __m256i wq = _mm256_broadcastq_epi64(_mm_loadl_epi64((const __m128i *)(e + 2 + 2 * q)));
            const __m256i b0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s0));
            const __m256i b1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s1));
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(_mm256_shuffle_epi8(b0, sh), wq));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(_mm256_shuffle_epi8(b1, sh), wq));
        }
        /* [r0 c0, r0 c1, r1 c0, r1 c1 | r0 c2, r0 c3, r1 c2, r1 c3] -> rows [c0, c1, c2, c3] */
        acc0 = _mm256_hadd_epi32(acc0, acc1);
        lo = _mm256_castsi256_si128(acc0), hi = _mm256_extracti128_si256(acc0, 1);
        v0 = _mm_srai_epi32(_mm_add_epi32(_mm_unpacklo_epi64(lo, hi), init), wt->p);
        v1 = _mm_srai_epi32(_mm_add_epi32(_mm_unpackhi_epi64(lo, hi), init), wt->p);
        v = _mm_packus_epi16(_mm_packs_epi32(v0, v1), _mm_setzero_si128());
        {
            const int32_t r0 = _mm_cvtsi128_si32(v), r1 = _mm_cvtsi128_si32(_mm_srli_si128(v, 4));
            if (C == 4) { /* (constant sizes: inline stores, not library calls) */
                memcpy(out0 + o * 4, &r0, 4);
                memcpy(out1 + o * 4, &r1, 4);
            } else {
                memcpy(out0 + o * 3, &r0, 3);
                memcpy(out1 + o * 3, &r1, 3);
            }
        }
    }
}

/* The H pass row of u8_row_sse2 with AVX2: the same steps on 32 columns, each 128-bit half
 * doing the SSE2 loop's work on its 16 (the unpacks and packs stay within a half, so the bytes
 * come out in order); the rest of the row through u8_row_sse2. */
__attribute__((target("avx2"))) static void u8_row_avx2(const uint8_t *src, int64_t base, int64_t step, int64_t nb,
                                                        const int32_t *tab, int64_t o, uint8_t *out)
{
    const int64_t n = tab[0], k = tab[1];
    const int p = tab[2];
    const int32_t *w = tab + CLRS_U8_HDR + 2 * n + o * k;
    const int32_t cnt = tab[CLRS_U8_HDR + n + o];
    const uint8_t *s = src + base + (int64_t)tab[CLRS_U8_HDR + o] * step;
    const __m256i zero = _mm256_setzero_si256(), init = _mm256_set1_epi32(1 << (p - 1));
    int64_t j = 0;
    for (; j + 32 <= nb; j += 32) {
        __m256i a0 = init, a1 = init, a2 = init, a3 = init;
        int32_t t = 0;
        for (; t < cnt; t += 2) { /* an odd count's last pair: the row itself, weight 0 */
            const __m256i wp = _mm256_set1_epi32(u8_wpair(w[t], t + 1 < cnt ? w[t + 1] : 0));
            const __m256i r0 = _mm256_loadu_si256((const __m256i *)(s + t * step + j));
            const __m256i r1 = t + 1 < cnt ? _mm256_loadu_si256((const __m256i *)(s + (t + 1) * step + j)) : r0;
            const __m256i lo = _mm256_unpacklo_epi8(r0, r1), hi = _mm256_unpackhi_epi8(r0, r1);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), wp));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), wp));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), wp));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), wp));
        }
        {
            const __m256i v0 = _mm256_packs_epi32(_mm256_srai_epi32(a0, p), _mm256_srai_epi32(a1, p));
            const __m256i v1 = _mm256_packs_epi32(_mm256_srai_epi32(a2, p), _mm256_srai_epi32(a3, p));
            _mm256_storeu_si256((__m256i *)(out + j), _mm256_packus_epi16(v0, v1));
        }
    }
    if (j < nb) u8_row_sse2(src, base + j, step, nb - j, tab, o, out + j);
}

/* Two rows' sums of u8_wrow_avx2's shape (acc0 row a, acc1 row b) rounded, saturated and
 * stored as destination pixel o of outa and outb: u8_wrow_avx2's last steps. */
__attribute__((target("avx2"))) static inline void u8_wrow_store2(__m256i acc0, __m256i acc1, __m128i init, int p,
                                                                  int64_t C, int64_t o, uint8_t *outa, uint8_t *outb)
{
    __m128i lo, hi, v0, v1, v;
    int32_t ra, rb;
    acc0 = _mm256_hadd_epi32(acc0, acc1);
    lo = _mm256_castsi256_si128(acc0), hi = _mm256_extracti128_si256(acc0, 1);
    v0 = _mm_srai_epi32(_mm_add_epi32(_mm_unpacklo_epi64(lo, hi), init), p);
    v1 = _mm_srai_epi32(_mm_add_epi32(_mm_unpackhi_epi64(lo, hi), init), p);
    v = _mm_packus_epi16(_mm_packs_epi32(v0, v1), _mm_setzero_si128());
    ra = _mm_cvtsi128_si32(v), rb = _mm_cvtsi128_si32(_mm_srli_si128(v, 4));
    if (C == 4) {
        memcpy(outa + o * 4, &ra, 4);
        memcpy(outb + o * 4, &rb, 4);
    } else {
        memcpy(outa + o * 3, &ra, 3);
        memcpy(outb + o * 3, &rb, 3);
    }
}

/* The W pass row of u8_wrow_avx2 with AVX-512 (BW) for four rows at once (rows past the last
 * given as the last again): two rows per register, each row's quad in two 128-bit quarters
 * as u8_wrow_avx2 has it in its two halves, so one shuffle, one madd and one add serve two
 * rows; the weights loaded once for the four. */
__attribute__((target("avx512f,avx512bw,avx2"))) static void u8_wrow_avx512(const uint8_t *const row[4],
                                                                           uint8_t *const out[4], int64_t C,
                                                                           const u8_wtab *wt, const int32_t *tab)
{
#define U8_SH(c, C) (char)(c), -128, (char)((c) + (C)), -128, (char)((c) + 2 * (C)), -128, (char)((c) + 3 * (C)), -128
    const __m256i sh4 = _mm256_setr_epi8(U8_SH(0, 4), U8_SH(1, 4), U8_SH(2, 4), U8_SH(3, 4));
    const __m256i sh3 = _mm256_setr_epi8(U8_SH(0, 3), U8_SH(1, 3), U8_SH(2, 3), -128, -128, -128, -128, -128,
                                         -128, -128, -128);
#undef U8_SH
    const __m512i sh = _mm512_broadcast_i64x4(C == 4 ? sh4 : sh3);
    const __m128i init = _mm_set1_epi32(1 << (wt->p - 1));
    const int32_t *e = wt->e;
    int64_t o;
    for (o = 0; o < wt->n; o++, e += wt->stride) {
        const uint8_t *s0 = row[0] + e[0], *s1 = row[1] + e[0], *s2 = row[2] + e[0], *s3 = row[3] + e[0];
        const int32_t nq = e[1];
        const int64_t q4 = 4 * C;
        __m512i acc01 = _mm512_setzero_si512(), acc23 = _mm512_setzero_si512();
        int32_t q;
        if (nq < 0) {
            int i;
            for (i = 0; i < 4; i++) clrs_u8_pass_block(row[i], 0, C, 1, (int)C, tab, o, out[i] + o * C, 1);
            continue;
        }
        for (q = 0; q < nq; q++, s0 += q4, s1 += q4, s2 += q4, s3 += q4) {
            int64_t wbits;
            __m512i wq, b01, b23;
            memcpy(&wbits, e + 2 + 2 * q, sizeof wbits);
            wq = _mm512_set1_epi64(wbits);
            b01 = _mm512_inserti64x4(
                _mm512_castsi256_si512(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s0))),
                _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s1)), 1);
            b23 = _mm512_inserti64x4(
                _mm512_castsi256_si512(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s2))),
                _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s3)), 1);
            acc01 = _mm512_add_epi32(acc01, _mm512_madd_epi16(_mm512_shuffle_epi8(b01, sh), wq));
            acc23 = _mm512_add_epi32(acc23, _mm512_madd_epi16(_mm512_shuffle_epi8(b23, sh), wq));
        }
        u8_wrow_store2(_mm512_castsi512_si256(acc01), _mm512_extracti64x4_epi64(acc01, 1), init, wt->p, C, o,
                       out[0], out[1]);
        u8_wrow_store2(_mm512_castsi512_si256(acc23), _mm512_extracti64x4_epi64(acc23, 1), init, wt->p, C, o,
                       out[2], out[3]);
    }
}

/* The H pass row of u8_row_avx2 with AVX-512 (BW): 64 columns at a time, each 128-bit quarter
 * doing the SSE2 loop's work on its 16 (unpacks and packs stay within a quarter, so the bytes
 * come out in order); the rest of the row through u8_row_avx2. */
__attribute__((target("avx512f,avx512bw,avx2"))) static void u8_row_avx512(const uint8_t *src, int64_t base,
                                                                          int64_t step, int64_t nb,
                                                                          const int32_t *tab, int64_t o,
                                                                          uint8_t *out)
{
    const int64_t n = tab[0], k = tab[1];
    const int p = tab[2];
    const int32_t *w = tab + CLRS_U8_HDR + 2 * n + o * k;
    const int32_t cnt = tab[CLRS_U8_HDR + n + o];
    const uint8_t *s = src + base + (int64_t)tab[CLRS_U8_HDR + o] * step;
    const __m512i zero = _mm512_setzero_si512(), init = _mm512_set1_epi32(1 << (p - 1));
    int64_t j = 0;
    for (; j + 64 <= nb; j += 64) {
        __m512i a0 = init, a1 = init, a2 = init, a3 = init;
        int32_t t = 0;
        for (; t < cnt; t += 2) { /* an odd count's last pair: the row itself, weight 0 */
            const __m512i wp = _mm512_set1_epi32(u8_wpair(w[t], t + 1 < cnt ? w[t + 1] : 0));
            const __m512i r0 = _mm512_loadu_si512((const void *)(s + t * step + j));
            const __m512i r1 = t + 1 < cnt ? _mm512_loadu_si512((const void *)(s + (t + 1) * step + j)) : r0;
            const __m512i lo = _mm512_unpacklo_epi8(r0, r1), hi = _mm512_unpackhi_epi8(r0, r1);
            a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(_mm512_unpacklo_epi8(lo, zero), wp));
            a1 = _mm512_add_epi32(a1, _mm512_madd_epi16(_mm512_unpackhi_epi8(lo, zero), wp));
            a2 = _mm512_add_epi32(a2, _mm512_madd_epi16(_mm512_unpacklo_epi8(hi, zero), wp));
            a3 = _mm512_add_epi32(a3, _mm512_madd_epi16(_mm512_unpackhi_epi8(hi, zero), wp));
        }
        {
            const __m512i v0 = _mm512_packs_epi32(_mm512_srai_epi32(a0, p), _mm512_srai_epi32(a1, p));
            const __m512i v1 = _mm512_packs_epi32(_mm512_srai_epi32(a2, p), _mm512_srai_epi32(a3, p));
            _mm512_storeu_si512((void *)(out + j), _mm512_packus_epi16(v0, v1));
        }
    }
    if (j < nb) u8_row_avx2(src, base + j, step, nb - j, tab, o, out + j);
}

/* Asked once per call, before the parallel region (no cached flag to race on; libgcc / compiler-rt
 * fill the CPU model in a constructor, so no __builtin_cpu_init here): 0 SSE2, 1 AVX2, 2 AVX2
 * and the AVX-512 rows (CLRS_U8_NO_AVX2: 0; CLRS_U8_NO_AVX512: at most 1). */
static int u8_have_avx2(void)
{
    if (!__builtin_cpu_supports("avx2") || getenv("CLRS_U8_NO_AVX2") != NULL) return 0;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   getenv("CLRS_U8_NO_AVX512") == NULL
               ? 2
               : 1;
}
#endif
#endif
