# The two commands of the README, and a few more. Everything is built by
# CMake in $(BUILD); this file only sequences the steps.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench docs package clean

all: build

deps:
	@sh scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DHOTPATH_WERROR=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# Builds only the runtime, the GCC plugin and hotpath-cc, compiles
# examples/basic.c with hotpath-cc and runs it: the report is printed when
# its hotpath::main function returns. One line per step.
demo: deps
	@sh scripts/demo.sh $(BUILD)

# The whole suite: Criterion unit tests of the runtime and the end-to-end
# tests of the plugins, through ctest.
test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# Overhead of a measured call (see docs/benchmarks.md).
bench: build
	@sh scripts/bench.sh $(BUILD)

# Regenerates the configuration table of docs/configuration.md.
docs: build
	@$(BUILD)/tools/gen_options_doc docs/configuration.md

# The Debian package, $(BUILD)/hotpath_<version>_<arch>.deb (installs into /usr).
package: build
	@cd $(BUILD) && cpack -G DEB >cpack.log || { tail -20 cpack.log; exit 1; }
	@ls $(BUILD)/hotpath_*.deb

clean:
	rm -rf $(BUILD)
