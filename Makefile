# A thin wrapper over CMake: every build rule lives in CMakeLists.txt.
#   make demo   install what is missing, build, check the sample export
#   make test   install what is missing, build, run every test (ctest)
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
# The sanitizer build uses clang when present, so CI covers both compilers.
ASAN_CC  ?= $(shell command -v clang 2>/dev/null || echo cc)

.PHONY: all deps configure build demo test asan clean

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

clean:
	@rm -rf build build-asan
