/* internal.h — declarations shared between the library's source files (never installed).
 *
 * Cross-file internal names carry the clrs__ prefix. The context structure lives here
 * because the op front ends, the program cache and both backends read it. */
#ifndef CLRS_INTERNAL_H
#define CLRS_INTERNAL_H

#ifndef CLRS_BUILDING
#define CLRS_BUILDING 1
#endif
#include "config.h"
#include "clresample.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define CLRS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- status.c ---- */
/* Records "<message>" as this thread's error and returns `status`. */
clrs_status clrs__fail(clrs_status status, const char *fmt, ...) CLRS_PRINTF(2, 3);
/* As clrs__fail for a failed OpenCL call: "<what>: <call> failed (<CL error name>)". */
clrs_status clrs__cl_fail(cl_int err, const char *what, const char *call);
void clrs__clear_error(void);
/* CLRS_VERBOSE set (and not "0"): a line "clresample: <message>" on stderr. The only output
 * the library ever writes. */
int clrs__verbose_on(void);
void clrs__verbose(const char *fmt, ...) CLRS_PRINTF(1, 2);
const char *clrs__cl_error_name(cl_int err);

/* ---- device.c ---- */
typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    clrs_device_info info;
} clrs__device;

/* Picks a device for `spec` (see clrs_context_options.device). *is_host is set when the
 * host backend was chosen (spec "host", or "auto" with no OpenCL device). */
clrs_status clrs__device_select(const char *spec, clrs__device *out,
                                int *is_host);
void clrs__device_fill_info(cl_platform_id platform, cl_device_id device, int pi, int di,
                            clrs_device_info *info);
void clrs__host_info(clrs_device_info *info);

/* ---- program_cache.c ---- */
typedef struct clrs__program clrs__program;

/* The text of a kernel file with its #include "..." lines resolved, from the embedded copy
 * or from $CLRS_KERNEL_DIR. Caller frees. NULL with an error recorded on failure. */
char *clrs__kernel_source(const char *file);
/* The built program for (kernel file, build options) on the context's device, from the
 * context's memory cache, the disk cache, or a fresh build. The program stays owned by the
 * context. */
clrs_status clrs__program_get(clrs_context *ctx, const char *file, const char *options,
                              cl_program *program);
void clrs__program_cache_free(clrs_context *ctx);
/* Files of the cache directory, under the disk cache's trust rules (docs/ARCHITECTURE.md,
 * "Program cache: what it trusts"). read: 0, or -1 absent, -2 a regular file that may not be
 * used (another user's, group/other-writable, empty, larger than max_bytes, unreadable), -3
 * not a regular file (symlink, directory, FIFO...); *data is malloc'd. write: 0, -1 the
 * directory is unusable, -2 this path is. */
int clrs__cache_file_read(const char *path, size_t max_bytes, unsigned char **data, size_t *size);
int clrs__cache_file_write(const char *path, const unsigned char *data, size_t n);
/* A growable NUL-terminated string (program sources, cache keys, the tuning file's text):
 * appends never fail loudly; `failed` is set once memory runs out and later appends do
 * nothing. Free `p` when done. */
typedef struct {
    char *p;
    size_t n, cap;
    int failed;
} clrs__strbuf;
void clrs__sb_add(clrs__strbuf *b, const char *s, size_t n);

/* ---- tune.c ---- */
typedef struct clrs__tune_entry clrs__tune_entry;
/* Reads the tuning file's entries for the context's device (at context creation; a missing,
 * unsafe or corrupt file leaves none) */
void clrs__tune_load(clrs_context *ctx);
void clrs__tune_free(clrs_context *ctx);
/* The parameters of one call: shipped default for the device class, then the context's entry
 * for (kernel, shape class), then the environment overrides (CLRS_WG, CLRS_VEC,
 * CLRS_INTERP_PASSES). Recorded as the context's last choice (clrs_context_last_tune). */
void clrs__tune_get(clrs_context *ctx, const char *kernel, const char *shape_class, clrs_tune_params *p);
/* Parses tuning-file text: the entries for (device, driver) through `add` (fuzzed: any bytes).
 * Returns the number of entries accepted, or -1 when the header is not a tuning file's. */
int clrs__tune_parse(const char *text, size_t n, const char *device, const char *driver,
                     void (*add)(void *arg, const char *kernel, const char *shape_class,
                                 const clrs_tune_params *p),
                     void *arg);

/* ---- context.c ---- */
struct clrs_context {
    int is_host;                  /* no OpenCL device: everything runs on the host */
    clrs_device_info info;
    cl_platform_id platform;
    cl_device_id device;
    cl_context cl;
    cl_command_queue queue;
    int host_fallback;
    int deterministic;            /* default for scatters */
    int compat;                   /* clrs_compat default */
    char *cache_dir;              /* NULL: no disk cache */
    pthread_mutex_t lock;         /* guards programs and stats */
    clrs_cache_stats stats;
    clrs__program *programs;      /* the memory level of the program cache */
    cl_event first_event;         /* the last op's first and last kernels, for */
    cl_event last_event;          /* clrs_context_last_kernel_ms */
    clrs__tune_entry *tune;       /* tuning entries for this device (file, then caller), */
    size_t ntune;                 /* guarded by lock */
    clrs_tune_choice last_tune;   /* the parameters the last tuned kernel launch used */
    int used_clblast;             /* 1 once a CLBlast routine ran on this context (set
                                     atomically: ops may run on several threads); destroy
                                     then clears CLBlast's program cache */
};

/* An op starts: forget the previous op's kernel events. */
void clrs__op_begin(clrs_context *ctx);
/* Keeps `ev` (taking over its reference) as the op's latest kernel event. */
void clrs__set_last_event(clrs_context *ctx, cl_event ev);

void clrs__count_fallback(clrs_context *ctx);

/* ---- opencl/conv_transpose.c ---- */
/* Releases what CLBlast keeps for the context's device programs (its cache is process-wide
 * and keeps every context it saw alive), when a CLBlast routine ran on it. Called by
 * clrs_context_destroy before the cl_context is released. */
void clrs__cl_blast_release(clrs_context *ctx);

/* ---- tensor.c ---- */
/* Checked 64-bit arithmetic: 0 with *r set when the exact result fits, 1 on overflow. */
static inline int clrs__mul64(int64_t a, int64_t b, int64_t *r) { return __builtin_mul_overflow(a, b, r); }
static inline int clrs__add64(int64_t a, int64_t b, int64_t *r) { return __builtin_add_overflow(a, b, r); }
/* The product of n sizes (each >= 0), or -1 when one is negative or the product overflows. */
int64_t clrs__size_product(const int64_t *sizes, int n);

/* A validated tensor: strides resolved (contiguous filled in; 0 = broadcast), the byte span
 * it touches, and where those bytes live for overlap checks. */
typedef struct {
    const char *name;   /* the argument's name, for messages */
    clrs_dtype dtype;
    size_t esize;
    int ndim;
    int64_t shape[5];
    int64_t strides[5];
    int64_t numel;
    size_t span;        /* bytes from the first element to the end of the last; 0 if empty */
    char *host;         /* data + offset, or NULL */
    cl_mem mem;         /* or the buffer ... */
    size_t offset;      /* ... and the byte offset of the first element in it */
    void *space;        /* address space: NULL = host memory, else the root cl_mem */
    uint64_t addr;      /* the first element's byte address in that space */
} clrs__view;

/* Validates `t` as argument `name` of `op`: pointer, dtype, ndim (0: any of 1..5), shape,
 * strides, memory kind against the context, alignment; an output must not overlap itself. */
clrs_status clrs__view_make(const char *op, const char *name, const clrs_context *ctx,
                            const clrs_tensor *t, int ndim, int is_output, clrs__view *v);
/* 1 when the two views share a byte (sub-buffers and CL_MEM_USE_HOST_PTR buffers resolved). */
int clrs__views_overlap(const clrs__view *a, const clrs__view *b);

/* The one argument checker. An entry point lists its tensors; clrs__args_check validates
 * each (clrs__view_make), its dtype (class, or the dtype of the tensor `like` names) and,
 * with CLRS__SAME_SHAPE, its shape against `like`; then no output may share a byte with any
 * other tensor of the call (inputs may share: they are only read). Shapes that depend on the
 * op's parameters are checked after planning with clrs__check_shape. */
enum { CLRS__OUT = 1, CLRS__OPTIONAL = 2, CLRS__SAME_SHAPE = 4 };
/* dtype classes: FLOAT = f32/f64/f16/bf16 (u8 is CLRS_ERR_UNSUPPORTED), INDEX = i64,
 * STORAGE = FLOAT or u8 (ops that take uint8 images) */
enum { CLRS__ANY = 0, CLRS__FLOAT = 1, CLRS__INDEX = 2, CLRS__STORAGE = 3 };
typedef struct {
    const char *name;
    const clrs_tensor *t;     /* may be NULL with CLRS__OPTIONAL */
    int flags;
    int cls;                  /* dtype class when like < 0 */
    int like;                 /* index of the argument whose dtype this one must have, or -1 */
    clrs__view view;
    clrs__view *v;            /* &view when present, NULL when absent */
} clrs__tensor_arg;
#define CLRS__ARG(NAME, T, FLAGS, CLS, LIKE) \
    { .name = (NAME), .t = (T), .flags = (FLAGS), .cls = (CLS), .like = (LIKE) }
clrs_status clrs__args_check(const char *op, const clrs_context *ctx, clrs__tensor_arg *args, int n);
/* "<op>: <name> has shape [..]; expected [..] (<what>)" unless v has that shape. */
clrs_status clrs__check_shape(const char *op, const clrs__view *v, int ndim, const int64_t *want,
                              const char *what);
/* Contiguous (row-major) strides for a shape. */
void clrs__contiguous_strides(int ndim, const int64_t *shape, int64_t *strides);
const char *clrs__dtype_name(clrs_dtype dtype);

/* Host copies of device views, for running an op on the host (fallback). stage_in reads
 * a view's span into new host memory (`copy_in` 0: allocate only); stage_out writes it back
 * and frees. The staged view refers to the host copy. */
clrs_status clrs__stage_to_host(clrs_context *ctx, const clrs__view *v, int copy_in,
                                clrs__view *staged);
clrs_status clrs__stage_from_host(clrs_context *ctx, const clrs__view *orig,
                                  clrs__view *staged, int copy_out);

/* OpenCL buffers of views: a device view as it is, a host view wrapped with
 * CL_MEM_USE_HOST_PTR. clrs__cl_view_release releases what cl_view_acquire created and,
 * for a written host view, maps it so the host memory holds the result. */
typedef struct {
    cl_mem mem;
    size_t elem_offset;   /* element offset of the first element in mem */
    int owned;
} clrs__cl_buffer;
clrs_status clrs__cl_view_acquire(clrs_context *ctx, const clrs__view *v, int writable,
                                  clrs__cl_buffer *b);
clrs_status clrs__cl_view_release(clrs_context *ctx, const clrs__view *v, int written,
                                  clrs__cl_buffer *b);

/* ---- dispatch.c ---- */
#define CLRS_MAX_VIEWS 6
typedef clrs_status (*clrs__device_fn)(clrs_context *ctx, const void *arg, clrs__view **views);
typedef clrs_status (*clrs__host_fn)(const void *arg, clrs__view **views);
/* Runs an op whose arguments are all validated: views[0 .. nin) are read, views[nin ..
 * nin + nout) written (NULL entries are absent). `arg` is the op's resolved geometry. */
clrs_status clrs__execute(clrs_context *ctx, const char *op, clrs_dtype dtype, clrs__view **views,
                          int nin, int nout, clrs__device_fn device, clrs__host_fn host,
                          const void *arg);

#endif /* CLRS_INTERNAL_H */
