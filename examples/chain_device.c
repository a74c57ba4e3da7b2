/* chain_device.c — tensors that stay on the device: upsample, then max-pool, with no copy to
 * the host in between (calls only enqueue on the context's queue), then one read at the end.
 *
 *   cc chain_device.c $(pkg-config --cflags --libs clresample) -o chain_device && ./chain_device
 *
 * Device buffers (cl_mem) are made in the context's own cl_context. On the host backend there
 * is no cl_context: the same chain runs on host memory instead (say CLRS_DEVICE=host to see). */
#include <clresample.h>

#include <stdio.h>
#include <stdlib.h>

#define N_IN (2 * 3 * 16 * 16)
#define N_UP (2 * 3 * 32 * 32)

static int fail(const char *what, clrs_context *ctx)
{
    fprintf(stderr, "%s: %s\n", what, clrs_error_message());
    clrs_context_destroy(ctx);
    return 1;
}

int main(void)
{
    const int64_t in_shape[4] = {2, 3, 16, 16}, up_shape[4] = {2, 3, 32, 32}, pool_shape[4] = {2, 3, 16, 16};
    static float in[N_IN], out[N_IN];
    clrs_interpolate_params up = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_pool_params pool = CLRS_POOL_PARAMS_INIT;
    clrs_tensor x, u, y;
    clrs_context *ctx = NULL;
    cl_context cl;
    cl_mem bx = NULL, bu = NULL, by = NULL;
    cl_int err = CL_SUCCESS;
    float *host_up = NULL;
    int i, bad = 0;

    for (i = 0; i < N_IN; i++) in[i] = (float)((i * 37) % 101) / 100.0f;
    if (clrs_context_create(&ctx, NULL) != CLRS_OK) return fail("context", NULL);
    printf("device: %s\n", clrs_context_device(ctx)->name);
    up.mode = CLRS_NEAREST, up.scale_factor[0] = up.scale_factor[1] = 2;
    pool.kernel[0] = pool.kernel[1] = 2;

    cl = clrs_context_cl_context(ctx);
    if (cl) { /* an OpenCL device: three buffers in its context, the input written once */
        bx = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof in, in, &err);
        if (err == CL_SUCCESS) bu = clCreateBuffer(cl, CL_MEM_READ_WRITE, N_UP * sizeof(float), NULL, &err);
        if (err == CL_SUCCESS) by = clCreateBuffer(cl, CL_MEM_READ_WRITE, sizeof out, NULL, &err);
        if (err != CL_SUCCESS) return fail("clCreateBuffer", ctx);
        x = clrs_tensor_device(CLRS_F32, 4, in_shape, bx, 0);
        u = clrs_tensor_device(CLRS_F32, 4, up_shape, bu, 0);
        y = clrs_tensor_device(CLRS_F32, 4, pool_shape, by, 0);
    } else { /* the host backend: the same calls on host memory */
        printf("(host backend: no cl_context, so the chain runs on host memory)\n");
        if (!(host_up = malloc(N_UP * sizeof(float)))) return fail("malloc", ctx);
        x = clrs_tensor_host(CLRS_F32, 4, in_shape, in);
        u = clrs_tensor_host(CLRS_F32, 4, up_shape, host_up);
        y = clrs_tensor_host(CLRS_F32, 4, pool_shape, out);
    }
    if (clrs_interpolate(ctx, &up, &x, &u) != CLRS_OK) return fail("interpolate", ctx);
    if (clrs_max_pool(ctx, &pool, &u, &y, NULL) != CLRS_OK) return fail("max_pool", ctx); /* no indices */
    if (cl) {
        err = clEnqueueReadBuffer(clrs_context_cl_queue(ctx), by, CL_TRUE, 0, sizeof out, out, 0, NULL, NULL);
        if (err != CL_SUCCESS) return fail("clEnqueueReadBuffer", ctx);
    }
    /* each pixel became a 2x2 block of itself, and the block's maximum is that pixel again */
    for (i = 0; i < N_IN; i++) bad += out[i] != in[i];
    printf("nearest 2x up, then 2x2 max-pool, of %d values: %s\n", N_IN,
           bad ? "WRONG: the input did not come back" : "the input came back exactly");
    if (bx) clReleaseMemObject(bx);
    if (bu) clReleaseMemObject(bu);
    if (by) clReleaseMemObject(by);
    free(host_up);
    clrs_context_destroy(ctx);
    return bad != 0;
}
