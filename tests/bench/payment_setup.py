#!/usr/bin/env python3
"""payment_setup.py - what the payment benchmark needs, on the bench stack:

  payment_setup.py COUNT OUT_DIR

- an agency with its beneficiary account (a real NAPAS BIN) and receipt
  symbols, through build/bin/payment-admin as an operator would;
- COUNT obligations, each with one pending attempt, written in bulk as root
  (the API would work too, but would take longer than the measurement);
- OUT_DIR/ipn.txt: one signed IPN path per line, a distinct success for each
  attempt, signed here with HMAC-SHA512 the way the bank signs (PHP's
  urlencode over the sorted vnp_* fields), since wrk's Lua has no HMAC;
- OUT_DIR/paycode.txt: the payment code of one unpaid obligation, for the
  citizen's page.
Environment: PORTAL_VAR (absolute), PORTAL_DB_NAME, PORTAL_VNPAY_TMN_CODE.
"""
import hashlib
import hmac
import os
import random
import subprocess
import sys
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VAR = os.environ["PORTAL_VAR"]
DB = os.environ.get("PORTAL_DB_NAME", "portal")
TMN = os.environ.get("PORTAL_VNPAY_TMN_CODE", "CONGDVC1")
SECRET = os.environ.get("PORTAL_VNPAY_HASH_SECRET") or open(os.path.join(VAR, "secrets", "vnpay_hash_secret")).read().strip()


def mariadb(query=None, stdin=None):
    return subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(VAR, "run", "mysqld.sock"),
                           "-uroot", "-N", "-B", DB] + (["-e", query] if query else []),
                          input=stdin, check=True, capture_output=True, text=True).stdout


def admin(*args):
    env = dict(os.environ)
    env.pop("PORTAL_DB_USER", None)
    subprocess.run([os.path.join(ROOT, "build", "bin", "payment-admin")] + list(args), check=True, env=env,
                   capture_output=True)


def damm(digits):
    t = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
         "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]
    i = 0
    for d in digits:
        i = int(t[i][int(d)])
    return str(i)


def php_urlencode(s):
    return urllib.parse.quote_plus(s, safe="-_.")


def sign(p):
    data = "&".join(php_urlencode(k) + "=" + php_urlencode(v) for k, v in sorted(p.items()) if v != "")
    return hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    # BENCH_IPN_AGENCIES communes (1: every payment waits on one receipt
    # series row, gapless numbers serialise them by design; a province's
    # payments are spread over its many collecting agencies)
    n_agencies = max(1, int(os.environ.get("BENCH_IPN_AGENCIES", "1")))
    agencies = mariadb("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT %d"
                       % n_agencies).split()
    benes = []
    for agency in agencies:
        admin("beneficiary-set", "--agency", agency, "--bin", "970436", "--account", "0011004123456",
              "--account-name", "UBND XA BENCH")
        admin("receipts-set", "--agency", agency, "--name", "Ủy ban nhân dân xã (bench)",
              "--tax-code", "01%08d" % (int(hashlib.sha256(agency.encode()).hexdigest(), 16) % 10 ** 8),
              "--template", "01BLP0-001", "--series", "C26TBE")
        benes.append(mariadb("SELECT kind, bank_bin, account_no, account_name FROM pay_beneficiary"
                             " WHERE agency_code = '%s' AND grp = ''" % agency).strip().split("\t"))
    rng = random.Random()
    base = rng.randrange(10 ** 10, 8 * 10 ** 10)   # no leading 0 (paycode.h)
    rows, lines, atts, paths = [], [], [], []
    # obligation ids are taken from the current maximum: the stack is fresh
    start = int(mariadb("SELECT COALESCE(MAX(id), 0) FROM obligation").strip()) + 1
    for i in range(count + 1):
        body = "%011d" % (base + i)
        code = body + damm(body)
        oid = start + i
        amount = 10000 + (i % 500) * 1000
        agency, bene = agencies[i % len(agencies)], benes[i % len(agencies)]
        rows.append("(%d,'%s','phi_le_phi','%s','%s','%s','%s','%s','Người nộp bench',NULL,%d,"
                    "CURDATE() + INTERVAL 30 DAY,'BENCH-%d','api','%s',UTC_TIMESTAMP(3))"
                    % (oid, code, agency, bene[0], bene[1], bene[2], bene[3], amount, i,
                       "being_paid" if i else "unpaid"))
        lines.append("(%d,1,'Lệ phí (bench)',%d)" % (oid, amount))
        if i == 0:
            with open(os.path.join(out, "paycode.txt"), "w") as f:
                f.write(code + "\n")
            continue
        ref = code + "%06d" % (i % 10 ** 6)
        atts.append("(%d,'vnpay','%s',%d,'pending','20261201120000','127.0.0.1',UTC_TIMESTAMP(3),"
                    "UTC_TIMESTAMP(3) + INTERVAL 1 DAY)" % (oid, ref, amount))
        p = {"vnp_Amount": str(amount * 100), "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP%d" % i,
             "vnp_CardType": "ATM", "vnp_OrderInfo": "Thanh toan bench", "vnp_PayDate": "20261201120500",
             "vnp_ResponseCode": "00", "vnp_TmnCode": TMN, "vnp_TransactionNo": str(30000000 + i),
             "vnp_TransactionStatus": "00", "vnp_TxnRef": ref}
        p["vnp_SecureHash"] = sign(p)
        paths.append("/payment/vnpay/ipn?" + urllib.parse.urlencode(p))
    sql = []
    for k in range(0, len(rows), 2000):
        sql.append("INSERT INTO obligation (id, payment_code, grp, agency_code, bene_kind, bene_bin,"
                   " bene_account, bene_name, payer_name, payer_id, total, due_date, reference, source,"
                   " status, created_at) VALUES " + ",".join(rows[k:k + 2000]) + ";")
        sql.append("INSERT INTO obligation_line (obligation_id, line_no, name, amount) VALUES "
                   + ",".join(lines[k:k + 2000]) + ";")
    for k in range(0, len(atts), 2000):
        sql.append("INSERT INTO payment_attempt (obligation_id, gateway, txn_ref, amount, state,"
                   " create_date, client_ip, created_at, next_check_at) VALUES " + ",".join(atts[k:k + 2000]) + ";")
    mariadb(stdin="\n".join(sql))
    with open(os.path.join(out, "ipn.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    print(" ".join(agencies))


if __name__ == "__main__":
    main()
