/* fuzz_interpolate.c — clrs_interpolate, clrs_interpolate_backward, clrs_interpolate_shape
 * on the host backend with arbitrary parameters and tensors (see fuzz_common.h). */
#include "fuzz_common.h"

#include <string.h>

static void decode_params(fz_in *in, clrs_interpolate_params *p)
{
    int i, style = fz_pick(in, 8);
    p->mode = (clrs_mode)fz_enum(in, 5);
    for (i = 0; i < 3; i++) {
        p->size[i] = style < 4 ? fz_size(in) : style < 7 ? 0 : fz_i64(in);
        p->scale_factor[i] = style < 4 ? 0.0 : fz_double(in);
    }
    if (style == 3) p->scale_factor[fz_pick(in, 3)] = fz_double(in); /* both given */
    p->align_corners = fz_tristate(in);
    p->recompute_scale_factor = fz_tristate(in);
    p->antialias = fz_pick(in, 4) ? fz_pick(in, 2) : fz_tristate(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    clrs_interpolate_params params;
    const clrs_interpolate_params *pp;
    const int op = fz_pick(&in, 3);
    const int ndim = 3 + fz_pick(&in, 3);
    const clrs_dtype dtype = (clrs_dtype)(fz_pick(&in, 4) == 0 ? CLRS_F64 : fz_pick(&in, 4) == 0 ? CLRS_F16
                                          : fz_pick(&in, 4) == 0 ? CLRS_U8 : CLRS_F32);
    int64_t shape[5], expect[5];
    fz_tensor a, b;
    clrs_status st;
    int i, have;

    fz_begin();
    memset(&params, 0, sizeof params);
    decode_params(&in, &params);
    pp = fz_rare(&in, 32) ? NULL : &params;
    for (i = 0; i < 5; i++) shape[i] = i < ndim ? fz_size(&in) : 0;

    if (op == 2) { /* shape: arbitrary ndim, in_shape arrays of exactly the entries given */
        const int nd = fz_pick(&in, 4) ? ndim : fz_enum(&in, 8);
        const size_t n = nd >= 0 && nd <= 8 ? (size_t)nd : 8;
        size_t *w_in, *w_out;
        int64_t *ins = fz_buffer(&in, n * sizeof(int64_t), 1, &w_in);
        int64_t *outs = fz_buffer(&in, n * sizeof(int64_t), 1, &w_out);
        if (ins)
            for (i = 0; i < (int)n; i++) ins[i] = i < 5 && fz_pick(&in, 4) ? shape[i] : fz_i64(&in);
        fz_snapshot(); /* the filled input array is the state to keep */
        st = clrs_interpolate_shape(pp, nd, ins, outs);
        if (st == CLRS_OK) *w_out = n * sizeof(int64_t);
        fz_check("clrs_interpolate_shape", st);
        return 0;
    }
    /* forward: input, then the output the input implies; backward: grad_input (the forward
       input), then grad_output of the interpolated shape */
    fz_tensor_make(&in, &a, ndim, dtype, shape, op == 1, 0);
    have = pp && a.t.ndim >= 3 && a.t.ndim <= 5 && FZ_HINT_OK(clrs_interpolate_shape(pp, a.t.ndim, a.t.shape, expect));
    fz_tensor_make(&in, &b, have ? a.t.ndim : ndim, dtype, have ? expect : shape, op == 0, 0);
    if (op == 0) {
        st = clrs_interpolate(fz_ctx(&in), pp, fz_ptr(&a), fz_ptr(&b));
        fz_check("clrs_interpolate", st);
    } else {
        st = clrs_interpolate_backward(fz_ctx(&in), pp, fz_ptr(&b), fz_ptr(&a));
        fz_check("clrs_interpolate_backward", st);
    }
    return 0;
}
