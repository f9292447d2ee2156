# SPDX-License-Identifier: GPL-2.0
#
# Targets a user types; `make help` lists them.  The module itself is built
# by kbuild from the Kbuild file beside this one.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(shell pwd)
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# Kernels `make check` runs on; empty means tests/run's matrix (7.2,
# 6.12-leak, 6.1, 5.10, stock-6.1: 6.12 with kmemleak, so every run scans
# for leaks; KASAN is `make check-debug`).  Select with e.g. KERNELS="6.1 7.2".
KERNELS ?=
CASES ?=
# `make bench`: empty means 7.2-bench (speed, no lockdep, both consumers)
# and 6.12-debug (allocations).
BENCH_KERNELS ?=

.PHONY: all modules install clean help check check-debug demo bench dkms-install dkms-remove

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean

dkms-install:
	dkms add $(PWD)
	dkms install dm-icpt/$(VERSION)

dkms-remove:
	dkms remove dm-icpt/$(VERSION) --all

check:
	tests/run $(if $(KERNELS),--kernels "$(KERNELS)") $(if $(CASES),--cases "$(CASES)") \
		$(if $(JOBS),--jobs $(JOBS))

# The reliability kernel (KASAN, kmemleak, lockdep), all cases, full cycles.
check-debug:
	tests/run --kernels 6.12-debug $(if $(CASES),--cases "$(CASES)")

demo:
	tests/run --demo

bench:
	tests/run --bench $(if $(BENCH_KERNELS),--kernels "$(BENCH_KERNELS)")

help:
	@echo 'dm-icpt make targets:'
	@echo '  make [KDIR=<kernel build dir>]   build dm-icpt.ko (default: running kernel)'
	@echo '  make install                     install into /lib/modules/<release>/updates'
	@echo '  make dkms-install / dkms-remove  register with DKMS and build for this kernel'
	@echo '  make demo                        boot a test kernel in QEMU and show passthrough'
	@echo '  make check [KERNELS=..] [CASES=..] run the test matrix in QEMU guests'
	@echo '  make check-debug [CASES=..]      all cases on the KASAN/kmemleak/lockdep kernel'
	@echo '  make bench [BENCH_KERNELS=..]    benchmarks in QEMU; table and chart in the cache'
	@echo '  make clean                       remove build products'
