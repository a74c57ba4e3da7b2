/* fuzz_grid_sample.c — clrs_grid_sample, clrs_grid_sample_backward, clrs_affine_grid,
 * clrs_affine_grid_backward on the host backend with arbitrary parameters and tensors (see
 * fuzz_common.h). Grids are filled with small values, random bits or NaN / inf / 1e30. */
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    clrs_grid_sample_params params;
    const clrs_grid_sample_params *pp;
    const int op = fz_pick(&in, 4);
    const int dims = 2 + fz_pick(&in, 2); /* spatial dims */
    const clrs_dtype dtype = (clrs_dtype)(fz_pick(&in, 4) == 0 ? CLRS_F64 : fz_pick(&in, 4) == 0 ? CLRS_BF16 : CLRS_F32);
    const int64_t N = fz_size(&in), C = fz_size(&in);
    int64_t ishape[5], gshape[5], oshape[5], tshape[3];
    fz_tensor t[5];
    clrs_status st;
    int i, align;

    fz_begin();
    memset(&params, 0, sizeof params);
    params.mode = (clrs_grid_mode)fz_enum(&in, 3);
    params.padding_mode = (clrs_padding_mode)fz_enum(&in, 3);
    params.align_corners = fz_pick(&in, 8) ? fz_pick(&in, 2) : fz_tristate(&in);
    params.deterministic = fz_tristate(&in);
    pp = fz_rare(&in, 32) ? NULL : &params;
    align = fz_pick(&in, 8) ? fz_pick(&in, 2) : fz_enum(&in, 2);

    /* input (N, C, [D,] H, W), grid (N, [oD,] oH, oW, dims), output (N, C, [oD,] oH, oW) */
    ishape[0] = oshape[0] = gshape[0] = N;
    ishape[1] = oshape[1] = C;
    for (i = 0; i < dims; i++) {
        ishape[2 + i] = fz_size(&in);
        gshape[1 + i] = oshape[2 + i] = fz_size(&in);
    }
    gshape[1 + dims] = dims;
    tshape[0] = N, tshape[1] = dims, tshape[2] = dims + 1;

    switch (op) {
    case 0:
        fz_tensor_make(&in, &t[0], dims + 2, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], dims + 2, dtype, gshape, 0, 0);
        fz_tensor_make(&in, &t[2], dims + 2, dtype, oshape, 1, 0);
        st = clrs_grid_sample(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_grid_sample", st);
        break;
    case 1:
        fz_tensor_make(&in, &t[0], dims + 2, dtype, oshape, 0, 0);
        fz_tensor_make(&in, &t[1], dims + 2, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[2], dims + 2, dtype, gshape, 0, 0);
        fz_tensor_make(&in, &t[3], dims + 2, dtype, ishape, 1, 1);
        fz_tensor_make(&in, &t[4], dims + 2, dtype, gshape, 1, 1);
        st = clrs_grid_sample_backward(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]),
                                       fz_ptr(&t[3]), fz_ptr(&t[4]));
        fz_check("clrs_grid_sample_backward", st);
        break;
    case 2:
        fz_tensor_make(&in, &t[0], 3, dtype, tshape, 0, 0);
        fz_tensor_make(&in, &t[1], dims + 2, dtype, gshape, 1, 0);
        st = clrs_affine_grid(fz_ctx(&in), align, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_affine_grid", st);
        break;
    default:
        fz_tensor_make(&in, &t[0], dims + 2, dtype, gshape, 0, 0);
        fz_tensor_make(&in, &t[1], 3, dtype, tshape, 1, 0);
        st = clrs_affine_grid_backward(fz_ctx(&in), align, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_affine_grid_backward", st);
        break;
    }
    return 0;
}
