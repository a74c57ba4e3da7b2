/* clresample_dlpack.h — tensors from DLPack, the exchange format of PyTorch, NumPy, CuPy and
 * JAX (`dlpack/dlpack.h`, Debian libdlpack-dev). Installed beside clresample.h; include it
 * after (or instead of) clresample.h. */
#ifndef CLRESAMPLE_DLPACK_H
#define CLRESAMPLE_DLPACK_H

#include <dlpack/dlpack.h>

#include "clresample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Describes the memory of `dl` as a clrs_tensor, with no copy: kDLCPU (and kDLCUDAHost)
 * tensors become host tensors (`data` = dl->data), kDLOpenCL tensors device tensors whose
 * `data` is the cl_mem. dtype: float 16/32/64, bfloat 16, uint 8 or int 64, one lane. shape
 * and strides (in elements; NULL strides = compact row-major) are copied, byte_offset becomes
 * the tensor's offset. ndim 1..5; a negative stride, or a size or stride product that does
 * not fit in 64 bits, is refused. The tensor borrows the memory: keep the DLPack owner alive
 * while the tensor is used. On failure *out is left untouched. */
CLRS_API clrs_status clrs_tensor_from_dlpack(const DLTensor *dl, clrs_tensor *out);

#ifdef __cplusplus
}
#endif
#endif /* CLRESAMPLE_DLPACK_H */
