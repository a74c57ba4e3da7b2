/* clresample — PyTorch-exact tensor resampling on any OpenCL device, with a host fallback.
 *
 * The one public header. Every entry point validates all of its arguments before doing any
 * work; on failure it returns a status, leaves every output untouched, and records a message
 * naming the argument and the rule it broke (clrs_error_message()). The library never prints
 * and never aborts. */
#ifndef CLRESAMPLE_H
#define CLRESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CLRS_BUILDING) && defined(__GNUC__)
#define CLRS_API __attribute__((visibility("default")))
#else
#define CLRS_API
#endif

/* ---- Status ------------------------------------------------------------------------------ */

/* Pinned values: they never change between releases. */
#define CLRS_STATUS_LIST(X)                                                  \
    X(CLRS_OK, 0, "ok")                                                      \
    X(CLRS_ERR_ARGUMENT, 1, "invalid argument")                              \
    X(CLRS_ERR_UNSUPPORTED, 2, "unsupported")                                \
    X(CLRS_ERR_MEMORY, 3, "out of memory")                                   \
    X(CLRS_ERR_DEVICE, 4, "device error")                                    \
    X(CLRS_ERR_BUILD, 5, "kernel build error")                               \
    X(CLRS_ERR_IO, 6, "i/o error")

typedef enum {
#define CLRS_X_ENUM(name, value, text) name = value,
    CLRS_STATUS_LIST(CLRS_X_ENUM)
#undef CLRS_X_ENUM
} clrs_status;

/* "CLRS_OK", "CLRS_ERR_ARGUMENT", ...; "CLRS_UNKNOWN_STATUS" for other values. */
CLRS_API const char *clrs_status_name(clrs_status status);
/* The calling thread's last failure message, e.g. "interpolate: size and scale_factor are
 * both set; give exactly one". "" when the last call on this thread succeeded. */
CLRS_API const char *clrs_error_message(void);
/* The library version, "MAJOR.MINOR.PATCH". */
CLRS_API const char *clrs_version(void);

/* ---- Devices ----------------------------------------------------------------------------- */

typedef enum { CLRS_DEVICE_HOST = 0, CLRS_DEVICE_CPU = 1, CLRS_DEVICE_GPU = 2,
               CLRS_DEVICE_ACCELERATOR = 3, CLRS_DEVICE_OTHER = 4 } clrs_device_type;

typedef struct {
    int platform_index, device_index;  /* -1, -1 for the host backend */
    clrs_device_type type;
    char name[128];
    char vendor[128];
    char platform[128];                /* platform name */
    char version[128];                 /* CL_DEVICE_VERSION */
    char driver[128];                  /* CL_DRIVER_VERSION */
    char opencl_c_version[64];         /* CL_DEVICE_OPENCL_C_VERSION */
    unsigned compute_units;
    unsigned max_work_group_size;
    uint64_t global_mem_bytes;
    uint64_t local_mem_bytes;
    uint64_t max_alloc_bytes;
    int fp16;                          /* cl_khr_fp16 arithmetic (storage is always supported) */
    int fp64;                          /* cl_khr_fp64 */
} clrs_device_info;

/* Fills up to `cap` entries (the OpenCL devices of every platform, then the host backend as
 * the last entry) and sets *count to the number available. `infos` may be NULL with cap 0. */
CLRS_API clrs_status clrs_device_list(clrs_device_info *infos, size_t cap, size_t *count);

/* ---- Context ----------------------------------------------------------------------------- */

typedef struct clrs_context clrs_context;

/* Which PyTorch the numbers follow where versions differ (nearest picks of the 2-D / 3-D
 * interpolate forward, 5-D grid_sample nearest rounding; docs/ARCHITECTURE.md lists them). */
typedef enum {
    CLRS_COMPAT_CURRENT = 0,   /* PyTorch 2.15 */
    CLRS_COMPAT_TORCH_1_13 = 1 /* PyTorch 1.13 */
} clrs_compat;

typedef struct {
    const char *device;     /* NULL: $CLRS_DEVICE, else "auto". "auto" prefers a GPU, then the
                               host backend ("cpu" selects an OpenCL CPU device); also "gpu", "cpu", "host",
                               "P:D" (platform:device indices) or part of a device name, any
                               case. A device that is not there is CLRS_ERR_DEVICE. */
    const char *cache_dir;  /* NULL: $CLRS_CACHE_DIR, else $XDG_CACHE_HOME/clresample, else
                               $HOME/.cache/clresample; "" turns the disk cache off. */
    int host_fallback;      /* 1: run an op on the host when the device cannot (no fp64,
                               kernel build failure, a tensor larger than the device's largest
                               buffer); 0: fail with the device's status. 0 or 1. */
    int deterministic;      /* 1: scatters (grid_sample's grad_input) are bit-reproducible by
                               default; 0: they use atomics where that is faster. 0 or 1. */
    int compat;             /* a clrs_compat: the default for calls that do not say */
} clrs_context_options;
#define CLRS_CONTEXT_OPTIONS_INIT { NULL, NULL, 1, 0, CLRS_COMPAT_CURRENT }

/* Program-cache and fallback counters of a context (since creation). */
typedef struct {
    uint64_t builds;          /* programs compiled from source */
    uint64_t memory_hits;     /* programs found already built in this context */
    uint64_t disk_hits;       /* programs loaded from a binary in the disk cache */
    uint64_t disk_writes;     /* binaries written to the disk cache */
    uint64_t disk_rejects;    /* cache files that were corrupt, truncated, stale or foreign
                                 (another key, or a binary whose kernels do not match), and
                                 cache paths that were not usable: not a regular file (a
                                 directory, FIFO, symlink), another user's, or writable by
                                 group or others */
    uint64_t host_fallbacks;  /* op calls run on the host although the context has a device */
    int disk_enabled;         /* 0 when there is no cache directory (none set, or one that
                                 another user owns or group or others may write), or once a
                                 write to it failed (a read-only directory); one unusable
                                 file leaves it on */
} clrs_cache_stats;

/* options NULL: defaults (CLRS_CONTEXT_OPTIONS_INIT). */
CLRS_API clrs_status clrs_context_create(clrs_context **ctx, const clrs_context_options *options);
/* A context on the application's own queue (retained; released on destroy). Its device
 * is the queue's device. */
CLRS_API clrs_status clrs_context_wrap(clrs_context **ctx, cl_command_queue queue,
                                       const clrs_context_options *options);
CLRS_API void clrs_context_destroy(clrs_context *ctx);  /* NULL is fine */
/* Waits until all work enqueued by this context has finished. */
CLRS_API clrs_status clrs_context_finish(clrs_context *ctx);
CLRS_API const clrs_device_info *clrs_context_device(const clrs_context *ctx);
CLRS_API clrs_status clrs_context_cache_stats(const clrs_context *ctx, clrs_cache_stats *stats);
/* The device time of the last op this context enqueued on its device, in milliseconds, from
 * OpenCL profiling events: from the start of its first kernel to the end of its last (waits
 * for that op to finish). CLRS_ERR_UNSUPPORTED on the host
 * backend, before any device op, or on a wrapped queue without profiling. */
CLRS_API clrs_status clrs_context_last_kernel_ms(clrs_context *ctx, double *ms);
/* The OpenCL objects of a context (NULL for the host backend), for applications that
 * allocate their own cl_mem tensors. */
CLRS_API cl_context clrs_context_cl_context(const clrs_context *ctx);
CLRS_API cl_command_queue clrs_context_cl_queue(const clrs_context *ctx);

/* ---- Tuning of the OpenCL kernels --------------------------------------------------------
 * Each tuned kernel family has a parameter set, chosen per (device, driver, kernel, shape
 * class): the library's shipped default for the device class (CPU, GPU per vendor), replaced
 * by an entry of the tuning file (`tuning.txt` in the cache directory, written by
 * tools/clrs-tune, read when a context is made) or one set by clrs_tune_set, then by the
 * environment (CLRS_WG, CLRS_VEC, CLRS_INTERP_PASSES). Parameters change speed only: every
 * choice gives bit-identical results. Kernels: "interpolate" (classes "taps<a>-<b>-<c>": the
 * tap count per table axis (D, H, W), 'v' where it varies, "-down" appended when the output
 * is smaller than the input: "taps1-2-2" for bilinear 2x up, "taps1-2-2-down" for its backward),
 * "grid_sample" and "grid_sample_backward" (classes "<2|3>d-<bilinear|nearest|bicubic>"),
 * "pixel_shuffle" and "pixel_unshuffle" (classes "r<factor>-<element bytes>b", e.g. "r2-4b"),
 * "max_unpool" and "max_unpool_backward", "interpolate_pick" and "interpolate_block" (nearest /
 * area row kernels), "interpolate_u8" (uint8 filters; vec 1: one work-item per byte, above 1:
 * bytes per vector) (class "all"). Each parameter's meaning per kernel is given below; for
 * grid_sample passes 2 is, forward, a work-group's points stepping through the
 * channels together and, backward, the plane scatter of grad_input (f32 and f64, vec channels a
 * work-item); 0 or 1: per grid point (backward with atomics or the deterministic gather). */
typedef struct {
    int wg;     /* work-items per work-group, shared out over the NDRange dimensions, dimension 0
                   first (0: the OpenCL runtime chooses); 0..4096 */
    int vec;    /* interpolate's two-pass kernels: destinations per work-item along a row; its
                   band kernel: destination rows per work-group; interpolate_pick /
                   interpolate_block: 16 * vec destinations per work-item; max_unpool_backward:
                   inputs per work-item (1: one each, the GPU shape); grid_sample_backward's
                   plane scatter: channels per work-item; 1, 2, 4, 8 or 16 (other kernels
                   ignore it) */
    int passes; /* interpolate: 0 chooses by the elements read, 1 one pass, 2 two passes, 3 the
                   band kernel (both passes in one launch through local memory; 1-D and 2-D,
                   else as 0); interpolate_pick / interpolate_block (nearest forward; area and
                   nearest backward at integer factors): 1 these row kernels, 2 interpolate's
                   kernels; max_unpool: 1 one work-item per plane (the CPU shape), 2 a winner
                   map in three launches; 0: by device type (the row / plane shapes on a CPU
                   device); grid_sample: see above */
} clrs_tune_params;

typedef enum {
    CLRS_TUNE_DEFAULT = 0, /* the library's default for the device class */
    CLRS_TUNE_FILE = 1,    /* the tuning file */
    CLRS_TUNE_SET = 2,     /* clrs_tune_set */
    CLRS_TUNE_ENV = 3      /* an environment variable changed at least one parameter */
} clrs_tune_source;

typedef struct {
    char kernel[32];
    char shape_class[32];
    clrs_tune_params params;
    clrs_tune_source source;
} clrs_tune_choice;

/* The parameters a call of `kernel` on `shape_class` would use on this context, and where
 * they come from. CLRS_ERR_UNSUPPORTED on the host backend. */
CLRS_API clrs_status clrs_tune_lookup(clrs_context *ctx, const char *kernel, const char *shape_class,
                                      clrs_tune_choice *choice);
/* What the last tuned kernel launch of this context used (CLRS_ERR_UNSUPPORTED before any). */
CLRS_API clrs_status clrs_context_last_tune(clrs_context *ctx, clrs_tune_choice *choice);
/* Sets the context's entry for (kernel, shape_class); params NULL removes it. Names: up to 31
 * characters of [A-Za-z0-9_.-]; parameters in their ranges. */
CLRS_API clrs_status clrs_tune_set(clrs_context *ctx, const char *kernel, const char *shape_class,
                                   const clrs_tune_params *params);
/* Writes the context's entries (the file's and those set) as the tuning file's entries for
 * its device and driver, keeping other devices' entries. CLRS_ERR_IO when there is no
 * cache directory or it cannot be written. */
CLRS_API clrs_status clrs_tune_save(clrs_context *ctx);
/* The tuning file's path for this context (empty without a cache directory) and how many
 * entries for its device it read or holds now. */
CLRS_API clrs_status clrs_tune_file(clrs_context *ctx, char *path, size_t cap, size_t *entries);

/* ---- Tensors ----------------------------------------------------------------------------- */

typedef enum { CLRS_F32 = 0, CLRS_F64 = 1, CLRS_F16 = 2, CLRS_BF16 = 3, CLRS_I64 = 4,
               CLRS_U8 = 5 /* uint8 images: nearest / nearest-exact interpolate, max_pool, max_unpool
                              (forward), pixel_shuffle / unshuffle; bit-exact with PyTorch 2.15 */
             } clrs_dtype;

/* A view of memory owned by the caller: host memory (`data`), an OpenCL buffer (`mem`), or
 * neither when the tensor has no elements (PyTorch's empty tensors have no data pointer).
 * Dim 0 is N, dim 1 is C, the rest are spatial (D, H, W).
 *
 * Layout is said, never guessed: with `contiguous` 1 the tensor is row-major and `strides`
 * is ignored (the clrs_tensor_host / clrs_tensor_device helpers fill both); with 0 the
 * strides (in elements, >= 0) are used as given. A stride of 0 on an input axis is a
 * broadcast (PyTorch's expand): every index along it reads the same elements. An output's
 * strides must reach distinct elements. Channels-last and any other permutation or slice is
 * expressed with strides. `offset` is in bytes from `data` or from the start of `mem`. */
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

/* A contiguous (row-major) tensor over host memory / over a cl_mem from byte `offset`:
 * shape copied (ndim 1..5 entries), strides filled, contiguous = 1. They check nothing; the
 * op that receives the tensor does. */
CLRS_API clrs_tensor clrs_tensor_host(clrs_dtype dtype, int ndim, const int64_t *shape, void *data);
CLRS_API clrs_tensor clrs_tensor_device(clrs_dtype dtype, int ndim, const int64_t *shape, cl_mem mem,
                                        size_t offset);

/* Size in bytes of one element of `dtype` (0 for an unknown dtype). */
CLRS_API size_t clrs_dtype_size(clrs_dtype dtype);

/* ---- interpolate ------------------------------------------------------------------------- */

typedef enum { CLRS_NEAREST = 0, CLRS_NEAREST_EXACT = 1, CLRS_LINEAR = 2, CLRS_CUBIC = 3,
               CLRS_AREA = 4, CLRS_LANCZOS = 5 } clrs_mode;

/* torch.nn.functional.interpolate's arguments. CLRS_LINEAR is linear, bilinear or trilinear
 * by the number of spatial dims; CLRS_CUBIC is bicubic (and, beyond PyTorch, cubic on 1 and
 * 3 spatial dims); CLRS_LANCZOS is PyTorch 2.15's Lanczos-3 (PIL's Image.LANCZOS), which
 * needs antialias = 1 and align_corners -1 or 0 (2 spatial dims in PyTorch; 1 and 3 here
 * too). Give exactly one of size (all spatial entries > 0) or scale_factor (all
 * spatial entries > 0; size all 0). align_corners and recompute_scale_factor are -1 for None,
 * 0 or 1, as in PyTorch. */
typedef struct {
    clrs_mode mode;
    int64_t size[3];
    double scale_factor[3];
    int align_corners;
    int recompute_scale_factor;
    int antialias;
    int compat;              /* -1: the context's; else a clrs_compat */
} clrs_interpolate_params;
#define CLRS_INTERPOLATE_PARAMS_INIT { CLRS_NEAREST, {0, 0, 0}, {0.0, 0.0, 0.0}, -1, -1, 0, -1 }

/* The output shape (ndim entries) for an input of shape in_shape (ndim 3, 4 or 5). */
CLRS_API clrs_status clrs_interpolate_shape(const clrs_interpolate_params *params, int ndim,
                                            const int64_t *in_shape, int64_t *out_shape);
CLRS_API clrs_status clrs_interpolate(clrs_context *ctx, const clrs_interpolate_params *params,
                                      const clrs_tensor *input, const clrs_tensor *output);
/* grad_input is overwritten (not accumulated into). Deterministic: a gather, no atomics. */
CLRS_API clrs_status clrs_interpolate_backward(clrs_context *ctx,
                                               const clrs_interpolate_params *params,
                                               const clrs_tensor *grad_output,
                                               const clrs_tensor *grad_input);

/* ---- grid_sample and affine_grid -------------------------------------------------------- */

typedef enum { CLRS_GRID_BILINEAR = 0, CLRS_GRID_NEAREST = 1, CLRS_GRID_BICUBIC = 2 } clrs_grid_mode;
typedef enum { CLRS_PADDING_ZEROS = 0, CLRS_PADDING_BORDER = 1,
               CLRS_PADDING_REFLECTION = 2 } clrs_padding_mode;

/* torch.nn.functional.grid_sample's arguments. Input (N, C, H, W) with grid (N, Ho, Wo, 2),
 * or (N, C, D, H, W) with grid (N, Do, Ho, Wo, 3); grid's last axis is (x, y[, z]). Bicubic
 * on 5-D input is tricubic, an extension PyTorch refuses. align_corners: 0 or 1 (PyTorch's
 * None is 0). deterministic: -1 takes the context's option; 1 makes grad_input bit-identical
 * from run to run; 0 allows atomics. */
typedef struct {
    clrs_grid_mode mode;
    clrs_padding_mode padding_mode;
    int align_corners;
    int deterministic;
    int compat;              /* -1: the context's; else a clrs_compat */
} clrs_grid_sample_params;
#define CLRS_GRID_SAMPLE_PARAMS_INIT { CLRS_GRID_BILINEAR, CLRS_PADDING_ZEROS, 0, -1, -1 }

CLRS_API clrs_status clrs_grid_sample(clrs_context *ctx, const clrs_grid_sample_params *params,
                                      const clrs_tensor *input, const clrs_tensor *grid,
                                      const clrs_tensor *output);
/* grad_input and grad_grid may each be NULL to skip that work; both are overwritten. */
CLRS_API clrs_status clrs_grid_sample_backward(clrs_context *ctx,
                                               const clrs_grid_sample_params *params,
                                               const clrs_tensor *grad_output,
                                               const clrs_tensor *input, const clrs_tensor *grid,
                                               const clrs_tensor *grad_input,
                                               const clrs_tensor *grad_grid);
/* torch.nn.functional.affine_grid: theta (N, 2, 3) -> grid (N, H, W, 2), or theta (N, 3, 4)
 * -> grid (N, D, H, W, 3); the grid's shape gives the size. */
CLRS_API clrs_status clrs_affine_grid(clrs_context *ctx, int align_corners,
                                      const clrs_tensor *theta, const clrs_tensor *grid);
CLRS_API clrs_status clrs_affine_grid_backward(clrs_context *ctx, int align_corners,
                                               const clrs_tensor *grad_grid,
                                               const clrs_tensor *grad_theta);

/* PyTorch's None for a pooling or convolution parameter: stride = the kernel size (max_pool,
 * max_unpool) or 1 (conv_transpose), dilation = 1, groups = 1. Any other value is taken as
 * given, so an explicit 0 gets PyTorch's error rather than a silent default. */
#define CLRS_DEFAULT INT64_MIN

/* ---- max_pool with indices and max_unpool --------------------------------------------------
 * 1 to 3 spatial dims: tensors are (N, C, L), (N, C, H, W) or (N, C, D, H, W). Indices are
 * CLRS_I64, flat offsets into each (n, c) input plane, as PyTorch's return_indices=True. */

typedef struct {
    int64_t kernel[3];      /* per spatial dim, > 0 */
    int64_t stride[3];      /* > 0, or CLRS_DEFAULT: the kernel size */
    int64_t padding[3];     /* at most half the kernel */
    int64_t dilation[3];    /* > 0, or CLRS_DEFAULT: 1 */
    int ceil_mode;
} clrs_pool_params;
/* Entries past the input's spatial dims are ignored when they hold 0 or CLRS_DEFAULT. */
#define CLRS_POOL_PARAMS_INIT { {0, 0, 0}, {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, {0, 0, 0}, \
                                {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, 0 }

CLRS_API clrs_status clrs_max_pool_shape(const clrs_pool_params *params, int ndim,
                                         const int64_t *in_shape, int64_t *out_shape);
/* output and indices have the pooled shape; indices may be NULL (PyTorch's
 * return_indices=False). NaN wins (the last NaN of a window); among equal
 * maxima the first in the window wins, as PyTorch's CPU kernel. */
CLRS_API clrs_status clrs_max_pool(clrs_context *ctx, const clrs_pool_params *params,
                                   const clrs_tensor *input, const clrs_tensor *output,
                                   const clrs_tensor *indices);
/* grad_input[i] = sum of grad_output over the outputs whose index is i (a gather). */
CLRS_API clrs_status clrs_max_pool_backward(clrs_context *ctx, const clrs_pool_params *params,
                                            const clrs_tensor *grad_output,
                                            const clrs_tensor *indices,
                                            const clrs_tensor *grad_input);

typedef struct {
    int64_t kernel[3];
    int64_t stride[3];       /* > 0, or CLRS_DEFAULT: the kernel size */
    int64_t padding[3];
    /* PyTorch's output_size: output_ndim 0 is None, (in - 1) * stride + kernel - 2 * padding;
     * output_ndim = spatial dims gives the spatial sizes, output_ndim = spatial dims + 2 gives
     * (N, C, spatial...) whose N and C are ignored, as PyTorch ignores them. Each spatial size
     * must lie within stride of the default (_unpool_output_size). */
    int64_t output_size[5];
    int output_ndim;
} clrs_unpool_params;
#define CLRS_UNPOOL_PARAMS_INIT { {0, 0, 0}, {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, {0, 0, 0}, \
                                  {0, 0, 0, 0, 0}, 0 }

CLRS_API clrs_status clrs_max_unpool_shape(const clrs_unpool_params *params, int ndim,
                                           const int64_t *in_shape, int64_t *out_shape);
/* output = 0, then output[index] = input. An index outside the output plane is an argument
 * error and nothing is written. Several inputs with the same index: the last one in the
 * plane's order wins (deterministic; PyTorch leaves it unspecified). */
CLRS_API clrs_status clrs_max_unpool(clrs_context *ctx, const clrs_unpool_params *params,
                                     const clrs_tensor *input, const clrs_tensor *indices,
                                     const clrs_tensor *output);
/* grad_input[i] = grad_output[index[i]] (a gather). */
CLRS_API clrs_status clrs_max_unpool_backward(clrs_context *ctx, const clrs_unpool_params *params,
                                              const clrs_tensor *grad_output,
                                              const clrs_tensor *indices,
                                              const clrs_tensor *grad_input);

/* ---- transposed convolution ---------------------------------------------------------------
 * torch.nn.functional.conv_transpose{1,2,3}d: input (N, C_in, spatial...), weight (C_in,
 * C_out / groups, k...), optional bias (C_out), output (N, C_out, out...) with
 * out = (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1. GEMMs run
 * through CLBlast on OpenCL devices and CBLAS on the host. */

typedef struct {
    int64_t stride[3];          /* > 0, or CLRS_DEFAULT: 1 */
    int64_t padding[3];
    int64_t output_padding[3];  /* smaller than stride or dilation */
    int64_t dilation[3];        /* > 0, or CLRS_DEFAULT: 1 */
    int64_t groups;             /* > 0, or CLRS_DEFAULT: 1 */
} clrs_conv_transpose_params;
/* Entries past the input's spatial dims are ignored when they hold 0 or CLRS_DEFAULT. */
#define CLRS_CONV_TRANSPOSE_PARAMS_INIT { {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, {0, 0, 0}, {0, 0, 0}, \
                                          {CLRS_DEFAULT, CLRS_DEFAULT, CLRS_DEFAULT}, CLRS_DEFAULT }

CLRS_API clrs_status clrs_conv_transpose_shape(const clrs_conv_transpose_params *params, int ndim,
                                               const int64_t *in_shape,
                                               const int64_t *weight_shape, int64_t *out_shape);
/* Device scratch the call needs in bytes (0 on the host backend); the library allocates it
 * per call. */
CLRS_API clrs_status clrs_conv_transpose_workspace_size(const clrs_context *ctx,
                                                        const clrs_conv_transpose_params *params,
                                                        const clrs_tensor *input,
                                                        const clrs_tensor *weight, size_t *bytes);
CLRS_API clrs_status clrs_conv_transpose(clrs_context *ctx, const clrs_conv_transpose_params *params,
                                         const clrs_tensor *input, const clrs_tensor *weight,
                                         const clrs_tensor *bias /* may be NULL */,
                                         const clrs_tensor *output);
/* grad_input, grad_weight and grad_bias may each be NULL to skip that work. */
CLRS_API clrs_status clrs_conv_transpose_backward(clrs_context *ctx,
                                                  const clrs_conv_transpose_params *params,
                                                  const clrs_tensor *grad_output,
                                                  const clrs_tensor *input,
                                                  const clrs_tensor *weight,
                                                  const clrs_tensor *grad_input,
                                                  const clrs_tensor *grad_weight,
                                                  const clrs_tensor *grad_bias);

/* ---- pixel_shuffle and pixel_unshuffle -----------------------------------------------------
 * torch.nn.functional.pixel_shuffle: input (*, C * r^2, H, W) -> output (*, C, H * r, W * r),
 * output[..., c, h, w] = input[..., c * r^2 + (h % r) * r + w % r, h / r, w / r]; and
 * pixel_unshuffle, its inverse: (*, C, H * r, W * r) -> (*, C * r^2, H, W). 3 to 5 dims (up to
 * two leading batch dims). Pure permutations: every dtype is taken (f32, f64, f16, bf16, i64,
 * u8), the output has the input's dtype, and elements are copied bit for bit (NaN payloads
 * kept). The factor must be > 0; pixel_shuffle needs C divisible by r^2, pixel_unshuffle H and
 * W divisible by r, with PyTorch's messages; sizes past 2^63-1 are refused as out of range. */

/* The output shape (ndim entries) for an input of shape in_shape (ndim 3, 4 or 5). */
CLRS_API clrs_status clrs_pixel_shuffle_shape(int64_t upscale_factor, int ndim, const int64_t *in_shape,
                                              int64_t *out_shape);
CLRS_API clrs_status clrs_pixel_unshuffle_shape(int64_t downscale_factor, int ndim,
                                                const int64_t *in_shape, int64_t *out_shape);
CLRS_API clrs_status clrs_pixel_shuffle(clrs_context *ctx, int64_t upscale_factor,
                                        const clrs_tensor *input, const clrs_tensor *output);
CLRS_API clrs_status clrs_pixel_unshuffle(clrs_context *ctx, int64_t downscale_factor,
                                          const clrs_tensor *input, const clrs_tensor *output);
/* The backward of pixel_shuffle is pixel_unshuffle of grad_output with the same factor (and
 * runs as exactly that); grad_input has the forward input's shape and is overwritten. The
 * rules are checked on grad_input's shape, as the forward checks its input. */
CLRS_API clrs_status clrs_pixel_shuffle_backward(clrs_context *ctx, int64_t upscale_factor,
                                                 const clrs_tensor *grad_output,
                                                 const clrs_tensor *grad_input);
/* The backward of pixel_unshuffle is pixel_shuffle of grad_output with the same factor. */
CLRS_API clrs_status clrs_pixel_unshuffle_backward(clrs_context *ctx, int64_t downscale_factor,
                                                   const clrs_tensor *grad_output,
                                                   const clrs_tensor *grad_input);

/* ---- scipy.ndimage resampling: spline_filter, zoom, affine_transform, map_coordinates ------
 * scipy 1.10's numbers (scipy.ndimage computes in double; so does clresample, on the host and
 * on devices with fp64). Tensors are (batch..., spatial...): the last n_spatial dims (1 to 3)
 * are the array scipy sees, the leading ones (at most two, e.g. N and C) are batch axes, each
 * slice resampled on its own (scipy called per slice). Storage dtypes f32, f64, f16, bf16 and
 * u8 (input and output may differ); a u8 output is rounded as scipy rounds it (t > 0 ? t + 0.5
 * : 0, clipped to 255, truncated). Modes, prefilter and the boundary rules are scipy's, quirks
 * included: docs/ARCHITECTURE.md ("scipy.ndimage") lists them. */
typedef enum {
    CLRS_NDI_CONSTANT = 0,      /* 'constant' (scipy's default for the transforms) */
    CLRS_NDI_NEAREST = 1,       /* 'nearest' */
    CLRS_NDI_REFLECT = 2,       /* 'reflect' (= 'grid-mirror') */
    CLRS_NDI_MIRROR = 3,        /* 'mirror' (spline_filter's default) */
    CLRS_NDI_WRAP = 4,          /* 'wrap' */
    CLRS_NDI_GRID_CONSTANT = 5, /* 'grid-constant' */
    CLRS_NDI_GRID_MIRROR = 6,   /* 'grid-mirror' (scipy runs it as 'reflect') */
    CLRS_NDI_GRID_WRAP = 7      /* 'grid-wrap' */
} clrs_ndi_mode;

typedef struct {
    int order;           /* spline order 0..5 (scipy's default 3) */
    clrs_ndi_mode mode;
    double cval;         /* the value outside for the constant modes */
    int prefilter;       /* 0 or 1: spline_filter the input first (orders > 1) */
    int grid_mode;       /* zoom only, 0 or 1: pixel edges (1) or centres (0) span the image */
    int n_spatial;       /* 1..3 trailing spatial dims; 0: every dim past the first two (N, C) */
} clrs_ndi_params;
#define CLRS_NDI_PARAMS_INIT { 3, CLRS_NDI_CONSTANT, 0.0, 1, 0, 0 }

/* scipy.ndimage.spline_filter over the spatial dims (params: order, mode, n_spatial; orders
 * 0 and 1 copy). output has input's shape and a float dtype (scipy's default is f64). */
CLRS_API clrs_status clrs_spline_filter(clrs_context *ctx, const clrs_ndi_params *params,
                                        const clrs_tensor *input, const clrs_tensor *output);
/* scipy.ndimage.spline_filter1d along tensor dim `axis` (negative counts from the end; any
 * dim, batch dims included). */
CLRS_API clrs_status clrs_spline_filter1d(clrs_context *ctx, const clrs_ndi_params *params, int axis,
                                          const clrs_tensor *input, const clrs_tensor *output);
/* The adjoint (transpose) of clrs_spline_filter: grad_input = F^T grad_output. */
CLRS_API clrs_status clrs_spline_filter_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                                 const clrs_tensor *grad_output,
                                                 const clrs_tensor *grad_input);
/* scipy.ndimage.zoom's output shape: spatial sizes round(in * zoom) (Python's round: half to
 * even), batch dims kept. zoom has one factor per spatial dim. */
CLRS_API clrs_status clrs_zoom_shape(const clrs_ndi_params *params, int ndim, const int64_t *in_shape,
                                     const double *zoom, int64_t *out_shape);
/* scipy.ndimage.zoom into output's shape (any spatial sizes >= 1: the factors scipy uses come
 * from the shapes, (in - 1) / (out - 1), or in / out with grid_mode). */
CLRS_API clrs_status clrs_zoom(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *input,
                               const clrs_tensor *output);
/* scipy.ndimage.affine_transform: the input coordinate of output point o is matrix o + offset,
 * matrix n_spatial x n_spatial (row-major), offset n_spatial values. output: input's batch
 * dims, any spatial sizes. */
CLRS_API clrs_status clrs_affine_transform(clrs_context *ctx, const clrs_ndi_params *params,
                                           const double *matrix, const double *offset,
                                           const clrs_tensor *input, const clrs_tensor *output);
/* scipy.ndimage.map_coordinates: coordinates (n_spatial, P...) with 1 to 3 dims P (float
 * dtype), output (batch..., P...). */
CLRS_API clrs_status clrs_map_coordinates(clrs_context *ctx, const clrs_ndi_params *params,
                                          const clrs_tensor *input, const clrs_tensor *coordinates,
                                          const clrs_tensor *output);
/* Backwards (beyond scipy): the adjoint of each map with respect to its input (the transpose of
 * interpolation, prefilter and padding together), grad_input overwritten; map_coordinates also
 * w.r.t. the coordinates (grad_coordinates, d output / d coordinate summed against
 * grad_output). grad_input / grad_coordinates are each optional (NULL). Float dtypes only. */
CLRS_API clrs_status clrs_zoom_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                        const clrs_tensor *grad_output, const clrs_tensor *grad_input);
CLRS_API clrs_status clrs_affine_transform_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                                    const double *matrix, const double *offset,
                                                    const clrs_tensor *grad_output,
                                                    const clrs_tensor *grad_input);
CLRS_API clrs_status clrs_map_coordinates_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                                   const clrs_tensor *grad_output, const clrs_tensor *input,
                                                   const clrs_tensor *coordinates,
                                                   const clrs_tensor *grad_input,
                                                   const clrs_tensor *grad_coordinates);

#ifdef __cplusplus
}
#endif
#endif /* CLRESAMPLE_H */
