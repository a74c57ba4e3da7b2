/* status.c — status names, the thread-local error message, OpenCL error names, and the one
 * place the library writes to stderr: CLRS_VERBOSE=1 (device choice, program builds and
 * cache hits, host fallbacks). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLRS_MESSAGE_MAX 1024
static _Thread_local char message[CLRS_MESSAGE_MAX];

const char *clrs_status_name(clrs_status status)
{
    switch (status) {
#define CLRS_X_NAME(name, value, text) case name: return #name;
        CLRS_STATUS_LIST(CLRS_X_NAME)
#undef CLRS_X_NAME
    }
    return "CLRS_UNKNOWN_STATUS";
}

const char *clrs_error_message(void) { return message; }

const char *clrs_version(void) { return PACKAGE_VERSION; }

void clrs__clear_error(void) { message[0] = '\0'; }

int clrs__verbose_on(void)
{
    const char *v = getenv("CLRS_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

void clrs__verbose(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (!clrs__verbose_on()) return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "clresample: %s\n", line); /* one write per line: threads do not interleave */
}

clrs_status clrs__fail(clrs_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return status;
}

const char *clrs__cl_error_name(cl_int err)
{
    switch (err) {
#define E(x) case x: return #x;
        E(CL_SUCCESS) E(CL_DEVICE_NOT_FOUND) E(CL_DEVICE_NOT_AVAILABLE)
        E(CL_COMPILER_NOT_AVAILABLE) E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
        E(CL_OUT_OF_RESOURCES) E(CL_OUT_OF_HOST_MEMORY) E(CL_PROFILING_INFO_NOT_AVAILABLE)
        E(CL_MEM_COPY_OVERLAP) E(CL_IMAGE_FORMAT_MISMATCH) E(CL_IMAGE_FORMAT_NOT_SUPPORTED)
        E(CL_BUILD_PROGRAM_FAILURE) E(CL_MAP_FAILURE) E(CL_MISALIGNED_SUB_BUFFER_OFFSET)
        E(CL_INVALID_VALUE) E(CL_INVALID_DEVICE_TYPE) E(CL_INVALID_PLATFORM)
        E(CL_INVALID_DEVICE) E(CL_INVALID_CONTEXT) E(CL_INVALID_QUEUE_PROPERTIES)
        E(CL_INVALID_COMMAND_QUEUE) E(CL_INVALID_HOST_PTR) E(CL_INVALID_MEM_OBJECT)
        E(CL_INVALID_BINARY) E(CL_INVALID_BUILD_OPTIONS) E(CL_INVALID_PROGRAM)
        E(CL_INVALID_PROGRAM_EXECUTABLE) E(CL_INVALID_KERNEL_NAME) E(CL_INVALID_KERNEL)
        E(CL_INVALID_ARG_INDEX) E(CL_INVALID_ARG_VALUE) E(CL_INVALID_ARG_SIZE)
        E(CL_INVALID_KERNEL_ARGS) E(CL_INVALID_WORK_DIMENSION) E(CL_INVALID_WORK_GROUP_SIZE)
        E(CL_INVALID_WORK_ITEM_SIZE) E(CL_INVALID_GLOBAL_OFFSET) E(CL_INVALID_EVENT_WAIT_LIST)
        E(CL_INVALID_EVENT) E(CL_INVALID_OPERATION) E(CL_INVALID_BUFFER_SIZE)
        E(CL_INVALID_GLOBAL_WORK_SIZE) E(CL_INVALID_PROPERTY)
        E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
#undef E
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    }
    return "CL_UNKNOWN_ERROR";
}

clrs_status clrs__cl_fail(cl_int err, const char *what, const char *call)
{
    clrs_status st = CLRS_ERR_DEVICE;
    if (err == CL_OUT_OF_HOST_MEMORY || err == CL_MEM_OBJECT_ALLOCATION_FAILURE)
        st = CLRS_ERR_MEMORY;
    return clrs__fail(st, "%s: %s failed (%s, %d)", what, call, clrs__cl_error_name(err),
                      (int)err);
}
