/* resample_math_real.h — interpolate's per-axis coordinate math for one real type.
 *
 * Included by resample_math.h with CLRS_R = double (suffix _d) and then float (suffix _f);
 * never on its own. CLRS_R is the `scalar_t` of ATen's CPU kernels: float for float32
 * tensors, double for float64. Where ATen computes a step in double for float tensors
 * (acc_type, a double literal), the code below does the same on purpose. */

/* = ATen UpSample.h compute_scales_value<scalar_t>; user_scale <= 0 means "no scale". */
CLRS_INLINE CLRS_R CLRS_RS(clrs_scales_value)(double user_scale, clrs_i64 in, clrs_i64 out)
{
    return user_scale > 0.0 ? (CLRS_R)(1.0 / user_scale) : (CLRS_R)in / (CLRS_R)out;
}

/* = ATen UpSample.h area_pixel_compute_scale<scalar_t> */
CLRS_INLINE CLRS_R CLRS_RS(clrs_area_pixel_scale)(clrs_i64 in, clrs_i64 out, int align_corners,
                                                  double user_scale)
{
    if (align_corners)
        return out > 1 ? (CLRS_R)(in - 1) / (CLRS_R)(out - 1) : (CLRS_R)0;
    return CLRS_RS(clrs_scales_value)(user_scale, in, out);
}

/* = ATen UpSample.h area_pixel_compute_source_index<scalar_t> */
CLRS_INLINE CLRS_R CLRS_RS(clrs_source_index)(CLRS_R scale, clrs_i64 dst, int align_corners,
                                              int cubic)
{
    CLRS_R src;
    if (align_corners) return scale * (CLRS_R)dst;
    src = scale * ((CLRS_R)dst + (CLRS_R)0.5) - (CLRS_R)0.5;
    return (!cubic && src < (CLRS_R)0) ? (CLRS_R)0 : src;
}

/* PIL's Lanczos-3 (libImaging Resample.c lanczos_filter: sinc(x) sinc(x / 3) on [-3, 3)),
 * which PyTorch 2.15's lanczos mode reproduces. */
CLRS_INLINE CLRS_R CLRS_RS(clrs_sinc)(CLRS_R x)
{
    if (x == (CLRS_R)0) return (CLRS_R)1;
    x = x * (CLRS_R)3.14159265358979323846;
    return sin(x) / x;
}

/* = ATen UpSampleKernel.cpp HelperInterpLinear::aa_filter (triangle) and
 * HelperInterpCubic::aa_filter (Keys with a = -0.5, as PIL), with ATen's literal types;
 * `cubic` 2 is the Lanczos-3 filter. */
CLRS_INLINE CLRS_R CLRS_RS(clrs_aa_filter)(int cubic, CLRS_R x)
{
    const double a = -0.5;
    if (cubic == 2)
        return x >= (CLRS_R)-3 && x < (CLRS_R)3 ? CLRS_RS(clrs_sinc)(x) * CLRS_RS(clrs_sinc)(x / (CLRS_R)3)
                                                 : (CLRS_R)0;
    if (x < 0) x = -x;
    if (!cubic) return x < 1 ? (CLRS_R)(1.0 - x) : (CLRS_R)0;
    if (x < 1.0) return (CLRS_R)(((a + 2.0) * x - (a + 3.0)) * x * x + 1);
    if (x < 2.0) return (CLRS_R)((((x - 5) * x + 8) * x - 4) * a);
    return (CLRS_R)0;
}

/* One spatial axis of an interpolate plan. */
typedef struct {
    int kind;            /* CLRS_AXIS_* */
    clrs_i64 in, out;    /* sizes along the axis */
    int align_corners;   /* 0 or 1 (None is 0) */
    double user_scale;   /* scale_factor passed on to the kernel, or 0 */
    int nearest_idx;     /* nearest modes: ATen's nearest_idx rule rather than the helper's */
    CLRS_R scale;        /* area_pixel_compute_scale, or the nearest scale */
    CLRS_R support;      /* antialias filter support */
    int max_taps;        /* taps of one destination index, at most */
} CLRS_RS(clrs_axis);

/* Fills the axis' derived fields; kind, in, out, align_corners and user_scale are set. */
CLRS_INLINE void CLRS_RS(clrs_axis_init)(CLRS_RS(clrs_axis) *ax)
{
    ax->support = (CLRS_R)0;
    switch (ax->kind) {
    case CLRS_AXIS_NEAREST:
    case CLRS_AXIS_NEAREST_EXACT:
        /* = HelperInterpNearest / HelperInterpNearestExact: align_corners is always false */
        ax->scale = CLRS_RS(clrs_area_pixel_scale)(ax->in, ax->out, 0, ax->user_scale);
        ax->max_taps = 1;
        break;
    case CLRS_AXIS_LINEAR:
        ax->scale = CLRS_RS(clrs_area_pixel_scale)(ax->in, ax->out, ax->align_corners,
                                                   ax->user_scale);
        ax->max_taps = 2;
        break;
    case CLRS_AXIS_CUBIC:
        ax->scale = CLRS_RS(clrs_area_pixel_scale)(ax->in, ax->out, ax->align_corners,
                                                   ax->user_scale);
        ax->max_taps = 4;
        break;
    case CLRS_AXIS_AREA: {
        /* the widest adaptive-pooling window over all outputs */
        clrs_i64 o, widest = 1;
        ax->scale = (CLRS_R)0;
        for (o = 0; o < ax->out; o++) {
            clrs_i64 n = clrs_area_end(o, ax->out, ax->in) - clrs_area_start(o, ax->out, ax->in);
            if (n > widest) widest = n;
        }
        ax->max_taps = (int)widest;
        break;
    }
    default: { /* antialias: = HelperInterpBase::_compute_indices_min_size_weights_aa */
        const int interp_size = ax->kind == CLRS_AXIS_AA_LANCZOS ? 6 : ax->kind == CLRS_AXIS_AA_CUBIC ? 4 : 2;
        ax->scale = CLRS_RS(clrs_area_pixel_scale)(ax->in, ax->out, ax->align_corners,
                                                   ax->user_scale);
        ax->support = (CLRS_R)(ax->scale >= 1.0 ? (interp_size * 0.5) * ax->scale
                                                : interp_size * 0.5);
        ax->max_taps = (int)CLRS_CEILF(ax->support) * 2 + 1;
        break;
    }
    }
}

/* The taps of destination index o: writes up to ax->max_taps (source index, weight) pairs
 * and returns their count. */
CLRS_INLINE int CLRS_RS(clrs_axis_taps)(const CLRS_RS(clrs_axis) *ax, clrs_i64 o, clrs_i64 *idx,
                                         CLRS_R *w)
{
    const clrs_i64 in = ax->in;
    switch (ax->kind) {
    case CLRS_AXIS_NEAREST: {
        /* = HelperInterpNearest: floorf(source_index(scale, o, align_corners=true)) */
        clrs_i64 i = (clrs_i64)CLRS_FLOORF(CLRS_RS(clrs_source_index)(ax->scale, o, 1, 0));
        idx[0] = ax->nearest_idx ? clrs_nearest_idx(o, in, ax->out, ax->user_scale)
                                 : (i < in - 1 ? i : in - 1);
        w[0] = (CLRS_R)1;
        return 1;
    }
    case CLRS_AXIS_NEAREST_EXACT: {
        /* = HelperInterpNearestExact: floorf(source_index(scale, o, false) + 0.5) */
        CLRS_R r = CLRS_RS(clrs_source_index)(ax->scale, o, 0, 0);
        clrs_i64 i = (clrs_i64)CLRS_FLOORF(r + 0.5);
        idx[0] = ax->nearest_idx ? clrs_nearest_exact_idx(o, in, ax->out, ax->user_scale)
                                 : (i < in - 1 ? i : in - 1);
        w[0] = (CLRS_R)1;
        return 1;
    }
    case CLRS_AXIS_LINEAR: {
        /* = UpSample.h compute_source_index_and_lambda: the index in acc_type (double) */
        double real;
        clrs_i64 i0;
        CLRS_R l1;
        if (ax->out == in) {
            idx[0] = idx[1] = o;
            w[0] = (CLRS_R)1;
            w[1] = (CLRS_R)0;
            return 2;
        }
        real = clrs_source_index_d((double)ax->scale, o, ax->align_corners, 0);
        i0 = (clrs_i64)real;
        l1 = (CLRS_R)(real - (double)i0);
        idx[0] = i0;
        idx[1] = i0 + (i0 < in - 1 ? 1 : 0);
        w[0] = (CLRS_R)1 - l1;
        w[1] = l1;
        return 2;
    }
    case CLRS_AXIS_CUBIC: {
        /* = HelperInterpCubic: unclamped source, four taps clamped into [0, in-1] */
        CLRS_R r = CLRS_RS(clrs_source_index)(ax->scale, o, ax->align_corners, 1);
        clrs_i64 i = (clrs_i64)CLRS_FLOORF(r), k;
        CLRS_RS(clrs_cubic_coeffs)(r - (CLRS_R)i, w);
        for (k = 0; k < 4; k++) {
            clrs_i64 j = i - 1 + k;
            idx[k] = j < 0 ? 0 : (j > in - 1 ? in - 1 : j);
        }
        return 4;
    }
    case CLRS_AXIS_AREA: {
        /* = adaptive_avg_pool: the mean over [start, end) */
        clrs_i64 s = clrs_area_start(o, ax->out, in), e = clrs_area_end(o, ax->out, in), k;
        CLRS_R inv = (CLRS_R)1 / (CLRS_R)(e - s);
        for (k = 0; k < e - s; k++) {
            idx[k] = s + k;
            w[k] = inv;
        }
        return (int)(e - s);
    }
    default: {
        /* = HelperInterpBase::_compute_weights_aa: PIL's filter window, renormalised */
        const int cubic = ax->kind == CLRS_AXIS_AA_LANCZOS ? 2 : ax->kind == CLRS_AXIS_AA_CUBIC;
        const CLRS_R scale = ax->scale, support = ax->support;
        const CLRS_R center = (CLRS_R)(scale * (o + 0.5));
        const CLRS_R invscale = scale >= 1.0 ? (CLRS_R)(1.0 / scale) : (CLRS_R)1.0;
        clrs_i64 xmin = (clrs_i64)((center - support) + 0.5), xmax, xsize, j;
        CLRS_R total = (CLRS_R)0;
        if (xmin < 0) xmin = 0;
        xmax = (clrs_i64)((center + support) + 0.5);
        if (xmax > in) xmax = in;
        xsize = xmax - xmin;
        if (xsize < 0) xsize = 0;
        if (xsize > ax->max_taps) xsize = ax->max_taps;
        for (j = 0; j < xsize; j++) {
            CLRS_R x = (CLRS_R)(j + xmin) - center;
            CLRS_R v = CLRS_RS(clrs_aa_filter)(cubic, (CLRS_R)((x + 0.5) * invscale));
            idx[j] = xmin + j;
            w[j] = v;
            total += v;
        }
        if (total != (CLRS_R)0)
            for (j = 0; j < xsize; j++) w[j] /= total;
        return (int)xsize;
    }
    }
}
