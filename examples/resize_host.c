/* resize_host.c — the smallest complete program: resize an image tensor in host memory.
 *
 *   cc resize_host.c $(pkg-config --cflags --libs clresample) -o resize_host && ./resize_host
 *
 * A 1x3x4x4 float tensor is resized to 1x3x8x8 with bilinear interpolation (PyTorch's
 * F.interpolate(x, size=(8, 8), mode="bilinear", align_corners=False)), on the best device
 * ($CLRS_DEVICE, else "auto": a GPU, else the host backend). */
#include <clresample.h>

#include <stdio.h>

int main(void)
{
    const int64_t in_shape[4] = {1, 3, 4, 4}, out_shape[4] = {1, 3, 8, 8};
    float in[3 * 4 * 4], out[3 * 8 * 8];
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_tensor x, y;
    clrs_context *ctx = NULL;
    int i;

    for (i = 0; i < 3 * 4 * 4; i++) in[i] = (float)i;
    if (clrs_context_create(&ctx, NULL) != CLRS_OK) {
        fprintf(stderr, "no context: %s\n", clrs_error_message());
        return 1;
    }
    printf("device: %s\n", clrs_context_device(ctx)->name);

    p.mode = CLRS_LINEAR; /* bilinear: 2 spatial dims */
    p.size[0] = 8, p.size[1] = 8;
    p.align_corners = 0;
    x = clrs_tensor_host(CLRS_F32, 4, in_shape, in);   /* contiguous (row-major) */
    y = clrs_tensor_host(CLRS_F32, 4, out_shape, out);
    if (clrs_interpolate(ctx, &p, &x, &y) != CLRS_OK) {
        fprintf(stderr, "interpolate: %s\n", clrs_error_message()); /* names the argument */
        clrs_context_destroy(ctx);
        return 1;
    }
    printf("out[0, 0, 0, :] =");
    for (i = 0; i < 8; i++) printf(" %.4f", out[i]);
    printf("\n");
    clrs_context_destroy(ctx);
    return 0;
}
