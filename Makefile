# A thin wrapper over CMake: every build rule lives in CMakeLists.txt.
#   make demo   install what is missing, build, check the sample export
#   make test   install what is missing, build, run every test (ctest)
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
# The sanitizer build uses clang when present, so CI covers both compilers.
ASAN_CC  ?= $(shell command -v clang 2>/dev/null || echo cc)

.PHONY: all deps configure build demo test asan bench clean

all: build

deps:
	@sh .ci/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

demo: build
	@cmake --build $(BUILD) --target demo -- --no-print-directory

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UBSan, in its own build tree.
asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_ARGS="-DRXC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=$(ASAN_CC)"

# The benchmark of issue 6: a Release build at -O2 in build-bench/, then the
# table; non-zero when a target is missed. Not part of `make test`.
bench: deps
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" -DRXC_TESTS=OFF >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench -- --no-print-directory

clean:
	@rm -rf build build-asan build-bench
