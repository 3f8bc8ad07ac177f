"""Bad input gets a clear 4xx naming what is wrong, never a 500."""
import socket

from harness import HOST, PORT, get, q, request


def expect(r, status, *words):
    assert r.status == status, (r.status, r.body[:300])
    for w in words:
        assert w in r.text, (w, r.text[:500])


def test_over_long_query():
    expect(get(q("/catalog/search", q="a" * 201)), 400, "“q”", "200 ký tự")
    # 200 Vietnamese characters are ~260 bytes: allowed
    expect(get(q("/catalog/search", q="đ" * 200)), 200)


def test_bad_percent_encoding():
    expect(get("/catalog/search?q=%zz"), 400, "mã hoá")
    expect(get("/catalog/search?q=%"), 400)
    expect(get("/catalog/search?q=%C3%28"), 400)
    expect(get("/catalog/search?q=a%00b"), 400)
    expect(get("/catalog/procedures/%zz"), 400)


def test_duplicate_and_unknown_parameters():
    expect(get("/catalog/search?q=a&q=b"), 400, "“q”", "nhiều lần")
    expect(get("/catalog/search?q=a&evil=1"), 400, "“evil”", "không được hỗ trợ")
    expect(get("/catalog/procedures/1.001193?x=1"), 400, "“x”")
    r = get("/catalog/api/procedures?q=a&limit=500")
    assert r.status == 400 and r.json()["error"]["field"] == "limit"
    r = get("/catalog/api/procedures?zzz=1")
    assert r.status == 400 and r.json()["error"]["field"] == "zzz"


def test_a_shared_links_tracking_parameters_are_not_refused():
    """Zalo, Facebook and search ads append their own parameters to a link
    shared or clicked (zarsrc, utm_*, fbclid): a procedure's page or a
    receipt's check link opened that way is the page, not a 400."""
    tail = "zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo&fbclid=IwAR0x"
    expect(get("/catalog/procedures/1.001193?" + tail), 200, "khai sinh")
    expect(get("/catalog/search?q=khai+sinh&" + tail), 200)
    # an unknown receipt is still what it is (404), and a name only like
    # theirs is still refused
    expect(get("/receipts/verify?t=" + "0" * 32 + "&" + tail), 404)
    expect(get("/catalog/procedures/1.001193?utm=1"), 400, "“utm”")
    expect(get("/catalog/procedures/1.001193?zarsrc=1&x=1"), 400, "“x”")


def test_too_many_parameters():
    many = "&".join(f"p{i}=1" for i in range(33))
    expect(get("/catalog/search?" + many), 400, "Quá nhiều tham số")


def test_malformed_values():
    for bad in ("page=0", "page=abc", "page=1001", "page=-1", "page=99999999999999999999",
                "level=huyen", "online=yes", "fee=maybe", "field=abc", "field=65535"):
        r = get("/catalog/search?" + bad)
        assert r.status == 400, (bad, r.status)
        assert "Tham số" in r.text, bad


def test_body_on_get_is_refused():
    expect(request("GET", "/catalog/search?q=a", body=b"x=1",
                   headers={"Content-Type": "application/x-www-form-urlencoded"}), 400)


def test_wrong_method():
    r = request("POST", "/catalog/search", body=b"q=a",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 405 and "GET" in (r.header("Allow") or ""), (r.status, r.headers)
    assert "Phương thức" in r.text
    assert request("DELETE", "/catalog/procedures/1.001193").status == 405
    assert request("PUT", "/catalog/api/procedures").status == 405


def test_api_errors_are_json_even_without_a_route():
    for method, path, status in (("GET", "/catalog/api/procedures/abc", 404),
                                 ("GET", "/catalog/api/nothing", 404),
                                 ("POST", "/catalog/api/procedures", 405)):
        r = request(method, path, body=b"" if method == "POST" else None)
        assert r.status == status, (path, r.status)
        assert r.header("Content-Type").startswith("application/json"), path
        assert r.json()["error"]["status"] == status


def test_page_past_the_end_is_404():
    expect(get("/catalog/search?q=khai+sinh&page=1000"), 404, "trang kết quả")
    assert get("/catalog/search?q=khai+sinh&page=2").status == 200


def test_ten_megabyte_post():
    r = request("POST", "/catalog/search", body=b"x" * (10 * 1024 * 1024),
                headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert r.status == 413, r.status
    assert "quá lớn" in r.text


def test_json_apis_answer_nginx_limits_in_json():
    """A body over the limit is refused by nginx before any program sees it;
    on the JSON APIs (conf/areas.conf "json") that answer is JSON too, in the
    programs' own shape, while a page keeps the portal's HTML page."""
    import json
    from harness import INTRANET_PORT
    big = b"x" * (1024 * 1024 + 1)
    for port, path in ((PORT, "/catalog/api/procedures"), (INTRANET_PORT, "/payment/api/obligations")):
        r = request("POST", path, body=big, headers={"Content-Type": "application/json"},
                    timeout=30, port=port)
        assert r.status == 413, (path, r.status)
        assert r.header("Content-Type").startswith("application/json"), (path, r.headers)
        err = json.loads(r.text)["error"]
        assert err["status"] == 413 and "1 MB" in err["message"], err
    r = request("POST", "/catalog/", body=big, headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=30)
    assert r.status == 413 and r.header("Content-Type").startswith("text/html"), r.headers


def test_path_traversal_is_404():
    for path in ("/catalog/procedures/../../etc/passwd",
                 "/catalog/procedures/%2e%2e/%2e%2e/etc/passwd",
                 "/catalog/procedures/..%2f..%2fetc%2fpasswd",
                 "/catalog/procedures/1.001193/..",
                 "/catalog/../etc/passwd"):
        r = get(path)
        assert r.status == 404, (path, r.status)
        assert "root:" not in r.text


def test_huge_headers_and_uri():
    r = get("/catalog/search?q=" + "a" * 9000)
    assert r.status == 414 and "Địa chỉ quá dài" in r.text, (r.status, r.text[:200])
    r = get("/catalog/", headers={"Cookie": "a=" + "b" * 9000})
    assert r.status == 400 and "Yêu cầu không hợp lệ" in r.text, (r.status, r.text[:200])


def test_the_banks_callback_gets_nginx_errors_in_its_protocol():
    """The errors nginx answers itself on the bank's callback (a query
    over the 8 KB request line, headers too large) are VNPay's
    {"RspCode":"99"}, a failure the bank retries, not an HTML page; the
    area's other pages keep theirs (conf/areas.conf "vnpay")."""
    r = get("/payment/vnpay/ipn?vnp_TxnRef=1&x=" + "a" * 9000)
    assert r.status == 414 and r.header("Content-Type").startswith("application/json"), r.status
    assert r.json() == {"RspCode": "99", "Message": "Unknown error"}, r.text[:200]
    r = get("/payment/vnpay/ipn?vnp_TxnRef=1", headers={"Cookie": "a=" + "b" * 9000})
    assert r.status == 400 and r.json()["RspCode"] == "99", (r.status, r.text[:200])
    r = get("/payment/vnpay/return?x=" + "a" * 9000)
    assert r.status == 414 and "Địa chỉ quá dài" in r.text, (r.status, r.text[:200])

def test_garbage_cookie_is_ignored():
    r = get("/catalog/", headers={"Cookie": "=;;;\x7f bad"})
    assert r.status == 200


def test_malformed_request_line():
    with socket.create_connection((HOST, PORT), timeout=5) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        data = s.recv(4096)
    assert data.startswith(b"HTTP/1.1 400"), data[:40]
