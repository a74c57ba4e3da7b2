/* device.c — OpenCL platform and device enumeration, capability probe, and the device
 * selection rule of CLRS_DEVICE / clrs_context_options.device. */
#include "internal.h"
#include "host/host.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

static void info_string(cl_device_id d, cl_device_info what, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (clGetDeviceInfo(d, what, cap, buf, NULL) != CL_SUCCESS) buf[0] = '\0';
    buf[cap - 1] = '\0';
}

static int has_extension(const char *exts, const char *name)
{
    size_t n = strlen(name);
    const char *p = exts;
    while ((p = strstr(p, name)) != NULL) {
        if ((p == exts || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
        p += n;
    }
    return 0;
}

void clrs__device_fill_info(cl_platform_id platform, cl_device_id device, int pi, int di,
                            clrs_device_info *info)
{
    cl_device_type type = 0;
    cl_uint cus = 0;
    size_t wg = 0;
    cl_ulong gmem = 0, lmem = 0, maxalloc = 0;
    size_t ext_size = 0;
    char *exts = NULL;

    memset(info, 0, sizeof *info);
    info->platform_index = pi;
    info->device_index = di;
    info_string(device, CL_DEVICE_NAME, info->name, sizeof info->name);
    info_string(device, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    info_string(device, CL_DEVICE_VERSION, info->version, sizeof info->version);
    info_string(device, CL_DRIVER_VERSION, info->driver, sizeof info->driver);
    info_string(device, CL_DEVICE_OPENCL_C_VERSION, info->opencl_c_version,
                sizeof info->opencl_c_version);
    if (clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof info->platform, info->platform,
                          NULL) != CL_SUCCESS)
        info->platform[0] = '\0';
    info->platform[sizeof info->platform - 1] = '\0';
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    info->type = (type & CL_DEVICE_TYPE_GPU)           ? CLRS_DEVICE_GPU
                 : (type & CL_DEVICE_TYPE_CPU)         ? CLRS_DEVICE_CPU
                 : (type & CL_DEVICE_TYPE_ACCELERATOR) ? CLRS_DEVICE_ACCELERATOR
                                                       : CLRS_DEVICE_OTHER;
    clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cus, &cus, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
    clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gmem, &gmem, NULL);
    clGetDeviceInfo(device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof lmem, &lmem, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof maxalloc, &maxalloc, NULL);
    info->compute_units = cus;
    info->max_work_group_size = (unsigned)wg;
    info->global_mem_bytes = gmem;
    info->local_mem_bytes = lmem;
    info->max_alloc_bytes = maxalloc;
    if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_size) == CL_SUCCESS &&
        (exts = malloc(ext_size + 1)) != NULL) {
        if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, ext_size, exts, NULL) == CL_SUCCESS) {
            exts[ext_size] = '\0';
            info->fp16 = has_extension(exts, "cl_khr_fp16");
            info->fp64 = has_extension(exts, "cl_khr_fp64");
        }
        free(exts);
    }
}

void clrs__host_info(clrs_device_info *info)
{
    memset(info, 0, sizeof *info);
    info->platform_index = -1;
    info->device_index = -1;
    info->type = CLRS_DEVICE_HOST;
    snprintf(info->name, sizeof info->name, "host (C%s)",
#ifdef _OPENMP
             " + OpenMP"
#else
             ""
#endif
    );
    snprintf(info->vendor, sizeof info->vendor, "clresample");
    snprintf(info->platform, sizeof info->platform, "host");
    snprintf(info->version, sizeof info->version, "clresample %s", PACKAGE_VERSION);
    /* what the host's conv_transpose GEMMs run on, for clrs-probe and bug reports */
    snprintf(info->driver, sizeof info->driver, "%s; conv_transpose: %s%s", PACKAGE_VERSION,
             clrs__dnnl_version() ? clrs__dnnl_version() : "",
#if defined(HAVE_CBLAS)
             clrs__dnnl_version() ? " (float32), CBLAS" : "CBLAS"
#else
             clrs__dnnl_version() ? " (float32), plain loops" : "plain loops"
#endif
    );
    info->compute_units = 1;
#ifdef _OPENMP
    {
        extern int omp_get_max_threads(void);
        info->compute_units = (unsigned)omp_get_max_threads();
    }
#endif
    info->fp16 = 1;
    info->fp64 = 1;
}

/* Every OpenCL device, platform by platform. Returns the count (0 without OpenCL). */
static int enumerate(clrs__device *devs, int cap)
{
    cl_platform_id plats[MAX_PLATFORMS];
    cl_uint np = 0, p;
    int n = 0;
    if (clGetPlatformIDs(MAX_PLATFORMS, plats, &np) != CL_SUCCESS) return 0;
    if (np > MAX_PLATFORMS) np = MAX_PLATFORMS;
    for (p = 0; p < np; p++) {
        cl_device_id ids[MAX_DEVICES];
        cl_uint nd = 0, d;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, ids, &nd) != CL_SUCCESS)
            continue;
        if (nd > MAX_DEVICES) nd = MAX_DEVICES;
        for (d = 0; d < nd && n < cap; d++) {
            devs[n].platform = plats[p];
            devs[n].device = ids[d];
            clrs__device_fill_info(plats[p], ids[d], (int)p, (int)d, &devs[n].info);
            n++;
        }
    }
    return n;
}

clrs_status clrs_device_list(clrs_device_info *infos, size_t cap, size_t *count)
{
    clrs__device devs[MAX_DEVICES];
    int n, i;
    if (!count) return clrs__fail(CLRS_ERR_ARGUMENT, "device_list: count is NULL");
    if (!infos && cap) return clrs__fail(CLRS_ERR_ARGUMENT, "device_list: infos is NULL but cap is %zu", cap);
    n = enumerate(devs, MAX_DEVICES);
    for (i = 0; i < n && (size_t)i < cap; i++) infos[i] = devs[i].info;
    if ((size_t)n < cap) clrs__host_info(&infos[n]);
    *count = (size_t)n + 1;
    clrs__clear_error();
    return CLRS_OK;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle), i;
    for (; *hay; hay++) {
        for (i = 0; i < n; i++)
            if (!hay[i] || tolower((unsigned char)hay[i]) != tolower((unsigned char)needle[i]))
                break;
        if (i == n) return 1;
    }
    return n == 0;
}

static const char *type_word(clrs_device_type t)
{
    switch (t) {
    case CLRS_DEVICE_HOST: return "host";
    case CLRS_DEVICE_CPU: return "CPU";
    case CLRS_DEVICE_GPU: return "GPU";
    case CLRS_DEVICE_ACCELERATOR: return "accelerator";
    case CLRS_DEVICE_OTHER: break;
    }
    return "other";
}

/* "0:0 NAME (CPU), ..., host (the host backend)" for messages. */
static void list_text(const clrs__device *devs, int n, char *buf, size_t cap)
{
    size_t k = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%d:%d %s (%s), ", devs[i].info.platform_index,
                              devs[i].info.device_index, devs[i].info.name, type_word(devs[i].info.type));
    if (k < cap) snprintf(buf + k, cap - k, "host (the host backend)");
}

clrs_status clrs__device_select(const char *spec, clrs__device *out,
                                int *is_host)
{
    clrs__device devs[MAX_DEVICES];
    int n = 0, i, pick = -1, pi, di;
    const char *why = "";
    char tail, list[768];

    *is_host = 0;
    if (!spec || !*spec) spec = "auto";
    if (!strcasecmp(spec, "host")) {
        *is_host = 1;
        clrs__verbose("device \"%s\": the host backend (C + OpenMP), as asked", spec);
        return CLRS_OK;
    }
    n = enumerate(devs, MAX_DEVICES);
    if (clrs__verbose_on()) {
        list_text(devs, n, list, sizeof list);
        clrs__verbose("devices present: %s", list);
    }
    if (!strcasecmp(spec, "auto")) {
        /* a GPU, else the host backend: on a CPU the host backend (C + OpenMP, oneDNN) beats an
           OpenCL CPU device such as PoCL on every workload measured (docs/PERFORMANCE.md), so
           "auto" never picks one; "cpu" or "P:D" still does */
        for (i = 0; i < n && pick < 0; i++)
            if (devs[i].info.type == CLRS_DEVICE_GPU) pick = i, why = "the first GPU";
        if (pick < 0) {
            *is_host = 1;
            if (n == 0)
                clrs__verbose("device \"%s\": no OpenCL device found (is an ICD installed, e.g. "
                              "pocl-opencl-icd?); the host backend", spec);
            else
                clrs__verbose("device \"%s\": no GPU; the host backend (\"cpu\" selects an OpenCL "
                              "CPU device)", spec);
            return CLRS_OK;
        }
    } else if (!strcasecmp(spec, "gpu") || !strcasecmp(spec, "cpu")) {
        clrs_device_type want = tolower((unsigned char)spec[0]) == 'g' ? CLRS_DEVICE_GPU : CLRS_DEVICE_CPU;
        for (i = 0; i < n && pick < 0; i++)
            if (devs[i].info.type == want) pick = i, why = "the first of that type";
    } else if (sscanf(spec, "%d:%d%c", &pi, &di, &tail) == 2) {
        for (i = 0; i < n && pick < 0; i++)
            if (devs[i].info.platform_index == pi && devs[i].info.device_index == di) pick = i, why = "by index";
    } else {
        for (i = 0; i < n && pick < 0; i++)
            if (contains_nocase(devs[i].info.name, spec)) pick = i, why = "the first whose name contains it";
    }
    if (pick < 0) {
        /* a device that was named and is not there is an error, OpenCL or not: only "auto"
           (above, without a GPU) and "host" land on the host backend */
        list_text(devs, n, list, sizeof list);
        return clrs__fail(CLRS_ERR_DEVICE,
                          "device: no device matches \"%s\"; present: %s. Use auto, gpu, cpu, host, "
                          "P:D or part of a device name",
                          spec, list);
    }
    clrs__verbose("device \"%s\": %d:%d %s (%s, %s), %s", spec, devs[pick].info.platform_index,
                  devs[pick].info.device_index, devs[pick].info.name, type_word(devs[pick].info.type),
                  devs[pick].info.platform, why);
    *out = devs[pick];
    return CLRS_OK;
}
