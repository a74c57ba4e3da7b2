/* resample_math_ndimage.h — scipy.ndimage's resampling math, written once: the boundary map of
 * each mode, the B-spline weights of orders 0-5 at a coordinate, the taps of one axis, the
 * sum over a point's filter footprint, and the recursive prefilter of one line (poles, the
 * per-mode initialisation) with its exact transpose. Included by resample_math.h, so it
 * compiles as C99 (plan and host backend) and as OpenCL C (ndimage.cl).
 *
 * The formulas are scipy 1.10's (scipy/ndimage/src/ni_interpolation.c map_coordinate,
 * NI_ZoomShift, NI_GeometricTransform; ni_splines.c), reproduced step for step in double,
 * including the quirks docs/ARCHITECTURE.md lists. clrs_ndr is double wherever double exists
 * (always on the host; devices with cl_khr_fp64), float on other devices. */
#ifndef CLRS_RESAMPLE_MATH_NDIMAGE_H
#define CLRS_RESAMPLE_MATH_NDIMAGE_H

#if CLRS_HAVE_DOUBLE
typedef double clrs_ndr;
#else
typedef float clrs_ndr;
#endif

/* clrs_ndi_mode values (clresample.h) */
#define CLRS_NDI_M_CONSTANT 0
#define CLRS_NDI_M_NEAREST 1
#define CLRS_NDI_M_REFLECT 2
#define CLRS_NDI_M_MIRROR 3
#define CLRS_NDI_M_WRAP 4
#define CLRS_NDI_M_GRID_CONSTANT 5
#define CLRS_NDI_M_GRID_MIRROR 6
#define CLRS_NDI_M_GRID_WRAP 7
#define CLRS_NDI_MAX_TAPS 6

/* scipy's _extend_mode_to_code maps 'grid-mirror' to 'reflect': from here on it is reflect. */
CLRS_INLINE int clrs_ndi_canonical_mode(int mode) { return mode == CLRS_NDI_M_GRID_MIRROR ? CLRS_NDI_M_REFLECT : mode; }

/* The mode the spline taps use at the border (= ni_interpolation.c _get_spline_boundary_mode):
 * 'constant' and 'wrap' have no analytic prefilter boundary and read their taps mirrored. */
CLRS_INLINE int clrs_ndi_spline_mode(int mode)
{
    return mode == CLRS_NDI_M_CONSTANT || mode == CLRS_NDI_M_WRAP ? CLRS_NDI_M_MIRROR : mode;
}

/* C's (npy_intp)x: truncation toward zero of a value that fits (callers keep |x| < 2^62). */
CLRS_INLINE clrs_ndr clrs_ndi_trunc(clrs_ndr x) { return (clrs_ndr)(clrs_i64)x; }

/* = ni_interpolation.c map_coordinate: a coordinate outside [0, len-1] folded back by the
 * mode ('constant' gives -1, which callers read as "outside"). Its derivative with respect to
 * `in` (+1 or -1: the mirror modes flip) goes to *sign when sign is not NULL. */
CLRS_INLINE clrs_ndr clrs_ndi_map(clrs_ndr in, clrs_i64 len, int mode, int *sign)
{
    int sg = 1;
    if (in < 0) {
        if (mode == CLRS_NDI_M_MIRROR) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz2 = (clrs_ndr)(2 * len - 2);
                in = sz2 * clrs_ndi_trunc(-in / sz2) + in;
                if (in <= (clrs_ndr)(1 - len)) in = in + sz2;
                else in = -in, sg = -1;
            }
        } else if (mode == CLRS_NDI_M_REFLECT) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz2 = (clrs_ndr)(2 * len);
                if (in < -sz2) in = sz2 * clrs_ndi_trunc(-in / sz2) + in;
                /* scipy's -1e-15 guard keeps (-in - 1) away from -1 */
                if (in < (clrs_ndr)-len) in = in + sz2;
                else in = (in > (clrs_ndr)-1e-15 ? (clrs_ndr)1e-15 : -in) - 1, sg = -1;
            }
        } else if (mode == CLRS_NDI_M_WRAP) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz = (clrs_ndr)(len - 1);
                in += sz * (clrs_ndi_trunc(-in / sz) + 1);
            }
        } else if (mode == CLRS_NDI_M_GRID_WRAP) {
            if (len <= 1) in = 0, sg = 0;
            else in += (clrs_ndr)len * (clrs_ndi_trunc((-1 - in) / (clrs_ndr)len) + 1);
        } else if (mode == CLRS_NDI_M_NEAREST) {
            in = 0, sg = 0;
        } else if (mode == CLRS_NDI_M_CONSTANT) {
            in = -1, sg = 0;
        }
    } else if (in > (clrs_ndr)(len - 1)) {
        if (mode == CLRS_NDI_M_MIRROR) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz2 = (clrs_ndr)(2 * len - 2);
                in -= sz2 * clrs_ndi_trunc(in / sz2);
                if (in >= (clrs_ndr)len) in = sz2 - in, sg = -1;
            }
        } else if (mode == CLRS_NDI_M_REFLECT) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz2 = (clrs_ndr)(2 * len);
                in -= sz2 * clrs_ndi_trunc(in / sz2);
                if (in >= (clrs_ndr)len) in = sz2 - in - 1, sg = -1;
            }
        } else if (mode == CLRS_NDI_M_WRAP) {
            if (len <= 1) in = 0, sg = 0;
            else {
                const clrs_ndr sz = (clrs_ndr)(len - 1);
                in -= sz * clrs_ndi_trunc(in / sz);
            }
        } else if (mode == CLRS_NDI_M_GRID_WRAP) {
            if (len <= 1) in = 0, sg = 0;
            else in -= (clrs_ndr)len * clrs_ndi_trunc(in / (clrs_ndr)len);
        } else if (mode == CLRS_NDI_M_NEAREST) {
            in = (clrs_ndr)(len - 1), sg = 0;
        } else if (mode == CLRS_NDI_M_CONSTANT) {
            in = -1, sg = 0;
        }
    }
    if (sign) *sign = sg;
    return in;
}

/* = ni_splines.c get_spline_interpolation_weights: the order + 1 weights of the taps around x
 * (the last one as 1 minus the others, as scipy forms it). Order 0: one tap of weight 1. */
CLRS_INLINE void clrs_ndi_weights(clrs_ndr x, int order, clrs_ndr *w)
{
    clrs_ndr y, z, t;
    int i;
    x -= CLRS_FLOOR((order & 1) ? x : x + (clrs_ndr)0.5);
    y = x;
    z = 1 - x;
    if (order == 0) {
        w[0] = 1;
        return;
    } else if (order == 1) {
        w[0] = 1 - x;
    } else if (order == 2) {
        w[1] = (clrs_ndr)0.75 - x * x;
        y = (clrs_ndr)0.5 - x;
        w[0] = (clrs_ndr)0.5 * y * y;
    } else if (order == 3) {
        w[1] = (y * y * (y - 2) * 3 + 4) / 6;
        w[2] = (z * z * (z - 2) * 3 + 4) / 6;
        w[0] = z * z * z / 6;
    } else if (order == 4) {
        t = x * x;
        w[2] = t * (t * (clrs_ndr)0.25 - (clrs_ndr)0.625) + (clrs_ndr)115.0 / (clrs_ndr)192.0;
        y = 1 + x;
        w[1] = y * (y * (y * (5 - y) / 6 - (clrs_ndr)1.25) + (clrs_ndr)5.0 / (clrs_ndr)24.0) +
               (clrs_ndr)55.0 / (clrs_ndr)96.0;
        w[3] = z * (z * (z * (5 - z) / 6 - (clrs_ndr)1.25) + (clrs_ndr)5.0 / (clrs_ndr)24.0) +
               (clrs_ndr)55.0 / (clrs_ndr)96.0;
        y = (clrs_ndr)0.5 - x;
        t = y * y;
        w[0] = t * t / 24;
    } else {
        t = y * y;
        w[2] = t * (t * ((clrs_ndr)0.25 - y / 12) - (clrs_ndr)0.5) + (clrs_ndr)0.55;
        t = z * z;
        w[3] = t * (t * ((clrs_ndr)0.25 - z / 12) - (clrs_ndr)0.5) + (clrs_ndr)0.55;
        y += 1;
        w[1] = y * (y * (y * (y * (y / 24 - (clrs_ndr)0.375) + (clrs_ndr)1.25) - (clrs_ndr)1.75) +
                    (clrs_ndr)0.625) + (clrs_ndr)0.425;
        z += 1;
        w[4] = z * (z * (z * (z * (z / 24 - (clrs_ndr)0.375) + (clrs_ndr)1.25) - (clrs_ndr)1.75) +
                    (clrs_ndr)0.625) + (clrs_ndr)0.425;
        y = 1 - x;
        t = y * y;
        w[0] = y * t * t / 120;
    }
    w[order] = 1;
    for (i = 0; i < order; i++) w[order] -= w[i];
}

/* The centred B-spline of degree n (0..4) at u, for the weight derivatives: the derivative of
 * the degree-n weight of a tap at distance u is beta_{n-1}(u + 1/2) - beta_{n-1}(u - 1/2). */
CLRS_INLINE clrs_ndr clrs_ndi_bspline(int n, clrs_ndr u)
{
    const clrs_ndr a = u < 0 ? -u : u;
    clrs_ndr t;
    if (n == 0) return a < (clrs_ndr)0.5 ? (clrs_ndr)1 : a == (clrs_ndr)0.5 ? (clrs_ndr)0.5 : (clrs_ndr)0;
    if (n == 1) return a < 1 ? 1 - a : (clrs_ndr)0;
    if (n == 2) {
        if (a < (clrs_ndr)0.5) return (clrs_ndr)0.75 - a * a;
        if (a < (clrs_ndr)1.5) return t = (clrs_ndr)1.5 - a, (clrs_ndr)0.5 * t * t;
        return 0;
    }
    if (n == 3) {
        if (a < 1) return ((clrs_ndr)4 - 6 * a * a + 3 * a * a * a) / 6;
        if (a < 2) return t = 2 - a, t * t * t / 6;
        return 0;
    }
    if (a < (clrs_ndr)0.5) return t = a * a, t * (t * (clrs_ndr)0.25 - (clrs_ndr)0.625) + (clrs_ndr)115.0 / 192;
    if (a < (clrs_ndr)1.5)
        return a * (a * (a * (5 - a) / 6 - (clrs_ndr)1.25) + (clrs_ndr)5.0 / 24) + (clrs_ndr)55.0 / 96;
    if (a < (clrs_ndr)2.5) return t = (clrs_ndr)2.5 - a, t * t * t * t / 24;
    return 0;
}

/* The taps of one axis for one point: indices into the (padded) coefficient line of length
 * len, weights, and for 'grid-constant' which taps read cval. dw: d weight / d coordinate
 * (already times the mode's fold sign), filled when want_dw. */
typedef struct {
    clrs_i64 idx[CLRS_NDI_MAX_TAPS];
    clrs_ndr w[CLRS_NDI_MAX_TAPS];
    clrs_ndr dw[CLRS_NDI_MAX_TAPS];
    int cv[CLRS_NDI_MAX_TAPS];
    int n;
} clrs_ndi_taps;

/* A unit axis (one the tensor does not have): one tap of weight 1 at index 0. */
CLRS_INLINE void clrs_ndi_unit_taps(clrs_ndi_taps *t)
{
    t->idx[0] = 0, t->w[0] = 1, t->dw[0] = 0, t->cv[0] = 0, t->n = 1;
}

/* = the per-axis step of NI_ZoomShift / NI_GeometricTransform for coordinate cc (already
 * shifted by the padding): folds cc by the mode, decides "outside" (returns 0: the point is
 * cval), else fills the taps. Coordinates are clipped to +-2^52 first, where scipy's integer
 * casts would be undefined; a NaN coordinate is outside for the folding modes and reads NaN
 * weights ('nearest', 'grid-constant') as in scipy. */
CLRS_INLINE int clrs_ndi_axis_taps(clrs_ndr cc, clrs_i64 len, int order, int mode, int want_dw, clrs_ndi_taps *t)
{
    const clrs_ndr big = (clrs_ndr)4503599627370496.0; /* 2^52 */
    const int direct = mode == CLRS_NDI_M_GRID_CONSTANT || mode == CLRS_NDI_M_NEAREST;
    const int smode = clrs_ndi_spline_mode(mode);
    clrs_i64 start;
    int l, sign = 1;
    if (cc > big) cc = big;
    if (cc < -big) cc = -big;
    if (!direct) cc = clrs_ndi_map(cc, len, mode, &sign);
    if (!(cc > (clrs_ndr)-1) && !direct) return 0;
    if (cc != cc) { /* NaN with 'nearest' / 'grid-constant': scipy reads some tap with NaN weights */
        for (l = 0; l <= order; l++) t->idx[l] = 0, t->w[l] = cc, t->dw[l] = cc, t->cv[l] = 0;
        t->n = order + 1;
        return 1;
    }
    start = (order & 1) ? (clrs_i64)CLRS_FLOOR(cc) - order / 2 : (clrs_i64)CLRS_FLOOR(cc + (clrs_ndr)0.5) - order / 2;
    t->n = order + 1;
    for (l = 0; l <= order; l++) {
        clrs_i64 i = start + l;
        t->cv[l] = 0;
        if (mode == CLRS_NDI_M_GRID_CONSTANT) {
            t->cv[l] = i < 0 || i >= len;
            if (t->cv[l]) i = 0;
        } else if (start < 0 || start + order >= len) {
            i = (clrs_i64)clrs_ndi_map((clrs_ndr)i, len, smode, (int *)0);
            if (i < 0 || i >= len) i = i < 0 ? 0 : len - 1; /* unreachable for scipy's modes; kept in bounds */
        }
        t->idx[l] = i;
    }
    clrs_ndi_weights(cc, order, t->w);
    if (want_dw) {
        for (l = 0; l <= order; l++) {
            const clrs_ndr u = cc - (clrs_ndr)(start + l);
            t->dw[l] = order == 0 ? (clrs_ndr)0
                                  : (clrs_ndi_bspline(order - 1, u + (clrs_ndr)0.5) -
                                     clrs_ndi_bspline(order - 1, u - (clrs_ndr)0.5)) * (clrs_ndr)sign;
        }
    }
    return 1;
}

/* The coordinate of output index k along an axis for scipy.ndimage.zoom (= NI_ZoomShift):
 * scale is (in-1)/(out-1), or in/out with grid_mode, or 1 when that divides by zero. */
CLRS_INLINE clrs_ndr clrs_ndi_zoom_coord(clrs_i64 k, clrs_ndr scale, int grid_mode, clrs_i64 npad)
{
    clrs_ndr cc = (clrs_ndr)k;
    if (grid_mode) cc = (cc + (clrs_ndr)0.5) * scale - (clrs_ndr)0.5;
    else cc = cc * scale;
    return cc + (clrs_ndr)npad;
}

/* The footprint sum of one point (= NI_GeometricTransform's inner loop): T0, T1, T2 the taps
 * (clrs_ndi_taps lvalues) along the coefficient array's axes (0, 1, 2; unit axes have one
 * tap of weight 1), row-major over the footprint, each tap's coefficient (or cval) times the
 * weights in axis order — ((c * w0) * w1) * w2, scipy's order; a unit axis' factor 1 changes
 * nothing. Order 0 multiplies by nothing, as scipy. LOADC(o) reads the coefficient at element
 * offset o as clrs_ndr. REAL is kept for the callers' symmetry (unit weights are exact). */
#define CLRS_NDI_SUM(RESULT, T0, T1, T2, REAL, BASE, S0, S1, S2, CVAL, ORDER, LOADC)                    \
    do {                                                                                            \
        clrs_ndr acc_ = 0;                                                                          \
        int a_, b_, c_;                                                                             \
        (void)(REAL);                                                                               \
        for (a_ = 0; a_ < (T0).n; a_++)                                                             \
            for (b_ = 0; b_ < (T1).n; b_++) {                                                       \
                const clrs_i64 row_ = (BASE) + (T0).idx[a_] * (S0) + (T1).idx[b_] * (S1);           \
                const int cvab_ = (T0).cv[a_] || (T1).cv[b_];                                       \
                const clrs_ndr w0_ = (T0).w[a_], w1_ = (T1).w[b_];                                  \
                for (c_ = 0; c_ < (T2).n; c_++) {                                                   \
                    clrs_ndr co_ = cvab_ || (T2).cv[c_] ? (CVAL) : LOADC(row_ + (T2).idx[c_] * (S2)); \
                    if ((ORDER) > 0) {                                                              \
                        co_ *= w0_;                                                                 \
                        co_ *= w1_;                                                                 \
                        co_ *= (T2).w[c_];                                                          \
                    }                                                                               \
                    acc_ += co_;                                                                    \
                }                                                                                   \
            }                                                                                       \
        (RESULT) = acc_;                                                                            \
    } while (0)

/* scipy's store into an unsigned 8-bit output (CASE_INTERP_OUT_UINT): t > 0 ? t + 0.5 : 0,
 * clipped to 255, truncated. NaN gives 0. */
CLRS_INLINE clrs_u8 clrs_ndi_to_u8(clrs_ndr t)
{
    t = t > 0 ? t + (clrs_ndr)0.5 : (clrs_ndr)0;
    if (t > 255) t = 255;
    return (clrs_u8)t;
}

/* ---- the prefilter (ni_splines.c) ---------------------------------------------------------- */

/* = get_filter_poles: order / 2 poles of the B-spline's inverse filter. */
CLRS_INLINE int clrs_ndi_poles(int order, clrs_ndr *z)
{
    if (order == 2) z[0] = (clrs_ndr)-0.171572875253809902396622551580603843;
    else if (order == 3) z[0] = (clrs_ndr)-0.267949192431122706472553658494127633;
    else if (order == 4) {
        z[0] = (clrs_ndr)-0.361341225900220177092212841325675255;
        z[1] = (clrs_ndr)-0.013725429297339121360331226939128204;
    } else if (order == 5) {
        z[0] = (clrs_ndr)-0.430575347099973791851434783493520110;
        z[1] = (clrs_ndr)-0.043096288203264653822712376822550182;
    } else return 0;
    return order / 2;
}

/* The boundary rule of the recursions (= apply_filter's switch): 0 mirror ('constant',
 * 'grid-constant', 'mirror', 'wrap'), 1 wrap ('grid-wrap'), 2 reflect ('nearest', 'reflect',
 * 'grid-mirror'). */
CLRS_INLINE int clrs_ndi_filter_kind(int mode)
{
    if (mode == CLRS_NDI_M_GRID_WRAP) return 1;
    if (mode == CLRS_NDI_M_NEAREST || mode == CLRS_NDI_M_REFLECT || mode == CLRS_NDI_M_GRID_MIRROR) return 2;
    return 0;
}

/* Each initialisation sets one end element to a linear combination of the line. Written as
 * "coefficient of element j" functions so that the forward and the transpose use the very
 * same numbers: c0 = sum_j causal_coef(j) * c[j] (including j = 0), and likewise for the last
 * element (anticausal). These are the closed forms of _init_causal_* / _init_anticausal_*,
 * computed with scipy's recurrences for z^i. */

/* Forward recursion of one pole on line c (n elements, stride s), with the causal and
 * anticausal initialisations of `kind` (= _apply_filter with _init_*). */
#define CLRS_NDI_LINE_FN(NAME, PTR)                                                                \
    CLRS_INLINE void NAME(PTR c, clrs_i64 n, clrs_i64 s, clrs_ndr z, int kind)                       \
    {                                                                                               \
        clrs_i64 i;                                                                                 \
        clrs_ndr zi = z;                                                                            \
        if (kind == 0) { /* _init_causal_mirror */                                                 \
            const clrs_ndr zn1 = clrs_ndi_pow(z, n - 1);                                             \
            clrs_ndr c0 = c[0] + zn1 * c[(n - 1) * s];                                              \
            for (i = 1; i < n - 1; i++) {                                                           \
                c0 += zi * (c[i * s] + zn1 * c[(n - 1 - i) * s]);                                   \
                zi *= z;                                                                            \
            }                                                                                       \
            c[0] = c0 / (1 - zn1 * zn1);                                                            \
        } else if (kind == 1) { /* _init_causal_wrap */                                            \
            clrs_ndr c0 = c[0];                                                                     \
            for (i = 1; i < n; i++) {                                                               \
                c0 += zi * c[(n - i) * s];                                                          \
                zi *= z;                                                                            \
            }                                                                                       \
            c[0] = c0 / (1 - zi);                                                                   \
        } else { /* _init_causal_reflect; its last term reads c[0] already updated in place */  \
            const clrs_ndr zn = clrs_ndi_pow(z, n), c00 = c[0];                                      \
            clrs_ndr c0 = c[0] + zn * c[(n - 1) * s];                                               \
            for (i = 1; i < n - 1; i++) {                                                           \
                c0 += zi * (c[i * s] + zn * c[(n - 1 - i) * s]);                                    \
                zi *= z;                                                                            \
            }                                                                                       \
            c0 += zi * (c[(n - 1) * s] + zn * c0);                                                  \
            c0 *= z / (1 - zn * zn);                                                                \
            c[0] = c0 + c00;                                                                        \
        }                                                                                           \
        for (i = 1; i < n; i++) c[i * s] += z * c[(i - 1) * s];                                     \
        if (kind == 0) { /* _init_anticausal_mirror */                                             \
            c[(n - 1) * s] = (z * c[(n - 2) * s] + c[(n - 1) * s]) * z / (z * z - 1);                \
        } else if (kind == 1) { /* _init_anticausal_wrap */                                        \
            clrs_ndr cl = c[(n - 1) * s];                                                           \
            zi = z;                                                                                 \
            for (i = 0; i < n - 1; i++) {                                                           \
                cl += zi * c[i * s];                                                                \
                zi *= z;                                                                            \
            }                                                                                       \
            c[(n - 1) * s] = cl * (z / (zi - 1));                                                   \
        } else { /* _init_anticausal_reflect */                                                    \
            c[(n - 1) * s] *= z / (z - 1);                                                          \
        }                                                                                           \
        for (i = n - 2; i >= 0; i--) c[i * s] = z * (c[(i + 1) * s] - c[i * s]);                    \
    }

/* The transpose of NAME's linear map (reverse order, each elementary step transposed). */
#define CLRS_NDI_LINE_ADJ_FN(NAME, PTR)                                                            \
    CLRS_INLINE void NAME(PTR g, clrs_i64 n, clrs_i64 s, clrs_ndr z, int kind)                       \
    {                                                                                               \
        clrs_i64 i;                                                                                 \
        clrs_ndr zi;                                                                                \
        /* c[i] = z * (c[i+1] - c[i]), i = 0 .. n-2 in reverse order of the forward */              \
        for (i = 0; i <= n - 2; i++) {                                                              \
            const clrs_ndr gi = g[i * s];                                                           \
            g[(i + 1) * s] += z * gi;                                                               \
            g[i * s] = -z * gi;                                                                     \
        }                                                                                           \
        if (kind == 0) {                                                                            \
            const clrs_ndr gl = g[(n - 1) * s], f = z / (z * z - 1);                                \
            g[(n - 2) * s] += gl * z * f;                                                           \
            g[(n - 1) * s] = gl * f;                                                                \
        } else if (kind == 1) {                                                                     \
            clrs_ndr zn = z, f;                                                                     \
            for (i = 0; i < n - 1; i++) zn *= z;                                                    \
            f = z / (zn - 1);                                                                       \
            {                                                                                       \
                const clrs_ndr gl = g[(n - 1) * s] * f;                                             \
                g[(n - 1) * s] = gl;                                                                \
                zi = z;                                                                             \
                for (i = 0; i < n - 1; i++) {                                                       \
                    g[i * s] += zi * gl;                                                            \
                    zi *= z;                                                                        \
                }                                                                                   \
            }                                                                                       \
        } else {                                                                                    \
            g[(n - 1) * s] *= z / (z - 1);                                                          \
        }                                                                                           \
        /* c[i] += z * c[i-1], i = 1 .. n-1: transposed in reverse */                               \
        for (i = n - 1; i >= 1; i--) g[(i - 1) * s] += z * g[i * s];                                \
        zi = z;                                                                                     \
        if (kind == 0) {                                                                            \
            const clrs_ndr zn1 = clrs_ndi_pow(z, n - 1), g0 = g[0] / (1 - zn1 * zn1);               \
            g[0] = g0;                                                                              \
            g[(n - 1) * s] += zn1 * g0;                                                             \
            for (i = 1; i < n - 1; i++) {                                                           \
                g[i * s] += zi * g0;                                                                \
                g[(n - 1 - i) * s] += zi * zn1 * g0;                                                \
                zi *= z;                                                                            \
            }                                                                                       \
        } else if (kind == 1) {                                                                     \
            clrs_ndr zn = z, g0;                                                                    \
            for (i = 1; i < n; i++) zn *= z;                                                        \
            g0 = g[0] / (1 - zn);                                                                   \
            g[0] = g0;                                                                              \
            for (i = 1; i < n; i++) {                                                               \
                g[(n - i) * s] += zi * g0;                                                          \
                zi *= z;                                                                            \
            }                                                                                       \
        } else {                                                                                    \
            const clrs_ndr zn = clrs_ndi_pow(z, n), g00 = g[0], gt = g[0] * (z / (1 - zn * zn));    \
            clrs_ndr zl = z, gs;                                                                    \
            for (i = 1; i < n - 1; i++) zl *= z;                                                    \
            gs = gt * (1 + zl * zn); /* the running sum S, read again by the last term */           \
            g[0] = g00 + gs;                                                                        \
            g[(n - 1) * s] += gt * zl + zn * gs;                                                    \
            for (i = 1; i < n - 1; i++) {                                                           \
                g[i * s] += zi * gs;                                                                \
                g[(n - 1 - i) * s] += zi * zn * gs;                                                 \
                zi *= z;                                                                            \
            }                                                                                       \
        }                                                                                           \
    }

/* pow(z, n) for an integer n >= 0, as libm's pow gives it (scipy calls pow). */
CLRS_INLINE clrs_ndr clrs_ndi_pow(clrs_ndr z, clrs_i64 n) { return pow(z, (clrs_ndr)n); }

CLRS_NDI_LINE_FN(clrs_ndi_pole_line, CLRS_GLOBAL clrs_ndr *)
CLRS_NDI_LINE_ADJ_FN(clrs_ndi_pole_line_adj, CLRS_GLOBAL clrs_ndr *)

/* = apply_filter: the gain, then each pole's two recursions. Lines of length 1 are left as
 * they are (NI_SplineFilter1D filters only len > 1). */
CLRS_INLINE void clrs_ndi_filter_line(CLRS_GLOBAL clrs_ndr *c, clrs_i64 n, clrs_i64 s, int order, int mode)
{
    clrs_ndr z[2], gain = 1;
    const int np = clrs_ndi_poles(order, z), kind = clrs_ndi_filter_kind(mode);
    clrs_i64 i;
    int p;
    if (n <= 1 || np == 0) return;
    for (p = 0; p < np; p++) gain *= (1 - z[p]) * (1 - 1 / z[p]);
    for (i = 0; i < n; i++) c[i * s] *= gain;
    for (p = 0; p < np; p++) clrs_ndi_pole_line(c, n, s, z[p], kind);
}

/* The transpose of clrs_ndi_filter_line. */
CLRS_INLINE void clrs_ndi_filter_line_adj(CLRS_GLOBAL clrs_ndr *g, clrs_i64 n, clrs_i64 s, int order, int mode)
{
    clrs_ndr z[2], gain = 1;
    const int np = clrs_ndi_poles(order, z), kind = clrs_ndi_filter_kind(mode);
    clrs_i64 i;
    int p;
    if (n <= 1 || np == 0) return;
    for (p = np - 1; p >= 0; p--) clrs_ndi_pole_line_adj(g, n, s, z[p], kind);
    for (p = 0; p < np; p++) gain *= (1 - z[p]) * (1 - 1 / z[p]);
    for (i = 0; i < n; i++) g[i * s] *= gain;
}

#endif /* CLRS_RESAMPLE_MATH_NDIMAGE_H */
