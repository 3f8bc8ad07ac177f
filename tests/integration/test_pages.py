"""Pages a citizen opens: front door, detail, guide, QR, agencies, JSON."""
import json
import os
import subprocess
import re
import struct
import tempfile
import zlib

from harness import HOST, INTRANET_PORT, PORT, get, request


def test_front_door_links_only_to_what_exists():
    r = get("/")
    assert r.status == 200
    assert 'name="q"' in r.text and "Hộ tịch" in r.text
    hrefs = sorted(set(re.findall(r'href="(/[^"]*)"', r.text)))
    assert len(hrefs) > 10
    for h in hrefs:
        h = h.replace("&amp;", "&")
        r = get(h)
        if r.status == 303:
            # a page of one's own ("Hồ sơ của tôi") asks a visitor to sign
            # in first, and comes back after
            loc = r.header("Location")
            assert loc.startswith("/account/login?next="), (h, loc)
            r = get(loc)
        assert r.status == 200, h


def test_detail_page():
    r = get("/catalog/procedures/1.001193")
    assert r.status == 200
    t = r.text
    assert "<h1>Thủ tục đăng ký khai sinh</h1>" in t
    for must in ("Cần mang theo", "Phí, lệ phí", "Thời hạn", "Căn cứ pháp lý", "Giấy khai sinh",
                 "qr.svg", "/guide", "Nộp trực tuyến"):
        assert must in t, must
    assert r.header("Content-Type").startswith("text/html; charset=utf-8")
    assert "nosniff" in (r.header("X-Content-Type-Options") or "")
    assert "default-src 'self'" in (r.header("Content-Security-Policy") or "")


def test_fee_shown_only_when_sure():
    # 1.000005's text reads "120,000 VNĐ(...)": a sure amount, shown as such.
    d = get("/catalog/api/procedures/1.000005").json()
    assert d["fee_state"] == "fee" and d["fee_min"] == 120000
    assert "120.000 đồng" in get("/catalog/procedures/1.000005").text
    # 1.000014's catalog text is "120 VND": never shown as a number of đồng.
    d = get("/catalog/api/procedures/1.000014").json()
    assert d["fee_state"] != "fee" or d["fee_min"] >= 1000
    assert "120 đồng" not in get("/catalog/procedures/1.000014").text


def test_guide_is_printable():
    r = get("/catalog/procedures/1.001193/guide")
    assert r.status == 200
    assert "/static/guide.css" in r.text and "qr.svg" in r.text
    assert "Thủ tục đăng ký khai sinh" in r.text


def decode_qr(png):
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", f.name],
                             capture_output=True, timeout=30)
        return out.stdout.decode().strip()


def test_qr_images_decode_to_the_detail_url():
    url = f"http://{HOST}:{PORT}/catalog/procedures/1.001193"
    png = get("/catalog/procedures/1.001193/qr.png")
    assert png.status == 200 and png.header("Content-Type") == "image/png"
    assert png.body[:8] == b"\x89PNG\r\n\x1a\n"
    assert decode_qr(png.body) == url
    svg = get("/catalog/procedures/1.001193/qr.svg")
    assert svg.status == 200 and svg.header("Content-Type").startswith("image/svg+xml")
    assert svg.text.startswith("<svg") or svg.text.startswith("<?xml")
    # the SVG draws the same symbol as the PNG, module for module
    svg_modules, svg_dark = svg_dark_modules(svg.text)
    png_modules, png_dark = png_dark_modules(png.body)
    assert svg_modules == png_modules, (svg_modules, png_modules)
    assert svg_dark == png_dark
    assert len(svg_dark) > 100


def svg_dark_modules(text):
    """The dark modules of the SVG: its viewBox side and the unit cells
    its path's rectangles (M x y h w v 1 h -w z) cover."""
    side = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', text).group(1))
    d = re.search(r' d="([^"]+)"', text).group(1)
    dark = set()
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", d):
        for i in range(int(w)):
            dark.add((int(x) + i, int(y)))
    assert len(re.findall(r"M", d)) == len(re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", d))
    return side, dark


def png_dark_modules(data):
    """Decode the 1-bit greyscale PNG by hand (zlib, filter 0 rows) and
    sample each module's centre."""
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
            assert body[8] == 1 and body[9] == 0, "1-bit greyscale expected"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    rowlen = 1 + (width + 7) // 8
    rows = [raw[i * rowlen:(i + 1) * rowlen] for i in range(width)]
    assert all(r[0] == 0 for r in rows)
    # the module size is the run length of the first dark pixel row
    def px(x, y):
        return (rows[y][1 + x // 8] >> (7 - x % 8)) & 1 == 0
    first = next(y for y in range(width) if any(px(x, y) for x in range(width)))
    x0 = next(x for x in range(width) if px(x, first))
    run = 0
    while px(x0 + run, first):
        run += 1
    scale = run // 7  # a finder pattern's top edge is 7 modules wide
    modules = width // scale
    dark = {(mx, my) for my in range(modules) for mx in range(modules)
            if px(mx * scale + scale // 2, my * scale + scale // 2)}
    return modules, dark


def test_json_detail():
    r = get("/catalog/api/procedures/1.001193")
    assert r.status == 200 and r.header("Content-Type").startswith("application/json")
    d = r.json()
    assert d["code"] == "1.001193" and d["name"] == "Thủ tục đăng ký khai sinh"
    for k in ("channels", "documents", "results", "legal_basis", "fee_state", "time_unit",
              "online_level", "online_level_derived"):
        assert k in d, k
    assert {c["channel_code"] for c in d["channels"]} <= {1, 2, 3}


def test_unknown_code_is_404():
    r = get("/catalog/procedures/9.999999")
    assert r.status == 404 and "Không tìm thấy trang" in r.text
    r = get("/catalog/api/procedures/9.999999")
    assert r.status == 404 and "error" in r.json()
    assert get("/catalog/procedures/not-a-code").status == 404
    assert get("/catalog/procedures/1.001193/other").status == 404
    assert get("/no/such/page").status == 404


def test_agencies():
    r = get("/catalog/agencies/")
    assert r.status == 200 and "Ủy ban nhân dân" in r.text
    links = re.findall(r'href="/catalog/agencies/([0-9A-Z.]+)"', r.text)
    assert len(links) > 50
    for code in links:
        assert re.fullmatch(r"\d{3}\.\d{2}\.\d{2,3}\.H\d{2}", code), code
    commune = [c for c in links if re.fullmatch(r"000\.00\.1\d\d\.H\d\d", c)][0]
    page = get("/catalog/agencies/" + commune)
    assert page.status == 200 and "Các thủ tục cấp xã" in page.text
    assert "/catalog/procedures/" in page.text


def test_department_lists_its_ministrys_procedures():
    r = get("/catalog/agencies/")
    m = re.search(r'href="/catalog/agencies/([0-9A-Z.]+)">Sở Tư pháp<', r.text)
    assert m
    page = get("/catalog/agencies/" + m.group(1))
    assert page.status == 200 and "Bộ Tư pháp" in page.text
    assert len(re.findall(r'href="/catalog/procedures/', page.text)) > 0


def test_intranet_home():
    r = request("GET", "/", port=INTRANET_PORT)
    assert r.status == 200 and "Trang nội bộ" in r.text


def test_head_has_no_body():
    r = request("HEAD", "/catalog/procedures/1.001193")
    assert r.status == 200 and r.body == b""


def test_health():
    r = get("/catalog/health")
    d = r.json()
    assert r.status == 200 and d["status"] == "ok" and d["procedures"] == 2642


def test_one_log_line_per_request():
    log = os.path.join(os.environ["PORTAL_VAR"], "log", "catalog.log")
    marker = get("/catalog/procedures/1.000894")
    assert marker.status == 200
    with open(log, encoding="utf-8") as f:
        tail = f.readlines()[-50:]
    assert any(re.search(r"area=catalog route=procedure method=GET status=200 ms=\d+\.\d+", l)
               for l in tail), tail[-3:]
