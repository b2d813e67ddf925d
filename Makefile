# ioc — build, run and test.
#
#   make            build build/iocd and build/iocctl (warnings are errors)
#   make run        install what is missing, build, start iocd with the demo province
#   make test       install what tests need, build, run every test, print "N passed, N failed"
#   make asan       the same programs and unit tests built with ASan+UBSan under build/asan/
#   make tsan       the same built with ThreadSanitizer under build/tsan/ (data races between threads)
#   make fuzz       run every libFuzzer harness for FUZZ_SECONDS each (default 60)
#   make format     reformat the C sources with clang-format
#   make screenshots  regenerate docs/screenshots/*.png (console, dashboards, reports, aqi, alerts; tests: build/screenshots/)
#
# Every .c file under src/<module>/ (except the programs in src/iocd and src/iocctl) goes into
# build/libioc.a, so a new module is a new folder and nothing here changes. Unit tests are
# tests/unit/<module>/test_*.c, one cmocka binary each.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
SAN     ?=
CSTD     = -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0
WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-missing-field-initializers
PKGS     = jansson sqlite3 libsodium zlib libh2o-evloop openssl libmosquitto xlsxwriter minizip expat vips libexif libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(shell geos-config --cflags 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(shell geos-config --clibs 2>/dev/null) -lunistring -lpthread -lm
CFLAGS  ?=
CFLAGS  += $(CSTD) $(OPT) -g $(WARN) $(SAN) -Isrc -Itests/unit $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SAN)

# MODULES restricts the library to some modules (e.g. MODULES="base store" while one is being
# written); by default every folder under src/ but the two programs.
MODULES ?=
ifeq ($(strip $(MODULES)),)
LIB_SRC  := $(sort $(filter-out src/iocd/% src/iocctl/%,$(wildcard src/*/*.c)))
else
LIB_SRC  := $(sort $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c)))
endif
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
IOCD_SRC := $(wildcard src/iocd/*.c)
CTL_SRC  := $(wildcard src/iocctl/*.c)
TEST_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_HELPERS := $(wildcard tests/unit/helpers/*.c)

.PHONY: all web run test asan tsan fuzz fuzzers format format-check deps clean unit-tests screenshots
all: $(BUILD)/iocd $(BUILD)/iocctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The modules' OpenAPI fragments are embedded with .incbin; rebuild src/api/ when one changes.
$(filter $(BUILD)/obj/src/api/%,$(LIB_OBJ)): $(wildcard src/api/openapi/*.json)

$(BUILD)/libioc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/iocd: $(IOCD_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libioc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/iocctl: $(CTL_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libioc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TEST_HELPERS:%.c=$(BUILD)/obj/%.o) $(BUILD)/libioc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(PKG_LIBS) -lcmocka

unit-tests: $(TEST_BIN)

# libFuzzer harnesses: fuzz/<name>/fuzz_<name>.c, built against the library compiled with
# -fsanitize=fuzzer-no-link (see fuzz/run.sh, which sets BUILD, CC and SAN).
FUZZ_BIN := $(patsubst fuzz/%/,$(BUILD)/fuzzers/%,$(dir $(wildcard fuzz/*/fuzz_*.c)))
.SECONDEXPANSION:
$(BUILD)/fuzzers/%: fuzz/%/fuzz_$$*.c $(BUILD)/libioc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(PKG_LIBS)

fuzzers: $(FUZZ_BIN)

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 CC=clang \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  all unit-tests

tsan:
	$(MAKE) BUILD=build/tsan OPT=-O1 CC=clang \
	  SAN="-fsanitize=thread -fno-omit-frame-pointer" \
	  all unit-tests

# The web console: web/src → build/web (esbuild bundles, fingerprinted assets, .gz files).
WEB_SRC := $(shell find web -type f 2>/dev/null) scripts/build-web.mjs scripts/web-favicon.mjs package-lock.json
build/web/index.html: $(WEB_SRC)
	npm run --silent build

web: build/web/index.html

run:
	./scripts/deps.sh
	$(MAKE) all web
	./scripts/run-demo.sh

test:
	./scripts/deps.sh test
	$(MAKE) all unit-tests web
	./tests/run.sh

deps:
	./scripts/deps.sh

# The README pictures, on purpose: the console and editor tests with their screenshots aimed at docs/.
screenshots: all web
	IOC_SCREENSHOT_DIR=docs/screenshots node --test tests/web/console.test.mjs
	IOC_SCREENSHOT_DIR=docs/screenshots node --test tests/web/dashboards_edit.test.mjs
	IOC_SCREENSHOT_DIR=docs/screenshots node --test tests/web/reports.test.mjs
	IOC_SCREENSHOT_DIR=docs/screenshots node --test tests/web/aqi.test.mjs
	IOC_SCREENSHOT_DIR=docs/screenshots node --test tests/web/alerts.test.mjs

fuzz:
	./fuzz/run.sh $${FUZZ_SECONDS:-60}

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'fuzz/*.[ch]' 'bench/*.[ch]')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'fuzz/*.[ch]' 'bench/*.[ch]')

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
