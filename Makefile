# totpgate — the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release/totpgate

.PHONY: build release test run bench leak-check clean

## build: debug build of everything
build:
	scripts/install-deps build
	$(SWIFT) build

## release: optimised totpgate binary in .build/release
release:
	scripts/install-deps build
	$(SWIFT) build -c release --product totpgate

## test: install what the tests need, then unit and end-to-end tests
test:
	scripts/install-deps build run test
	$(SWIFT) build --build-tests
	$(SWIFT) test
	scripts/e2e

## run: everything from a fresh machine to the login page at http://127.0.0.1:8080
run:
	scripts/install-deps build run
	$(SWIFT) build -c release --product totpgate
	scripts/run

## bench: totpgate beside the C floor and the tutorial's Flask app through one nginx, and the micro-benchmarks (bench/README.md)
bench:
	scripts/install-deps build run bench
	bench/run

## leak-check: 1,000 QR renders under valgrind; fails on any definitely lost byte
leak-check:
	scripts/install-deps build bench
	bench/leak-check-qr

## clean: remove build output (var/, which holds keys and users, is kept)
clean:
	rm -rf .build .build-* bench/.venv bench/out
