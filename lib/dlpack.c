/* dlpack.c — clrs_tensor_from_dlpack: a DLPack tensor (PyTorch, NumPy, CuPy, JAX) described
 * as a clrs_tensor over the same memory, with no copy. The op that receives the tensor checks
 * it like any other; this only translates and refuses what has no clrs_tensor spelling. */
#include "internal.h"

#include "clresample_dlpack.h"

#include <string.h>

static int dtype_of(DLDataType t, clrs_dtype *out)
{
    if (t.code == kDLFloat && t.bits == 32) *out = CLRS_F32;
    else if (t.code == kDLFloat && t.bits == 64) *out = CLRS_F64;
    else if (t.code == kDLFloat && t.bits == 16) *out = CLRS_F16;
    else if (t.code == kDLBfloat && t.bits == 16) *out = CLRS_BF16;
    else if (t.code == kDLUInt && t.bits == 8) *out = CLRS_U8;
    else if (t.code == kDLInt && t.bits == 64) *out = CLRS_I64;
    else return 0;
    return 1;
}

clrs_status clrs_tensor_from_dlpack(const DLTensor *dl, clrs_tensor *out)
{
    const char *op = "tensor_from_dlpack";
    clrs_tensor t;
    int i;
    if (!dl) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: dl is NULL", op);
    if (!out) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: out is NULL", op);
    memset(&t, 0, sizeof t);
    if (dl->ndim < 1 || dl->ndim > 5)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: ndim is %d; tensors have 1 to 5 dimensions", op, dl->ndim);
    if (!dl->shape) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: shape is NULL", op);
    if (dl->dtype.lanes != 1)
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: dtype has %u lanes; only scalar (1-lane) dtypes are taken", op,
                          (unsigned)dl->dtype.lanes);
    if (!dtype_of(dl->dtype, &t.dtype))
        return clrs__fail(CLRS_ERR_UNSUPPORTED,
                          "%s: dtype (code %u, %u bits) is not one of float 16/32/64, bfloat 16, uint 8, int 64", op,
                          (unsigned)dl->dtype.code, (unsigned)dl->dtype.bits);
    switch (dl->device.device_type) {
    case kDLCPU:
    case kDLCUDAHost: /* pinned host memory is host memory */
        t.data = dl->data;
        break;
    case kDLOpenCL:
        t.mem = (cl_mem)dl->data;
        break;
    default:
        return clrs__fail(CLRS_ERR_UNSUPPORTED, "%s: device type %d is not kDLCPU or kDLOpenCL", op,
                          (int)dl->device.device_type);
    }
    if (dl->byte_offset > SIZE_MAX) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: byte_offset is too large", op);
    t.offset = (size_t)dl->byte_offset;
    t.ndim = dl->ndim;
    for (i = 0; i < dl->ndim; i++) {
        if (dl->shape[i] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: shape[%d] is %lld; sizes must be >= 0", op, i,
                              (long long)dl->shape[i]);
        t.shape[i] = dl->shape[i];
        if (dl->strides && dl->strides[i] < 0)
            return clrs__fail(CLRS_ERR_UNSUPPORTED,
                              "%s: strides[%d] is %lld; a negative stride (a reversed view) is not supported: pass a copy",
                              op, i, (long long)dl->strides[i]);
    }
    if (clrs__size_product(t.shape, t.ndim) < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: more than 2^63-1 elements", op);
    if (dl->strides) {
        memcpy(t.strides, dl->strides, sizeof(int64_t) * (size_t)dl->ndim);
    } else { /* DLPack's NULL strides: compact row-major */
        t.contiguous = 1;
        clrs__contiguous_strides(t.ndim, t.shape, t.strides);
    }
    *out = t;
    clrs__clear_error();
    return CLRS_OK;
}
