# The two commands a new user needs: `make run` and `make test`.
# Both install what is missing (Debian packages) through scripts/install-deps.sh.

BUILD_DIR ?= build/release
TEST_BUILD_DIR ?= build/asan
FUZZ_BUILD_DIR ?= build/fuzz
FUZZ_SECONDS ?= 30
JOBS ?= $(shell nproc)

.PHONY: all build run test deps test-deps unit integration differential fuzz soak bench clean

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORVID_TESTS=OFF > /dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/corvid-server

# The test build: AddressSanitizer + UBSan, with unit tests.
.PHONY: build-test build-fuzz
build-test: test-deps
	@cmake -S . -B $(TEST_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORVID_SANITIZE=ON > /dev/null
	@cmake --build $(TEST_BUILD_DIR) -j $(JOBS)

build-fuzz: test-deps
	@CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORVID_FUZZ=ON > /dev/null
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)

test: build-test build-fuzz
	@scripts/run-tests.sh $(TEST_BUILD_DIR) $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

# A longer fuzzing campaign than the test run's: every target for FUZZ_BUDGET seconds (one
# per core at a time), from a copy of its corpus; new inputs are not merged (see fuzz/README.md).
FUZZ_BUDGET ?= 600
fuzz: build-fuzz
	@scripts/run-fuzz.sh $(FUZZ_BUILD_DIR) $(FUZZ_BUDGET)

# The abusive-client scenarios (tests/integration/test_abusive_clients.py) with each attack on
# Corvid lasting SOAK_SECONDS instead of a few seconds (redis-server's runs stay short).
SOAK_SECONDS ?= 600
soak: build-test
	@CORVID_SOAK_SECONDS=$(SOAK_SECONDS) CORVID_SERVER=$(CURDIR)/$(TEST_BUILD_DIR)/corvid-server \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider -n $(JOBS) tests/integration/test_abusive_clients.py

bench: build test-deps
	@/usr/bin/python3 bench/run.py --server $(BUILD_DIR)/corvid-server

clean:
	rm -rf build
