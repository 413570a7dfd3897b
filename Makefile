# totpgate — the two commands a newcomer needs are `make run` and `make test`.
SWIFT ?= swift
# The one release binary: `make run`, `make install` and `make bench` all build
# and use it. The Swift runtime is linked in (--static-swift-stdlib), so it runs
# on a machine without the toolchain and its workers touch no shared
# libswiftCore/Foundation/ICU pages (bench/README.md, Peak RSS). Its own
# scratch path keeps these link flags from relinking the debug build's products.
RELEASE_FLAGS := -c release --product totpgate --static-swift-stdlib --scratch-path .build-install
RELEASE_BIN := .build-install/release/totpgate

# Where `make install` puts things (DESTDIR for packaging).
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
BINDIR := $(PREFIX)/bin
SHAREDIR := $(PREFIX)/share/totpgate
DOCDIR := $(PREFIX)/share/doc/totpgate
MANDIR ?= $(PREFIX)/share/man
# The binary `make install` installs: by default the release build above, made first.
INSTALL_BIN ?= $(RELEASE_BIN)
# The shipped files name the default places; installing elsewhere rewrites them.
PLACES := sed -e 's|/usr/local/bin/totpgate|$(BINDIR)/totpgate|g' -e 's|/usr/local/share/doc/totpgate|$(DOCDIR)|g' \
	-e 's|/usr/local/share/totpgate|$(SHAREDIR)|g' -e 's|/etc/totpgate/|$(SYSCONFDIR)/totpgate/|g'

.PHONY: build release test run bench soak leak-check fuzz clean install uninstall

## build: debug build of everything
build:
	scripts/install-deps build
	$(SWIFT) build

## release: the optimised totpgate binary, Swift runtime linked in, in .build-install/release (what run, install and bench use)
release:
	scripts/install-deps build
	$(SWIFT) build $(RELEASE_FLAGS)

## test: install what the tests need, then unit tests, a short run of each fuzz target, end-to-end tests; unit and end-to-end tests each beside a throwaway PostgreSQL
test:
	scripts/install-deps build run test
	$(SWIFT) build --build-tests
	scripts/postgres-sandbox run $(SWIFT) test
	scripts/fuzz --seconds 5
	scripts/postgres-sandbox run scripts/e2e

## run: everything from a fresh machine to the login page at http://127.0.0.1:8080
run: release
	scripts/install-deps run
	scripts/run

## install: release build, then binary, man page, stylesheet, templates, config (kept if present), systemd unit and examples (PREFIX, DESTDIR)
install: $(if $(filter $(RELEASE_BIN),$(INSTALL_BIN)),release)
	install -D -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/totpgate
	SWIFT=$(SWIFT) scripts/man-page $(INSTALL_BIN) .build/totpgate.1
	install -D -m 0644 .build/totpgate.1 $(DESTDIR)$(MANDIR)/man1/totpgate.1
	install -d $(DESTDIR)$(SHAREDIR)/static $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 www/static/* $(DESTDIR)$(SHAREDIR)/static/
	install -m 0644 www/templates/*.mustache $(DESTDIR)$(SHAREDIR)/templates/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	$(PLACES) deploy/totpgate.service | install -D -m 0644 /dev/stdin $(DESTDIR)$(UNITDIR)/totpgate.service
	$(PLACES) deploy/totpgate-spawn-fcgi | install -m 0755 /dev/stdin $(DESTDIR)$(DOCDIR)/examples/totpgate-spawn-fcgi
	for example in nginx/auth-request.conf apache/totpgate.conf apache/totpgate-fcgid.conf apache/totpgate-authorizer.conf \
	    apache/totpgate-authorizer-vhost.conf lighttpd/totpgate-authorizer.conf; do \
	  $(PLACES) $$example | install -m 0644 /dev/stdin $(DESTDIR)$(DOCDIR)/examples/$$(dirname $$example)-$$(basename $$example) || exit 1; \
	done
	@# An edited config survives a reinstall: the shipped one goes only where there is none.
	test -e $(DESTDIR)$(SYSCONFDIR)/totpgate/totpgate.conf || \
	  $(PLACES) deploy/totpgate.conf | install -D -m 0644 /dev/stdin $(DESTDIR)$(SYSCONFDIR)/totpgate/totpgate.conf

## uninstall: remove what install put in place, except the config and the data
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/totpgate $(DESTDIR)$(UNITDIR)/totpgate.service $(DESTDIR)$(MANDIR)/man1/totpgate.1
	rm -rf $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(DOCDIR)

## bench: totpgate (on SQLite and on a throwaway PostgreSQL) beside the C floor and the tutorial's Flask app through one nginx, and the micro-benchmarks (bench/README.md)
bench:
	scripts/install-deps build run bench
	scripts/postgres-sandbox run bench/run

## soak: 10 minutes of load on / and /auth with logins beside, memory sampled every 10 s (bench/README.md); not in make test
soak: release
	scripts/install-deps run bench
	bench/venv >/dev/null
	bench/.venv/bin/python bench/soak.py

## fuzz: each libFuzzer target for FUZZ_RUNS executions (default 1000000), or FUZZ_SECONDS seconds (fuzz/README.md)
fuzz:
	scripts/install-deps build
	scripts/fuzz

## leak-check: 1,000 QR renders under valgrind; fails on any definitely lost byte
leak-check:
	scripts/install-deps build bench
	bench/leak-check-qr

## clean: remove build output (var/, which holds keys and users, is kept)
clean:
	rm -rf .build .build-* bench/.venv bench/out
