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
	@echo 'dm-icpt make targets (README.md; Documentation/index.rst)'
	@echo ''
	@echo 'Build and install, for the running kernel unless KDIR= names another:'
	@echo '  make [KDIR=<kernel build dir>]   build dm-icpt.ko'
	@echo '  make install                     install, unsigned, into /lib/modules/<release>/extra'
	@echo '  make dkms-install                add this version to DKMS, build it (to redo: dkms-remove)'
	@echo '  make dkms-remove                 remove this version from DKMS, for every kernel'
	@echo '  make clean                       remove build products'
	@echo ''
	@echo 'Test, in QEMU guests (Documentation/testing.rst, benchmarks.rst):'
	@echo '  make demo                        an emulated engine, icpt over it, fscrypt -o inlinecrypt'
	@echo '  make check [KERNELS=..] [CASES=..] [JOBS=..]'
	@echo '                                   the test matrix (KERNELS="7.2:041,050" for some cases)'
	@echo '  make check-debug [CASES=..]      every case on the KASAN/kmemleak/lockdep kernel'
	@echo '  make bench [BENCH_KERNELS=..]    benchmarks; report in /var/cache/dm-icpt/results/latest'
