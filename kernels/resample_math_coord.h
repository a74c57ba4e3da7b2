/* resample_math_coord.h — coordinate math in one real type, on every device.
 *
 * Included by resample_math.h with CLRS_R = float (suffix _f) and, where there is fp64,
 * double (_d); never on its own. Pure CLRS_R arithmetic (no double literals), so it compiles
 * on devices without fp64. Formulas: ATen UpSample.h (cubic convolution), GridSampler.h
 * (1.13: unnormalize, clip, reflect, compute_coordinates and their *_set_grad twins, cubic
 * coefficient derivatives), affine_grid's linspace. */

/* = ATen UpSample.h cubic_convolution1 / cubic_convolution2 (Keys kernel, parameter A) */
CLRS_INLINE CLRS_R CLRS_RS(clrs_cubic_conv1)(CLRS_R x, CLRS_R A)
{
    return ((A + 2) * x - (A + 3)) * x * x + 1;
}
CLRS_INLINE CLRS_R CLRS_RS(clrs_cubic_conv2)(CLRS_R x, CLRS_R A)
{
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

/* = ATen UpSample.h get_cubic_upsample_coefficients (A = -0.75). ATen adds the double
 * literal 1.0 to t; for float t the sum rounded to float equals the float sum, so pure
 * CLRS_R arithmetic gives the same bits. */
CLRS_INLINE void CLRS_RS(clrs_cubic_coeffs)(CLRS_R t, CLRS_R c[4])
{
    const CLRS_R A = (CLRS_R)-0.75, one = (CLRS_R)1;
    c[0] = CLRS_RS(clrs_cubic_conv2)(t + one, A);
    c[1] = CLRS_RS(clrs_cubic_conv1)(t, A);
    c[2] = CLRS_RS(clrs_cubic_conv1)(one - t, A);
    c[3] = CLRS_RS(clrs_cubic_conv2)((one - t) + one, A);
}

/* = grid_sampler_unnormalize_set_grad: the pixel coordinate of a grid value, and
 * d(coordinate)/d(grid value). */
CLRS_INLINE CLRS_R CLRS_RS(clrs_grid_unnormalize)(CLRS_R g, clrs_i64 size, int align_corners,
                                                  CLRS_R *grad)
{
    if (align_corners) {
        *grad = (CLRS_R)(size - 1) / 2;
        return ((g + 1) / 2) * (CLRS_R)(size - 1);
    }
    *grad = (CLRS_R)size / 2;
    return ((g + 1) * (CLRS_R)size - 1) / 2;
}

/* The two CPU kernels of ATen 1.13 treat a coordinate that is not finite differently, and the
 * library reproduces both: `vec` = 1 for the vectorised 4-D kernel (GridSamplerKernel.cpp),
 * 0 for the scalar 5-D one (GridSampler.cpp). */

/* = clip_coordinates_set_grad: borders count as out of bounds for the gradient. A NaN clips
 * to 0 in the 4-D kernel (vector max/min) and to size - 1 in the 5-D one
 * (std::min(size - 1, std::max(NaN, 0))). */
CLRS_INLINE CLRS_R CLRS_RS(clrs_grid_clip)(CLRS_R x, clrs_i64 size, int vec, CLRS_R *grad)
{
    CLRS_R hi = (CLRS_R)(size - 1);
    if (x != x) {
        *grad = (CLRS_R)0;
        return vec ? (CLRS_R)0 : hi;
    }
    if (x <= (CLRS_R)0) {
        *grad = (CLRS_R)0;
        return (CLRS_R)0;
    }
    if (x >= hi) {
        *grad = (CLRS_R)0;
        return hi;
    }
    *grad = (CLRS_R)1;
    return x;
}

/* = reflect_coordinates_set_grad, with the bounds given doubled (integers). An infinite or
 * NaN coordinate reflects to NaN (fmod), which the clip that follows then places. */
CLRS_INLINE CLRS_R CLRS_RS(clrs_grid_reflect)(CLRS_R x, clrs_i64 twice_low, clrs_i64 twice_high,
                                              CLRS_R *grad)
{
    CLRS_R lo, span, extra;
    int sign = 1, flips;
    if (twice_low == twice_high) {
        *grad = (CLRS_R)0;
        return (CLRS_R)0;
    }
    lo = (CLRS_R)twice_low / 2;
    span = (CLRS_R)(twice_high - twice_low) / 2;
    x = x - lo;
    if (x < (CLRS_R)0) {
        sign = -1;
        x = -x;
    }
    extra = fmod(x, span);
    if (extra != extra) {
        *grad = (CLRS_R)0;
        return extra;
    }
    /* PyTorch's (int)floor(x / span): past INT_MAX x86 gives INT_MIN, an even count; the
       conversion itself would be undefined, so that case is decided before it */
    flips = x / span >= (CLRS_R)2147483648.0 ? 0 : (int)CLRS_FLOOR(x / span);
    if (flips % 2 == 0) {
        *grad = (CLRS_R)sign;
        return extra + lo;
    }
    *grad = (CLRS_R)-sign;
    return span - extra + lo;
}

#define CLRS_PAD_ZEROS_ 0
#define CLRS_PAD_BORDER_ 1
#define CLRS_PAD_REFLECTION_ 2

/* = compute_coordinates_set_grad (padding applied to an unnormalized coordinate). */
CLRS_INLINE CLRS_R CLRS_RS(clrs_grid_pad)(CLRS_R x, clrs_i64 size, int padding, int align_corners,
                                          int vec, CLRS_R *grad)
{
    CLRS_R gc = (CLRS_R)1, gr = (CLRS_R)1;
    if (padding == CLRS_PAD_BORDER_) {
        x = CLRS_RS(clrs_grid_clip)(x, size, vec, &gc);
    } else if (padding == CLRS_PAD_REFLECTION_) {
        x = align_corners ? CLRS_RS(clrs_grid_reflect)(x, 0, 2 * (size - 1), &gr)
                          : CLRS_RS(clrs_grid_reflect)(x, -1, 2 * size - 1, &gr);
        x = CLRS_RS(clrs_grid_clip)(x, size, vec, &gc);
    }
    *grad = gr * gc;
    return x;
}

/* = get_cubic_coefficients_grad (A = -0.75): d coefficient / d t. */
CLRS_INLINE void CLRS_RS(clrs_cubic_coeffs_grad)(CLRS_R t, CLRS_R c[4])
{
    const CLRS_R A = (CLRS_R)-0.75;
    CLRS_R x = -1 - t;
    c[0] = (-3 * A * x - 10 * A) * x - 8 * A;
    x = -t;
    c[1] = (-3 * (A + 2) * x - 2 * (A + 3)) * x;
    x = 1 - t;
    c[2] = (3 * (A + 2) * x - 2 * (A + 3)) * x;
    x = 2 - t;
    c[3] = (3 * A * x - 10 * A) * x + 8 * A;
}

/* The taps of one grid point along one axis: up to 4 (index, weight, d weight / d coordinate)
 * for mode 0 bilinear (2 taps), 1 nearest (1 tap), 2 bicubic (4 taps). Out-of-range taps keep
 * their index (the caller skips them: zeros padding); bicubic taps are padded one by one
 * (= get_value_bounded). *dcoord: d(coordinate)/d(grid value) for the gradient. Returns the
 * tap count. A coordinate that is not finite behaves as in ATen: in the 4-D kernel (vec)
 * bilinear with zeros padding and bicubic give NaN (one tap of NaN weight), nearest with
 * zeros padding gives 0; in the 5-D kernel zeros padding gives 0; border and reflection place
 * it where clrs_grid_clip says. Its gradient is 0. */
CLRS_INLINE int CLRS_RS(clrs_grid_axis_taps)(CLRS_R g, clrs_i64 size, int mode, int padding,
                                             int align_corners, int vec, clrs_i64 *idx, CLRS_R *w,
                                             CLRS_R *dw, CLRS_R *dcoord)
{
    const CLRS_R big = (CLRS_R)4611686018427387904.0; /* 2^62: integer casts stay defined */
    CLRS_R x, f, gp;
    int k;
    x = CLRS_RS(clrs_grid_unnormalize)(g, size, align_corners, dcoord);
    if (mode == 2) { /* bicubic: the centre is not padded, each tap is */
        CLRS_R c[4], dc[4], t;
        if (x - x != (CLRS_R)0 || (padding == CLRS_PAD_ZEROS_ && !(x > -big && x < big))) {
            /* NaN or infinite: NaN in the 4-D kernel; far outside with zeros: nothing */
            *dcoord = (CLRS_R)0;
            if (!vec || x - x == (CLRS_R)0) return 0;
            idx[0] = 0;
            w[0] = x - x; /* NaN */
            dw[0] = (CLRS_R)0;
            return 1;
        }
        f = CLRS_FLOOR(x);
        t = x - f;
        CLRS_RS(clrs_cubic_coeffs)(t, c);
        CLRS_RS(clrs_cubic_coeffs_grad)(t, dc); /* ATen's sign: minus the derivative */
        for (k = 0; k < 4; k++) {
            CLRS_R p = CLRS_RS(clrs_grid_pad)(f - 1 + k, size, padding, align_corners, vec, &gp);
            idx[k] = (clrs_i64)p;
            w[k] = c[k];
            dw[k] = -dc[k];
        }
        return 4;
    }
    if (!(x > -big && x < big) && padding == CLRS_PAD_ZEROS_) {
        /* NaN, infinite or far outside: nothing, but NaN for the 4-D kernel's bilinear */
        *dcoord = (CLRS_R)0;
        if (!vec || mode == 1 || x - x == (CLRS_R)0) return 0;
        idx[0] = 0;
        w[0] = x - x; /* NaN, as ATen's vectorised bilinear */
        dw[0] = (CLRS_R)0;
        return 1;
    }
    x = CLRS_RS(clrs_grid_pad)(x, size, padding, align_corners, vec, &gp);
    *dcoord = *dcoord * gp;
    if (mode == 1) {
        /* nearest: the 4-D kernel rounds half to even (Vec::round / nearbyint), the 5-D kernel
         * half away from zero (std::round) */
        idx[0] = (clrs_i64)(vec ? rint(x) : round(x));
        w[0] = (CLRS_R)1;
        dw[0] = (CLRS_R)0;
        return 1;
    }
    f = CLRS_FLOOR(x);
    idx[0] = (clrs_i64)f;
    idx[1] = idx[0] + 1;
    w[1] = x - f;
    w[0] = (CLRS_R)1 - w[1];
    dw[0] = (CLRS_R)-1;
    dw[1] = (CLRS_R)1;
    return 2;
}

/* = affine_grid's base coordinate (linspace_from_neg_one): the i-th of n points. */
CLRS_INLINE CLRS_R CLRS_RS(clrs_affine_base)(clrs_i64 i, clrs_i64 n, int align_corners)
{
    CLRS_R v;
    if (n <= 1) return (CLRS_R)0;
    /* torch.linspace(-1, 1, n): step = 2 / (n - 1); values start + i * step, the upper half
     * computed from the end (end - (n - 1 - i) * step), as ATen's linspace kernel does. */
    {
        const CLRS_R step = (CLRS_R)2 / (CLRS_R)(n - 1);
        const clrs_i64 mid = n / 2;
        v = i < mid ? (CLRS_R)-1 + step * (CLRS_R)i : (CLRS_R)1 - step * (CLRS_R)(n - 1 - i);
    }
    if (!align_corners) v = v * ((CLRS_R)(n - 1) / (CLRS_R)n);
    return v;
}
