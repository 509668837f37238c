# DynDet: two commands on a fresh Debian 12 machine with the .NET SDK.
#   make demo   installs what is missing, builds, runs the main job on built-in synthetic data
#   make test   the same set-up, then every test; the last line is "N passed, M failed"
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# Everything comes from Debian's archive: libtorch (CPU), OpenBLAS (OpenMP, like libtorch; the
# reference BLAS is ~8x slower), torchvision's C++ ops and the Python reference for parity fixtures;
# gloo's headers for the shim's data-parallel process groups (c10d's ProcessGroupGloo is inside libtorch);
# chromium renders the training reports headless in the browser test; util-linux has setsid, which `train --nproc`
# starts each worker in its own session with (Essential in Debian, so always present: named because it is used).
APT_PACKAGES := libtorch-dev libopenblas0-openmp python3-torch python3-torchvision cmake g++ make \
                libjpeg62-turbo-dev libpng-dev libgloo-dev chromium util-linux
DOTNET ?= dotnet
CONFIG ?= Release
NATIVE_LIB := native/build/libdyndet_native.so
PYTHON := /usr/bin/python3

.PHONY: setup apt native build test demo fixtures clean

setup: apt native build

apt:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "setup: system packages present"; fi

native: $(NATIVE_LIB)

$(NATIVE_LIB): native/CMakeLists.txt $(wildcard native/src/*.cpp native/src/*.h native/include/*.h)
	cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release > native/build.log 2>&1 || (cat native/build.log; exit 1)
	cmake --build native/build -j$$(nproc)

build: native
	$(DOTNET) build DynDet.slnx -c $(CONFIG) -nologo -v q -clp:NoSummary

fixtures: setup
	@$(PYTHON) tests/fixtures/make_fixtures.py tests/fixtures/generated

test: setup fixtures
	@scripts/run-tests.sh $(CONFIG)

demo: setup
	@./dyndet demo

clean:
	rm -rf native/build native/build.log
	$(DOTNET) clean DynDet.slnx -nologo -v q
