# chronicle — build, test, evaluate, benchmark.
#   make            build/libchronicle.so and build/chronicle (honours CC, CFLAGS)
#   make demo       install what is missing, build, annotate the bundled sample
#   make test       install missing Debian packages, build with -Werror and with
#                   ASan/UBSan, run every test (C, CLI, Neovim)
#   make eval       dev-set scores (needs ../shared/corpus/dev)
#   make bench      throughput and latency figures
#   make data       regenerate data/ from Debian's unicode-data and iso-codes
#   make kb         regenerate data/kb.tsv from iso-codes and data/src/*.tsv
#   make install    PREFIX=/usr/local

VERSION   := 0.1.0
PREFIX    ?= /usr/local
CC        ?= cc
PKGS      := libcjson libpcre2-8 libuv
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lpcre2-8 -luv)
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# hidden by default: only what chronicle.h declares is exported, so calls
# inside the library are direct (no PLT, no interposition) and can inline
BASE      := -std=c11 -D_DEFAULT_SOURCE -fPIC -fvisibility=hidden -Ilib -Ilib/include $(WARN) \
             -DCHR_VERSION='"$(VERSION)"' $(PKG_CFLAGS)
SHARED    ?= ../shared

LIB_SRC   := $(wildcard lib/*.c)
CLI_SRC   := lib/cli/chronicle_main.c
HDRS      := $(wildcard lib/*.h lib/include/*.h)

# three flavours of the same sources: what users get, what development
# insists on (-Werror), and what the sanitizers watch
OBJ       := $(LIB_SRC:lib/%.c=build/obj/%.o)
DEV_OBJ   := $(LIB_SRC:lib/%.c=build/dev/%.o)
SAN_OBJ   := $(LIB_SRC:lib/%.c=build/san/%.o)
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all demo kb test deps check-c check-cli check-nvim check-data eval bench data install clean

all: build/libchronicle.so build/chronicle data/kb.names.bin

# the knowledge base's name index, mapped at start-up instead of built (a
# local cache, not committed: see lib/gazetteer_image.h)
data/kb.names.bin: build/chronicle $(wildcard data/*.tsv)
	build/chronicle prepare-data data

build/obj/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) -c $< -o $@

build/dev/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O2 -g -Werror -c $< -o $@

build/san/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(SAN_FLAGS) -c $< -o $@

build/libchronicle.so: $(OBJ)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/chronicle: $(CLI_SRC) $(OBJ) $(HDRS)
	$(CC) $(BASE) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_SRC) $(OBJ) $(PKG_LIBS)

build/dev/chronicle: $(CLI_SRC) $(DEV_OBJ) $(HDRS)
	$(CC) $(BASE) -O2 -g -Werror -o $@ $(CLI_SRC) $(DEV_OBJ) $(PKG_LIBS)

build/san/chronicle: $(CLI_SRC) $(SAN_OBJ) $(HDRS)
	$(CC) $(BASE) $(SAN_FLAGS) -o $@ $(CLI_SRC) $(SAN_OBJ) $(PKG_LIBS)

UNIT_SRC  := $(wildcard tests/unit/*.c)

build/dev/unit_tests: $(UNIT_SRC) $(DEV_OBJ) $(HDRS) $(wildcard tests/unit/*.h)
	$(CC) $(BASE) -O1 -g -Werror -Itests/unit -o $@ $(UNIT_SRC) $(DEV_OBJ) $(PKG_LIBS) -lpthread

build/san/unit_tests: $(UNIT_SRC) $(SAN_OBJ) $(HDRS) $(wildcard tests/unit/*.h)
	$(CC) $(BASE) $(SAN_FLAGS) -Itests/unit -o $@ $(UNIT_SRC) $(SAN_OBJ) $(PKG_LIBS) -lpthread

# the benchmarks link like the CLI; make test builds them so that a link
# error shows before someone measures
BENCH_BIN := build/bench/bench_annotate build/bench/bench_index

build/bench/%: bench/%.c $(OBJ) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O2 -g -Werror -o $@ $< $(OBJ) $(PKG_LIBS)

demo: deps
	@$(MAKE) --no-print-directory all
	build/chronicle annotate samples/us-vietnam-timeline.zh.md --format text

deps:
	@sh tests/install-deps.sh

test: deps
	@$(MAKE) --no-print-directory all build/dev/chronicle build/dev/unit_tests \
	    build/san/chronicle build/san/unit_tests $(BENCH_BIN)
	@sh tests/run-all.sh

eval: all
	python3 $(SHARED)/tools/score.py $(SHARED)/corpus/dev \
	    --cmd 'build/chronicle annotate {doc} --format json {dct}' --per-doc

bench: all $(BENCH_BIN)
	@sh bench/run.sh

data: kb
	python3 data/gen/gen_unicode.py /usr/share/unicode data

kb:
	python3 data/gen/gen_kb.py /usr/share/iso-codes/json /usr/share/locale data/kb.tsv

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/share/chronicle/data
	install -m 755 build/chronicle $(DESTDIR)$(PREFIX)/bin/chronicle
	install -m 644 build/libchronicle.so $(DESTDIR)$(PREFIX)/lib/libchronicle.so
	install -m 644 lib/include/chronicle.h $(DESTDIR)$(PREFIX)/include/chronicle.h
	install -m 644 data/*.tsv data/kb.names.bin $(DESTDIR)$(PREFIX)/share/chronicle/data/

clean:
	rm -rf build
