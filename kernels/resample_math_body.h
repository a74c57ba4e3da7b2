/* resample_math_body.h — the separable gather for one storage dtype.
 *
 * Included by resample_math.h once per dtype with CLRS_SFX (name suffix), CLRS_ST (storage
 * type), CLRS_ACC (accumulation and weight type), CLRS_LOAD and CLRS_STORE; never on its own.
 * The host backend calls these functions in OpenMP loops and the OpenCL kernel calls them
 * per work-item: the arithmetic is the same text on both. */

#define CLRS_CAT_(a, b) a##_##b
#define CLRS_CAT(a, b) CLRS_CAT_(a, b)
#define CLRS_FN(name) CLRS_CAT(name, CLRS_SFX)

/* dst[n, c, o0, o1, o2] = gather of src over the taps of (o0, o1, o2); see resample_math.h.
 * src_base / dst_base: element offsets of the (n, c) plane; s* / d*: spatial strides. */
CLRS_INLINE void CLRS_FN(clrs_gather_point)(const CLRS_GLOBAL CLRS_ST *src, clrs_i64 src_base,
                                            clrs_i64 s0, clrs_i64 s1, clrs_i64 s2,
                                            CLRS_GLOBAL CLRS_ST *dst, clrs_i64 dst_base,
                                            clrs_i64 d0, clrs_i64 d1, clrs_i64 d2,
                                            const CLRS_GLOBAL clrs_i32 *tab,
                                            const CLRS_GLOBAL CLRS_ACC *wt,
                                            clrs_i64 o0, clrs_i64 o1, clrs_i64 o2)
{
    const clrs_i32 k0 = tab[2], k1 = tab[6], k2 = tab[10];
    const clrs_i32 n0 = tab[tab[0] + o0], n1 = tab[tab[4] + o1], n2 = tab[tab[8] + o2];
    const CLRS_GLOBAL clrs_i32 *ix0 = tab + tab[1] + o0 * k0;
    const CLRS_GLOBAL clrs_i32 *ix1 = tab + tab[5] + o1 * k1;
    const CLRS_GLOBAL clrs_i32 *ix2 = tab + tab[9] + o2 * k2;
    const CLRS_GLOBAL CLRS_ACC *w0 = wt + tab[3] + o0 * k0;
    const CLRS_GLOBAL CLRS_ACC *w1 = wt + tab[7] + o1 * k1;
    const CLRS_GLOBAL CLRS_ACC *w2 = wt + tab[11] + o2 * k2;
    CLRS_ACC acc0 = (CLRS_ACC)0;
    clrs_i32 t0, t1, t2;
    for (t0 = 0; t0 < n0; t0++) {
        const clrs_i64 b0 = src_base + (clrs_i64)ix0[t0] * s0;
        CLRS_ACC acc1 = (CLRS_ACC)0;
        for (t1 = 0; t1 < n1; t1++) {
            const clrs_i64 b1 = b0 + (clrs_i64)ix1[t1] * s1;
            CLRS_ACC acc2 = (CLRS_ACC)0;
            for (t2 = 0; t2 < n2; t2++)
                acc2 += w2[t2] * CLRS_LOAD(src, b1 + (clrs_i64)ix2[t2] * s2);
            acc1 += w1[t1] * acc2;
        }
        acc0 += w0[t0] * acc1;
    }
    CLRS_STORE(dst, dst_base + o0 * d0 + o1 * d1 + o2 * d2, acc0);
}

#undef CLRS_FN
#undef CLRS_CAT
#undef CLRS_CAT_
