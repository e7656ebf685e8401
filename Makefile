# The two commands of the README, and a few more. Everything is built by
# CMake in $(BUILD); this file only sequences the steps.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-sanitize fuzz bad-input bench accuracy perf-compare realworld realworld-xz docs flamegraph-example package clean

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

# The suite under sanitizers (docs/reliability.md#the-suite-under-sanitizers;
# .ci/run calls it after make test): $(BUILD)-asan builds everything but the
# plugins with -fsanitize=address,undefined and runs ASAN_TESTS there;
# $(BUILD)-tsan builds with -fsanitize=thread and runs TSAN_TESTS. Any
# sanitizer report fails the test it came from and, through the reports it
# writes, the test sanitizer_reports_none. ASAN_TESTS leaves out, to fit
# CI's budget: the set-ups that differ only in how the compiler runs the
# (unsanitized) plugin (label variants: -O3, -Os, LTO, -Xclang -load,
# -save-temps); every run through clang-14's plugin (clang-19's covers the
# Clang plugin's code under the sanitizers; make test runs clang-14's); and
# the tests that compile and run nothing sanitized (diagnostics, zero_cost,
# verbose, preprocessor, disable_llvm_passes, gcc_install: the same as in
# make test), and the libFuzzer runs (built with their own
# -fsanitize=fuzzer,address,undefined in every tree: make test runs them).
# multi_clang19 too: its programs, built by clang-19 with its ASan, cannot
# load libhotpath.so, built by GCC with GCC's ("incompatible ASan
# runtimes"); clang19's runs on libhotpath.a are in e2e_clang19_*.
# cli_compare_finds_regression and cli_compare_ci_recipe too: they test
# that a 50% slower function is found in timed runs of the example, and
# under ASan (the example 2-3x slower, one core 1.3-2x slower than the
# other for seconds) the runs of one side overlap the other's: checksum
# +51% at p = 0.0093 with 9 runs a side in a fresh clone's slice. make test
# runs both; cli_compare_no_false_alarm runs the same comparison code here.
# ASAN_TESTS='-LE variants' runs all the rest.
ASAN_TESTS ?= -LE variants -E '_diagnostics|_diagnostics_xclang|_zero_cost|_verbose$$|^gcc_preprocessor$$|_disable_llvm_passes_warns$$|^gcc_install$$|_fuzz$$|^fuzz_config$$|^cli_fuzz_reader$$|^e2e_clang_|^clang_|^multi_clang[0-9]*$$|^multi_clang_gcc_mixed_inline$$|_clang$$|^cli_compare_finds_regression$$|^cli_compare_ci_recipe$$'
TSAN_TESTS ?= -L threads
test-sanitize: deps
	@cmake -S . -B $(BUILD)-asan -DHOTPATH_WERROR=ON -DHOTPATH_SANITIZE=address,undefined $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-asan -j$(JOBS)
	@ctest --test-dir $(BUILD)-asan --output-on-failure -j$(JOBS) $(ASAN_TESTS)
	@cmake -S . -B $(BUILD)-tsan -DHOTPATH_WERROR=ON -DHOTPATH_SANITIZE=thread $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-tsan -j$(JOBS)
	@ctest --test-dir $(BUILD)-tsan --output-on-failure -j$(JOBS) $(TSAN_TESTS)

# Every libFuzzer target (HOTPATH_* values, the report reader, hotpath-cc's
# command line) for FUZZ_SECONDS each, after the suite's 30 s runs
# (docs/reliability.md, "Fuzzing"); FUZZ_ONLY=REGEX picks targets by name.
FUZZ_SECONDS ?= 600
FUZZ_ONLY ?= .
fuzz: build
	@sh scripts/fuzz.sh $(BUILD) $(FUZZ_SECONDS) '$(FUZZ_ONLY)'

# hotpath against the peers in one run (scripts/bench.py): per-call cost,
# a realistic workload, scaling, allocation tracking, compile time; rewrites
# the tables of docs/benchmarks.md and docs/bench-overhead.svg. About 10-15
# minutes. Installs its own extra packages as root (scripts/bench-deps.sh)
# and sources (deb-src for zlib). BENCH_FLAGS=--quick for a smoke run.
bench: build
	@sh scripts/bench-deps.sh
	@sh scripts/deb-src.sh || true
	@python3 scripts/bench.py --build $(BUILD) --docs $(BENCH_FLAGS)

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

# xz-utils (Debian source): liblzma.so has its own version script; built
# plain and with build/bin/hotpath-cc (HOTPATH_INCLUDE=.*), `make check`
# run, every report checked to hold its program's and liblzma's functions
# (docs/reliability.md, "xz-utils"). Several minutes: not in `make test`.
realworld-xz: build
	@sh scripts/deb-src.sh
	@python3 tests/realworld/run.py --build $(BUILD) --projects xz --configs gcc

# Regenerates the bad-input tables of docs/reliability.md from real runs of
# the plugins, the runtime, hotpath-cc and hotpath (scripts/bad_input.py;
# ctest docs_bad_input_is_current checks them).
bad-input: build
	@python3 scripts/bad_input.py --build $(BUILD) --write docs/reliability.md

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
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-tsan
