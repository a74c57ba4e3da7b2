/* dlpack_in.c — a tensor handed over through DLPack, as PyTorch, NumPy, CuPy or JAX export it
 * (here made by hand: a channels-last view, strides in elements), resized with no copy.
 *
 *   cc dlpack_in.c $(pkg-config --cflags --libs clresample) -o dlpack_in && ./dlpack_in
 *
 * From Python, torch.utils.dlpack.to_dlpack(t) or t.__dlpack__() gives a capsule whose
 * pointer is a DLManagedTensor; its dl_tensor is what clrs_tensor_from_dlpack reads. */
#include <clresample_dlpack.h>

#include <stdio.h>

int main(void)
{
    /* (N, C, H, W) = (1, 3, 2, 2) stored as (N, H, W, C): strides (12, 1, 6, 3) */
    float hwc[12] = {0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23};
    int64_t shape[4] = {1, 3, 2, 2}, strides[4] = {12, 1, 6, 3};
    const int64_t out_shape[4] = {1, 3, 4, 4};
    float out[3 * 4 * 4];
    DLTensor dl = {0};
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_tensor x, y;
    clrs_context *ctx = NULL;
    int c;

    dl.data = hwc;
    dl.device.device_type = kDLCPU;
    dl.ndim = 4;
    dl.dtype.code = kDLFloat, dl.dtype.bits = 32, dl.dtype.lanes = 1;
    dl.shape = shape;
    dl.strides = strides;
    if (clrs_tensor_from_dlpack(&dl, &x) != CLRS_OK || clrs_context_create(&ctx, NULL) != CLRS_OK) {
        fprintf(stderr, "%s\n", clrs_error_message());
        return 1;
    }
    y = clrs_tensor_host(CLRS_F32, 4, out_shape, out);
    p.mode = CLRS_NEAREST, p.size[0] = 4, p.size[1] = 4;
    if (clrs_interpolate(ctx, &p, &x, &y) != CLRS_OK) {
        fprintf(stderr, "interpolate: %s\n", clrs_error_message());
        clrs_context_destroy(ctx);
        return 1;
    }
    for (c = 0; c < 3; c++) /* channel c of the 2x2 image, each pixel repeated 2x2 */
        printf("channel %d, first row: %g %g %g %g\n", c, out[c * 16], out[c * 16 + 1], out[c * 16 + 2], out[c * 16 + 3]);
    clrs_context_destroy(ctx);
    return out[0] == 0 && out[2] == 1 && out[16] == 10 ? 0 : 1;
}
