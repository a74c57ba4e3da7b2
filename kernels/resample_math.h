/* resample_math.h — the coordinate math and per-element bodies of clresample, written once.
 *
 * This header compiles both as C99 (the plan and the host backend include it) and as
 * OpenCL C (every kernel includes it), so the two backends cannot drift apart. It owns:
 * storage conversions (f16, bf16), PyTorch's scale / source-index / weight formulas for
 * interpolate (used by the plan to build per-axis tables), and the separable gather body that
 * applies those tables (run by the host loops and by the OpenCL kernel alike).
 * Each formula cites the ATen function it reproduces, including its float32 steps. */
#ifndef CLRS_RESAMPLE_MATH_H
#define CLRS_RESAMPLE_MATH_H

#ifdef __OPENCL_VERSION__
/* ---- OpenCL C side ---- */
#pragma OPENCL FP_CONTRACT OFF
#if defined(cl_khr_fp64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define CLRS_HAVE_DOUBLE 1
#else
#define CLRS_HAVE_DOUBLE 0
#endif
#define CLRS_GLOBAL __global
/* static: a program keeps only the functions its kernels call. Plain `inline` left an
 * external copy of every function of these headers in each program, and PoCL's program
 * binary of a trivial kernel grew from 49 to 160 KB and took 5 ms instead of 1 ms to load
 * (OpenCL C 1.1 has no `static`). */
#if __OPENCL_C_VERSION__ >= 120
#define CLRS_INLINE static inline
#else
#define CLRS_INLINE inline
#endif
typedef long clrs_i64;
typedef int clrs_i32;
typedef uint clrs_u32;
typedef ushort clrs_u16;
typedef uchar clrs_u8;
typedef half clrs_f16_t; /* storage only: vload_half / vstore_half_rte need no extension */
#define CLRS_FLOORF(x) floor((float)(x))
#define CLRS_FLOOR(x) floor(x)
#define CLRS_CEILF(x) ceil((float)(x))
static inline float clrs_bits_to_float(clrs_u32 u) { return as_float(u); }
static inline clrs_u32 clrs_float_to_bits(float f) { return as_uint(f); }
#else
/* ---- C99 side ---- */
#include <math.h>
#include <stdint.h>
#include <string.h>
#define CLRS_HAVE_DOUBLE 1
#define CLRS_GLOBAL
#define CLRS_INLINE static inline
typedef int64_t clrs_i64;
typedef int32_t clrs_i32;
typedef uint32_t clrs_u32;
typedef uint16_t clrs_u16;
typedef uint8_t clrs_u8;
typedef uint16_t clrs_f16_t;
#define CLRS_FLOORF(x) floorf((float)(x))
#define CLRS_FLOOR(x) floor(x)
#define CLRS_CEILF(x) ceilf((float)(x))
static inline float clrs_bits_to_float(clrs_u32 u) { float f; memcpy(&f, &u, 4); return f; }
static inline clrs_u32 clrs_float_to_bits(float f) { clrs_u32 u; memcpy(&u, &f, 4); return u; }
#endif

/* ---- Storage conversions -------------------------------------------------------------------
 * f16 and bf16 are storage formats; arithmetic is float. Rounding is to nearest, ties to even,
 * on both backends (OpenCL: vstore_half_rte; host: the same rule written out below). */

CLRS_INLINE float clrs_bf16_to_float(clrs_u16 b) { return clrs_bits_to_float((clrs_u32)b << 16); }

CLRS_INLINE clrs_u16 clrs_float_to_bf16(float f)
{
    clrs_u32 u = clrs_float_to_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN: keep it a (quiet) NaN */
        return (clrs_u16)((u >> 16) | 0x0040u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (clrs_u16)(u >> 16);
}

/* uint8 storage: a value rounded half to even and saturated to [0, 255] (NaN to 0). The ops
 * that take uint8 so far (nearest picks, max_pool, max_unpool) only move stored values, which
 * convert exactly both ways. */
CLRS_INLINE clrs_u8 clrs_float_to_u8(float v)
{
    if (!(v > 0.0f)) return (clrs_u8)0;
    if (v >= 255.0f) return (clrs_u8)255;
    return (clrs_u8)rint(v);
}

#ifndef __OPENCL_VERSION__
/* Host twins of OpenCL's vload_half / vstore_half_rte (exact IEEE binary16 conversions). */
CLRS_INLINE float clrs_half_to_float(clrs_u16 h)
{
    clrs_u32 sign = (clrs_u32)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    if (exp == 0x1f) return clrs_bits_to_float(sign | 0x7f800000u | (man << 13));
    if (exp == 0) { /* zero or subnormal: man * 2^-24, exact in float */
        float v = (float)man * 5.9604644775390625e-8f;
        return sign ? -v : v;
    }
    return clrs_bits_to_float(sign | ((exp + 112u) << 23) | (man << 13));
}

CLRS_INLINE clrs_u16 clrs_float_to_half(float f)
{
    clrs_u32 u = clrs_float_to_bits(f), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return (clrs_u16)(sign | 0x7e00u | ((a >> 13) & 0x3ffu)); /* NaN */
    if (a >= 0x477ff000u) return (clrs_u16)(sign | 0x7c00u); /* rounds to or is infinity */
    if (a < 0x38800000u) { /* subnormal half or zero: round a * 2^24 to an integer, ties even */
        float v = clrs_bits_to_float(a) * 16777216.0f; /* exact: a power of two */
        float r = rintf(v);                            /* default mode: ties to even */
        return (clrs_u16)(sign | (clrs_u32)r);
    }
    {
        clrs_u32 m = a + 0xc8000fffu + ((a >> 13) & 1u); /* rebias 127->15, round ties even */
        return (clrs_u16)(sign | (m >> 13));
    }
}
#endif

/* ---- interpolate: scales, source indices and weights (ATen UpSample.h) ---------------------
 * Instantiated for double ("_d", the arithmetic PyTorch uses for float64 tensors and for some
 * intermediate steps of float32 ones) and float ("_f", for float32, float16 and bfloat16).
 * PyTorch mixes the two inside one formula in places; resample_math_real.h spells out each
 * mix. Needs double, so a device without fp64 simply does not see this part. */
/* = ATen AdaptivePooling.h start_index / end_index: the window of output o of adaptive
 * average pooling (interpolate mode "area"), in integer arithmetic. */
CLRS_INLINE clrs_i64 clrs_area_start(clrs_i64 o, clrs_i64 out, clrs_i64 in)
{
    return (o / out) * in + ((o % out) * in) / out;
}
CLRS_INLINE clrs_i64 clrs_area_end(clrs_i64 o, clrs_i64 out, clrs_i64 in)
{
    return 1 + ((o + 1) * in - 1) / out;
}

#if CLRS_HAVE_DOUBLE
/* = ATen UpSample.h nearest_idx: float32 scale, with a copy when out == in and a shift when
 * out == 2*in (whatever scale_factor was given). ATen uses it for the 2-D and 3-D nearest
 * forward and for every nearest backward. */
CLRS_INLINE clrs_i64 clrs_nearest_idx(clrs_i64 o, clrs_i64 in, clrs_i64 out, double user_scale)
{
    float scale;
    clrs_i64 i;
    if (out == in) return o;
    if (out == 2 * in) return o >> 1;
    scale = user_scale > 0.0 ? (float)(1.0 / user_scale) : (float)in / (float)out;
    i = (clrs_i64)CLRS_FLOORF((float)o * scale); /* = nearest_neighbor_compute_source_index */
    return i < in - 1 ? i : in - 1;
}

/* = ATen UpSample.h nearest_exact_idx: float32 scale, (o + 0.5) * scale in double. */
CLRS_INLINE clrs_i64 clrs_nearest_exact_idx(clrs_i64 o, clrs_i64 in, clrs_i64 out,
                                            double user_scale)
{
    float scale = user_scale > 0.0 ? (float)(1.0 / user_scale) : (float)in / (float)out;
    clrs_i64 i = (clrs_i64)CLRS_FLOORF(((double)o + 0.5) * (double)scale);
    return i < in - 1 ? i : in - 1;
}
#endif

/* ---- max pooling windows (ATen MaxPoolKernel.cpp / Pool.h), one axis ------------------------
 * Output o reads inputs start + t * dilation for t in [0, kernel), skipping those outside
 * [0, in). The gather backward needs the reverse: the outputs whose window holds input i. */

/* = pooling_output_shape: the pooled size (before the "too small" check). */
CLRS_INLINE clrs_i64 clrs_pool_out_size(clrs_i64 in, clrs_i64 k, clrs_i64 s, clrs_i64 p,
                                        clrs_i64 d, int ceil_mode)
{
    clrs_i64 num = in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), out;
    out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1; /* div_rtn: rounds toward -inf */
    if (ceil_mode && (out - 1) * s >= in + p) out--;       /* the last window must start inside */
    return out;
}

/* The first input index of output o's window that lies inside [0, in) (ATen: ih0 stepped
 * forward by the dilation), and one past the last window position, clipped to in. */
CLRS_INLINE clrs_i64 clrs_pool_first(clrs_i64 o, clrs_i64 s, clrs_i64 p, clrs_i64 d)
{
    clrs_i64 i = o * s - p;
    while (i < 0) i += d;
    return i;
}
CLRS_INLINE clrs_i64 clrs_pool_end(clrs_i64 o, clrs_i64 in, clrs_i64 k, clrs_i64 s, clrs_i64 p,
                                   clrs_i64 d)
{
    clrs_i64 e = o * s - p + (k - 1) * d + 1;
    return e < in ? e : in;
}

/* The element offset of flat index `flat` of a plane of sizes (., n1, n2) with strides s0,
 * s1, s2 (max_unpool's indices are flat plane offsets; planes may be strided). */
CLRS_INLINE clrs_i64 clrs_plane_offset(clrs_i64 flat, clrs_i64 n1, clrs_i64 n2, clrs_i64 s0,
                                       clrs_i64 s1, clrs_i64 s2)
{
    return (flat / (n1 * n2)) * s0 + ((flat / n2) % n1) * s1 + (flat % n2) * s2;
}

/* Kernel sizes above this are refused (the gather keeps one window's readers in registers). */
#define CLRS_POOL_MAX_K 32

/* The outputs (in increasing order) whose window holds input i: up to k of them. */
CLRS_INLINE int clrs_pool_readers(clrs_i64 i, clrs_i64 out, clrs_i64 k, clrs_i64 s, clrs_i64 p,
                                  clrs_i64 d, clrs_i64 *olist)
{
    int n = 0;
    clrs_i64 t;
    for (t = k - 1; t >= 0; t--) { /* larger t: an earlier output */
        clrs_i64 q = i + p - t * d;
        if (q < 0 || q % s) continue;
        if (q / s < out) olist[n++] = q / s;
    }
    return n;
}

#include "resample_math_shuffle.h"

/* How one axis maps destination to source indices. */
#define CLRS_AXIS_NEAREST 0
#define CLRS_AXIS_NEAREST_EXACT 1
#define CLRS_AXIS_LINEAR 2
#define CLRS_AXIS_CUBIC 3
#define CLRS_AXIS_AREA 4
#define CLRS_AXIS_AA_LINEAR 5
#define CLRS_AXIS_AA_CUBIC 6
#define CLRS_AXIS_AA_LANCZOS 7

#define CLRS_R float
#define CLRS_RS(name) name##_f
#include "resample_math_coord.h"
#undef CLRS_R
#undef CLRS_RS

#if CLRS_HAVE_DOUBLE
#define CLRS_R double
#define CLRS_RS(name) name##_d
#include "resample_math_coord.h"
#include "resample_math_real.h"
#undef CLRS_R
#undef CLRS_RS

#define CLRS_R float
#define CLRS_RS(name) name##_f
#include "resample_math_real.h"
#undef CLRS_R
#undef CLRS_RS
#endif


/* ---- The separable gather ------------------------------------------------------------------
 * A table describes, for each of up to three spatial axes, every destination index o as a list
 * of (source index, weight) taps. The destination element is
 *     sum_t0 w0 * ( sum_t1 w1 * ( sum_t2 w2 * src[i0, i1, i2] ) )
 * innermost axis first, as ATen's separable CPU kernel nests it. Forward tables map output
 * to input; backward uses the transposed tables (input to output), so backward is the same
 * gather, deterministic and atomic-free.
 *
 * Integer table layout (one buffer): a 12-int header, per axis a = 0..2:
 *   tab[4a+0] offset of count[] (one int per destination index),
 *   tab[4a+1] offset of index[] (taps_max ints per destination index),
 *   tab[4a+2] taps_max, tab[4a+3] offset of weight[] in the weight buffer. */
#define CLRS_TAB_HEADER 12

/* Fixed tap counts per axis (0: read them from the table). */
#ifndef CLRS_TAPS0
#define CLRS_TAPS0 0
#endif
#ifndef CLRS_TAPS1
#define CLRS_TAPS1 0
#endif
#ifndef CLRS_TAPS2
#define CLRS_TAPS2 0
#endif

/* Per storage dtype: CLRS_SFX names, the storage type, the accumulation type and the
 * load / store of one element. */
#define CLRS_SFX f32
#define CLRS_ST float
#define CLRS_ACC float
#define CLRS_RFN(name) name##_f
#define CLRS_LOAD(p, i) ((p)[i])
#define CLRS_STORE(p, i, v) ((p)[i] = (v))
#include "resample_math_body.h"
#undef CLRS_SFX
#undef CLRS_ST
#undef CLRS_ACC
#undef CLRS_LOAD
#undef CLRS_STORE
#undef CLRS_RFN

#define CLRS_SFX bf16
#define CLRS_ST clrs_u16
#define CLRS_ACC float
#define CLRS_RFN(name) name##_f
#define CLRS_LOAD(p, i) clrs_bf16_to_float((p)[i])
#define CLRS_STORE(p, i, v) ((p)[i] = clrs_float_to_bf16(v))
#include "resample_math_body.h"
#undef CLRS_SFX
#undef CLRS_ST
#undef CLRS_ACC
#undef CLRS_LOAD
#undef CLRS_STORE
#undef CLRS_RFN

#define CLRS_SFX f16
#define CLRS_ST clrs_f16_t
#define CLRS_ACC float
#define CLRS_RFN(name) name##_f
#ifdef __OPENCL_VERSION__
#define CLRS_LOAD(p, i) vload_half((size_t)(i), (p))
#define CLRS_STORE(p, i, v) vstore_half_rte((v), (size_t)(i), (p))
#else
#define CLRS_LOAD(p, i) clrs_half_to_float((p)[i])
#define CLRS_STORE(p, i, v) ((p)[i] = clrs_float_to_half(v))
#endif
#include "resample_math_body.h"
#undef CLRS_SFX
#undef CLRS_ST
#undef CLRS_ACC
#undef CLRS_LOAD
#undef CLRS_STORE
#undef CLRS_RFN

/* uint8: on a device only in the programs built for it (CLRS_DTYPE 5) */
#if !defined(__OPENCL_VERSION__) || (defined(CLRS_DTYPE) && CLRS_DTYPE == 5)
#define CLRS_SFX u8
#define CLRS_ST clrs_u8
#define CLRS_ACC float
#define CLRS_RFN(name) name##_f
#define CLRS_LOAD(p, i) ((float)(p)[i])
#define CLRS_STORE(p, i, v) ((p)[i] = clrs_float_to_u8(v))
#include "resample_math_body.h"
#undef CLRS_SFX
#undef CLRS_ST
#undef CLRS_ACC
#undef CLRS_LOAD
#undef CLRS_STORE
#undef CLRS_RFN
#endif

#if CLRS_HAVE_DOUBLE
#define CLRS_SFX f64
#define CLRS_ST double
#define CLRS_ACC double
#define CLRS_RFN(name) name##_d
#define CLRS_LOAD(p, i) ((p)[i])
#define CLRS_STORE(p, i, v) ((p)[i] = (v))
#include "resample_math_body.h"
#undef CLRS_SFX
#undef CLRS_ST
#undef CLRS_ACC
#undef CLRS_LOAD
#undef CLRS_STORE
#undef CLRS_RFN
#endif

#include "resample_math_u8.h"

/* scipy.ndimage (a separate block: its own header) */
#include "resample_math_ndimage.h"

#endif /* CLRS_RESAMPLE_MATH_H */
