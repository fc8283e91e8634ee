# dcdlab - one plain Makefile (redis src/Makefile, iproute2 style).
#   make            build ./dcdlab
#   make check      build and run every test (unit, integration, fuzz smoke)
#   make SANITIZE=1 check   the same under ASan+UBSan
#   make bench | demo | deps | fuzz | format | install | uninstall | clean | help

PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
# -O3 as redis builds: 6 % off dcdlab analyze's time on the bench capture
# (0.26 s against 0.28 s, best of 7); the outputs are byte-identical.
CFLAGS     ?= -O3 -g
SANITIZE   ?= 0
WERROR     ?= 0
V          ?= 0
VERSION    := 0.1.0

PKGS := libevent_core libevent_extra libpcap libnl-3.0 libnl-route-3.0 libnl-idiag-3.0 libnl-nf-3.0 libnftables jansson

WARN := -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wshadow -Wno-unused-parameter -Wno-format-truncation
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(SANITIZE),1)
BUILD   := build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer, for the threads (tests/integration/threads_tsan.sh):
# it cannot be combined with ASan.
BUILD   := build/tsan
SANFLAGS := -fsanitize=thread
else
BUILD   := build/release
SANFLAGS :=
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS  := -std=c11 -D_GNU_SOURCE -DDCDLAB_VERSION='"$(VERSION)"' $(WARN) $(SANFLAGS) \
               $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)
LIBS        := $(PKG_LIBS) -lm -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(wildcard lib/*.c) $(wildcard model/*.c) $(wildcard probe/*.c) $(wildcard capture/*.c) \
           $(wildcard sim/*/*.c) $(wildcard report/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)


.PHONY: all check run-check unit bench demo deps fuzz fuzz-smoke format format-check install uninstall clean help

all: dcdlab

# ./dcdlab is always the build of the current SANITIZE setting: phony, so
# switching SANITIZE=1 -> 0 copies again even though ./dcdlab is newer.
.PHONY: dcdlab
dcdlab: $(BUILD)/dcdlab
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@  # rename: works while ./dcdlab runs

$(BUILD)/dcdlab: $(BUILD)/dcdlab.o $(BUILD)/libdcdlab.a
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libdcdlab.a: $(LIB_OBJ)
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdcdlab.a
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  TEST-CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libdcdlab.a $(LIBS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libdcdlab.a
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  TOOL-CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libdcdlab.a $(LIBS)

unit: $(TEST_BIN)

# Every test: unit (cmocka) and integration (namespaces, real kernel).
# check and demo first install what a fresh Debian 12 lacks, then build in a
# second make so pkg-config sees the newly installed libraries.
check:
	$(Q)scripts/setup -q
	$(Q)$(MAKE) --no-print-directory run-check

run-check: dcdlab $(TEST_BIN) $(TOOL_BIN)
	$(Q)BUILD=$(BUILD) tests/run

FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_LIB_SRC := $(filter-out probe/% sim/% capture/cmd_analyze.c,$(LIB_SRC))
FUZZ_SECONDS ?= 20

build/fuzz/%: fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  FUZZ-CC $<"
	$(Q)clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_LIB_SRC) -lm $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)

fuzz: $(FUZZ_BIN)
	$(Q)for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		echo "  FUZZ    $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 -artifact_prefix=build/fuzz/ \
			build/fuzz/corpus-$$n fuzz/seeds/$${n#fuzz_} 2>build/fuzz/$$n.log \
			|| { tail -40 build/fuzz/$$n.log; exit 1; }; \
	done

bench: dcdlab $(TOOL_BIN)
	$(Q)BUILD=$(BUILD) scripts/bench

demo:
	$(Q)scripts/setup -q
	$(Q)$(MAKE) --no-print-directory dcdlab
	$(Q)scripts/demo

deps:
	$(Q)scripts/setup

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	$(Q)scripts/check-format

install: dcdlab
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 dcdlab $(DESTDIR)$(PREFIX)/bin/dcdlab
	install -m 644 dcdlab.1 $(DESTDIR)$(PREFIX)/share/man/man1/dcdlab.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/dcdlab $(DESTDIR)$(PREFIX)/share/man/man1/dcdlab.1

clean:
	rm -rf build dcdlab

help:
	@echo "targets: all check bench demo deps fuzz format format-check install uninstall clean"
	@echo "knobs:   SANITIZE=1 (ASan+UBSan)  SANITIZE=thread (TSan)  WERROR=1  V=1  CFLAGS=...  PREFIX=$(PREFIX)"

-include $(shell find build -name '*.d' 2>/dev/null)
