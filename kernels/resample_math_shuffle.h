/* resample_math_shuffle.h — pixel_shuffle / pixel_unshuffle's index map, written once.
 * Included by resample_math.h, so it compiles as C99 (the host loop) and as OpenCL C
 * (pixel_shuffle.cl). Both ops are gathers: every destination element reads exactly one
 * source element, so a stored element is moved unchanged (any dtype, NaN payloads kept). */
#ifndef CLRS_RESAMPLE_MATH_SHUFFLE_H
#define CLRS_RESAMPLE_MATH_SHUFFLE_H

/* = ATen PixelShuffle.cpp (pixel_shuffle: view (*, C, r, r, H, W), permute to
 * (*, C, H, r, W, r), reshape; pixel_unshuffle: the inverse permutation). With r the factor:
 *   pixel_shuffle    output (c, h, w) reads input (c*r*r + (h%r)*r + w%r, h/r, w/r)
 *   pixel_unshuffle  output (c, h, w) reads input (c/(r*r), h*r + (c/r)%r, w*r + c%r)
 * The element offset of that input element within its (batch) slice, for input strides
 * (sc, sh, sw) along (channel, row, column). down: 0 pixel_shuffle, 1 pixel_unshuffle. */
CLRS_INLINE clrs_i64 clrs_shuffle_src(int down, clrs_i64 r, clrs_i64 c, clrs_i64 h, clrs_i64 w,
                                      clrs_i64 sc, clrs_i64 sh, clrs_i64 sw)
{
    if (!down) return (c * r * r + (h % r) * r + w % r) * sc + (h / r) * sh + (w / r) * sw;
    return (c / (r * r)) * sc + (h * r + (c / r) % r) * sh + (w * r + c % r) * sw;
}

/* Along a row both maps are periodic-linear with period r: source(w + k*r) = source(w) +
 * k * (source(r) - source(0)) (pixel_shuffle steps one input column, pixel_unshuffle r).
 * The host loop walks a row as r such progressions, calling the map once per progression. */

#endif /* CLRS_RESAMPLE_MATH_SHUFFLE_H */
