#!/usr/bin/env bash
# conf/stack.sh - the local portal stack: a private MariaDB under $PORTAL_VAR,
# the FastCGI programs and nginx, all on loopback.
#
#   stack.sh up      start (or restart the programs of) the whole stack
#   stack.sh down    stop exactly what `up` started, by its pid files
#   stack.sh import  (re)load the public data into the catalog
#   stack.sh status  what is running
#
# Settings come from conf/portal.conf; the environment overrides them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

while IFS='=' read -r key value; do
	case "$key" in '' | \#*) continue ;; esac
	[ -n "${!key+x}" ] || export "$key=$value"
done <conf/portal.conf

abspath() { case "$1" in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
VAR=$(abspath "$PORTAL_VAR")
DATA=$(abspath "$PORTAL_DATA_DIR")
BIN=$(abspath "${PORTAL_BIN:-build/bin}")
RUN=$VAR/run
LOG=$VAR/log
DBDIR=$VAR/mysql
SECRETS=$VAR/secrets
DBSOCK=$RUN/mysqld.sock
export PORTAL_VAR=$VAR PORTAL_DATA_DIR=$DATA
# The site's address as people reach it (QR codes, absolute links).
export PORTAL_PUBLIC_URL=${PORTAL_PUBLIC_URL:-http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT}

# The areas, in the order of conf/areas.conf.
AREAS=$(awk '!/^#/ && NF { if (!seen[$1]++) printf "%s ", $1 }' conf/areas.conf)
# The home province's name for every area's layout, from the public data.
export PORTAL_SITE_PROVINCE=${PORTAL_SITE_PROVINCE:-$(awk -F, -v c="$PORTAL_HOME_PROVINCE" \
	'$1 == c { print $2 }' "$DATA/admin_units/2025-07-01/provinces.csv" 2>/dev/null)}

# The payment gateway: VNPay's payment page and JSON API.  Unset, they are
# the bank sandbox's (conf/sandbox/vnpay_bank.py), which this script runs.
PORTAL_BANK_SANDBOX_PORT=${PORTAL_BANK_SANDBOX_PORT:-8090}
export PORTAL_BANK_SANDBOX_PORT
export PORTAL_VNPAY_URL=${PORTAL_VNPAY_URL:-http://$PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT/paymentv2/vpcpay.html}
export PORTAL_VNPAY_API_URL=${PORTAL_VNPAY_API_URL:-http://$PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT/merchant_webapi/api/transaction}

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

# A pid file names one of our processes only while that pid is alive and
# runs the program we expect: a stale file never makes us kill a stranger.
pid_of() {
	local file=$1 want=$2 pid
	[ -s "$file" ] || return 1
	pid=$(head -n1 "$file")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$want" || return 1
	echo "$pid"
}

# An area's program: its pid file and its socket (the supervisor runs as
# the workers' user and cannot remove them from the root-owned run/).
stop_area() {
	stop_pidfile "$RUN/$1.pid" "$(want_area "${1%-?}")"
	rm -f "$RUN/$1.sock"
}

stop_pidfile() {
	local file=$1 want=$2 pid i
	pid=$(pid_of "$file" "$want") || { rm -f "$file"; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$want ($pid) did not stop in 10 s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$file"
}

# utf8mb4 whatever the locale: without it the client takes the locale's
# character set (latin1 under none) and Vietnamese text in a migration is
# stored double-encoded (sql/024_seed_text_utf8.sql)
mysql_root() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$DBSOCK" -uroot "$@"; }

# Where the server's own run files are: run/db/ when it runs as Debian's
# mysql user (db_start), run/ otherwise.
db_run_dir() {
	if [ "$(id -u)" -eq 0 ] && id mysql >/dev/null 2>&1; then
		echo "$RUN/db"
	else
		echo "$RUN"
	fi
}

db_start() {
	mkdir -p "$RUN" "$LOG" "$DBDIR"
	if pid_of "$RUN/mysqld.pid" "--datadir=$DBDIR" >/dev/null; then
		return 0
	fi
	# As root, MariaDB runs as its own user (Debian's `mysql`), so a flaw
	# in it is not root's: its data and its run files (socket, pid, error
	# log, in run/db/) are that user's; run/mysqld.{sock,pid} and
	# log/mariadb.err point there, where every tool looks for them.
	local user_opt="" dbrun
	dbrun=$(db_run_dir)
	if [ "$(id -u)" -eq 0 ]; then
		if id mysql >/dev/null 2>&1; then
			user_opt="--user=mysql"
			mkdir -p "$dbrun"
			chown -R mysql:mysql "$DBDIR" "$dbrun"
			chmod 0755 "$dbrun"  # the workers reach the socket through it
			ln -sfn db/mysqld.sock "$RUN/mysqld.sock"
			ln -sfn db/mysqld.pid "$RUN/mysqld.pid"
			ln -sfn ../run/db/mariadb.err "$LOG/mariadb.err"
		else
			user_opt="--user=root"
		fi
	fi
	if [ ! -d "$DBDIR/mysql" ]; then
		say "initialising MariaDB in $DBDIR"
		mariadb-install-db --no-defaults $user_opt --datadir="$DBDIR" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$LOG/mariadb-install.log" 2>&1 || die "mariadb-install-db failed: see $LOG/mariadb-install.log"
	fi
	# A server that died (kill -9, the OOM killer, a power cut) left its
	# pid file behind (db_stop keeps it): recover it where nothing can
	# connect first.  A recovery cut short left its own.
	if [ -e "$dbrun/mysqld.pid" ] || [ -e "$dbrun/recover.pid" ]; then
		db_recover "$dbrun" "$user_opt"
	fi
	say "starting MariaDB on 127.0.0.1:$PORTAL_DB_PORT"
	mariadbd_launch "$dbrun/mysqld.sock" "$dbrun/mysqld.pid" "$user_opt" \
		--port="$PORTAL_DB_PORT" --bind-address=127.0.0.1
	db_ready "$DBSOCK" || die "MariaDB did not start: see $LOG/mariadb.err"
}

# innodb-autoinc-lock-mode=2: an INSERT … SELECT (a receipt takes its
# series' symbols that way) would otherwise hold a lock on the whole
# table's AUTO-INC counter for the statement, making every agency's
# payments queue on one lock.  Safe without statement-based binlog.
# setsid: the server must outlive `make run` and not get its signals.
mariadbd_launch() {
	local sock=$1 pidfile=$2 user_opt=$3
	shift 3
	setsid mariadbd --no-defaults $user_opt --datadir="$DBDIR" --socket="$sock" \
		--skip-name-resolve --pid-file="$pidfile" --log-error="$(dirname "$pidfile")/mariadb.err" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_uca1400_ai_ci \
		--innodb-buffer-pool-size=256M --max-connections=300 \
		--innodb-autoinc-lock-mode=2 "$@" \
		</dev/null >/dev/null 2>&1 &
}

db_ready() {
	local i
	for i in $(seq 1 300); do
		if mariadb-admin --no-defaults --socket="$1" -uroot ping >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# After a crash MariaDB replays its redo log by itself.  What this adds is
# a check of the portal's tables before any program can connect: the
# server first comes up on a private socket with no TCP, and the portal's
# programs, which know only run/mysqld.sock, get "cannot connect" (a 503
# page, a retried message) meanwhile.  Why: MariaDB 10.11.19 (Debian 12)
# once came back from a kill -9 in our CI with a secondary index of
# `dossier` holding an entry its row no longer had (CHECK TABLE: "Index
# 'by_agency_status' contains 7642 entries, should be 7641"); the desk's
# queue, which reads through that index, listed a dossier under a status
# it had left.  The rows themselves (the clustered index) were right, so
# rebuilding the table from them (ALTER TABLE … FORCE) repairs it; a table
# still failing its check after that stops the start: serving it would
# show people wrong data.  Then a clean shutdown, so that the normal start
# has no log left to replay.  What was found goes to log/mariadb-check.log.
db_recover() {
	local dbrun=$1 user_opt=$2 db=$PORTAL_DB_NAME out=$LOG/mariadb-check.log
	local sock=$1/recover.sock pidfile=$1/recover.pid tables bad t pid
	local DBSOCK=$sock	# mysql_root's socket, within this function
	say "MariaDB was not shut down cleanly: recovering it and checking the portal's tables first"
	stop_pidfile "$pidfile" "--datadir=$DBDIR"	# one cut short, still running
	rm -f "$dbrun/mysqld.sock"
	mariadbd_launch "$sock" "$pidfile" "$user_opt" --skip-networking
	db_ready "$sock" || die "MariaDB did not recover: see $dbrun/mariadb.err"
	tables=$(mysql_root -N -B -e "SELECT GROUP_CONCAT(CONCAT('\`', table_name, '\`')) FROM information_schema.tables
		WHERE table_schema = '$db' AND table_type = 'BASE TABLE'")
	if [ -n "$tables" ] && [ "$tables" != NULL ]; then
		echo "$(date -u +%FT%TZ) after an unclean stop:" >>"$out"
		bad=$(mysql_root -N -B "$db" -e "CHECK TABLE $tables" | tee -a "$out" |
			awk -F'\t' '$3 == "error" { sub(/^[^.]*\./, "", $1); print $1 }' | sort -u)
		for t in $bad; do
			say "table $db.$t failed its check after the crash: rebuilding it from its rows (see $out)"
			mysql_root -N -B "$db" -e "ALTER TABLE \`$t\` FORCE; CHECK TABLE \`$t\`" | tee -a "$out" |
				grep -q "	status	OK$" || die "table $db.$t is still corrupt after a rebuild: see $out"
		done
	fi
	pid=$(head -n1 "$pidfile" 2>/dev/null)
	mariadb-admin --no-defaults --socket="$DBSOCK" -uroot shutdown >/dev/null 2>&1 ||
		die "MariaDB did not shut down after its recovery: see $dbrun/mariadb.err"
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	rm -f "$dbrun/mysqld.pid" "$pidfile"
}

secret() {
	local name=$1 file=$SECRETS/$1
	mkdir -p "$SECRETS"
	chmod 700 "$SECRETS"
	if [ ! -s "$file" ]; then
		(umask 077; openssl rand -hex 24 >"$file")
	fi
	cat "$file"
}

db_migrate() {
	local db=$PORTAL_DB_NAME f name sum have applied=
	mysql_root -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
		CREATE TABLE IF NOT EXISTS \`$db\`.schema_migration (
		  version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,
		  checksum CHAR(64) NOT NULL, applied_at DATETIME NOT NULL)"
	for f in sql/[0-9][0-9][0-9]_*.sql; do
		name=$(basename "$f")
		version=$((10#${name%%_*}))
		sum=$(sha256sum "$f" | cut -c1-64)
		have=$(mysql_root -N -B "$db" -e "SELECT checksum FROM schema_migration WHERE version=$version")
		if [ -n "$have" ]; then
			[ "$have" = "$sum" ] || say "warning: $name changed after it was applied; write a new migration instead"
			continue
		fi
		say "applying $name"
		mysql_root "$db" <"$f" || die "migration $name failed"
		mysql_root "$db" -e "INSERT INTO schema_migration VALUES ($version, '$name', '$sum', UTC_TIMESTAMP())"
		applied=1
	done
	# Users and grants are re-applied every time, from sql/grants.sql, with
	# passwords generated once into $SECRETS (never in the repository).
	local grants area subst=(-e "s/@DB@/$db/g" -e "s/@IMPORT_PASSWORD@/$(secret db_import)/g")
	for area in $AREAS; do
		subst+=(-e "s/@$(echo "$area" | tr '[:lower:]' '[:upper:]')_PASSWORD@/$(secret "db_$area")/g")
	done
	# the payment area's operator tool has a user of its own
	subst+=(-e "s/@PAYMENT_ADMIN_PASSWORD@/$(secret db_payment_admin)/g")
	grants=$(sed "${subst[@]}" sql/grants.sql)
	# Re-applying revokes everything and grants it again: between the two
	# a running program is refused its own tables (a 500 in the middle of a
	# filing).  So a restart of MariaDB under running programs applies the
	# grants only when they changed since they were last applied, or when
	# a migration ran: dropping a routine (to create it anew) drops its
	# EXECUTE grants with it (sql/011_ipn_settle.sql).
	local gsum ghave
	gsum=$(printf '%s\n' "$grants" | sha256sum | cut -c1-64)
	mysql_root "$db" -e "CREATE TABLE IF NOT EXISTS grants_applied (
		  id TINYINT PRIMARY KEY, checksum CHAR(64) NOT NULL, applied_at DATETIME NOT NULL)"
	ghave=$(mysql_root -N -B "$db" -e "SELECT checksum FROM grants_applied WHERE id = 1")
	[ "$ghave" = "$gsum" ] && [ -z "$applied" ] && return 0
	# on stdin, never on a command line other users can read in /proc
	printf '%s\n' "$grants" | mysql_root || die "applying sql/grants.sql failed"
	mysql_root "$db" -e "REPLACE INTO grants_applied VALUES (1, '$gsum', UTC_TIMESTAMP())"
}

db_env() {
	export PORTAL_DB_SOCKET=$DBSOCK
	export PORTAL_DB_NAME
}

import_data() {
	db_env
	PORTAL_DB_USER=portal_import PORTAL_DB_PASSWORD=$(secret db_import) \
		"$BIN/catalog-import" --data "$DATA" --home-province "$PORTAL_HOME_PROVINCE"
	PORTAL_DB_USER=portal_payment_admin PORTAL_DB_PASSWORD=$(secret db_payment_admin) \
		"$BIN/payment-admin" banks-import --data "$DATA"
}

nginx_user() {
	# Workers drop to www-data when it can read the tree; a checkout under a
	# private home directory leaves them running as the owner instead.
	if id www-data >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] &&
		runuser -u www-data -- test -r "$ROOT/htdocs/static/portal.css" 2>/dev/null; then
		echo www-data
	else
		id -un
	fi
}

nginx_conf() {
	local user=$1
	mkdir -p "$VAR/nginx/tmp" "$VAR/nginx/extra"
	# The payment gateway's origin, for the public site's form-action.
	local gateway
	gateway=$(sed -E 's|^(https?://[^/?#]+).*|\1|' <<<"$PORTAL_VNPAY_URL")
	[[ "$gateway" =~ ^https?://[A-Za-z0-9.:-]+$ ]] || die "PORTAL_VNPAY_URL: not an http(s) URL: $PORTAL_VNPAY_URL"
	sed -e "s|@ROOT@|$ROOT|g" -e "s|@VAR@|$VAR|g" -e "s|@RUN@|$RUN|g" -e "s|@LOG@|$LOG|g" \
		-e "s|@LISTEN@|$PORTAL_LISTEN|g" -e "s|@PUBLIC_PORT@|$PORTAL_PUBLIC_PORT|g" \
		-e "s|@INTRANET_PORT@|$PORTAL_INTRANET_PORT|g" -e "s|@WORKERS@|$PORTAL_NGINX_WORKERS|g" \
		-e "s|@MAX_BODY@|$PORTAL_MAX_BODY|g" -e "s|@RATE@|$PORTAL_RATE_PER_SECOND|g" \
		-e "s|@RATE_EXEMPT@|${PORTAL_RATE_EXEMPT:-}|g" -e "s|@USER@|$user|g" \
		-e "s|@GATEWAY_ORIGIN@|$gateway|g" \
		conf/nginx.conf.in >"$VAR/nginx/nginx.conf"
	cp conf/nginx-errors.conf "$VAR/nginx/errors.conf"
	nginx_areas
	# Both settings are lists of addresses or CIDR blocks, by spaces or commas.
	local a exempt="" realip="" proxies=""
	for a in ${PORTAL_RATE_EXEMPT//,/ }; do
		valid_cidr "$a" || die "PORTAL_RATE_EXEMPT: not an address: $a"
		exempt+="\\t\\t$a 1;\\n"
	done
	for a in ${PORTAL_TRUSTED_PROXIES//,/ }; do
		valid_cidr "$a" || die "PORTAL_TRUSTED_PROXIES: not an address: $a"
		realip+="\\tset_real_ip_from $a;\\n"
		proxies+="\\t\\t$a 1;\\n"
	done
	[ -z "$realip" ] || realip+="\\treal_ip_header X-Forwarded-For;\\n\\treal_ip_recursive on;\\n"
	sed -i -e "s|.*@@RATE_EXEMPT_LINE@@.*|$exempt|" -e "s|.*@@REAL_IP_LINES@@.*|$realip|" \
		-e "s|.*@@TRUSTED_PROXY_LINE@@.*|$proxies|" "$VAR/nginx/nginx.conf"
}

# Lines of an nginx map on $request: every row of conf/areas.conf the awk
# condition $1 picks maps the request lines of its location to the value $2.
request_map() {
	awk -v value="$2" '
		/^#/ || !NF || !('"$1"') { next }
		{
			loc = $4; re = ""
			if ($3 == "regex") {
				sub(/^\^/, "", loc)
				# the path ends where the query or the protocol begins
				if (sub(/\$$/, "", loc))
					loc = loc "([? ]|$)"
				re = loc
			} else {
				# a literal path: every character that means something
				# in a regular expression is escaped
				for (i = 1; i <= length(loc); i++) {
					c = substr(loc, i, 1)
					re = re (index(".^$*+?()[]{}|\\", c) ? "\\" c : c)
				}
				if ($3 == "exact")
					re = re "([? ]|$)"
			}
			printf "\t\"~^[A-Z]+ (https?://[^/ ]*)?%s\" %s;\n", re, value
		}' conf/areas.conf
}

# From conf/areas.conf: an upstream per area (its current socket) and the
# locations of each server block.  Public locations meet the rate limit.
nginx_areas() {
	local area out=$VAR/nginx
	: >"$out/upstreams.conf"
	# The area's socket is a link to its current slot's (programs_switch):
	# replacing the programs changes the link, not nginx's configuration.
	for area in $AREAS; do
		printf 'upstream %s {\n\tserver unix:%s;\n}\n' "$area" "$RUN/$area.sock" >>"$out/upstreams.conf"
	done
	# The errors nginx answers before it picks a location (a request line
	# too long: 414; a bad request line or headers too large: 400) cannot
	# use a location's error_page: the server's error_page picks the JSON
	# or the HTML file by this map of the request line ($request holds even
	# a 414's cut line), from the "json" and "vnpay" rows of conf/areas.conf.
	request_map '$6 == "json"' json >"$out/error-kind.conf"
	request_map '$6 == "vnpay"' vnpay >>"$out/error-kind.conf"
	# A body over an upload route's limit gets the page that gives the
	# upload limits (10 MB a file, 30 MB a dossier), not the 1 MB of the
	# other routes: the upload rows are the ones whose limit is not 1m.
	request_map '$5 != "1m" && $6 != "json"' 413-upload.html >"$out/upload-kind.conf"
	local site
	for site in public intranet; do
		awk -v site="$site" '
			/^#/ || !NF { next }
			$2 != site && $2 != "both" { next }
			{
				m = $3 == "exact" ? "= " : $3 == "regex" ? "~ " : ""
				printf "location %s%s {\n", m, $4
				printf "\tclient_max_body_size %s;\n", $5
				if ($6 == "json")
					printf "\terror_page 400 /errors/400.json;\n\terror_page 413 /errors/413.json;\n" \
					       "\terror_page 429 /errors/429.json;\n\terror_page 502 503 504 /errors/503.json;\n"
				if ($6 == "vnpay")
					printf "\terror_page 400 413 429 502 503 504 /errors/vnpay.json;\n"
				if (site == "public") printf "\tlimit_req zone=portal_rate burst=100 nodelay;\n"
				printf "\tinclude /etc/nginx/fastcgi_params;\n"
				printf "\tfastcgi_param PORTAL_SITE %s;\n", site
				printf "\tfastcgi_param PORTAL_HTTPS $portal_https;\n"
				printf "\tfastcgi_param PORTAL_RATE_EXEMPT $portal_rate_exempt;\n"
				printf "\tfastcgi_pass %s;\n}\n", $1
			}' conf/areas.conf >"$out/locations-$site.conf"
	done
}

# An IPv4 or IPv6 address, optionally with a /prefix: nothing else may
# reach nginx.conf from a setting.
valid_cidr() { [[ "$1" =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]]; }

# Each area runs in one of two slots, a and b, each with its own socket and
# pid file; nginx connects to run/AREA.sock, a link to the current slot's.
# A restart starts the new build in the free slot, turns the link to it
# (nginx's next connection goes there, no reload needed), lets the old slot
# answer what it has already taken, and only then stops it: running
# `make run` again never drops a request.
#
# Not a reload: a reload's old nginx workers leave as soon as they have no
# timer left, and nginx 1.22 (Debian 12's) with epoll takes the read
# timeout off a FastCGI answer whenever the bytes waiting on the socket
# were a whole number of its 16k buffers, until the program writes again.
# An old worker told to stop in that instant left with the answer half
# sent: a citizen got the first N x 16 KB of a 245 KB form and the
# connection closed ("open socket #N left in connection" in
# nginx-error.log).  nginx is reloaded only when its configuration changed.
# The live slot is the one nginx connects to (the link programs_switch
# turned), before what run/AREA.slot says: an `up` stopped between the
# switch and programs_retire leaves .slot naming the old slot, and the next
# `up` must not take the live one for the free one and stop it.
slot_of() {
	case $(readlink "$RUN/$1.sock" 2>/dev/null) in
	"$1-a.sock") echo a ;;
	"$1-b.sock") echo b ;;
	*) [ -s "$RUN/$1.slot" ] && cat "$RUN/$1.slot" ;;
	esac
}
want_area() { echo "$1 --socket $RUN/$1-"; }

programs_start() {
	local user=$1 area procs slot i
	db_env
	# where the payment area keeps callbacks while the database is away
	mkdir -p "$VAR/spool/payment"
	chown "$user" "$VAR/spool/payment" 2>/dev/null || true
	chmod 0700 "$VAR/spool/payment"
	for area in $AREAS; do
		slot=a
		[ "$(slot_of "$area")" = a ] && pid_of "$RUN/$area-a.pid" "$(want_area "$area")" >/dev/null && slot=b
		stop_area "$area-$slot"
		procs_var="PORTAL_$(echo "$area" | tr '[:lower:]' '[:upper:]')_PROCS"
		procs=${!procs_var:-2}
		say "starting $area ($procs processes, slot $slot)"
		PORTAL_DB_USER=portal_$area PORTAL_DB_PASSWORD=$(secret "db_$area") \
		PORTAL_SECRET=$(secret portal) \
		PORTAL_VNPAY_HASH_SECRET=${PORTAL_VNPAY_HASH_SECRET:-$(secret vnpay_hash_secret)} \
		PORTAL_APIKEY_MASTER=${PORTAL_APIKEY_MASTER:-$(secret apikey_master)} \
		PORTAL_SYNC_URL=$SYNC_URL PORTAL_SYNC_SECRET=$SYNC_SECRET \
		PORTAL_TEMPLATES=$ROOT/cgi-bin/$area/templates PORTAL_LIB_TEMPLATES=$ROOT/lib/templates \
			setsid "$BIN/$area" --socket "$RUN/$area-$slot.sock" --procs "$procs" \
			--pidfile "$RUN/$area-$slot.pid" --user "$user" \
			</dev/null >>"$LOG/$area.log" 2>&1 &
		# The supervisor loads the area's data before it forks (slow under
		# the sanitizers): wait up to a minute.
		for i in $(seq 1 600); do
			[ -S "$RUN/$area-$slot.sock" ] && pid_of "$RUN/$area-$slot.pid" "$(want_area "$area")" >/dev/null && break
			sleep 0.1
		done
		pid_of "$RUN/$area-$slot.pid" "$(want_area "$area")" >/dev/null ||
			die "$area did not start: see $LOG/$area.log"
		echo "$slot" >"$RUN/$area.next"
	done
}

# Turn each area's link to its new slot, at once (a rename): a connection
# nginx makes from now on goes to the new programs.
programs_switch() {
	local area
	for area in $AREAS; do
		ln -sfn "$area-$(cat "$RUN/$area.next").sock" "$RUN/$area.sock.new"
		mv -Tf "$RUN/$area.sock.new" "$RUN/$area.sock"
	done
}

# The connections a slot's socket still has: requests its workers are
# answering (or reading: an upload nginx is passing on) and connections
# waiting in its listen queue.  Empty output: ss (iproute2) is missing.
slot_busy() {
	command -v ss >/dev/null || return 0
	ss -xaH | awk -v s="$1" '$5 == s { n += $2 == "LISTEN" ? $3 : 1 } END { print n + 0 }'
}

# After the links point at the new slots: stop each old slot once it has
# answered everything it took (a slow upload's filing takes a while to
# store; at most 5 minutes, as long as an nginx worker is let live).
programs_retire() {
	local area slot old busy waited said
	for area in $AREAS; do
		slot=$(cat "$RUN/$area.next")
		old=$( [ "$slot" = a ] && echo b || echo a )
		if pid_of "$RUN/$area-$old.pid" "$(want_area "$area")" >/dev/null; then
			waited=0 said=0
			while [ "$waited" -lt 3100 ]; do
				busy=$(slot_busy "$RUN/$area-$old.sock")
				if [ -z "$busy" ]; then
					say "ss not found: giving the old $area programs 5 s to finish"
					sleep 5
					break
				fi
				[ "$busy" = 0 ] && break
				if [ "$said" = 0 ] && [ "$waited" -ge 20 ]; then
					say "waiting for the old $area programs to answer $busy requests (at most 5 minutes)"
					said=1
				fi
				sleep 0.1
				waited=$((waited + 1))
			done
		fi
		stop_area "$area-$old"
		mv "$RUN/$area.next" "$RUN/$area.slot"
		cp "$RUN/$area-$slot.pid" "$RUN/$area.pid"  # the current supervisor, for tools
	done
}

# The configuration nginx reads, all its files.
nginx_conf_sum() {
	local f
	for f in "$VAR/nginx/nginx.conf" "$VAR/nginx/"*.conf "$VAR/nginx/extra/"*.conf; do
		if [ -f "$f" ]; then printf '%s\n' "$f"; cat "$f"; fi
	done | sha256sum | cut -c1-64
}

# nginx is reloaded unless the files it read at its last (re)load by this
# script are the ones just written: unchanged on disk by the regeneration
# (an older checkout's `make run` writes them and reloads) and the same as
# when this script last had nginx read them (run/nginx.conf.sum).
nginx_start() {
	local user=$1 master="" before sum
	before=$(nginx_conf_sum)
	nginx_conf "$user"
	nginx -t -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx/" 2>"$LOG/nginx-test.log" ||
		die "nginx configuration is invalid: $(cat "$LOG/nginx-test.log")"
	sum=$(nginx_conf_sum)
	if master=$(pid_of "$RUN/nginx.pid" "$VAR/nginx/nginx.conf") && [ "$before" = "$sum" ] &&
		[ "$(cat "$RUN/nginx.conf.sum" 2>/dev/null)" = "$sum" ]; then
		return 0  # it runs with this configuration: nothing to reload
	fi
	rm -f "$RUN/nginx.conf.sum"
	if [ -n "$master" ]; then
		# The configuration changed.  New workers take the new
		# connections; the old ones finish what they serve, then leave
		# (but see "Not a reload" above).  An upload an old worker is
		# still receiving goes, once it is all in, to run/AREA.sock, the
		# new slot: programs_retire waits for the old slot's own
		# connections, not for nginx's workers.
		nginx -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx/" -s reload
	else
		say "starting nginx on $PORTAL_LISTEN:$PORTAL_PUBLIC_PORT and :$PORTAL_INTRANET_PORT"
		nginx -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx/" </dev/null
	fi
	echo "$sum" >"$RUN/nginx.conf.sum"
}

# The bank sandbox plays VNPay on its own port, only when the portal is not
# pointed at a real gateway (PORTAL_VNPAY_URL set to VNPay's).
sandbox_start() {
	case "$PORTAL_VNPAY_URL" in
	http://$PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT/*) ;;
	*) return 0 ;;
	esac
	stop_pidfile "$RUN/sandbox.pid" "vnpay_bank.py"
	say "starting the bank sandbox on $PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT"
	mkdir -p "$VAR/sandbox"
	PORTAL_VNPAY_HASH_SECRET=${PORTAL_VNPAY_HASH_SECRET:-$(secret vnpay_hash_secret)} \
	SANDBOX_STATE=$VAR/sandbox/state.json \
		setsid python3 "$ROOT/conf/sandbox/vnpay_bank.py" </dev/null >>"$LOG/sandbox.log" 2>&1 &
	echo $! >"$RUN/sandbox.pid"
	local i
	for i in $(seq 1 100); do
		curl -fsS -o /dev/null "http://$PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT/sandbox/health" 2>/dev/null && return 0
		sleep 0.1
	done
	die "the bank sandbox did not start: see $LOG/sandbox.log"
}

wait_ready() {
	local url=http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/catalog/health i
	for i in $(seq 1 200); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "the portal did not answer at $url: see $LOG/"
}

# The national portal's sync endpoint: the deployment's PORTAL_SYNC_URL, or
# the local stand-in receiver (tests/sandbox/sync_receiver.py).
sync_setup() {
	SYNC_SECRET=${PORTAL_SYNC_SECRET:-$(secret sync)}
	if [ -n "${PORTAL_SYNC_URL:-}" ]; then
		SYNC_URL=$PORTAL_SYNC_URL
		return
	fi
	SYNC_URL=http://$PORTAL_LISTEN:$PORTAL_SYNC_RECEIVER_PORT/sync
	if ! pid_of "$RUN/sync-receiver.pid" "sync_receiver.py" >/dev/null; then
		say "starting the stand-in sync receiver on :$PORTAL_SYNC_RECEIVER_PORT"
		setsid /usr/bin/python3 "$ROOT/tests/sandbox/sync_receiver.py" --host "$PORTAL_LISTEN" \
			--port "$PORTAL_SYNC_RECEIVER_PORT" --secret-file "$SECRETS/sync" \
			--pid-file "$RUN/sync-receiver.pid" </dev/null >>"$LOG/sync-receiver.log" 2>&1 &
		local i
		for i in $(seq 1 50); do
			pid_of "$RUN/sync-receiver.pid" "sync_receiver.py" >/dev/null && break
			sleep 0.1
		done
	fi
}

# submission-admin with the submission area's database settings, e.g.
#   echo "$PW" | conf/stack.sh admin staff-add --agency CODE --role desk --login NAME
admin() {
	db_env
	PORTAL_DB_USER=portal_submission PORTAL_DB_PASSWORD=$(secret db_submission) \
		"$BIN/submission-admin" "$@"
}

up() {
	local a
	for a in $AREAS; do
		[ -x "$BIN/$a" ] || die "$a is not built: run make first"
	done
	db_start
	db_migrate
	import_data
	local user
	user=$(nginx_user)
	sync_setup
	programs_start "$user"
	programs_switch
	nginx_start "$user"
	programs_retire
	sandbox_start
	wait_ready
	cat <<URLS

Cổng dịch vụ công is running:
  public site        http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/
  catalog            http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/catalog/
  register / sign in http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/account/register
  my dossiers        http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/dossiers/
  pay an obligation  http://$PORTAL_LISTEN:$PORTAL_PUBLIC_PORT/pay/
  agency intranet    http://$PORTAL_LISTEN:$PORTAL_INTRANET_PORT/
  one-stop desk      http://$PORTAL_LISTEN:$PORTAL_INTRANET_PORT/desk/
  messages not sent  http://$PORTAL_LISTEN:$PORTAL_INTRANET_PORT/dev/outbox (development stack only)
  bank sandbox       http://$PORTAL_LISTEN:$PORTAL_BANK_SANDBOX_PORT/sandbox/transactions
  logs               $LOG/
First staff account: build/bin/submission-admin staff-add --agency CODE --role admin --login NAME
  (reads the password from standard input)
Stop it with: make stop
URLS
}

db_stop() {
	local dbrun
	dbrun=$(db_run_dir)
	# a recovery cut short (db_recover): its pid file goes, the server's
	# own stays, so the next start recovers again
	if pid_of "$dbrun/recover.pid" "--datadir=$DBDIR" >/dev/null; then
		stop_pidfile "$dbrun/recover.pid" "--datadir=$DBDIR"
	fi
	# A server that died keeps its pid file: the next start sees it and
	# checks the tables before serving (db_recover).
	if pid_of "$RUN/mysqld.pid" "--datadir=$DBDIR" >/dev/null; then
		mariadb-admin --no-defaults --socket="$DBSOCK" -uroot shutdown >/dev/null 2>&1 || true
		stop_pidfile "$RUN/mysqld.pid" "--datadir=$DBDIR"
	fi
	[ -L "$DBSOCK" ] && rm -f "$DBSOCK"  # the link to run/db/, made by db_start
	return 0
}

down() {
	local area
	stop_pidfile "$RUN/nginx.pid" "$VAR/nginx/nginx.conf"
	rm -f "$RUN/nginx.conf.sum"
	stop_pidfile "$RUN/sandbox.pid" "vnpay_bank.py"
	for area in $AREAS; do
		stop_area "$area-a"
		stop_area "$area-b"
		rm -f "$RUN/$area.pid" "$RUN/$area.slot" "$RUN/$area.next" "$RUN/$area.sock"
	done
	stop_pidfile "$RUN/sync-receiver.pid" "sync_receiver.py"
	db_stop
	say "stopped"
}

status() {
	local area pid
	if pid=$(pid_of "$RUN/nginx.pid" "$VAR/nginx/nginx.conf"); then echo "nginx: running ($pid)"; else echo "nginx: stopped"; fi
	if pid=$(pid_of "$RUN/mysqld.pid" "--datadir=$DBDIR"); then echo "mariadb: running ($pid)"; else echo "mariadb: stopped"; fi
	for area in $AREAS; do
		if pid=$(pid_of "$RUN/$area.pid" "$(want_area "$area")"); then
			echo "$area: running ($pid, slot $(slot_of "$area"))"
		else
			echo "$area: stopped"
		fi
	done
}

case "${1:-}" in
up) up ;;
down) down ;;
import) db_start; db_migrate; import_data ;;
db) db_start; db_migrate ;;
status) status ;;
admin) shift; admin "$@" ;;
*) die "usage: stack.sh up|down|import|db|status|admin" ;;
esac
