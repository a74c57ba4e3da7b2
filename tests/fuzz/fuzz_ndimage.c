/* fuzz_ndimage.c — the scipy.ndimage entry points (clrs_spline_filter / 1d / _backward,
 * clrs_zoom_shape, clrs_zoom / _backward, clrs_affine_transform / _backward,
 * clrs_map_coordinates / _backward) on the host backend with arbitrary parameters (orders,
 * modes and flags out of range, cval / matrix / offset NaN, inf or 1e300) and tensors (see
 * fuzz_common.h). Coordinates are whatever the bytes make them (NaN, inf, huge). */
#include "fuzz_common.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    clrs_ndi_params params;
    const clrs_ndi_params *pp;
    const int op = fz_pick(&in, 10);
    const int ns = 1 + fz_pick(&in, 3), nb = fz_pick(&in, 3), nd = ns + nb;
    const clrs_dtype dtype = (clrs_dtype)(fz_pick(&in, 4) == 0 ? CLRS_F64 : fz_pick(&in, 4) == 0 ? CLRS_U8
                                          : fz_pick(&in, 4) == 0 ? CLRS_F16 : CLRS_F32);
    const clrs_dtype gdt = dtype == CLRS_U8 ? CLRS_F32 : dtype;
    int64_t ishape[5], oshape[5], cshape[5], zshape[5];
    double m[9], off[3], zoom[3];
    fz_tensor t[5];
    clrs_status st;
    int i, np = 1 + fz_pick(&in, 3);

    fz_begin();
    /* order-5 3-D taps (216 per point) over instrumented code: small tensors keep the target
     * at thousands of executions a second; the argument handling is what is fuzzed */
    fz_set_caps(512, (size_t)1 << 16);
    memset(&params, 0, sizeof params);
    params.order = fz_enum(&in, 6);
    params.mode = (clrs_ndi_mode)fz_enum(&in, 8);
    params.cval = fz_double(&in);
    params.prefilter = fz_pick(&in, 8) ? 1 : fz_enum(&in, 2);
    params.grid_mode = fz_pick(&in, 4) ? 0 : fz_enum(&in, 2);
    params.n_spatial = fz_pick(&in, 4) ? ns : fz_enum(&in, 4);
    pp = fz_rare(&in, 32) ? NULL : &params;
    for (i = 0; i < 9; i++) m[i] = fz_double(&in);
    for (i = 0; i < 3; i++) off[i] = fz_double(&in), zoom[i] = fz_double(&in);

    for (i = 0; i < nd; i++) ishape[i] = oshape[i] = fz_size(&in);
    for (i = nb; i < nd; i++) oshape[i] = fz_size(&in);
    cshape[0] = ns;
    for (i = 0; i < np; i++) cshape[1 + i] = fz_size(&in);
    for (i = 0; i < nb; i++) zshape[i] = ishape[i];
    for (i = 0; i < np; i++) zshape[nb + i] = cshape[1 + i];

    switch (op) {
    case 0:
    case 1:
        fz_tensor_make(&in, &t[0], nd, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, op ? CLRS_F64 : CLRS_F32, ishape, 1, 0);
        st = op ? clrs_spline_filter1d(fz_ctx(&in), pp, (int)fz_i64(&in), fz_ptr(&t[0]), fz_ptr(&t[1]))
                : clrs_spline_filter(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check(op ? "clrs_spline_filter1d" : "clrs_spline_filter", st);
        break;
    case 2: {
        size_t *w;
        int64_t *out = fz_buffer(&in, sizeof(int64_t) * 5, 1, &w);
        st = clrs_zoom_shape(pp, nd, fz_rare(&in, 16) ? NULL : ishape, fz_rare(&in, 16) ? NULL : zoom, out);
        *w = sizeof(int64_t) * (size_t)nd;
        fz_check("clrs_zoom_shape", st);
        break;
    }
    case 3:
        fz_tensor_make(&in, &t[0], nd, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, dtype, oshape, 1, 0);
        st = clrs_zoom(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_zoom", st);
        break;
    case 4:
        fz_tensor_make(&in, &t[0], nd, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, dtype, oshape, 1, 0);
        st = clrs_affine_transform(fz_ctx(&in), pp, fz_rare(&in, 16) ? NULL : m, fz_rare(&in, 16) ? NULL : off,
                                   fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_affine_transform", st);
        break;
    case 5:
        fz_tensor_make(&in, &t[0], nd, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], np + 1, gdt, cshape, 0, 0);
        fz_tensor_make(&in, &t[2], nb + np, dtype, zshape, 1, 0);
        st = clrs_map_coordinates(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]));
        fz_check("clrs_map_coordinates", st);
        break;
    case 6:
        fz_tensor_make(&in, &t[0], nd, gdt, oshape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, gdt, ishape, 1, 0);
        st = clrs_zoom_backward(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_zoom_backward", st);
        break;
    case 7:
        fz_tensor_make(&in, &t[0], nd, gdt, oshape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, gdt, ishape, 1, 0);
        st = clrs_affine_transform_backward(fz_ctx(&in), pp, m, off, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_affine_transform_backward", st);
        break;
    case 8:
        fz_tensor_make(&in, &t[0], nd, gdt, ishape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, gdt, ishape, 1, 0);
        st = clrs_spline_filter_backward(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]));
        fz_check("clrs_spline_filter_backward", st);
        break;
    default:
        fz_tensor_make(&in, &t[0], nb + np, gdt, zshape, 0, 0);
        fz_tensor_make(&in, &t[1], nd, dtype, ishape, 0, 0);
        fz_tensor_make(&in, &t[2], np + 1, gdt, cshape, 0, 0);
        fz_tensor_make(&in, &t[3], nd, gdt, ishape, 1, 1);
        fz_tensor_make(&in, &t[4], np + 1, gdt, cshape, 1, 1);
        st = clrs_map_coordinates_backward(fz_ctx(&in), pp, fz_ptr(&t[0]), fz_ptr(&t[1]), fz_ptr(&t[2]),
                                           fz_ptr(&t[3]), fz_ptr(&t[4]));
        fz_check("clrs_map_coordinates_backward", st);
        break;
    }
    return 0;
}
