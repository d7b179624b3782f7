# A thin wrapper over CMake: every build rule lives in CMakeLists.txt.
#   make demo   install what is missing, build, check the sample export
#   make test   install what is missing, build, run every test (ctest)
#   make report-demo  the HTML report of the sample export, and a screenshot
#   make deb    build, then a Debian package with CPack (build/*.deb)
#   make fuzz   the libFuzzer targets, FUZZ_SECONDS each (tests/fuzz/)
#   make memcheck  the unit tests under valgrind (tests/memcheck.sh)
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
# The sanitizer build uses clang when present, so CI covers both compilers.
ASAN_CC  ?= $(shell command -v clang 2>/dev/null || echo cc)
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build demo test report-demo deb asan fuzz memcheck bench clean

all: build

deps:
	@sh .ci/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

demo: build
	@cmake --build $(BUILD) --target demo -- --no-print-directory

# What only the tests need: jq and GNU parallel (end-to-end checks, the
# split-and-merge test), python3-jsonschema (SARIF schema validation) and
# Chromium (the HTML report, loaded headless).
TEST_DEPS = jq parallel python3-jsonschema chromium

test: build
	@sh .ci/install-deps $(TEST_DEPS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The HTML report of the sample export, and a screenshot of it taken with
# headless Chromium: build/report-demo.html and build/report-demo.png.
report-demo: build
	@sh .ci/install-deps chromium
	@sh tests/report-demo.sh $(BUILD)

# The .deb (CPack; its contents and Depends in cmake/packaging.cmake), in
# $(BUILD)/. Inspect with dpkg-deb -I / -c; install with apt install ./FILE.
deb: build
	@cd $(BUILD) && cpack -G DEB

# The whole suite under AddressSanitizer + UBSan, in its own build tree.
asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_ARGS="-DRXC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=$(ASAN_CC)"

# The libFuzzer targets of tests/fuzz, built with clang (the library too,
# instrumented and sanitized) in build-fuzz/; each runs FUZZ_SECONDS from a
# copy of its seed corpus; non-zero when one crashes.
fuzz:
	@sh .ci/install-deps clang libclang-rt-dev
	@cmake -S . -B build-fuzz -DRXC_FUZZ=ON -DCMAKE_C_COMPILER=clang -DRXC_TESTS=OFF -DFUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz -- --no-print-directory

# The unit tests under valgrind memcheck: a gcc Debug build in
# build-memcheck/; non-zero on any memory error or leak.
memcheck:
	@sh .ci/install-deps valgrind
	@cmake -S . -B build-memcheck -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
	@cmake --build build-memcheck -j $(JOBS) -- --no-print-directory
	@sh tests/memcheck.sh build-memcheck

# The benchmark of issue 6: a Release build at -O2 in build-bench/, then the
# table; non-zero when a target is missed. Not part of `make test`.
bench: deps
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" -DRXC_TESTS=OFF >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench -- --no-print-directory

clean:
	@rm -rf build build-asan build-bench build-fuzz build-memcheck
