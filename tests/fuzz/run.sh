#!/bin/bash
# tests/fuzz/run.sh - build every tests/fuzz/fuzz_*.c with libFuzzer and
# AddressSanitizer + UBSan, run each for FUZZ_SECONDS (default 60), report.
#
#   FUZZ_SECONDS=20 tests/fuzz/run.sh           all harnesses
#   FUZZ_SECONDS=20 tests/fuzz/run.sh query     only fuzz_query.c
#
# Everything it writes is under build-fuzz/ (FUZZ_BUILD): the binaries, the
# lib objects, one log per harness, a working corpus per harness seeded from
# tests/fuzz/corpus/<name>/ (the seeds in the repository are never touched),
# and crash artifacts in build-fuzz/crashes/<name>-*.
#
# Output: one line per harness, "fuzz_<name>: ok, N runs" or
# "fuzz_<name>: FAILED, see <artifact or log>", then "fuzz: N passed,
# N failed".  Exit status 1 if any harness failed to build or found a bug.

set -u -o pipefail

cd "$(dirname "$0")/../.." || exit 2

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
OUT=${FUZZ_BUILD:-build-fuzz}
CC_FUZZ=${CC_FUZZ:-clang}
case $FUZZ_SECONDS in
'' | *[!0-9]*)
	echo "FUZZ_SECONDS must be a whole number of seconds" >&2
	exit 2
	;;
esac

FUZZ_CFLAGS=(-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
	"-fsanitize=address,undefined" -fno-sanitize-recover=all
	-I lib -I /usr/include/ClearSilver -I /usr/include/mariadb)
LIBS=(-lfcgi -lneo_cgi -lneo_cs -lneo_utl -lz -lmariadb -lqrencode -lssl -lcrypto -lcurl)

mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/logs" "$OUT/corpus" "$OUT/crashes" || exit 2

# lib/*.c once, instrumented for coverage but without libFuzzer's main.
# A file that does not compile is left out (see lib.build.log); only the
# harnesses that need it then fail, at link time.
objs=()
lib_failed=()
: >"$OUT/logs/lib.build.log"
for src in lib/*.c; do
	obj=$OUT/lib/$(basename "${src%.c}").o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] ||
		[ -n "$(find lib -name '*.h' -newer "$obj" -print -quit)" ]; then
		if ! "$CC_FUZZ" "${FUZZ_CFLAGS[@]}" -fsanitize=fuzzer-no-link \
			-c "$src" -o "$obj" >>"$OUT/logs/lib.build.log" 2>&1; then
			rm -f "$obj"
			lib_failed+=("$src")
			continue
		fi
	fi
	objs+=("$obj")
done
if [ ${#lib_failed[@]} -gt 0 ]; then
	echo "warning: did not compile: ${lib_failed[*]} (see $OUT/logs/lib.build.log)" >&2
fi

if [ $# -gt 0 ]; then
	harnesses=()
	for name in "$@"; do
		harnesses+=("tests/fuzz/fuzz_$name.c")
	done
else
	harnesses=(tests/fuzz/fuzz_*.c)
fi

passed=0
failed=0
for src in "${harnesses[@]}"; do
	base=$(basename "$src" .c)	# fuzz_query
	name=${base#fuzz_}		# query
	bin=$OUT/bin/$base
	log=$OUT/logs/$name.log
	blog=$OUT/logs/$name.build.log

	if [ ! -f "$src" ]; then
		echo "$base: FAILED, no such harness $src"
		failed=$((failed + 1))
		continue
	fi
	if ! "$CC_FUZZ" "${FUZZ_CFLAGS[@]}" -fsanitize=fuzzer "$src" "${objs[@]}" \
		"${LIBS[@]}" -o "$bin" >"$blog" 2>&1; then
		echo "$base: FAILED, build error, see $blog"
		failed=$((failed + 1))
		continue
	fi

	# A writable corpus outside the repository, seeded from the repo.
	corpus=$OUT/corpus/$name
	mkdir -p "$corpus"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -R "tests/fuzz/corpus/$name/." "$corpus/"
	fi
	prefix=$OUT/crashes/$name-
	stamp=$OUT/logs/$name.stamp
	: >"$stamp"

	if "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$prefix" "$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
			tail -n 1)
		echo "$base: ok, ${runs:-?} runs"
		passed=$((passed + 1))
	else
		artifact=$(find "$OUT/crashes" -name "$name-*" -type f \
			-newer "$stamp" -print 2>/dev/null | head -n 1)
		echo "$base: FAILED, see ${artifact:-$log} (log: $log)"
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
