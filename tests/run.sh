#!/usr/bin/env bash
# tests/run.sh - `make test`: the whole suite, set up from nothing.
#
#  1. build, unit tests (cmocka)
#  2. a private test stack on other ports (var/test, 18080/18081, DB 13407),
#     integration tests over HTTP, the browser test in headless Chromium
#  3. the same again with everything built under AddressSanitizer and
#     UndefinedBehaviorSanitizer (build-asan/), failing on any report
#  4. every fuzzer for a bounded time (FUZZ_SECONDS, default 15)
# and one closing line: "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

export PORTAL_VAR=${PORTAL_TEST_VAR:-var/test}
export PORTAL_PUBLIC_PORT=${PORTAL_TEST_PORT:-18080}
export PORTAL_INTRANET_PORT=$((PORTAL_PUBLIC_PORT + 1))
export PORTAL_DB_PORT=${PORTAL_TEST_DB_PORT:-13407}
export PORTAL_CATALOG_PROCS=2
export PORTAL_PAYMENT_PROCS=2
# The bank sandbox of the test stack, and a bank that retries fast.
export PORTAL_BANK_SANDBOX_PORT=${PORTAL_TEST_BANK_SANDBOX_PORT:-$((PORTAL_PUBLIC_PORT + 10))}
export SANDBOX_IPN_RETRY_SECONDS=${SANDBOX_IPN_RETRY_SECONDS:-1}
# The stand-in national-portal receiver of the test stack.
export PORTAL_SYNC_RECEIVER_PORT=${PORTAL_TEST_SYNC_PORT:-$((PORTAL_PUBLIC_PORT + 11))}
# A sender killed mid-delivery leaves its message leased; the test stack
# keeps the lease short (still well over the delivery timeout) so the
# fault tests see it delivered again within seconds, not a minute.
export PORTAL_SYNC_TIMEOUT_MS=${PORTAL_SYNC_TIMEOUT_MS:-4000}
export PORTAL_OUTBOX_LEASE=${PORTAL_OUTBOX_LEASE:-10}
# A receiver that was down is retried within seconds, not minutes, in tests.
export PORTAL_OUTBOX_MAX_BACKOFF=${PORTAL_OUTBOX_MAX_BACKOFF:-8}
# The same for the refund job: a killed job's claim and a failed try come
# round again within seconds (test_payment_faults.py kills it mid-refund).
export PORTAL_REFUND_LEASE=${PORTAL_REFUND_LEASE:-8}
export PORTAL_REFUND_BACKOFF=${PORTAL_REFUND_BACKOFF:-2}
# The return page's ration of bank queries per attempt: short, so a test
# that asks again after the bank's API came back waits seconds, not ten.
export PORTAL_RETURN_ASK_SECONDS=${PORTAL_RETURN_ASK_SECONDS:-3}
# The address the portal's querydr and refund requests name as theirs
# (vnp_IpAddr): not the default, so a test sees the setting is what is sent.
export PORTAL_VNPAY_SERVER_IP=${PORTAL_VNPAY_SERVER_IP:-10.20.30.40}
# 127.0.0.1 is exempt from the rate limit so the suites can run at speed;
# the rate-limit test sends from 127.0.0.2 and meets the real limit.
export PORTAL_RATE_EXEMPT=127.0.0.1/32
# 127.0.0.4 stands for the province's reverse proxy (X-Forwarded-For trusted).
export PORTAL_TRUSTED_PROXIES=127.0.0.4/32
export PORTAL_DATA_DIR=${PORTAL_DATA_DIR:-$ROOT/../shared/data}
export FUZZ_SECONDS=${FUZZ_SECONDS:-15}
ABS_VAR=$ROOT/$PORTAL_VAR

PASSED=0
FAILED=0
SUITES=()

# Add a suite's counts from its last "N passed, N failed" line; a suite that
# prints none (it crashed) counts as one failure.
tally() {
	local name=$1 log=$2 rc=$3 line p f
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "  $name: no summary (exit $rc): counted as failed"
		FAILED=$((FAILED + 1))
		SUITES+=("$name: crashed")
		return
	fi
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	SUITES+=("$name: $p passed, $f failed")
}

run_suite() {
	local name=$1
	shift
	local log=$ABS_VAR/log/suite-$name.log
	mkdir -p "$ABS_VAR/log"
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	grep -E '^(FAIL|not ok|\[  FAILED  \]|\[  ERROR   \])|FAILED|ERROR: AddressSanitizer|runtime error' "$log" | head -40
	tally "$name" "$log" "$rc"
	echo "   ${SUITES[-1]}"
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...";
# turn each binary's result into the common summary line.
unit_tests() {
	local dir=$1 sub=${2:-tests} p=0 f=0 t out
	for t in "$dir"/"$sub"/test_*; do
		out=$("$t" 2>&1)
		local rc=$?
		echo "$out"
		local tp tf
		tp=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -n1)
		tf=$(grep -oE '\[  FAILED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -n1)
		p=$((p + ${tp:-0}))
		f=$((f + ${tf:-0}))
		if [ "$rc" -ne 0 ] && [ "${tf:-0}" -eq 0 ]; then
			echo "FAILED: $t exited $rc"
			f=$((f + 1))
		fi
	done
	echo "unit: $p passed, $f failed"
	[ "$f" -eq 0 ]
}

integration() {
	/usr/bin/python3 tests/integration/harness.py \
		tests/integration/test_search.py tests/integration/test_search_people.py \
		tests/integration/test_pages.py \
		tests/integration/test_bad_input.py tests/integration/test_limits.py \
		tests/integration/test_resilience.py tests/integration/test_payment.py \
		tests/integration/test_submission.py tests/integration/test_submission_pay.py \
		tests/integration/test_submission_load.py tests/integration/test_submission_reset.py \
		tests/integration/test_submission_desk.py tests/integration/test_submission_staff.py \
		tests/integration/test_submission_staff_edit.py tests/integration/test_submission_chk8.py \
		tests/integration/test_payment_refund.py tests/integration/test_payment_return.py \
		tests/integration/test_payment_receipts.py tests/integration/test_chk27.py \
		tests/integration/test_payment_chk9.py \
		tests/integration/test_payment_faults.py tests/integration/test_payment_faults2.py \
		tests/integration/test_submission_faults.py \
		tests/integration/test_account_faults.py tests/integration/test_faults_chk11.py \
		tests/integration/test_pages_chk10.py tests/integration/test_payment_notice.py \
		tests/integration/test_refused_forms.py tests/integration/test_chk12.py \
		tests/integration/test_chk13.py tests/integration/test_chk14.py \
		tests/integration/test_wallet_results.py tests/integration/test_chk15.py \
		tests/integration/test_chk16.py tests/integration/test_chk17.py tests/integration/test_chk18.py \
		tests/integration/test_chk19.py tests/integration/test_chk20.py tests/integration/test_chk21.py \
		tests/integration/test_chk22.py tests/integration/test_chk25.py tests/integration/test_chk26.py \
		tests/integration/test_chk30.py tests/integration/test_chk31.py tests/integration/test_chk32.py
}

browser() {
	tests/browser/install.sh &&
		BASE_URL=http://127.0.0.1:$PORTAL_PUBLIC_PORT SHOT_DIR=$ABS_VAR/screenshots \
			node tests/browser/run.mjs
}

# The submission walk at 360 px (register, file, desk, supplement, result,
# rating): a suite of its own so each keeps its own summary line.
browser_submission() {
	tests/browser/install.sh &&
		BASE_URL=http://127.0.0.1:$PORTAL_PUBLIC_PORT INTRANET_URL=http://127.0.0.1:$PORTAL_INTRANET_PORT \
			SHOT_DIR=$ABS_VAR/screenshots node tests/browser/submission.mjs
}

# The payment walk through the bank sandbox, at 360 px with JavaScript off.
browser_payment() {
	tests/browser/install.sh &&
		BASE_URL=http://127.0.0.1:$PORTAL_PUBLIC_PORT INTRANET_URL=http://127.0.0.1:$PORTAL_INTRANET_PORT \
			SHOT_DIR=$ABS_VAR/screenshots node tests/browser/payment.mjs
}

# The citizen's whole fee walk (file, fee at 6, pay, receipt, verify, the
# dossier moves on; the receipt adjusted and cancelled by the commune).
browser_fee() {
	tests/browser/install.sh &&
		BASE_URL=http://127.0.0.1:$PORTAL_PUBLIC_PORT INTRANET_URL=http://127.0.0.1:$PORTAL_INTRANET_PORT \
			SHOT_DIR=$ABS_VAR/screenshots node tests/browser/feewalk.mjs
}

stack_up() {
	conf/stack.sh up >"$ABS_VAR/log/stack-up.log" 2>&1 || {
		cat "$ABS_VAR/log/stack-up.log"
		return 1
	}
}

stack_down() {
	conf/stack.sh down >/dev/null 2>&1
	# make stop must leave nothing of ours running
	if pgrep -f "$ABS_VAR/" >/dev/null; then
		echo "processes left behind after stop:"
		pgrep -af "$ABS_VAR/"
		return 1
	fi
}

# One pass: build with the given flags into $BUILD, unit tests, stack, HTTP, browser.
pass() {
	local label=$1 build=$2 cflags=$3 ldflags=$4
	echo "# $label"
	make -s BUILD="$build" CFLAGS="$cflags" LDFLAGS="$ldflags" all unit >"$ABS_VAR/log/build-$label.log" 2>&1 || {
		cat "$ABS_VAR/log/build-$label.log" | tail -30
		FAILED=$((FAILED + 1))
		SUITES+=("$label build: failed")
		return
	}
	# leaks are checked in the unit tests; servers are stopped by a signal
	ASAN_OPTIONS=${ASAN_OPTIONS:+${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1}} \
		run_suite "unit-$label" unit_tests "$build"
	stack_down >/dev/null 2>&1
	# every stack command of this pass, the tests' own included, uses this build
	export PORTAL_BIN=$ROOT/$build/bin
	if stack_up; then
		# lib/'s transactions and outbox against the stack's MariaDB
		PORTAL_DB_SOCKET=$ABS_VAR/run/mysqld.sock PORTAL_DB_USER=root PORTAL_DB_NAME=portal \
			run_suite "db-$label" unit_tests "$build" dbtests
		run_suite "integration-$label" integration
		[ "$label" = plain ] && run_suite "browser" browser
		[ "$label" = plain ] && run_suite "browser-submission" browser_submission
		[ "$label" = plain ] && run_suite "browser-payment" browser_payment
		[ "$label" = plain ] && run_suite "browser-fee" browser_fee
	else
		FAILED=$((FAILED + 1))
		SUITES+=("$label stack: did not start")
	fi
	if ! stack_down; then
		FAILED=$((FAILED + 1))
		SUITES+=("$label stop: left processes")
	fi
}

mkdir -p "$ABS_VAR/log"
rm -rf "$ABS_VAR/log/asan"
mkdir -p "$ABS_VAR/log/asan"
chmod 1777 "$ABS_VAR/log/asan"  # workers run as www-data and must write reports
trap 'conf/stack.sh down >/dev/null 2>&1' EXIT

pass plain build "-O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fstack-clash-protection -g" \
	"-pie -Wl,-z,relro,-z,now"

# Sanitizers: a report aborts the process, and any report file fails the run.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=0:log_path=$ABS_VAR/log/asan/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$ABS_VAR/log/asan/ubsan"
pass asan build-asan "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	"-fsanitize=address,undefined"
# "No report" means something only if the programs really ran under the
# sanitizers: every program of the asan build must carry ASan's runtime, and
# the integration suite must have run against them.
asan_ran=1
for prog in "$ROOT"/build-asan/bin/*; do
	# (grep without -q reads all of nm's output: pipefail would count
	# nm's SIGPIPE after an early match as a failure)
	if ! nm "$prog" 2>/dev/null | grep __asan_init >/dev/null; then
		echo "not built with AddressSanitizer: $prog"
		asan_ran=0
	fi
done
compgen -G "$ROOT/build-asan/bin/*" >/dev/null || asan_ran=0
grep -qE '^integration: [1-9][0-9]* passed' "$ABS_VAR/log/suite-integration-asan.log" 2>/dev/null || asan_ran=0
if compgen -G "$ABS_VAR/log/asan/*" >/dev/null; then
	echo "sanitizer reports:"
	head -50 "$ABS_VAR"/log/asan/*
	FAILED=$((FAILED + 1))
	SUITES+=("sanitizers: reports found")
elif [ "$asan_ran" = 0 ]; then
	FAILED=$((FAILED + 1))
	SUITES+=("sanitizers: nothing ran under ASan, so no report proves nothing")
else
	PASSED=$((PASSED + 1))
	SUITES+=("sanitizers: no reports")
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

run_suite fuzz tests/fuzz/run.sh

echo
echo "Summary:"
for s in "${SUITES[@]}"; do echo "  $s"; done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
