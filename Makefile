# Cổng dịch vụ công - build, run, test.
#
#   make run     install what is missing, build, start the local stack, print URLs
#   make stop    stop exactly what `make run` started
#   make test    the whole suite (unit, integration, browser, then again under
#                AddressSanitizer + UBSan, and bounded fuzzing)
#   make bench   wrk against the running stack, with baselines, as ratios
#   make fuzz    libFuzzer on every parser (FUZZ_SECONDS each)
#   make import  re-load the public data into the catalog
#   make clean   remove build output (never var/)

SHELL := /bin/bash
CC ?= cc
BUILD ?= build
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 -Wshadow \
	-Wno-unused-parameter -I lib -I /usr/include/ClearSilver -I /usr/include/mariadb
HARDEN := -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fstack-clash-protection
LDHARDEN := -pie -Wl,-z,relro,-z,now
CFLAGS ?= $(HARDEN) -g
LDFLAGS ?= $(LDHARDEN)
LIBS := -lfcgi -lneo_cgi -lneo_cs -lneo_utl -lz -lmariadb -lqrencode -lssl -lcrypto -lcurl -lm

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRC))
CATALOG_SRC := $(filter-out cgi-bin/catalog/import%.c,$(wildcard cgi-bin/catalog/*.c))
IMPORT_SRC := $(wildcard cgi-bin/catalog/import*.c) cgi-bin/catalog/fees.c cgi-bin/catalog/docname.c \
	cgi-bin/catalog/doubled.c
# The payment area: the FastCGI program (main.c and the handlers) and the
# operator's tool (admin.c) share the rest of cgi-bin/payment.
PAYMENT_ALL := $(wildcard cgi-bin/payment/*.c)
PAYMENT_SHARED := $(filter-out cgi-bin/payment/main.c cgi-bin/payment/admin.c,$(PAYMENT_ALL))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 60

.PHONY: all deps test-deps run stop test bench fuzz import clean unit status

all: $(BUILD)/bin/catalog $(BUILD)/bin/catalog-import $(BUILD)/bin/fcgi-minimal $(BUILD)/bin/fcgi-row $(BUILD)/bin/db-raw \
	$(BUILD)/bin/submission $(BUILD)/bin/submission-admin $(BUILD)/bin/payment $(BUILD)/bin/payment-admin

deps:
	@conf/deps.sh

test-deps:
	@conf/deps.sh test

$(BUILD)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -c $< -o $@

$(BUILD)/libportal.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/catalog/%.o: cgi-bin/catalog/%.c cgi-bin/catalog/*.h lib/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -I cgi-bin/catalog -c $< -o $@

CATALOG_OBJ := $(patsubst cgi-bin/catalog/%.c,$(BUILD)/catalog/%.o,$(CATALOG_SRC))
PAYMENT_OBJ := $(patsubst cgi-bin/payment/%.c,$(BUILD)/payment/%.o,$(PAYMENT_SHARED))

$(BUILD)/payment/%.o: cgi-bin/payment/%.c cgi-bin/payment/*.h lib/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -I cgi-bin/payment -c $< -o $@

$(BUILD)/bin/payment: $(BUILD)/payment/main.o $(PAYMENT_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

$(BUILD)/bin/payment-admin: $(BUILD)/payment/admin.o $(PAYMENT_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@
IMPORT_OBJ := $(patsubst cgi-bin/catalog/%.c,$(BUILD)/catalog/%.o,$(IMPORT_SRC))

$(BUILD)/bin/catalog: $(CATALOG_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

$(BUILD)/bin/catalog-import: $(IMPORT_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

# The submission area; submission-admin is its command-line tool (staff accounts).
SUBMISSION_SRC := $(filter-out cgi-bin/submission/admin.c,$(wildcard cgi-bin/submission/*.c))
SUBMISSION_OBJ := $(patsubst cgi-bin/submission/%.c,$(BUILD)/submission/%.o,$(SUBMISSION_SRC))

$(BUILD)/submission/%.o: cgi-bin/submission/%.c cgi-bin/submission/*.h lib/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -I cgi-bin/submission -c $< -o $@

$(BUILD)/bin/submission: $(SUBMISSION_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

$(BUILD)/bin/submission-admin: $(BUILD)/submission/admin.o $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

# The baseline of `make bench`: the smallest libfcgi responder there is.
$(BUILD)/bin/fcgi-minimal: tests/bench/fcgi_minimal.c tests/bench/fcgi_fork.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(LDFLAGS) $< -lfcgi -o $@

# The baseline of the write benchmarks: the same writes straight on MariaDB.
$(BUILD)/bin/db-raw: tests/bench/db_raw.c $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

# The write benchmarks' HTTP baseline: db-raw's row, one per request.
$(BUILD)/bin/fcgi-row: tests/bench/fcgi_row.c tests/bench/fcgi_fork.h $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(LDFLAGS) $(filter-out %.h,$^) $(LIBS) -o $@

# Objects first, the archive last, so the linker pulls from it what they need.
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(filter-out $(BUILD)/catalog/main.o,$(CATALOG_OBJ)) $(PAYMENT_OBJ) $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -I cgi-bin/catalog -I cgi-bin/payment $(LDFLAGS) $(filter %.c %.o,$^) $(BUILD)/libportal.a $(LIBS) -lcmocka -o $@

unit: $(UNIT_BIN)

# Tests of lib/ against a real MariaDB: built with the unit tests, run by
# tests/run.sh once its stack is up.
DBTEST_SRC := $(wildcard tests/db/test_*.c)
DBTEST_BIN := $(patsubst tests/db/%.c,$(BUILD)/dbtests/%,$(DBTEST_SRC))
$(BUILD)/dbtests/%: tests/db/%.c $(BUILD)/libportal.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(LDFLAGS) $< $(BUILD)/libportal.a $(LIBS) -lcmocka -o $@

unit: $(DBTEST_BIN)

run: deps all
	@conf/stack.sh up

stop:
	@conf/stack.sh down

status:
	@conf/stack.sh status

import: deps all
	@conf/stack.sh import

test: deps test-deps
	@tests/run.sh

bench: deps test-deps all
	@tests/bench/run.sh

fuzz: test-deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

clean:
	rm -rf build build-asan
