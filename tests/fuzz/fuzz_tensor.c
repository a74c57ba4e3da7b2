/* fuzz_tensor.c — clrs_tensor_from_dlpack with arbitrary DLTensor fields (its result is then
 * passed to an op), clrs_context_create / clrs_context_wrap with arbitrary options (device
 * "host" only: no OpenCL under the fuzzer), the context queries on the host context,
 * clrs_tensor_host / clrs_tensor_device, clrs_dtype_size, clrs_status_name, clrs_version and
 * clrs_device_list's refusals. */
#include "fuzz_common.h"

#include "clresample_dlpack.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "\nFUZZ CONTRACT VIOLATION: %s (message \"%s\")\n", what, clrs_error_message());
    abort();
}

/* The DLPack path: a DLTensor with arbitrary fields; on success the tensor must say what the
 * DLTensor says, and an op given it must behave like with any other tensor. */
static void dlpack(fz_in *in)
{
    static unsigned char fake[64];
    static const int devs[] = {kDLCPU, kDLCUDAHost, kDLOpenCL, kDLCUDA, kDLVulkan, -1, 1000};
    static const uint8_t codes[] = {kDLFloat, kDLBfloat, kDLInt, kDLUInt, kDLComplex, 6 /* kDLBool */, 200};
    static const uint8_t bits[] = {16, 32, 64, 8, 1, 0, 128};
    DLTensor dl;
    clrs_tensor out, before;
    int64_t *shape = NULL, *strides = NULL;
    size_t ns, i;
    clrs_status st;
    int b;

    memset(&dl, 0, sizeof dl);
    b = fz_u8(in);
    dl.ndim = b < 200 ? 1 + b % 5 : b < 230 ? (int32_t)(b % 9) - 1 : (int32_t)fz_u32(in);
    b = fz_u8(in);
    dl.device.device_type = (DLDeviceType)(b < 200 ? kDLCPU : devs[b % 7]);
    dl.device.device_id = fz_pick(in, 8) ? 0 : (int32_t)fz_u32(in);
    b = fz_u8(in);
    dl.dtype.code = b < 200 ? (b & 1 ? kDLFloat : kDLInt) : codes[b % 7];
    dl.dtype.bits = fz_pick(in, 4) ? (dl.dtype.code == kDLInt ? 64 : 32) : bits[fz_pick(in, 7)];
    dl.dtype.lanes = fz_pick(in, 16) ? 1 : (uint16_t)fz_u32(in);
    dl.byte_offset = fz_pick(in, 4) ? 0 : fz_pick(in, 2) ? (uint64_t)fz_pick(in, 4) * 8 : fz_u64(in);
    /* shape / strides: arrays of exactly ndim entries (at most 8), or NULL */
    ns = dl.ndim >= 0 && dl.ndim <= 8 ? (size_t)dl.ndim : 8;
    if (!fz_rare(in, 24)) {
        shape = malloc(ns ? ns * sizeof *shape : 1);
        for (i = 0; i < ns; i++) shape[i] = fz_pick(in, 8) ? fz_size(in) : fz_i64(in);
    }
    if (fz_pick(in, 2)) {
        strides = malloc(ns ? ns * sizeof *strides : 1);
        for (i = 0; i < ns; i++) strides[i] = fz_pick(in, 4) ? fz_pick(in, 5) : fz_i64(in);
    }
    dl.shape = shape;
    dl.strides = strides;
    dl.data = fz_pick(in, 8) ? (void *)fake : NULL; /* no op reads it below unless it is empty */
    memset(&out, 0x5a, sizeof out);
    before = out;
    st = clrs_tensor_from_dlpack(fz_rare(in, 32) ? NULL : &dl, fz_rare(in, 32) ? NULL : &out);
    fz_check("clrs_tensor_from_dlpack", st);
    if (st != CLRS_OK) {
        if (memcmp(&out, &before, sizeof out)) die("tensor_from_dlpack failed but changed *out");
    } else {
        int d;
        if (out.ndim != dl.ndim || out.offset != dl.byte_offset) die("tensor_from_dlpack: ndim or offset differ");
        for (d = 0; d < out.ndim; d++)
            if (out.shape[d] != dl.shape[d] || (dl.strides && out.strides[d] != dl.strides[d]))
                die("tensor_from_dlpack: shape or strides differ");
        if (!dl.strides && out.contiguous != 1) die("tensor_from_dlpack: NULL strides but not contiguous");
        if (clrs_dtype_size(out.dtype) * 8 != dl.dtype.bits) die("tensor_from_dlpack: dtype size differs");
        if (out.data && out.mem) die("tensor_from_dlpack: both data and mem");
        /* the op sees the tensor with `fake` (64 bytes, not its real extent) as memory: it must
           refuse any non-empty one only through its own checks; so give non-empty host tensors
           no memory at all, and expect a refusal */
        if (out.ndim >= 3 && out.ndim <= 5) {
            clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
            fz_tensor y;
            int64_t n = 1;
            for (d = 0; d < out.ndim; d++)
                if (out.shape[d] == 0) n = 0; /* n: 1 when non-empty */
            if (n != 0 || out.mem) out.data = NULL; /* non-empty (or cl_mem): no readable memory */
            for (d = 2; d < out.ndim; d++) p.size[d - 2] = out.shape[d] > 0 ? out.shape[d] : 1;
            fz_tensor_make(in, &y, out.ndim, CLRS_F32, out.shape, 1, 0);
            st = clrs_interpolate(fz_host_ctx, &p, &out, fz_ptr(&y));
            if (st == CLRS_OK && n != 0) die("interpolate accepted a non-empty DLPack tensor without memory");
            fz_check("clrs_interpolate(dlpack tensor)", st);
        }
    }
    free(shape);
    free(strides);
}

static void contexts(fz_in *in)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *c = (clrs_context *)(void *)&o, *before = c;
    clrs_cache_stats stats;
    double ms = -1.0;
    clrs_status st;
    o.device = "host";
    o.cache_dir = "";
    o.host_fallback = fz_pick(in, 4) ? fz_pick(in, 2) : fz_enum(in, 2);
    o.deterministic = fz_pick(in, 4) ? fz_pick(in, 2) : fz_enum(in, 2);
    switch (fz_pick(in, 4)) {
    case 0:
        st = clrs_context_create(fz_rare(in, 16) ? NULL : &c, &o);
        fz_check("clrs_context_create", st);
        if (st == CLRS_OK) {
            const clrs_device_info *info = clrs_context_device(c);
            if (!info || info->platform_index != -1 || clrs_context_cl_context(c) || clrs_context_cl_queue(c))
                die("a host context has OpenCL objects or no info");
            st = clrs_context_last_kernel_ms(c, fz_pick(in, 2) ? &ms : NULL);
            if (st == CLRS_OK) die("last_kernel_ms succeeded on a host context");
            fz_check("clrs_context_last_kernel_ms", st);
            st = clrs_context_cache_stats(c, fz_pick(in, 4) ? &stats : NULL);
            fz_check("clrs_context_cache_stats", st);
            if (st == CLRS_OK && stats.disk_enabled) die("cache_dir \"\" but the disk cache is on");
            st = clrs_context_finish(c);
            fz_check("clrs_context_finish", st);
            clrs_context_destroy(c);
        } else if (c != before) {
            die("context_create failed but set *ctx");
        }
        break;
    case 1: /* NULL queue: refused before any OpenCL call */
        st = clrs_context_wrap(fz_pick(in, 4) ? &c : NULL, NULL, fz_pick(in, 2) ? &o : NULL);
        if (st == CLRS_OK) die("context_wrap accepted a NULL queue");
        fz_check("clrs_context_wrap", st);
        break;
    case 2: /* the NULL-context answers */
        if (clrs_context_device(NULL) || clrs_context_cl_context(NULL) || clrs_context_cl_queue(NULL))
            die("a NULL context has info");
        st = clrs_context_finish(NULL);
        fz_check("clrs_context_finish(NULL)", st);
        st = clrs_context_cache_stats(NULL, &stats);
        fz_check("clrs_context_cache_stats(NULL)", st);
        st = clrs_context_last_kernel_ms(NULL, &ms);
        fz_check("clrs_context_last_kernel_ms(NULL)", st);
        clrs_context_destroy(NULL);
        break;
    default: { /* device_list's refusals (they come before any OpenCL enumeration) */
        size_t count = 7;
        st = clrs_device_list(NULL, 1 + (size_t)fz_pick(in, 4), fz_pick(in, 2) ? &count : NULL);
        if (st == CLRS_OK || count != 7) die("device_list accepted NULL infos with cap > 0, or wrote count");
        fz_check("clrs_device_list", st);
        break;
    }
    }
}

static void small_functions(fz_in *in)
{
    const int v = fz_pick(in, 2) ? fz_pick(in, 10) - 2 : (int)fz_u32(in);
    const char *name = clrs_status_name((clrs_status)v);
    const size_t es = clrs_dtype_size((clrs_dtype)v);
    const char *ver = clrs_version();
    int64_t shape[5];
    clrs_tensor t;
    int i, nd;
    if (!name || !*name) die("status_name is empty");
    if ((v < 0 || v > 6) && strcmp(name, "CLRS_UNKNOWN_STATUS")) die("status_name of an unknown status");
    if ((v < 0 || v > 5) ? es != 0 : (es != 1 && es != 2 && es != 4 && es != 8)) die("dtype_size");
    if (!ver || !*ver) die("version is empty");
    /* the constructors check nothing but must not read past ndim entries or crash */
    for (i = 0; i < 5; i++) shape[i] = fz_pick(in, 4) ? fz_size(in) : fz_i64(in);
    nd = fz_pick(in, 2) ? 1 + fz_pick(in, 5) : fz_enum(in, 7);
    {
        const size_t n = nd >= 1 && nd <= 5 ? (size_t)nd : 1;
        int64_t *exact = malloc(n * sizeof *exact);
        memcpy(exact, shape, n * sizeof *exact);
        t = clrs_tensor_host((clrs_dtype)v, nd, fz_rare(in, 8) ? NULL : exact, NULL);
        t = clrs_tensor_device((clrs_dtype)v, nd, fz_rare(in, 8) ? NULL : exact, NULL, (size_t)fz_u64(in));
        (void)t;
        free(exact);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    fz_begin();
    switch (fz_pick(&in, 3)) {
    case 0: dlpack(&in); break;
    case 1: contexts(&in); break;
    default: small_functions(&in); break;
    }
    return 0;
}
