#!/usr/bin/env bash
# tests/bench/run.sh - `make bench`: wrk against a private stack, with
# baselines, reported as ratios (see tests/bench/README.md).
#
# Starts its own stack (var/bench, ports 28080/28081/23407) next to
# fcgi-minimal, the smallest libfcgi responder, and a static file the size of
# the detail page; then measures, back to back in one run:
#   static   nginx serving a file of the detail page's size
#   minimal  the minimal FastCGI responder (the baseline)
#   detail   /catalog/procedures/1.001193
#   search   /catalog/search?q=dang+ky+khai+sinh
#   api      /catalog/api/procedures?q=dang+ky+khai+sinh
#   pay      /pay/{code}, the citizen's payment page (target >= 0.3 of minimal)
#   ipn      bank callbacks, each a distinct signed success settled with its
#            receipt (tests/bench/ipn.lua), against db_raw: build/bin/db-raw
#            --mode row --conc P, a one-row INSERT + COMMIT from C, with P the
#            payment processes, the writers (target >= 0.5)
#   submit   POST /dossiers with one 1 MiB PDF, against raw_blob (db-raw)
#   status   POST /desk/dossiers/{code}/status to=2, against raw_row (db-raw)
# Each write is compared with db-raw at the concurrency of the portal's own
# writes, its area's processes (each one connection); db-raw at wrk's -c is
# shown next to it (raw_*_wrk, db_raw_wrk), for information.
# and the memory of the catalog and payment processes after the load and of
# the submission processes at rest.
#
# Exit status: non-zero on setup failures, wrk errors or any non-2xx answer
# (a fast 502 is not speed); ratio or memory misses are only marked FAIL.
#
#   BENCH_SECONDS  seconds of each measured run (10)
#   BENCH_WARMUP   seconds of the warm-up before each (2)
#   BENCH_ROUNDS   rounds of all targets, interleaved; the median counts (1)
#   BENCH_THREADS / BENCH_CONNECTIONS   wrk -t / -c (2 / 32)
#   BENCH_PAGE_CACHE   the catalog's PORTAL_PAGE_CACHE for this run; 0 turns
#                      the page cache off, to measure rendering, not cache hits
#   BENCH_PORT / BENCH_DB_PORT   the stack's public port (intranet +1, bank
#                      sandbox +10, sync receiver +11) and MariaDB's (28080 / 23407)
#   BENCH_PAYMENT_PROCS   payment processes, and db-raw's --conc for ipn
#                      (PORTAL_PAYMENT_PROCS of conf/portal.conf: as deployed)
#   BENCH_IPN_COUNT    distinct signed callbacks prepared (60000)
#   BENCH_IPN_AGENCIES communes the callbacks' obligations belong to (1: all
#                      on one receipt series, the worst case)
#   BENCH_RAW_CONC     db-raw's --conc for submit and status (the submission
#                      processes, PORTAL_SUBMISSION_PROCS: its writers)
#   BENCH_SYNC_URL     where status changes are synced (an nginx 204 here)
#   BENCH_ONLY     the targets to run, comma-separated (all when empty):
#                  static minimal detail search api detail_cold pay ipn
#                  submit status; submit brings raw_blob, status raw_row, ipn
#                  db_raw (a ratio's baseline always runs with its target)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

ALL_TARGETS="static minimal detail search api detail_cold pay ipn submit status"
ONLY=${BENCH_ONLY:-}
ONLY=${ONLY// /}
for t in ${ONLY//,/ }; do
	[[ " $ALL_TARGETS " == *" $t "* ]] || { printf 'bench: BENCH_ONLY: unknown target %s (one of: %s)\n' "$t" "$ALL_TARGETS" >&2; exit 2; }
done
# The pages' ratios divide by the minimal responder's rate (and static's
# column by nginx's): a page target brings its baselines along.
for t in detail search api detail_cold pay; do
	if [[ ",$ONLY," == *",$t,"* ]]; then ONLY="$ONLY,minimal,static"; break; fi
done
# want NAME: is target NAME selected?
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

SECONDS_RUN=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-1}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}

# The stack of the benchmark: never the ports or state of `make run`/`make test`.
export PORTAL_VAR=var/bench
export PORTAL_PUBLIC_PORT=${BENCH_PORT:-28080}
export PORTAL_INTRANET_PORT=$((PORTAL_PUBLIC_PORT + 1))
export PORTAL_DB_PORT=${BENCH_DB_PORT:-23407}
export PORTAL_BANK_SANDBOX_PORT=$((PORTAL_PUBLIC_PORT + 10))
# The payment area runs as deployed (conf/portal.conf), as the submission
# area does; until 2026-12-02 the bench ran it at 2 processes, which made
# the IPN's ratio look better (db_raw at 2 writers shares fewer commits)
# and the pay page's worse (2 workers waiting on their query).
export PORTAL_PAYMENT_PROCS=${BENCH_PAYMENT_PROCS:-$(sed -n 's/^PORTAL_PAYMENT_PROCS=\([0-9]*\).*/\1/p' conf/portal.conf)}
export BENCH_THREADS=$THREADS
IPN_COUNT=${BENCH_IPN_COUNT:-60000}
PAY_TARGET=0.30
IPN_TARGET=0.50
export PORTAL_RATE_EXEMPT=127.0.0.1/32
export PORTAL_NGINX_WORKERS=2
export PORTAL_CATALOG_PROCS=2
# The stand-in sync receiver, off the ports of `make run` and `make test`
# as well (the bank sandbox is public+10 above).
export PORTAL_SYNC_RECEIVER_PORT=$((PORTAL_PUBLIC_PORT + 11))
# The national portal's receiver is not the portal's to measure: the tests'
# Python stand-in spent ~1.2 ms of this machine's CPU on each message it
# checked.  Here nginx acknowledges each POST with a 204; the portal's own
# sender still signs and delivers every message as in production.
export PORTAL_SYNC_URL=${BENCH_SYNC_URL:-http://127.0.0.1:$PORTAL_PUBLIC_PORT/bench/sync}
if [ -n "${BENCH_PAGE_CACHE:-}" ]; then
	export PORTAL_PAGE_CACHE=$BENCH_PAGE_CACHE
fi

VAR=$ROOT/$PORTAL_VAR
RUN=$VAR/run
LOG=$VAR/log
OUT=$VAR/wrk
STATIC_DIR=$VAR/static
EXTRA=$VAR/nginx/extra
MIN_BIN=$ROOT/build/bin/fcgi-minimal
MIN_SOCK=$RUN/minimal.sock
MIN_PIDFILE=$RUN/minimal.pid
ROW_BIN=$ROOT/build/bin/fcgi-row
ROW_SOCK=$RUN/row.sock
ROW_PIDFILE=$RUN/row.pid
BASE=http://127.0.0.1:$PORTAL_PUBLIC_PORT
DETAIL_PATH=/catalog/procedures/1.001193
QUERY=dang+ky+khai+sinh
BUDGET_MIB=64
DETAIL_TARGET=0.50
SEARCH_TARGET=0.35

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }

# --- cleanup: whatever happens, nothing of ours keeps running ---------------

MIN_PID="" ROW_PID=""
STACK_TOUCHED=0

# The pids of a baseline responder (master and its forked responders) from
# its pid file $3, only while that pid still runs $1 on its socket $2.
fcgi_pids() {
	local bin=$1 sock=$2 pidfile=$3 pid
	[ -s "$pidfile" ] || return 0
	pid=$(head -n1 "$pidfile")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 0
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$bin $sock" || return 0
	echo "$pid"
	pgrep -P "$pid" || true
}

# stop_fcgi BIN SOCK PIDFILE [PID]: stop that responder, reap it if it is ours.
stop_fcgi() {
	local pids pid
	pids=$(fcgi_pids "$1" "$2" "$3")
	[ -n "$pids" ] || { rm -f "$3"; return 0; }
	# The responders do not die with their master: signal each by its pid.
	for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
	for _ in $(seq 1 50); do
		local alive=0
		for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ "$alive" -eq 1 ] || break
		sleep 0.1
	done
	for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
	[ -z "${4:-}" ] || wait "$4" 2>/dev/null || true
	rm -f "$3" "$2"
}

stop_minimal() {
	stop_fcgi "$MIN_BIN" "$MIN_SOCK" "$MIN_PIDFILE" "$MIN_PID"
	stop_fcgi "$ROW_BIN" "$ROW_SOCK" "$ROW_PIDFILE" "$ROW_PID"
}

# start_fcgi NAME BIN SOCK PIDFILE PROCS: start a baseline responder; its
# pid is left in FCGI_PID.
start_fcgi() {
	local name=$1 bin=$2 sock=$3 pidfile=$4 procs=$5
	say "starting $name on $sock ($procs processes)"
	rm -f "$sock"
	"$bin" "$sock" "$procs" </dev/null >>"$LOG/$name.log" 2>&1 &
	FCGI_PID=$!
	echo "$FCGI_PID" >"$pidfile"
	for _ in $(seq 1 50); do
		[ -S "$sock" ] && break
		kill -0 "$FCGI_PID" 2>/dev/null || die "$name exited: see $LOG/$name.log"
		sleep 0.1
	done
	[ -S "$sock" ] || die "$name did not create $sock"
	# nginx's workers may run as www-data; libfcgi leaves the socket to the umask.
	chmod 666 "$sock"
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	stop_minimal
	if [ "$STACK_TOUCHED" -eq 1 ]; then
		conf/stack.sh down >>"$LOG/bench-stack.log" 2>&1 ||
			printf 'bench: conf/stack.sh down failed: see %s\n' "$LOG/bench-stack.log" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks ------------------------------------------------------------------

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk, or make test-deps)"
command -v curl >/dev/null || die "curl is not installed"
for b in catalog catalog-import fcgi-minimal fcgi-row payment payment-admin db-raw submission submission-admin; do
	[ -x "build/bin/$b" ] || die "build/bin/$b is missing: run make all first"
done

mkdir -p "$RUN" "$LOG" "$OUT" "$STATIC_DIR" "$EXTRA"
chmod 755 "$VAR" "$RUN" "$STATIC_DIR"
: >"$LOG/bench-stack.log"

# A previous run that was killed hard may have left its stack: stop it, by
# its pid files only.
stop_minimal
STACK_TOUCHED=1
conf/stack.sh down >>"$LOG/bench-stack.log" 2>&1 || die "conf/stack.sh down failed: see $LOG/bench-stack.log"

for port in "$PORTAL_PUBLIC_PORT" "$PORTAL_INTRANET_PORT" "$PORTAL_DB_PORT" \
	"$PORTAL_BANK_SANDBOX_PORT" "$PORTAL_SYNC_RECEIVER_PORT"; do
	if ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
		die "port $port is already in use by something else"
	fi
done

# --- the baselines -----------------------------------------------------------

start_fcgi fcgi-minimal "$MIN_BIN" "$MIN_SOCK" "$MIN_PIDFILE" 2
MIN_PID=$FCGI_PID

cat >"$EXTRA/bench.conf" <<CONF
# Written by tests/bench/run.sh: the baselines of the benchmark.
location = /bench/minimal {
	include /etc/nginx/fastcgi_params;
	fastcgi_pass unix:$MIN_SOCK;
}
# db-raw's row through HTTP (tests/bench/fcgi_row.c), started with the writes
location = /bench/row {
	include /etc/nginx/fastcgi_params;
	fastcgi_pass unix:$ROW_SOCK;
}
location /bench/static/ {
	alias $STATIC_DIR/;
}
# The national portal's sync endpoint during the benchmark (see above).
location = /bench/sync {
	return 204;
}
CONF

# --- the stack ---------------------------------------------------------------

say "starting the bench stack (PORTAL_VAR=$PORTAL_VAR, ports $PORTAL_PUBLIC_PORT/$PORTAL_INTRANET_PORT/$PORTAL_DB_PORT)"
conf/stack.sh up >>"$LOG/bench-stack.log" 2>&1 || {
	tail -n 20 "$LOG/bench-stack.log" >&2
	die "conf/stack.sh up failed: see $LOG/bench-stack.log"
}

NGINX_USER=$(awk '$1 == "user" { sub(/;$/, "", $2); print $2 }' "$VAR/nginx/nginx.conf")
say "nginx workers run as ${NGINX_USER:-?}; $(stat -c 'minimal.sock %A %U:%G' "$MIN_SOCK")"

# The static baseline: the detail page itself, so the bytes are the same.
curl -fsS -o "$STATIC_DIR/detail.html" "$BASE$DETAIL_PATH" ||
	die "GET $DETAIL_PATH failed"
chmod 644 "$STATIC_DIR/detail.html"
DETAIL_BYTES=$(stat -c %s "$STATIC_DIR/detail.html")
[ "$DETAIL_BYTES" -gt 1000 ] || die "the detail page is only $DETAIL_BYTES bytes"

NAMES=()
for n in static minimal detail search api detail_cold pay; do
	if want "$n"; then NAMES+=("$n"); fi
done
# detail_cold cycles through every procedure (tests/bench/rotate.lua), so
# it measures rendering rather than the page cache.
export BENCH_CODES=$OUT/codes.txt
tail -n +2 "${PORTAL_DATA_DIR:-$ROOT/../shared/data}/procedures/tthc_catalog.csv" | cut -d, -f1 | grep -E '^[0-9]+\.[0-9]+$' >"$BENCH_CODES"
declare -A SCRIPT=([detail_cold]=$ROOT/tests/bench/rotate.lua)
declare -A URL=(
	[detail_cold]=$BASE$DETAIL_PATH
	[static]=$BASE/bench/static/detail.html
	[minimal]=$BASE/bench/minimal
	[detail]=$BASE$DETAIL_PATH
	[search]=$BASE/catalog/search?q=$QUERY
	[api]=$BASE/catalog/api/procedures?q=$QUERY
)

# The payment area's data: an agency set up as an operator would, and
# obligations with pending attempts, one pre-signed callback for each.
PAY_AGENCY=""
if want pay || want ipn; then
	say "preparing $IPN_COUNT pending payments and their signed callbacks"
	PAY_AGENCY=$(PORTAL_VAR=$VAR python3 tests/bench/payment_setup.py "$IPN_COUNT" "$OUT") ||
		die "tests/bench/payment_setup.py failed"
	export BENCH_IPN=$OUT/ipn.txt
	URL[pay]=$BASE/pay/$(cat "$OUT/paycode.txt")
fi

# Every target must answer 200 (not a redirect, not an error page) with what
# it is supposed to serve before it is measured.
check_target() {
	local name=$1 url=${URL[$1]} body=$OUT/check-$1.body code
	code=$(curl -sS -o "$body" -w '%{http_code}' "$url") || die "$name: GET $url failed"
	if [ "$code" != 200 ]; then
		if [ "$name" = minimal ] && [ "$code" = 502 ]; then
			grep -F minimal.sock "$LOG/nginx-error.log" 2>/dev/null | tail -n 3 >&2
			die "minimal: nginx workers (user ${NGINX_USER:-?}) cannot reach $MIN_SOCK (502)"
		fi
		die "$name: GET $url answered $code"
	fi
	case $name in
	static) cmp -s "$body" "$STATIC_DIR/detail.html" || die "static: wrong content" ;;
	minimal) [ "$(cat "$body")" = ok ] || die "minimal: did not answer ok" ;;
	detail) [ "$(stat -c %s "$body")" -eq "$DETAIL_BYTES" ] || say "note: the detail page changed size between requests" ;;
	detail_cold) [ "$(wc -l <"$BENCH_CODES")" -gt 2000 ] || die "detail_cold: no procedure codes in $BENCH_CODES" ;;
	search) grep -q '/catalog/procedures/' "$body" || die "search: no procedure links in the results page" ;;
	api) grep -q '"' "$body" || die "api: empty answer" ;;
	pay) grep -q '/start"' "$body" || die "pay: no payment form on $url" ;;
	esac
}
for n in ${NAMES[@]+"${NAMES[@]}"}; do check_target "$n"; done

# --- load ----------------------------------------------------------------------

# wrk's report -> "req/s p99-ms non2xx socket-errors requests".
parse_wrk() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v * 0.001
		if (v ~ /ms$/) return v * 1
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	}
	$1 == "Requests/sec:" { rps = $2 }
	$1 == "99%" { p99 = ms($2) }
	$2 == "requests" && $3 == "in" { reqs = $1 }
	/Non-2xx or 3xx responses:/ { non = $NF }
	/^Unexpected status answers:/ { unexp = $NF }
	/Socket errors:/ {
		gsub(/,/, "")
		for (i = 3; i <= NF; i += 2) errs += $(i + 1)
	}
	# The write scripts count every answer but the 303 they expect; that
	# includes what wrk counts (>= 400), so it replaces it.
	END { if (unexp != "") non = unexp
	      printf "%s %s %d %d %d\n", (rps == "" ? 0 : rps), (p99 == "" ? -1 : p99), non, errs, reqs }
	' "$1"
}

declare -A RPS P99 NON ERR REQS BEFORE WRK_TIMEOUT RAW_CONC_OF
FAILURES=()

# The areas' senders deliver what the writes leave behind (a sync message
# and a notice for each status change, thousands a round, and whatever an
# earlier run left when its stack stopped).  Every target waits until the
# messages due are delivered: measured while they compete for the 2 cores,
# a page came out at 0.23 of minimal in one run and 0.31-0.35 in the next.
settle_outbox() {
	local n=0 i
	for i in $(seq 1 240); do
		n=$(sql "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND next_at <= UTC_TIMESTAMP(3) + INTERVAL 1 SECOND") || return 0
		[ "$n" -eq 0 ] && return 0
		[ "$i" -gt 1 ] || say "  waiting for the senders to deliver $n pending messages"
		sleep 0.5
	done
	say "  the senders still have $n messages due after 120 s: measuring all the same"
}

run_target() {
	settle_outbox
	local name=$1 round=$2 url=${URL[$1]} warm=$OUT/$1-warmup-$2.txt out=$OUT/$1-$2.txt
	local rps p99 non err reqs
	if [ "$WARMUP" -gt 0 ]; then
		[ -z "${BEFORE[$name]:-}" ] || "${BEFORE[$name]}"
		wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" ${WRK_TIMEOUT[$name]:+--timeout "${WRK_TIMEOUT[$name]}"} ${SCRIPT[$name]:+-s "${SCRIPT[$name]}"} "$url" >"$warm" 2>&1 ||
			die "$name: wrk warm-up failed: $(tail -n 3 "$warm")"
		read -r rps p99 non err reqs < <(parse_wrk "$warm")
		NON[$name]=$((${NON[$name]:-0} + non))
		ERR[$name]=$((${ERR[$name]:-0} + err))
	fi
	[ -z "${BEFORE[$name]:-}" ] || "${BEFORE[$name]}"
	wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency ${WRK_TIMEOUT[$name]:+--timeout "${WRK_TIMEOUT[$name]}"} ${SCRIPT[$name]:+-s "${SCRIPT[$name]}"} "$url" >"$out" 2>&1 ||
		die "$name: wrk failed: $(tail -n 3 "$out")"
	! grep -q '\.lua:' "$out" || die "$name: the wrk script failed: $(grep -m1 '\.lua:' "$out")"
	read -r rps p99 non err reqs < <(parse_wrk "$out")
	RPS[$name]="${RPS[$name]:-} $rps"
	P99[$name]="${P99[$name]:-} $p99"
	NON[$name]=$((${NON[$name]:-0} + non))
	ERR[$name]=$((${ERR[$name]:-0} + err))
	REQS[$name]=$((${REQS[$name]:-0} + reqs))
	printf 'bench:   %-11s %10.0f req/s  p99 %8.2f ms  non-2xx %d  errors %d\n' "$name" "$rps" "$p99" "$non" "$err"
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- the write benchmarks (issue 6) --------------------------------------------
#
#   submit   POST /dossiers: 1.001193 with one 1 MiB PDF, as a citizen
#   status   POST /desk/dossiers/{code}/status to=2, as a desk officer, each
#            request on another dossier at status 1
# each as a ratio to db-raw (tests/bench/db_raw.c) at the same concurrency,
# in the same round:
#   raw_blob a 1 MiB row INSERT + COMMIT   (for submit)
#   raw_row  a one-row INSERT + COMMIT     (for status)
# "The same concurrency" is that of the writes on MariaDB: wrk's 32
# connections queue in nginx for the submission processes, so at most
# PORTAL_SUBMISSION_PROCS writes are in flight, each on its process's one
# connection; db-raw runs that many writers (--conc).  The ipn target does
# the same with the payment processes.  raw_blob_wrk and raw_row_wrk run
# db-raw at wrk's -c as well, for information: the gap between the two is
# what 32 writers sharing each group commit gain over the portal's few.
# Every answer must be a 303; anything else is a failure of the run.

WNAMES=()
if want submit; then WNAMES+=(submit raw_blob raw_blob_wrk); fi
if want status; then WNAMES+=(status raw_row raw_row_wrk http_row); fi
SUBMIT_TARGET=0.50
STATUS_TARGET=0.40
# the processes of the area as conf/stack.sh starts them (environment first)
SUB_PROCS=${PORTAL_SUBMISSION_PROCS:-$(sed -n 's/^PORTAL_SUBMISSION_PROCS=\([0-9]*\).*/\1/p' conf/portal.conf)}
RAW_CONC=${BENCH_RAW_CONC:-${SUB_PROCS:-4}}
DB_NAME=${PORTAL_DB_NAME:-portal}
BENCH_PROC=1.001193
STATUS_RATE=""

sql() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$RUN/mysqld.sock" -uroot -N -B "$DB_NAME" -e "$1"; }
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# A PDF of about $2 bytes that lib/filetype.c accepts: one page whose
# content stream is random bytes (a scan does not compress either), a
# correct xref table and startxref.
make_pdf() {
	python3 - "$1" "$2" <<'PY'
import os, sys
out, size = sys.argv[1], int(sys.argv[2])
def build(n):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % n + os.urandom(n) + b"\nendstream"]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(pdf))
        pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        pdf += b"%010d 00000 n \n" % o
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(pdf)
pdf = build(size)
pdf = build(size - (len(pdf) - size))
open(out, "wb").write(pdf)
PY
}

# The citizen (a verified account and a session made in SQL), a commune
# to file with, the desk officer of that commune (submission-admin, then a
# session row), and the csrf token of each one's pv cookie.
writes_setup() {
	local contact name cid tok stok login spw sid_ code loc
	make_pdf "$OUT/upload.pdf" $((1 << 20)) || die "cannot write the 1 MiB PDF"
	make_pdf "$OUT/small.pdf" 2048 || die "cannot write the small PDF"
	contact=09$(printf '%08d' $((RANDOM * 32768 + RANDOM)) | cut -c1-8)
	cid=$(sql "INSERT INTO citizen (contact, contact_kind, name, password_hash, verified_at, created_at)
		VALUES ('$contact', 'phone', 'Người thử tải', 'bench-no-login', UTC_TIMESTAMP(), UTC_TIMESTAMP());
		SELECT LAST_INSERT_ID();") || die "cannot create the bench citizen"
	tok=$(hex 32)
	sql "INSERT INTO session (id_hash, kind, user_id, created_at, last_seen, remote_addr)
		VALUES (SHA2('$tok', 256), 2, $cid, UTC_TIMESTAMP(), UTC_TIMESTAMP(), '127.0.0.1')" ||
		die "cannot create the citizen's session"
	PV=$(hex 16)
	CIT_COOKIE="sid=$tok; pv=$PV"
	curl -fsS -o "$OUT/new.html" -H "Cookie: $CIT_COOKIE" "$BASE/dossiers/new?procedure=$BENCH_PROC" ||
		die "GET /dossiers/new?procedure=$BENCH_PROC failed"
	CIT_CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$OUT/new.html" | head -n1 | cut -d'"' -f4)
	[ -n "$CIT_CSRF" ] || die "no csrf field in /dossiers/new"
	# The first commune the form offers (as tests/integration/test_submission.py).
	AGENCY=$(grep -oE '<option value="[0-9.]+\.H[0-9][0-9]">' "$OUT/new.html" | head -n1 | cut -d'"' -f2)
	[ -n "$AGENCY" ] || die "the form of $BENCH_PROC offers no commune"

	login=bench$(hex 5)
	spw=$(hex 16)
	printf '%s\n' "$spw" | conf/stack.sh admin staff-add --agency "$AGENCY" --role desk \
		--login "$login" --name "Cán bộ thử tải" >>"$LOG/bench-stack.log" 2>&1 ||
		die "submission-admin staff-add failed: see $LOG/bench-stack.log"
	sid_=$(sql "SELECT id FROM staff WHERE login = '$login'")
	[ -n "$sid_" ] || die "the desk officer $login is not in the database"
	stok=$(hex 32)
	sql "INSERT INTO session (id_hash, kind, user_id, created_at, last_seen, remote_addr)
		VALUES (SHA2('$stok', 256), 3, $sid_, UTC_TIMESTAMP(), UTC_TIMESTAMP(), '127.0.0.1')" ||
		die "cannot create the desk officer's session"
	STAFF_COOKIE="ssid=$stok; pv=$PV"

	# One of each, by hand, before any load: both must answer 303.
	export BENCH_AGENCY=$AGENCY BENCH_CSRF=$CIT_CSRF BENCH_COOKIE=$CIT_COOKIE BENCH_PDF=$OUT/upload.pdf
	code=$(file_one "$OUT/upload.pdf") || die "POST /dossiers answered $code: see $OUT/check-submit.body"
	loc=$(awk 'tolower($1) == "location:" { print $2 }' "$OUT/check-submit.headers" | tr -d '\r')
	code=${loc##*/}
	case $loc in /dossiers/"$AGENCY"-*) ;; *) die "POST /dossiers sent to '$loc', not a dossier of $AGENCY" ;; esac
	curl -fsS -o "$OUT/desk.html" -H "Cookie: $STAFF_COOKIE" \
		"http://127.0.0.1:$PORTAL_INTRANET_PORT/desk/dossiers/$code" || die "GET /desk/dossiers/$code failed"
	STAFF_CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$OUT/desk.html" | head -n1 | cut -d'"' -f4)
	[ -n "$STAFF_CSRF" ] || die "no csrf field in /desk/dossiers/$code"
	local st
	st=$(curl -sS -o "$OUT/check-status.body" -w '%{http_code}' -H "Cookie: $STAFF_COOKIE" \
		--data "to=2&csrf=$STAFF_CSRF" "http://127.0.0.1:$PORTAL_INTRANET_PORT/desk/dossiers/$code/status")
	[ "$st" = 303 ] || die "POST /desk/dossiers/$code/status answered $st: see $OUT/check-status.body"
	[ "$(sql "SELECT status FROM dossier WHERE code = '$code'")" = 2 ] ||
		die "dossier $code is not at status 2 after the status change"
	# 32 uploads of 1 MiB at once through 2 cores take more than wrk's 2 s
	# default: a timeout would count as an error, not as a slow answer.
	WRK_TIMEOUT[submit]=30s
	WRK_TIMEOUT[status]=30s
	URL[submit]=$BASE/dossiers
	SCRIPT[submit]=$ROOT/tests/bench/submit.lua
	URL[status]=http://127.0.0.1:$PORTAL_INTRANET_PORT/desk/dossiers
	SCRIPT[status]=$ROOT/tests/bench/status.lua
	BEFORE[status]=status_refresh
	export BENCH_STATUS_CODES=$OUT/status-codes.txt BENCH_THREADS_N=$THREADS
	export BENCH_STAFF_CSRF=$STAFF_CSRF BENCH_STAFF_COOKIE=$STAFF_COOKIE
	say "write benchmarks: citizen $cid filing $BENCH_PROC to $AGENCY, desk officer $login; db-raw --conc $RAW_CONC"
}

# One filing with curl and the PDF $1; prints the HTTP status, 0 on a 303.
file_one() {
	local st
	st=$(curl -sS -o "$OUT/check-submit.body" -D "$OUT/check-submit.headers" -w '%{http_code}' \
		-H "Cookie: $CIT_COOKIE" -F "procedure=$BENCH_PROC" -F "agency=$AGENCY" \
		-F "applicant_name=Nguyễn Thị Lan" -F applicant_id=001190012345 \
		-F applicant_phone=0912345678 -F result_channel=online -F "csrf=$CIT_CSRF" \
		-F "doc_1=@$1;type=application/pdf;filename=giay-to.pdf" "$BASE/dossiers")
	echo "$st"
	[ "$st" = 303 ]
}

# The dossiers of our commune still at status 1, for status.lua.
status_codes() {
	sql "SELECT code FROM dossier WHERE agency_code = '$AGENCY' AND status = 1 ORDER BY id" >"$BENCH_STATUS_CODES"
	wc -l <"$BENCH_STATUS_CODES"
}

# Before each wrk run of status: the codes the last run did not use.
# shellcheck disable=SC2317  # called through BEFORE[status]
status_refresh() { status_codes >/dev/null; }

# At least $1 dossiers at status 1: file what is missing with a small PDF
# (the status change does not read the upload), in 5 s wrk runs.
ensure_codes() {
	local need=$1 have out=$OUT/fill.txt rps p99 non err reqs
	for _ in $(seq 1 30); do
		have=$(status_codes)
		[ "$have" -lt "$need" ] || return 0
		BENCH_PDF=$OUT/small.pdf wrk -t"$THREADS" -c"$CONNS" -d5s --timeout 30s -s "${SCRIPT[submit]}" "${URL[submit]}" >"$out" 2>&1 ||
			die "filing dossiers for the status change: wrk failed: $(tail -n 3 "$out")"
		read -r rps p99 non err reqs < <(parse_wrk "$out")
		[ "$((non + err))" -eq 0 ] || die "filing dossiers for the status change: $non non-303 answers, $err errors (see $out)"
		say "  filed $reqs more dossiers for the status change ($have of $need at status 1)"
	done
	die "could not file $need dossiers for the status change"
}

# db-raw as target NAME (its tx/s takes the place of req/s): run_raw NAME
# MODE CONC ROUND, MODE row or blob, CONC its writers.
run_raw() {
	local name=$1 mode=$2 conc=$3 out=$OUT/$1-$4.txt rps
	settle_outbox
	PORTAL_DB_SOCKET=$RUN/mysqld.sock PORTAL_DB_USER=root PORTAL_DB_NAME=$DB_NAME PORTAL_DB_PASSWORD='' \
		build/bin/db-raw --mode "$mode" --conc "$conc" --seconds "$SECONDS_RUN" >"$out" 2>&1 ||
		die "$name: db-raw failed: $(tail -n 3 "$out")"
	rps=$(awk '$1 == "db-raw" { print $4 }' "$out")
	[ -n "$rps" ] || die "$name: no rate in $out"
	RPS[$name]="${RPS[$name]:-} $rps"
	P99[$name]="${P99[$name]:-} -1"
	NON[$name]=${NON[$name]:-0}
	ERR[$name]=${ERR[$name]:-0}
	REQS[$name]=$((${REQS[$name]:-0} + 1))
	RAW_CONC_OF[$name]=$conc
	printf 'bench:   %-11s %10.0f tx/s   (db-raw --mode %s --conc %d)\n' "$name" "$rps" "$mode" "$conc"
}

# The database must show what wrk counted: $3 - $2 new rows for the
# requests of target $1's warm-up and run in round $4 (answers still in
# flight when wrk stopped may add up to one per connection and run).
check_rows() {
	local name=$1 before=$2 after=$3 round=$4 counted=0 f rps p99 non err reqs
	for f in "$OUT/$name-warmup-$round.txt" "$OUT/$name-$round.txt"; do
		[ -f "$f" ] || continue
		read -r rps p99 non err reqs < <(parse_wrk "$f")
		counted=$((counted + reqs))
	done
	if [ $((after - before)) -lt "$counted" ] || [ $((after - before)) -gt $((counted + 2 * CONNS)) ]; then
		FAILURES+=("$name: wrk counted $counted answers but the database has $((after - before)) new rows")
	else
		say "  $name: $((after - before)) rows in the database for $counted answers"
	fi
}

writes_round() {
	local round=$1 probe=$OUT/status-probe.txt rps p99 non err reqs need before
	local big size
	size=$(stat -c %s "$OUT/upload.pdf")
	big="SELECT COUNT(*) FROM document_blob WHERE size = $size"
	local moved="SELECT COUNT(*) FROM dossier WHERE agency_code = '$AGENCY' AND status = 2"
	if want submit; then
		before=$(sql "$big")
		BENCH_PDF=$OUT/upload.pdf run_target submit "$round"
		check_rows submit "$before" "$(sql "$big")" "$round"
		run_raw raw_blob blob "$RAW_CONC" "$round"
		run_raw raw_blob_wrk blob "$CONNS" "$round"
	fi
	want status || return 0
	# How fast the status change goes decides how many dossiers it needs: a
	# 1 s probe (not counted) in the first round, then the last round's rate.
	if [ -z "$STATUS_RATE" ]; then
		ensure_codes $((THREADS * 500))
		wrk -t"$THREADS" -c"$CONNS" -d1s -s "${SCRIPT[status]}" "${URL[status]}" >"$probe" 2>&1 ||
			die "status: wrk probe failed: $(tail -n 3 "$probe")"
		! grep -q '\.lua:' "$probe" || die "status: the wrk script failed: $(grep -m1 '\.lua:' "$probe")"
		read -r rps p99 non err reqs < <(parse_wrk "$probe")
		# Only the 303s count; answers past the last code (409) mean it
		# could go faster still: then count double.
		STATUS_RATE=$((reqs - non))
		[ "$non" -eq 0 ] || STATUS_RATE=$((STATUS_RATE * 2))
		say "  status change probe: $((reqs - non)) in 1 s ($non past the codes filed)"
	fi
	need=$(((STATUS_RATE + 50) * (WARMUP + SECONDS_RUN) * 3 / 2 + THREADS * CONNS))
	ensure_codes "$need"
	before=$(sql "$moved")
	run_target status "$round"
	check_rows status "$before" "$(sql "$moved")" "$round"
	run_raw raw_row row "$RAW_CONC" "$round"
	run_raw raw_row_wrk row "$CONNS" "$round"
	before=$(sql "SELECT COUNT(*) FROM bench_http")
	run_target http_row "$round"
	check_rows http_row "$before" "$(sql "SELECT COUNT(*) FROM bench_http")" "$round"
}


if [ "${#WNAMES[@]}" -gt 0 ]; then writes_setup; fi
# http_row: raw_row's write made by a libfcgi responder behind the same
# nginx, one per POST, with as many processes as db-raw has writers.  What
# it loses against raw_row is the HTTP hop's cost on these cores; what the
# status change loses against it is the change's own work (README).
if want status; then
	PORTAL_DB_SOCKET=$RUN/mysqld.sock PORTAL_DB_USER=root PORTAL_DB_NAME=$DB_NAME PORTAL_DB_PASSWORD='' \
		start_fcgi fcgi-row "$ROW_BIN" "$ROW_SOCK" "$ROW_PIDFILE" "$RAW_CONC"
	ROW_PID=$FCGI_PID
	URL[http_row]=$BASE/bench/row
	SCRIPT[http_row]=$ROOT/tests/bench/row.lua
	[ "$(curl -sS -o /dev/null -w '%{http_code}' -d to=2 "$BASE/bench/row")" = 303 ] ||
		die "http_row: POST /bench/row did not answer 303: see $LOG/fcgi-row.log"
fi

say "wrk -t$THREADS -c$CONNS, ${WARMUP}s warm-up + ${SECONDS_RUN}s per target, $ROUNDS round(s); detail page $DETAIL_BYTES bytes; page cache ${PORTAL_PAGE_CACHE:-default}"
for round in $(seq 1 "$ROUNDS"); do
	[ "$ROUNDS" -eq 1 ] || say "round $round"
	for n in ${NAMES[@]+"${NAMES[@]}"}; do run_target "$n" "$round"; done
	if [ "${#WNAMES[@]}" -gt 0 ]; then writes_round "$round"; fi
done

# The bank's callbacks: measured once, with no warm-up (a warm-up would
# spend the prepared payments), then the raw writes at the same concurrency.
PAY_MASTER=$(head -n1 "$RUN/payment.pid" 2>/dev/null || true)
REPORT=(${NAMES[@]+"${NAMES[@]}"})
if want ipn; then
	say "ipn: $(wc -l <"$BENCH_IPN") distinct callbacks, $PORTAL_PAYMENT_PROCS payment processes"
	mysql_bench() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$RUN/mysqld.sock" -uroot -N -B "${PORTAL_DB_NAME:-portal}" -e "$1"; }
	# var/bench keeps its database between runs: count this run's rows only
	RAW_FROM=$(mysql_bench "SELECT COALESCE(MAX(id), 0) FROM callback_raw")
	RECEIPT_FROM=$(mysql_bench "SELECT COALESCE(MAX(id), 0) FROM receipt")
	settle_outbox
	wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s tests/bench/ipn.lua "$BASE/" >"$OUT/ipn.txt.wrk" 2>&1 ||
		die "ipn: wrk failed: $(tail -n 3 "$OUT/ipn.txt.wrk")"
	read -r rps p99 non err reqs < <(parse_wrk "$OUT/ipn.txt.wrk")
	RPS[ipn]=$rps P99[ipn]=$p99 NON[ipn]=$non ERR[ipn]=$err REQS[ipn]=$reqs
	printf 'bench:   %-11s %10.0f req/s  p99 %8.2f ms  non-2xx %d  errors %d\n' ipn "$rps" "$p99" "$non" "$err"
	# Callbacks still in flight when wrk stopped are answered after it:
	# count once the stored rows stop changing.
	n_prev=-1
	for _ in $(seq 1 20); do
		n_now=$(mysql_bench "SELECT COUNT(*) FROM callback_raw WHERE id > $RAW_FROM")
		[ "$n_now" = "$n_prev" ] && break
		n_prev=$n_now
		sleep 0.5
	done
	IPN_ANSWERS=$(mysql_bench "SELECT CONCAT(COALESCE(result, '-'), ':', COUNT(*)) FROM callback_raw WHERE kind = 'ipn' AND id > $RAW_FROM GROUP BY result" | tr '\n' ' ')
	IPN_PAID=$(mysql_bench "SELECT COUNT(*) FROM receipt r JOIN obligation o ON o.id = r.obligation_id WHERE r.id > $RECEIPT_FROM AND o.agency_code IN ('${PAY_AGENCY// /\',\'}')")
	IPN_OK=$(mysql_bench "SELECT COUNT(*) FROM callback_raw WHERE kind = 'ipn' AND id > $RAW_FROM AND result = '00'")
	# speed that loses or doubles a payment is no speed: one receipt per 00
	[ "$IPN_OK" = "$IPN_PAID" ] || FAILURES+=("ipn: $IPN_OK callbacks answered 00 but $IPN_PAID receipts issued")
	run_raw db_raw row "$PORTAL_PAYMENT_PROCS" 1
	# for information: the same at wrk's -c (see the write benchmarks)
	run_raw db_raw_wrk row "$CONNS" 1
	REPORT+=(ipn db_raw db_raw_wrk)
fi

# Memory right after the load, before anything else touches the workers.
CATALOG_MASTER=$(head -n1 "$RUN/catalog.pid" 2>/dev/null || true)
if ! [[ "$CATALOG_MASTER" =~ ^[0-9]+$ ]] || ! kill -0 "$CATALOG_MASTER" 2>/dev/null; then
	die "no catalog master in $RUN/catalog.pid"
fi
mapfile -t WORKERS < <(pgrep -P "$CATALOG_MASTER")
[ "${#WORKERS[@]}" -gt 0 ] || die "the catalog master $CATALOG_MASTER has no workers"

# --- report ----------------------------------------------------------------------

declare -A MED_RPS MED_P99
# The baselines a ratio divides by, when BENCH_ONLY left them out: no ratio.
MED_RPS[minimal]=0 MED_RPS[static]=0
for n in ${REPORT[@]+"${REPORT[@]}"}; do
	MED_RPS[$n]=$(echo "${RPS[$n]}" | median)
	MED_P99[$n]=$(echo "${P99[$n]}" | median)
	if [ "${NON[$n]}" -gt 0 ]; then FAILURES+=("$n: ${NON[$n]} non-2xx/3xx answers"); fi
	if [ "${ERR[$n]}" -gt 0 ]; then FAILURES+=("$n: ${ERR[$n]} socket errors"); fi
	if [ "${REQS[$n]}" -eq 0 ]; then FAILURES+=("$n: no request completed"); fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r != "-" && r + 0 >= t + 0) ? "PASS" : "FAIL" }'; }

echo
printf '%-11s %10s %10s %8s %7s %9s %9s %8s %s\n' target 'req/s' 'p99 ms' non-2xx errors '/minimal' '/static' target result
printf '%s\n' "--------------------------------------------------------------------------------------"
for n in ${REPORT[@]+"${REPORT[@]}"}; do
	rm_=$(ratio "${MED_RPS[$n]}" "${MED_RPS[minimal]}")
	rs_=$(ratio "${MED_RPS[$n]}" "${MED_RPS[static]}")
	goal="" result=""
	case $n in
	detail) goal=">=$DETAIL_TARGET" result=$(verdict "$rm_" "$DETAIL_TARGET") ;;
	search) goal=">=$SEARCH_TARGET" result=$(verdict "$rm_" "$SEARCH_TARGET") ;;
	pay) goal=">=$PAY_TARGET" result=$(verdict "$rm_" "$PAY_TARGET") ;;
	ipn)
		rd=$(ratio "${MED_RPS[ipn]}" "${MED_RPS[db_raw]}")
		goal="/db_raw $rd >=$IPN_TARGET" result=$(verdict "$rd" "$IPN_TARGET")
		result="$result  (/db_raw_wrk $(ratio "${MED_RPS[ipn]}" "${MED_RPS[db_raw_wrk]:-0}"))"
		;;
	esac
	# A ratio to a baseline that answered errors means nothing.
	if [ -n "$goal" ] && [ $((${NON[minimal]:-0} + ${ERR[minimal]:-0})) -gt 0 ]; then result="n/a(baseline errors)"; fi
	if [ "${NON[$n]}" -gt 0 ] || [ "${ERR[$n]}" -gt 0 ]; then result="ERROR"; fi
	printf '%-11s %10.0f %10.2f %8d %7d %9s %9s %8s %s\n' "$n" "${MED_RPS[$n]}" "${MED_P99[$n]}" \
		"${NON[$n]}" "${ERR[$n]}" "$rm_" "$rs_" "$goal" "$result"
done

# The writes: each against its db-raw baseline of the same round's medians.
for n in ${WNAMES[@]+"${WNAMES[@]}"}; do
	MED_RPS[$n]=$(echo "${RPS[$n]}" | median)
	MED_P99[$n]=$(echo "${P99[$n]}" | median)
	if [ "${NON[$n]}" -gt 0 ]; then FAILURES+=("$n: ${NON[$n]} answers other than 303"); fi
	if [ "${ERR[$n]}" -gt 0 ]; then FAILURES+=("$n: ${ERR[$n]} socket errors"); fi
	if [ "${REQS[$n]}" -eq 0 ]; then FAILURES+=("$n: no request completed"); fi
done
echo
printf '%-11s %10s %10s %8s %7s %9s %8s %s\n' write 'req/s' 'p99 ms' non-303 errors '/db-raw' target result
printf '%s\n' "-----------------------------------------------------------------------------"
for n in ${WNAMES[@]+"${WNAMES[@]}"}; do
	goal="" result="" r_=""
	case $n in
	submit) r_=$(ratio "${MED_RPS[submit]}" "${MED_RPS[raw_blob]}") goal=">=$SUBMIT_TARGET" result=$(verdict "$r_" "$SUBMIT_TARGET")
		result="$result  (/raw_blob_wrk $(ratio "${MED_RPS[submit]}" "${MED_RPS[raw_blob_wrk]:-0}"))" ;;
	status) r_=$(ratio "${MED_RPS[status]}" "${MED_RPS[raw_row]}") goal=">=$STATUS_TARGET" result=$(verdict "$r_" "$STATUS_TARGET")
		result="$result  (/raw_row_wrk $(ratio "${MED_RPS[status]}" "${MED_RPS[raw_row_wrk]:-0}"), /http_row $(ratio "${MED_RPS[status]}" "${MED_RPS[http_row]:-0}"))" ;;
	http_row) r_=$(ratio "${MED_RPS[http_row]}" "${MED_RPS[raw_row]}") result="(information: the HTTP hop)" ;;
	esac
	if [ "${NON[$n]}" -gt 0 ] || [ "${ERR[$n]}" -gt 0 ]; then result="ERROR"; fi
	if [ "${MED_P99[$n]}" = -1 ]; then
		printf '%-11s %10.1f %10s %8s %7s %9s %8s %s\n' "$n" "${MED_RPS[$n]}" - - - "" "" "tx/s, db-raw --conc ${RAW_CONC_OF[$n]}"
	else
		printf '%-11s %10.1f %10.2f %8d %7d %9s %8s %s\n' "$n" "${MED_RPS[$n]}" "${MED_P99[$n]}" \
			"${NON[$n]}" "${ERR[$n]}" "$r_" "$goal" "$result"
	fi
done

echo
printf 'catalog workers after the load (master %s, budget %d MiB each):\n' "$CATALOG_MASTER" "$BUDGET_MIB"
printf '  %-8s %10s %10s %10s %s\n' pid 'VmRSS MiB' 'VmHWM MiB' 'Pss MiB' result
for pid in "${WORKERS[@]}"; do
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	pss=$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
	[ -n "$rss" ] || { FAILURES+=("worker $pid vanished before its memory was read"); continue; }
	res=$(awk -v k="$rss" -v b="$BUDGET_MIB" 'BEGIN { print (k / 1024 <= b) ? "PASS" : "FAIL" }')
	awk -v p="$pid" -v r="$rss" -v h="${hwm:-0}" -v s="${pss:-0}" -v v="$res" \
		'BEGIN { printf "  %-8s %10.1f %10.1f %10.1f %s\n", p, r / 1024, h / 1024, s / 1024, v }'
done
if want ipn; then
	echo "ipn answers stored (RspCode:count): $IPN_ANSWERS; receipts issued: $IPN_PAID"
	if [ "${REQS[ipn]}" -gt "$(wc -l <"$BENCH_IPN")" ]; then
		echo "  note: more requests than prepared callbacks: the rest were replays (02); raise BENCH_IPN_COUNT"
	fi
fi

echo
if [[ "$PAY_MASTER" =~ ^[0-9]+$ ]] && kill -0 "$PAY_MASTER" 2>/dev/null; then
	printf 'payment processes after the load (master %s, workers and jobs, budget %d MiB each):\n' "$PAY_MASTER" "$BUDGET_MIB"
	printf '  %-8s %10s %10s %s\n' pid 'VmRSS MiB' 'VmHWM MiB' result
	for pid in "$PAY_MASTER" $(pgrep -P "$PAY_MASTER"); do
		rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$rss" ] || continue
		res=$(awk -v k="$rss" -v b="$BUDGET_MIB" 'BEGIN { print (k / 1024 <= b) ? "PASS" : "FAIL" }')
		awk -v p="$pid" -v r="$rss" -v h="${hwm:-0}" -v v="$res" \
			'BEGIN { printf "  %-8s %10.1f %10.1f %s\n", p, r / 1024, h / 1024, v }'
	done
else
	FAILURES+=("no payment master in $RUN/payment.pid")
fi

# The submission processes at rest: a moment after the last write.
sleep 2
SUB_MASTER=$(head -n1 "$RUN/submission.pid" 2>/dev/null || true)
if [[ "$SUB_MASTER" =~ ^[0-9]+$ ]] && kill -0 "$SUB_MASTER" 2>/dev/null; then
	mapfile -t SUBS < <(pgrep -P "$SUB_MASTER")
	echo
	printf 'submission workers at rest (master %s, budget %d MiB each):\n' "$SUB_MASTER" "$BUDGET_MIB"
	printf '  %-8s %10s %10s %10s %s\n' pid 'VmRSS MiB' 'VmHWM MiB' 'Pss MiB' result
	[ "${#SUBS[@]}" -gt 0 ] || FAILURES+=("the submission master $SUB_MASTER has no workers")
	for pid in "${SUBS[@]}"; do
		rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
		pss=$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
		[ -n "$rss" ] || { FAILURES+=("submission worker $pid vanished before its memory was read"); continue; }
		res=$(awk -v k="$rss" -v b="$BUDGET_MIB" 'BEGIN { print (k / 1024 <= b) ? "PASS" : "FAIL" }')
		awk -v p="$pid" -v r="$rss" -v h="${hwm:-0}" -v s="${pss:-0}" -v v="$res" \
			'BEGIN { printf "  %-8s %10.1f %10.1f %10.1f %s\n", p, r / 1024, h / 1024, s / 1024, v }'
	done
else
	FAILURES+=("no submission master in $RUN/submission.pid")
fi
echo
echo "Absolute numbers are noisy; compare only the ratios within one run (tests/bench/README.md)."
echo "wrk reports: $OUT/"

if [ "${#FAILURES[@]}" -gt 0 ]; then
	printf 'bench: FAILED: %s\n' "${FAILURES[@]}" >&2
	exit 1
fi
exit 0
