"""The C declarations of lib/clresample.h and lib/clresample_dlpack.h, for cffi (ABI mode).

Written once, here; python/tests/test_layout.py compiles a C program against the real header
and checks every struct's size and every field's offset, every enum value and every function
prototype declared below, so a change to the header that is not made here fails the tests.
"""

CDEF = r"""
typedef enum {
    CLRS_OK = 0, CLRS_ERR_ARGUMENT = 1, CLRS_ERR_UNSUPPORTED = 2, CLRS_ERR_MEMORY = 3,
    CLRS_ERR_DEVICE = 4, CLRS_ERR_BUILD = 5, CLRS_ERR_IO = 6
} clrs_status;

typedef struct _cl_context *cl_context;
typedef struct _cl_command_queue *cl_command_queue;
typedef struct _cl_mem *cl_mem;

const char *clrs_status_name(clrs_status status);
const char *clrs_error_message(void);
const char *clrs_version(void);

typedef enum { CLRS_DEVICE_HOST = 0, CLRS_DEVICE_CPU = 1, CLRS_DEVICE_GPU = 2,
               CLRS_DEVICE_ACCELERATOR = 3, CLRS_DEVICE_OTHER = 4 } clrs_device_type;

typedef struct {
    int platform_index, device_index;
    clrs_device_type type;
    char name[128];
    char vendor[128];
    char platform[128];
    char version[128];
    char driver[128];
    char opencl_c_version[64];
    unsigned compute_units;
    unsigned max_work_group_size;
    uint64_t global_mem_bytes;
    uint64_t local_mem_bytes;
    uint64_t max_alloc_bytes;
    int fp16;
    int fp64;
} clrs_device_info;

clrs_status clrs_device_list(clrs_device_info *infos, size_t cap, size_t *count);

typedef struct clrs_context clrs_context;

typedef enum { CLRS_COMPAT_CURRENT = 0, CLRS_COMPAT_TORCH_1_13 = 1 } clrs_compat;

typedef struct {
    const char *device;
    const char *cache_dir;
    int host_fallback;
    int deterministic;
    int compat;
} clrs_context_options;

typedef struct {
    uint64_t builds;
    uint64_t memory_hits;
    uint64_t disk_hits;
    uint64_t disk_writes;
    uint64_t disk_rejects;
    uint64_t host_fallbacks;
    int disk_enabled;
} clrs_cache_stats;

clrs_status clrs_context_create(clrs_context **ctx, const clrs_context_options *options);
clrs_status clrs_context_wrap(clrs_context **ctx, cl_command_queue queue,
                              const clrs_context_options *options);
void clrs_context_destroy(clrs_context *ctx);
clrs_status clrs_context_finish(clrs_context *ctx);
const clrs_device_info *clrs_context_device(const clrs_context *ctx);
clrs_status clrs_context_cache_stats(const clrs_context *ctx, clrs_cache_stats *stats);
clrs_status clrs_context_last_kernel_ms(clrs_context *ctx, double *ms);
cl_context clrs_context_cl_context(const clrs_context *ctx);
cl_command_queue clrs_context_cl_queue(const clrs_context *ctx);

typedef struct { int wg; int vec; int passes; } clrs_tune_params;
typedef enum { CLRS_TUNE_DEFAULT = 0, CLRS_TUNE_FILE = 1, CLRS_TUNE_SET = 2, CLRS_TUNE_ENV = 3 } clrs_tune_source;
typedef struct {
    char kernel[32];
    char shape_class[32];
    clrs_tune_params params;
    clrs_tune_source source;
} clrs_tune_choice;
clrs_status clrs_tune_lookup(clrs_context *ctx, const char *kernel, const char *shape_class,
                             clrs_tune_choice *choice);
clrs_status clrs_context_last_tune(clrs_context *ctx, clrs_tune_choice *choice);
clrs_status clrs_tune_set(clrs_context *ctx, const char *kernel, const char *shape_class,
                          const clrs_tune_params *params);
clrs_status clrs_tune_save(clrs_context *ctx);
clrs_status clrs_tune_file(clrs_context *ctx, char *path, size_t cap, size_t *entries);

typedef enum { CLRS_F32 = 0, CLRS_F64 = 1, CLRS_F16 = 2, CLRS_BF16 = 3, CLRS_I64 = 4,
               CLRS_U8 = 5 } clrs_dtype;

typedef struct {
    clrs_dtype dtype;
    int ndim;
    int64_t shape[5];
    int64_t strides[5];
    void *data;
    cl_mem mem;
    size_t offset;
    int contiguous;
} clrs_tensor;

clrs_tensor clrs_tensor_host(clrs_dtype dtype, int ndim, const int64_t *shape, void *data);
clrs_tensor clrs_tensor_device(clrs_dtype dtype, int ndim, const int64_t *shape, cl_mem mem,
                               size_t offset);
size_t clrs_dtype_size(clrs_dtype dtype);

typedef enum { CLRS_NEAREST = 0, CLRS_NEAREST_EXACT = 1, CLRS_LINEAR = 2, CLRS_CUBIC = 3,
               CLRS_AREA = 4, CLRS_LANCZOS = 5 } clrs_mode;

typedef struct {
    clrs_mode mode;
    int64_t size[3];
    double scale_factor[3];
    int align_corners;
    int recompute_scale_factor;
    int antialias;
    int compat;
} clrs_interpolate_params;

clrs_status clrs_interpolate_shape(const clrs_interpolate_params *params, int ndim,
                                   const int64_t *in_shape, int64_t *out_shape);
clrs_status clrs_interpolate(clrs_context *ctx, const clrs_interpolate_params *params,
                             const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_interpolate_backward(clrs_context *ctx, const clrs_interpolate_params *params,
                                      const clrs_tensor *grad_output,
                                      const clrs_tensor *grad_input);

typedef enum { CLRS_GRID_BILINEAR = 0, CLRS_GRID_NEAREST = 1, CLRS_GRID_BICUBIC = 2 } clrs_grid_mode;
typedef enum { CLRS_PADDING_ZEROS = 0, CLRS_PADDING_BORDER = 1,
               CLRS_PADDING_REFLECTION = 2 } clrs_padding_mode;

typedef struct {
    clrs_grid_mode mode;
    clrs_padding_mode padding_mode;
    int align_corners;
    int deterministic;
    int compat;
} clrs_grid_sample_params;

clrs_status clrs_grid_sample(clrs_context *ctx, const clrs_grid_sample_params *params,
                             const clrs_tensor *input, const clrs_tensor *grid,
                             const clrs_tensor *output);
clrs_status clrs_grid_sample_backward(clrs_context *ctx, const clrs_grid_sample_params *params,
                                      const clrs_tensor *grad_output, const clrs_tensor *input,
                                      const clrs_tensor *grid, const clrs_tensor *grad_input,
                                      const clrs_tensor *grad_grid);
clrs_status clrs_affine_grid(clrs_context *ctx, int align_corners, const clrs_tensor *theta,
                             const clrs_tensor *grid);
clrs_status clrs_affine_grid_backward(clrs_context *ctx, int align_corners,
                                      const clrs_tensor *grad_grid,
                                      const clrs_tensor *grad_theta);

typedef struct {
    int64_t kernel[3];
    int64_t stride[3];
    int64_t padding[3];
    int64_t dilation[3];
    int ceil_mode;
} clrs_pool_params;

clrs_status clrs_max_pool_shape(const clrs_pool_params *params, int ndim,
                                const int64_t *in_shape, int64_t *out_shape);
clrs_status clrs_max_pool(clrs_context *ctx, const clrs_pool_params *params,
                          const clrs_tensor *input, const clrs_tensor *output,
                          const clrs_tensor *indices);
clrs_status clrs_max_pool_backward(clrs_context *ctx, const clrs_pool_params *params,
                                   const clrs_tensor *grad_output, const clrs_tensor *indices,
                                   const clrs_tensor *grad_input);

typedef struct {
    int64_t kernel[3];
    int64_t stride[3];
    int64_t padding[3];
    int64_t output_size[5];
    int output_ndim;
} clrs_unpool_params;

clrs_status clrs_max_unpool_shape(const clrs_unpool_params *params, int ndim,
                                  const int64_t *in_shape, int64_t *out_shape);
clrs_status clrs_max_unpool(clrs_context *ctx, const clrs_unpool_params *params,
                            const clrs_tensor *input, const clrs_tensor *indices,
                            const clrs_tensor *output);
clrs_status clrs_max_unpool_backward(clrs_context *ctx, const clrs_unpool_params *params,
                                     const clrs_tensor *grad_output, const clrs_tensor *indices,
                                     const clrs_tensor *grad_input);

typedef struct {
    int64_t stride[3];
    int64_t padding[3];
    int64_t output_padding[3];
    int64_t dilation[3];
    int64_t groups;
} clrs_conv_transpose_params;

clrs_status clrs_conv_transpose_shape(const clrs_conv_transpose_params *params, int ndim,
                                      const int64_t *in_shape, const int64_t *weight_shape,
                                      int64_t *out_shape);
clrs_status clrs_conv_transpose_workspace_size(const clrs_context *ctx,
                                               const clrs_conv_transpose_params *params,
                                               const clrs_tensor *input,
                                               const clrs_tensor *weight, size_t *bytes);
clrs_status clrs_conv_transpose(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                const clrs_tensor *input, const clrs_tensor *weight,
                                const clrs_tensor *bias, const clrs_tensor *output);
clrs_status clrs_conv_transpose_backward(clrs_context *ctx,
                                         const clrs_conv_transpose_params *params,
                                         const clrs_tensor *grad_output,
                                         const clrs_tensor *input, const clrs_tensor *weight,
                                         const clrs_tensor *grad_input,
                                         const clrs_tensor *grad_weight,
                                         const clrs_tensor *grad_bias);

clrs_status clrs_pixel_shuffle_shape(int64_t upscale_factor, int ndim, const int64_t *in_shape,
                                     int64_t *out_shape);
clrs_status clrs_pixel_unshuffle_shape(int64_t downscale_factor, int ndim,
                                       const int64_t *in_shape, int64_t *out_shape);
clrs_status clrs_pixel_shuffle(clrs_context *ctx, int64_t upscale_factor,
                               const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_pixel_unshuffle(clrs_context *ctx, int64_t downscale_factor,
                                 const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_pixel_shuffle_backward(clrs_context *ctx, int64_t upscale_factor,
                                        const clrs_tensor *grad_output,
                                        const clrs_tensor *grad_input);
clrs_status clrs_pixel_unshuffle_backward(clrs_context *ctx, int64_t downscale_factor,
                                          const clrs_tensor *grad_output,
                                          const clrs_tensor *grad_input);

typedef enum {
    CLRS_NDI_CONSTANT = 0, CLRS_NDI_NEAREST = 1, CLRS_NDI_REFLECT = 2, CLRS_NDI_MIRROR = 3,
    CLRS_NDI_WRAP = 4, CLRS_NDI_GRID_CONSTANT = 5, CLRS_NDI_GRID_MIRROR = 6, CLRS_NDI_GRID_WRAP = 7
} clrs_ndi_mode;
typedef struct {
    int order;
    clrs_ndi_mode mode;
    double cval;
    int prefilter;
    int grid_mode;
    int n_spatial;
} clrs_ndi_params;
clrs_status clrs_spline_filter(clrs_context *ctx, const clrs_ndi_params *params,
                               const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_spline_filter1d(clrs_context *ctx, const clrs_ndi_params *params, int axis,
                                 const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_spline_filter_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                        const clrs_tensor *grad_output, const clrs_tensor *grad_input);
clrs_status clrs_zoom_shape(const clrs_ndi_params *params, int ndim, const int64_t *in_shape,
                            const double *zoom, int64_t *out_shape);
clrs_status clrs_zoom(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *input,
                      const clrs_tensor *output);
clrs_status clrs_affine_transform(clrs_context *ctx, const clrs_ndi_params *params,
                                  const double *matrix, const double *offset,
                                  const clrs_tensor *input, const clrs_tensor *output);
clrs_status clrs_map_coordinates(clrs_context *ctx, const clrs_ndi_params *params,
                                 const clrs_tensor *input, const clrs_tensor *coordinates,
                                 const clrs_tensor *output);
clrs_status clrs_zoom_backward(clrs_context *ctx, const clrs_ndi_params *params,
                               const clrs_tensor *grad_output, const clrs_tensor *grad_input);
clrs_status clrs_affine_transform_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                           const double *matrix, const double *offset,
                                           const clrs_tensor *grad_output,
                                           const clrs_tensor *grad_input);
clrs_status clrs_map_coordinates_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                          const clrs_tensor *grad_output, const clrs_tensor *input,
                                          const clrs_tensor *coordinates,
                                          const clrs_tensor *grad_input,
                                          const clrs_tensor *grad_coordinates);
"""

# clresample_dlpack.h; DLTensor is opaque here (its layout is the producer's and the
# library's business: the capsule's pointer goes straight to the library).
CDEF_DLPACK = r"""
typedef struct DLTensor DLTensor;
clrs_status clrs_tensor_from_dlpack(const DLTensor *dl, clrs_tensor *out);
"""

# Structs whose layout the test checks (every field).
STRUCTS = ["clrs_device_info", "clrs_context_options", "clrs_cache_stats", "clrs_tensor",
           "clrs_interpolate_params", "clrs_grid_sample_params", "clrs_pool_params",
           "clrs_unpool_params", "clrs_conv_transpose_params", "clrs_ndi_params"]
ENUMS = ["clrs_status", "clrs_device_type", "clrs_compat", "clrs_dtype", "clrs_mode",
         "clrs_grid_mode", "clrs_padding_mode", "clrs_ndi_mode"]
