/* resample_math_u8.h — PyTorch 2.15's uint8 arithmetic for bilinear / bicubic / lanczos
 * interpolate (2-D): one axis at a time, int16 weights at a per-axis precision, integer sums.
 *
 * Included by resample_math.h (after the double coordinate math); never on its own. The tap sum
 * (clrs_u8_pass_block) is compiled by the host backend and the OpenCL kernel alike; the weight
 * tables are built once by the plan (C side only: they need double). */

/* A pass table (int32 entries): [0] destinations n, [1] weights per destination k,
 * [2] precision p, then n first source indices, n tap counts and n * k weights (int16 values). */
#define CLRS_U8_HDR 3

/* = UpSampleKernelAVXAntialias.h ImagingResample{Horizontal,Vertical}Convolution8u: the sum
 * starts at 2^(p-1) (round half up), is shifted right by p (a floor) and saturated to [0, 255]
 * (packs_epi32 then packus_epi16). A negative sum floors to a negative value, so it is 0. */
CLRS_INLINE clrs_u8 clrs_u8_round(clrs_i32 acc, int p)
{
    clrs_i32 v;
    if (acc < 0) return (clrs_u8)0;
    v = acc >> p;
    return (clrs_u8)(v > 255 ? 255 : v);
}

/* Destination o of one pass for nb (1..CLRS_U8_BLOCK) images that share its taps (channels,
 * or the columns of an H pass): base is the first image's source element at index 0 along the
 * pass' axis (the destination's coordinates on the other axes), step the source stride along
 * that axis, bstep the source stride from one image to the next; results go to
 * out[b * ostep]. */
#define CLRS_U8_BLOCK 16
CLRS_INLINE void clrs_u8_pass_block(const CLRS_GLOBAL clrs_u8 *src, clrs_i64 base, clrs_i64 step,
                                    clrs_i64 bstep, int nb, const CLRS_GLOBAL clrs_i32 *tab, clrs_i64 o,
                                    CLRS_GLOBAL clrs_u8 *out, clrs_i64 ostep)
{
    const clrs_i64 n = tab[0], k = tab[1];
    const int p = tab[2];
    const CLRS_GLOBAL clrs_i32 *w = tab + CLRS_U8_HDR + 2 * n + o * k;
    const clrs_i32 cnt = tab[CLRS_U8_HDR + n + o];
    const CLRS_GLOBAL clrs_u8 *s = src + base + (clrs_i64)tab[CLRS_U8_HDR + o] * step;
    int b;
    for (b = 0; b < nb; b++, s += bstep) {
        clrs_i32 acc = (clrs_i32)1 << (p - 1), t;
        for (t = 0; t < cnt; t++) acc += w[t] * (clrs_i32)s[t * step];
        out[b * ostep] = clrs_u8_round(acc, p);
    }
}

/* Destination byte (x, y) of plane z = n * C + c of one pass along `axis` (2 = H, 3 = W) over
 * 4-D views (strides n, c, h, w), the pass table at tab: the body of the OpenCL kernels that
 * give each work-item one byte (clrs_interpolate_u8_pass, clrs_interpolate_u8_point). */
CLRS_INLINE void clrs_u8_pass_point(const CLRS_GLOBAL clrs_u8 *src, clrs_i64 src_off, clrs_i64 sn, clrs_i64 sc,
                                    clrs_i64 sh, clrs_i64 sw, CLRS_GLOBAL clrs_u8 *dst, clrs_i64 dst_off,
                                    clrs_i64 dn, clrs_i64 dc, clrs_i64 dh, clrs_i64 dw, clrs_i64 C, int axis,
                                    const CLRS_GLOBAL clrs_i32 *tab, clrs_i64 x, clrs_i64 y, clrs_i64 z)
{
    const clrs_i64 n = z / C, c = z % C;
    clrs_u8_pass_block(src, src_off + n * sn + c * sc + (axis == 3 ? y * sh : x * sw), axis == 3 ? sw : sh, 0, 1,
                       tab, axis == 3 ? x : y, dst + dst_off + n * dn + c * dc + y * dh + x * dw, 0);
}

#ifndef __OPENCL_VERSION__
/* The sum of clrs_u8_pass_block for nb destinations side by side in memory (source and
 * destination strides 1 between them: a row of an H pass), with the taps outer so that the
 * inner loop runs along the row and vectorises. Host only. */
#define CLRS_U8_ROW 256
static inline void clrs_u8_pass_row(const clrs_u8 *src, clrs_i64 base, clrs_i64 step, clrs_i64 nb,
                                    const clrs_i32 *tab, clrs_i64 o, clrs_u8 *out)
{
    const clrs_i64 n = tab[0], k = tab[1];
    const int p = tab[2];
    const clrs_i32 *w = tab + CLRS_U8_HDR + 2 * n + o * k;
    const clrs_i32 cnt = tab[CLRS_U8_HDR + n + o];
    const clrs_u8 *s = src + base + (clrs_i64)tab[CLRS_U8_HDR + o] * step;
    clrs_i32 acc[CLRS_U8_ROW];
    clrs_i64 j0;
    for (j0 = 0; j0 < nb; j0 += CLRS_U8_ROW) {
        const int m = (int)(nb - j0 < CLRS_U8_ROW ? nb - j0 : CLRS_U8_ROW);
        int j, t;
        for (j = 0; j < m; j++) acc[j] = (clrs_i32)1 << (p - 1);
        for (t = 0; t < cnt; t++) {
            const clrs_i32 wt = w[t];
            const clrs_u8 *r = s + (clrs_i64)t * step + j0;
#pragma omp simd
            for (j = 0; j < m; j++) acc[j] += wt * (clrs_i32)r[j];
        }
        for (j = 0; j < m; j++) out[j0 + j] = clrs_u8_round(acc[j], p);
    }
}

/* ---- The weight tables (plan side) ------------------------------------------------------- */

/* The filters of ATen's uint8 path in double: triangle; Keys cubic with a = -0.5 under
 * antialias (PIL) and -0.75 without (OpenCV) (= HelperInterpCubic::aa_filter<double, keys>);
 * Lanczos-3 (= HelperInterpLanczos::aa_filter). */
static inline double clrs_u8_filter(int axis_kind, double x)
{
    const double a = axis_kind == CLRS_AXIS_CUBIC ? -0.75 : -0.5;
    if (x < 0) x = -x;
    switch (axis_kind) {
    case CLRS_AXIS_LINEAR:
    case CLRS_AXIS_AA_LINEAR: return x < 1.0 ? 1.0 - x : 0.0;
    case CLRS_AXIS_AA_LANCZOS: return x < 3.0 ? clrs_sinc_d(x) * clrs_sinc_d(x / 3.0) : 0.0;
    default:
        if (x < 1.0) return clrs_cubic_conv1_d(x, a);
        if (x < 2.0) return clrs_cubic_conv2_d(x, a);
        return 0.0;
    }
}

/* Taps of one axis without antialias (= HelperInterpBase::_compute_indices_min_size_weights):
 * the float path's source index and lambda in double, then the k filter values of the window
 * around it, the ones that fall outside [0, in) added to the edge taps. Writes *first and w[0..k)
 * (w needs k entries), returns the tap count; *wmax is raised to every partial sum, as ATen
 * tracks it. */
static inline int clrs_u8_taps_plain(const clrs_axis_d *ax, clrs_i64 o, clrs_i64 *first, double *w,
                                     double *wmax)
{
    const int k = ax->kind == CLRS_AXIS_CUBIC ? 4 : 2, support = k / 2;
    const double r = clrs_source_index_d(ax->scale, o, ax->align_corners, k == 4);
    clrs_i64 i = (clrs_i64)floorf((float)r), umin, lo, size;
    double lambda;
    int j, wi = 0;
    if (i > ax->in - 1) i = ax->in - 1;
    lambda = r - (double)i;
    lambda = lambda < 0.0 ? 0.0 : lambda > 1.0 ? 1.0 : lambda;
    umin = i - support + 1;
    lo = umin < 0 ? 0 : umin;
    size = (i + support + 1 < ax->in ? i + support + 1 : ax->in) - lo;
    size = size < 0 ? 0 : size > k ? k : size;
    for (j = 0; j < k; j++) w[j] = 0.0;
    for (j = 0; j < k; j++) {
        const double v = clrs_u8_filter(ax->kind, (double)(j + 1 - support) - lambda);
        if (umin + j <= 0)
            wi = 0;
        else if (umin + j >= ax->in - 1)
            wi = (int)size - 1;
        if (wi < 0 || wi >= k) continue; /* (size 0 cannot happen: lo <= i < i + support + 1) */
        w[wi] += v;
        if (w[wi] > *wmax) *wmax = w[wi];
        wi++;
    }
    *first = lo;
    return (int)size;
}

/* = _compute_index_ranges_int16_weights: the smallest precision p (< 22) at which the largest
 * weight, scaled by 2^(p+1), would reach 2^15; 22 if none. */
static inline int clrs_u8_precision(double wmax)
{
    int p;
    for (p = 0; p < 22; p++)
        if ((int)(0.5 + wmax * (double)(1 << (p + 1))) >= (1 << 15)) break;
    return p;
}

/* A weight scaled by 2^p and rounded half away from zero, as int16 (ATen's cast). */
static inline clrs_i32 clrs_u8_quantize(double w, int p)
{
    const double v = w * (double)(1 << p);
    return (clrs_i32)(int16_t)(v < 0 ? (int)(-0.5 + v) : (int)(0.5 + v));
}
#endif
