# SPDX-License-Identifier: GPL-2.0
#
# Targets a user types; `make help` lists them.  The module itself is built
# by kbuild from the Kbuild file beside this one.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# dkms.conf's PACKAGE_VERSION is the one version: Kbuild hands it to
# MODULE_VERSION and debian/rules checks debian/changelog against it.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
# What building the module needs, and all that DKMS and the package get.
MODULE_SOURCES := Kbuild dkms.conf $(wildcard src/*.c src/*.h include/*.h probes/*.c) \
	scripts/probe.sh
# Where `make deb` puts the package.
DEB_DIR ?= .
DEB := dm-icpt-dkms_$(VERSION)_all.deb
# `make install` signs with the key DKMS made (and the user enrolled) when
# the kernel tree has no signing key of its own: Documentation/install.rst.
SIGN_KEY ?= /var/lib/dkms/mok.key
SIGN_CERT ?= /var/lib/dkms/mok.pub

# Kernels `make check` runs on; empty means tests/run's matrix (7.2,
# 6.12-leak, 7.2+xfstests, 6.12-leak+xfstests, 6.1, 5.10, stock-6.1,
# stock-6.12: 6.12 with kmemleak, so every run scans for leaks; KASAN is
# `make check-debug`; the +xfstests boots run part of xfstests' encrypt
# group, `make check-xfstests` all of it).
# Select with e.g. KERNELS="6.1 7.2".
KERNELS ?=
CASES ?=
# `make bench`: empty means 7.2-bench (speed, no lockdep, both consumers)
# and 6.12-debug (allocations).
BENCH_KERNELS ?=

.PHONY: all modules install uninstall clean help check check-debug demo bench dkms-install dkms-remove \
	deb kdir-check check-xfstests

all: modules

# Without the kernel's build tree kbuild's own error names neither the
# directory nor the package.
kdir-check:
	@test -f $(KDIR)/Makefile || { \
		echo "dm-icpt: no kernel build tree at $(KDIR)" >&2; \
		$(if $(filter command line,$(origin KDIR)),, \
		echo "  install the headers of kernel $(KVER): apt install linux-headers-$(KVER)" >&2;) \
		echo "  or name another kernel: make KVER=<release>, or make KDIR=<build tree>" >&2; \
		exit 1; }

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# updates/ takes precedence over the kernel's own modules.  A distribution's
# headers carry no signing key, and kbuild's attempt to sign with it only
# prints errors: sign with the DKMS key instead, where there is one, before
# modules_install copies (and perhaps compresses) the module.
KERNEL_SIGNS = $(wildcard $(KDIR)/certs/signing_key.x509)

install: modules
	$(if $(KERNEL_SIGNS),,$(sign_with_dkms_key))
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(KERNEL_SIGNS),,CONFIG_MODULE_SIG_ALL=) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

define sign_with_dkms_key
	@if ! grep -q '^CONFIG_MODULE_SIG=y' $(KDIR)/.config; then \
		:; \
	elif [ -f $(SIGN_KEY) ] && [ -f $(SIGN_CERT) ]; then \
		if ! tail -c 28 dm-icpt.ko | grep -q '^~Module signature appended~$$'; then \
			echo "  SIGN    dm-icpt.ko with $(SIGN_KEY)"; \
			$(KDIR)/scripts/sign-file \
				"$$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' $(KDIR)/.config)" \
				$(SIGN_KEY) $(SIGN_CERT) dm-icpt.ko; \
		fi; \
	else \
		echo "dm-icpt: installing dm-icpt.ko unsigned (there is no $(SIGN_KEY)): a kernel"; \
		echo "  that enforces module signatures refuses it; Documentation/install.rst"; \
	fi
endef

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/dm-icpt.ko*
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

# Without a kernel build tree (headers removed, or none installed yet) the
# products go by name: kbuild's clean needs the tree.
clean:
	@if test -f $(KDIR)/Makefile; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		find . -path ./.git -prune -o -type f \( -name '*.o' -o -name '*.ko' \
			-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \
			-o -name '*_probes.h' -o -name modules.order -o -name Module.symvers \) \
			-exec rm -f {} +; \
		rm -rf .tmp_versions; \
	fi

# The module source as DKMS and the package get it: nothing else of the
# checkout (no tests, no build products).
define stage_sources
	mkdir -p $(1) && cp --parents $(MODULE_SOURCES) $(1)/
endef

# Re-runnable: the same version from an updated checkout replaces the last
# one.  A tree the package installed is the package's.
dkms-install:
	@if dpkg -S /usr/src/dm-icpt-$(VERSION) >/dev/null 2>&1; then \
		echo "dm-icpt: /usr/src/dm-icpt-$(VERSION) belongs to the dm-icpt-dkms package:" \
			"remove it (apt remove dm-icpt-dkms) or install a newer one" >&2; \
		exit 1; fi
	@if ls /lib/modules/$(KVER)/updates/dm-icpt.ko* >/dev/null 2>&1; then \
		echo "dm-icpt: make install put a dm-icpt.ko in /lib/modules/$(KVER)/updates," \
			"which DKMS will not replace: make uninstall KVER=$(KVER) first" >&2; \
		exit 1; fi
	@if [ -n "$$(dkms status -m dm-icpt -v $(VERSION))" ]; then \
		echo dkms remove dm-icpt/$(VERSION) --all; \
		dkms remove dm-icpt/$(VERSION) --all; fi
	rm -rf /usr/src/dm-icpt-$(VERSION)
	$(call stage_sources,/usr/src/dm-icpt-$(VERSION))
	dkms add dm-icpt/$(VERSION)
	dkms install dm-icpt/$(VERSION) -k $(KVER)

dkms-remove:
	@if dpkg -S /usr/src/dm-icpt-$(VERSION) >/dev/null 2>&1; then \
		echo "dm-icpt: dm-icpt $(VERSION) is the package's: apt remove dm-icpt-dkms" >&2; \
		exit 1; fi
	dkms remove dm-icpt/$(VERSION) --all
	rm -rf /usr/src/dm-icpt-$(VERSION)

# Built in a copy holding only what the package ships, so the checkout
# stays as it was; lintian, where it is installed (or named: LINTIAN=),
# must find no error and no warning.
LINTIAN ?= $(shell command -v lintian)

deb:
	@command -v dh_dkms >/dev/null || { \
		echo "dm-icpt: make deb needs: apt install debhelper dh-dkms" >&2; exit 1; }
	@set -e; t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; \
	s=$$t/dm-icpt-$(VERSION); \
	$(call stage_sources,$$s); \
	cp -r debian README.md Documentation $$s/; \
	(cd $$s && dpkg-buildpackage --build=source,all --no-sign) >$$t/build.log 2>&1 || \
		{ cat $$t/build.log >&2; exit 1; }; \
	if [ -n "$(LINTIAN)" ]; then \
		$(LINTIAN) --fail-on error,warning --display-info $$t/*.changes; \
	else \
		echo "dm-icpt: lintian is not installed: the package is not checked"; \
	fi; \
	mkdir -p $(DEB_DIR); \
	mv $$t/$(DEB) $(DEB_DIR)/; \
	echo "dm-icpt: wrote $(DEB_DIR)/$(DEB)"

check:
	tests/run $(if $(KERNELS),--kernels "$(KERNELS)") $(if $(CASES),--cases "$(CASES)") \
		$(if $(JOBS),--jobs $(JOBS))

# xfstests' whole encrypt group over icpt, dm-linear and short icpt lines
# (about 50 minutes a setup under TCG: Documentation/testing-xfstests.rst).
XFSTESTS_KERNEL ?= 7.2
check-xfstests:
	ICPT_XFSTESTS_SETUPS="icpt:all linear:all lines:ciphertext" \
		tests/run --kernels "$(XFSTESTS_KERNEL)+xfstests" $(if $(CASES),--cases "$(CASES)")

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
	@echo 'Build and install, for the running kernel unless KVER=<release> names another'
	@echo 'installed one or KDIR=<kernel build dir> any build tree (Documentation/install.rst):'
	@echo '  make [KVER=..|KDIR=..]           build dm-icpt.ko'
	@echo '  make install [KVER=..|KDIR=..]   install into /lib/modules/<release>/updates, signed'
	@echo '                                   with the DKMS key (/var/lib/dkms/mok.key) if there is one'
	@echo '  make uninstall [KVER=..]         remove what make install installed'
	@echo '  make dkms-install [KVER=..]      copy this version to DKMS, build and install it;'
	@echo '                                   run it again after an update'
	@echo '  make dkms-remove                 remove this version from DKMS, for every kernel'
	@echo '  make deb [DEB_DIR=..]            build dm-icpt-dkms_<version>_all.deb (default: here);'
	@echo '                                   then: apt install ./dm-icpt-dkms_<version>_all.deb'
	@echo '  make clean                       remove build products'
	@echo ''
	@echo 'Test, in QEMU guests (Documentation/testing.rst, benchmarks.rst):'
	@echo '  make demo                        an emulated engine, icpt over it, fscrypt -o inlinecrypt'
	@echo '  make check [KERNELS=..] [CASES=..] [JOBS=..]'
	@echo '                                   the test matrix (KERNELS="7.2:041,050" for some cases,'
	@echo '                                   KERNELS=7.2+xfstests CASES=generic/368 for xfstests)'
	@echo '  make check-xfstests [XFSTESTS_KERNEL=..]'
	@echo '                                   the whole xfstests encrypt group on one kernel (7.2)'
	@echo '  make check-debug [CASES=..]      every case on the KASAN/kmemleak/lockdep kernel'
	@echo '  make bench [BENCH_KERNELS=..]    benchmarks; report in /var/cache/dm-icpt/results/latest'
