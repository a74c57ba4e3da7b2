/* kernel_dtype.h — the storage dtype an OpenCL kernel file is built for, from -DCLRS_DTYPE
 * (0 f32, 1 f64, 2 f16, 3 bf16, 5 u8: the clrs_dtype values; default f32). Included by every .cl
 * after resample_math.h; defines ST (storage type), ACC / R (arithmetic: double for f64,
 * float otherwise), SFX(name) (the body of resample_math_body.h for this dtype), RFN(name)
 * (the coordinate math in ACC), LOAD / STORE / COPY of one stored element. */
#ifndef CLRS_KERNEL_DTYPE_H
#define CLRS_KERNEL_DTYPE_H

#ifndef CLRS_DTYPE
#define CLRS_DTYPE 0
#endif

#if CLRS_DTYPE == 1
#define ST double
#define ACC double
#define SFX(name) name##_f64
#define RFN(name) name##_d
#elif CLRS_DTYPE == 2
#define ST half
#define ACC float
#define SFX(name) name##_f16
#define RFN(name) name##_f
#elif CLRS_DTYPE == 3
#define ST ushort
#define ACC float
#define SFX(name) name##_bf16
#define RFN(name) name##_f
#elif CLRS_DTYPE == 5
#define ST uchar
#define ACC float
#define SFX(name) name##_u8
#define RFN(name) name##_f
#else
#define ST float
#define ACC float
#define SFX(name) name##_f32
#define RFN(name) name##_f
#endif
#define R ACC

/* half has no direct loads and stores without cl_khr_fp16: through float, which holds every
 * half exactly, so COPY moves a stored element unchanged on every dtype. */
#if CLRS_DTYPE == 2
#define LOAD(p, i) vload_half((size_t)(i), (p))
#define STORE(p, i, v) vstore_half_rte((v), (size_t)(i), (p))
#define COPY(d, i, s, j) vstore_half_rte(vload_half((size_t)(j), (s)), (size_t)(i), (d))
#elif CLRS_DTYPE == 3
#define LOAD(p, i) clrs_bf16_to_float((p)[i])
#define STORE(p, i, v) ((p)[i] = clrs_float_to_bf16(v))
#define COPY(d, i, s, j) ((d)[i] = (s)[j])
#elif CLRS_DTYPE == 5
#define LOAD(p, i) ((float)(p)[i])
#define STORE(p, i, v) ((p)[i] = clrs_float_to_u8(v))
#define COPY(d, i, s, j) ((d)[i] = (s)[j])
#else
#define LOAD(p, i) ((p)[i])
#define STORE(p, i, v) ((p)[i] = (v))
#define COPY(d, i, s, j) ((d)[i] = (s)[j])
#endif

#endif /* CLRS_KERNEL_DTYPE_H */
