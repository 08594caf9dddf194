# Atiende — the two commands: `make demo` runs the product, `make test` runs
# every test. Both install what they need first (scripts/bootstrap).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
# A build directory configured by an older checkout with another generator is
# reconfigured from scratch (CMake refuses to switch generators in place).
define fresh_if_other_generator
	@if [ -f $(1)/CMakeCache.txt ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$$' $(1)/CMakeCache.txt; then \
	  rm -rf $(1)/CMakeCache.txt $(1)/CMakeFiles; fi
endef

.PHONY: all deps build build-asan asan-compile asan-compile-niced demo test test-release test-asan \
        release-tests asan-tests bench format clean

all: build

deps:
	@scripts/bootstrap

build: deps
	$(call fresh_if_other_generator,$(BUILD))
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

build-asan: deps
	@$(MAKE) --no-print-directory asan-compile

asan-compile:
	$(call fresh_if_other_generator,$(ASAN_BUILD))
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DATIENDE_SANITIZE=ON -DATIENDE_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target atiende unit_tests

# Runs the product: demo data in ./var (SQLite), served on 127.0.0.1:8080.
demo: build
	@$(BUILD)/atiende demo seed --data-dir var
	@echo
	@echo "Serving http://127.0.0.1:8080 (Ctrl-C to stop)"
	@$(BUILD)/atiende serve --data-dir var --listen 127.0.0.1:8080

# Every test: unit and integration (real HTTP) on the Release build, then the
# whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# The sanitized build compiles while the Release tests run (at a lower
# priority, so the tests keep their pace): those tests mostly wait on servers
# and Chromium, and the compiler takes the cores they leave idle.
test: build
	@$(MAKE) --no-print-directory -j2 --output-sync=target release-tests asan-compile-niced
	@$(MAKE) --no-print-directory asan-tests

test-release: build
	@$(MAKE) --no-print-directory release-tests

test-asan: build-asan
	@$(MAKE) --no-print-directory asan-tests

release-tests:
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900

asan-compile-niced:
	@nice -n 10 $(MAKE) --no-print-directory asan-compile

asan-tests:
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS) --timeout 900

bench: build
	@bench/run.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
