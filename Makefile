# The two commands of the README, and a few more. Everything is built by
# CMake in $(BUILD); this file only sequences the steps.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench accuracy perf-compare realworld docs flamegraph-example package clean

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

# Reported Total and Self against the truth of an uninstrumented run
# (bench/accuracy.c; see docs/benchmarks.md). A benchmark: it prints.
accuracy: build
	@python3 scripts/accuracy.py --build $(BUILD)

# hotpath's Self ranking against perf's samples on Lua, libyaml and bzip2
# built from Debian sources (scripts/perf_compare.py; docs/benchmarks.md).
perf-compare: build
	@sh scripts/deb-src.sh
	@python3 scripts/perf_compare.py --build $(BUILD)

# Real code bases (Debian source packages: zlib, cJSON, libyaml) built with
# each plugin measuring every function, their suites run, every report
# checked (tests/realworld/run.py; the table is in docs/reliability.md).
realworld: build
	@sh scripts/deb-src.sh
	@python3 tests/realworld/run.py --build $(BUILD)

# Regenerates the configuration table of docs/configuration.md.
docs: build
	@$(BUILD)/tools/gen_options_doc docs/configuration.md

# Regenerates the README's flame graph (docs/images/threads-flamegraph.svg):
# examples/threads traced with HOTPATH_TRACE, through `hotpath flamegraph --svg`.
flamegraph-example: build
	@sh scripts/flamegraph_example.sh $(BUILD) docs/images

# The Debian package, $(BUILD)/hotpath_<version>_<arch>.deb (installs into /usr).
package: build
	@cd $(BUILD) && cpack -G DEB >cpack.log || { tail -20 cpack.log; exit 1; }
	@ls $(BUILD)/hotpath_*.deb

clean:
	rm -rf $(BUILD)
