/* fuzz_conv_transpose.c — clrs_conv_transpose, _backward, _shape and _workspace_size on the
 * host backend with arbitrary parameters and tensors (see fuzz_common.h). Tensors are capped
 * at 4096 elements: a GEMM's work is the product of two tensors' sizes. */
#include "fuzz_common.h"

#include <string.h>

static int64_t pad(fz_in *in)
{
    const uint8_t b = fz_u8(in);
    return b < 170 ? 0 : b < 220 ? 1 + b % 2 : fz_i64(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    clrs_conv_transpose_params params;
    const clrs_conv_transpose_params *pp;
    const int op = fz_pick(&in, 4);
    const int ndim = 3 + fz_pick(&in, 3);
    const clrs_dtype dtype = (clrs_dtype)(fz_pick(&in, 4) == 0 ? CLRS_F64 : fz_pick(&in, 4) == 0 ? CLRS_F16 : CLRS_F32);
    int64_t ishape[5] = {0}, wshape[5] = {0}, oshape[5], bshape[1];
    fz_tensor t[6];
    clrs_status st;
    int i, have;

    fz_begin();
    fz_set_caps(4096, (size_t)1 << 20);
    memset(&params, 0, sizeof params);
    for (i = 0; i < 3; i++) {
        params.stride[i] = fz_param(&in);
        params.padding[i] = pad(&in);
        params.output_padding[i] = fz_pick(&in, 4) ? 0 : pad(&in);
        params.dilation[i] = fz_pick(&in, 2) ? CLRS_DEFAULT : fz_param(&in);
    }
    params.groups = fz_pick(&in, 2) ? CLRS_DEFAULT : fz_param(&in);
    pp = fz_rare(&in, 32) ? NULL : &params;
    /* input (N, C_in, spatial...), weight (C_in, C_out / groups, k...) */
    ishape[0] = fz_size(&in);
    ishape[1] = wshape[0] = fz_size(&in);
    if (ishape[1] > 0 && ishape[1] <= 64 && params.groups > 0 && params.groups <= 4) /* no overflow */
        ishape[1] = wshape[0] = ishape[1] * params.groups;
    wshape[1] = fz_size(&in);
    for (i = 2; i < ndim; i++) ishape[i] = fz_size(&in), wshape[i] = 1 + fz_pick(&in, 3);

    if (op == 2) { /* shape: arbitrary ndim; arrays of exactly the entries given */
        const int nd = fz_pick(&in, 4) ? ndim : fz_enum(&in, 8);
        const size_t n = nd >= 0 && nd <= 8 ? (size_t)nd : 8;
        size_t *w_in, *w_w, *w_out;
        int64_t *ins = fz_buffer(&in, n * sizeof(int64_t), 1, &w_in);
        int64_t *ws = fz_buffer(&in, n * sizeof(int64_t), 1, &w_w);
        int64_t *outs = fz_buffer(&in, n * sizeof(int64_t), 1, &w_out);
        for (i = 0; i < (int)n; i++) {
            if (ins) ins[i] = i < 5 && fz_pick(&in, 4) ? ishape[i] : fz_i64(&in);
            if (ws) ws[i] = i < 5 && fz_pick(&in, 4) ? wshape[i] : fz_i64(&in);
        }
        fz_snapshot();
        st = clrs_conv_transpose_shape(pp, nd, ins, ws, outs);
        if (st == CLRS_OK) *w_out = n * sizeof(int64_t);
        fz_check("clrs_conv_transpose_shape", st);
        return 0;
    }
    fz_tensor_make(&in, &t[0], ndim, dtype, ishape, 0, 0);  /* input */
    fz_tensor_make(&in, &t[1], ndim, dtype, wshape, 0, 0);  /* weight */
    have = pp && t[0].t.ndim >= 3 && t[0].t.ndim <= 5 && t[1].t.ndim == t[0].t.ndim &&
           FZ_HINT_OK(clrs_conv_transpose_shape(pp, t[0].t.ndim, t[0].t.shape, t[1].t.shape, oshape));
    if (!have) memcpy(oshape, ishape, sizeof oshape);
    bshape[0] = have ? oshape[1] : wshape[1];
    switch (op) {
    case 0:
        fz_tensor_make(&in, &t[2], 1, dtype, bshape, 0, 1);                            /* bias */
        fz_tensor_make(&in, &t[3], have ? t[0].t.ndim : ndim, dtype, oshape, 1, 0);    /* output */
        st = clrs_conv_transpose(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]), fz_ptr(&t[3]));
        fz_check("clrs_conv_transpose", st);
        break;
    case 1:
        fz_tensor_make(&in, &t[2], have ? t[0].t.ndim : ndim, dtype, oshape, 0, 0);    /* grad_output */
        fz_tensor_make(&in, &t[3], t[0].t.ndim, dtype, t[0].t.shape, 1, 1);          /* grad_input */
        fz_tensor_make(&in, &t[4], t[1].t.ndim, dtype, t[1].t.shape, 1, 1);          /* grad_weight */
        fz_tensor_make(&in, &t[5], 1, dtype, bshape, 1, 1);                            /* grad_bias */
        st = clrs_conv_transpose_backward(fz_ctx(&in), pp, fz_ptr(&t[2]), fz_ptr(&t[0]), fz_ptr(&t[1]),
                                          fz_ptr(&t[3]), fz_ptr(&t[4]), fz_ptr(&t[5]));
        fz_check("clrs_conv_transpose_backward", st);
        break;
    default: {
        size_t *w;
        size_t *bytes = fz_buffer(&in, sizeof(size_t), 1, &w);
        st = clrs_conv_transpose_workspace_size(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), bytes);
        if (st == CLRS_OK) *w = sizeof(size_t);
        fz_check("clrs_conv_transpose_workspace_size", st);
        break;
    }
    }
    return 0;
}
