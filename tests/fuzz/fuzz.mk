# fuzz.mk — builds the libFuzzer targets (GNU make; `make fuzz` in the top makefile calls it
# with srcdir, builddir and the libraries configure found).
#
# Each target is its harness + fuzz_common.c + the library's own sources (lib/*.c, plan/,
# host/, opencl/ and the generated lib/kernels_embedded.c), all compiled with clang under
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer. The library objects are built
# once into $(FUZZ_OBJDIR) and linked into every target. OpenMP is left out: the host
# backend's `omp` pragmas then run serially (all its omp_* calls are under #ifdef _OPENMP).

srcdir ?= .
builddir ?= .
FUZZ_CC ?= clang
FUZZ_OBJDIR ?= $(builddir)/tests/fuzz/obj
FUZZ_BINDIR ?= $(builddir)/tests/fuzz
OPENCL_CFLAGS ?=
OPENCL_LIBS ?= -lOpenCL
CLBLAST_CFLAGS ?=
CLBLAST_LIBS ?=
BLAS_CFLAGS ?=
BLAS_LIBS ?=
DNNL_LIBS ?=

FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu99 -g -O1 -ffp-contract=off -pthread -Wall -Wextra -Wno-unused-function \
	-Wno-unknown-pragmas -Wno-unused-parameter $(FUZZ_SAN) \
	$(OPENCL_CFLAGS) $(CLBLAST_CFLAGS) $(BLAS_CFLAGS)
FUZZ_CPPFLAGS = -I$(builddir) -I$(srcdir)/lib -I$(srcdir)/kernels -DCL_TARGET_OPENCL_VERSION=120 \
	-DHAVE_CONFIG_H -DCLRS_BUILDING=1
FUZZ_LIBS = $(CLBLAST_LIBS) $(DNNL_LIBS) $(BLAS_LIBS) $(OPENCL_LIBS) -lm -pthread

FUZZ_TARGETS = fuzz_interpolate fuzz_grid_sample fuzz_pool fuzz_conv_transpose fuzz_tensor fuzz_tune fuzz_ndimage

LIB_SRCS = $(wildcard $(srcdir)/lib/*.c $(srcdir)/lib/plan/*.c $(srcdir)/lib/host/*.c \
	$(srcdir)/lib/opencl/*.c)
LIB_SRCS := $(filter-out $(srcdir)/lib/kernels_embedded.c,$(LIB_SRCS))
LIB_HDRS = $(wildcard $(srcdir)/lib/*.h $(srcdir)/lib/*/*.h $(srcdir)/kernels/*.h) $(builddir)/config.h
# lib/x/y.c -> obj/lib_x_y.o
obj_of = $(FUZZ_OBJDIR)/$(subst /,_,$(patsubst $(srcdir)/%,%,$(1:.c=.o)))
LIB_OBJS = $(foreach s,$(LIB_SRCS),$(call obj_of,$(s))) $(FUZZ_OBJDIR)/lib_kernels_embedded.o
COMMON_OBJ = $(FUZZ_OBJDIR)/fuzz_common.o

all: $(addprefix $(FUZZ_BINDIR)/,$(FUZZ_TARGETS))

define lib_rule
$(call obj_of,$(1)): $(1) $(LIB_HDRS) | $(FUZZ_OBJDIR)
	$$(FUZZ_CC) $$(FUZZ_CPPFLAGS) $$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $$< -o $$@
endef
$(foreach s,$(LIB_SRCS),$(eval $(call lib_rule,$(s))))

$(FUZZ_OBJDIR)/lib_kernels_embedded.o: $(builddir)/lib/kernels_embedded.c | $(FUZZ_OBJDIR)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(COMMON_OBJ): $(srcdir)/tests/fuzz/fuzz_common.c $(srcdir)/tests/fuzz/fuzz_common.h $(LIB_HDRS) | $(FUZZ_OBJDIR)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BINDIR)/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c $(srcdir)/tests/fuzz/fuzz_common.h $(COMMON_OBJ) $(LIB_OBJS) $(LIB_HDRS)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(COMMON_OBJ) $(LIB_OBJS) $(FUZZ_LIBS) -o $@

$(FUZZ_OBJDIR):
	mkdir -p $@

clean:
	rm -rf $(FUZZ_OBJDIR) $(addprefix $(FUZZ_BINDIR)/,$(FUZZ_TARGETS))

.PHONY: all clean
