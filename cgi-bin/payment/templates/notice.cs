<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Giấy báo nộp tiền – mã thanh toán <?cs var:Pay.code_shown ?></title>
<link rel="stylesheet" href="/static/notice.css">
</head>
<body>
<main class="notice">
<div class="head">
  <div><strong><?cs var:Pay.agency ?></strong><br><small>Mã cơ quan <?cs var:Pay.agency_code ?></small></div>
  <div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập – Tự do – Hạnh phúc</strong><br><em><?cs var:Notice.day ?></em></div>
</div>
<h1>GIẤY BÁO NỘP TIỀN</h1>
<p class="sub"><?cs var:Pay.group ?></p>
<?cs if:Notice.open != "1" ?>
<p class="void" role="alert">Khoản này <?cs if:Pay.status == "paid" ?>đã được nộp<?cs else ?>ở trạng thái “<?cs var:Pay.status_vi ?>”<?cs /if ?>: không dùng giấy báo này để nộp tiền.<?cs if:Pay.receipt.token ?> <a href="/receipts/<?cs var:Pay.receipt.token ?>">Xem biên lai số <?cs var:Pay.receipt.number ?></a><?cs /if ?></p>
<?cs /if ?>
<p>Kính gửi: <strong><?cs var:Pay.payer ?></strong><?cs if:Pay.payer_id ?><br>Số giấy tờ: <?cs var:Pay.payer_id ?><?cs /if ?><br>
<?cs if:Pay.dossier ?>Hồ sơ: <strong class="ref"><?cs var:Pay.dossier ?></strong><?cs else ?>Số tham chiếu: <strong class="ref"><?cs var:Pay.reference ?></strong><?cs /if ?></p>
<p><?cs var:Pay.agency ?> thông báo ông/bà cần nộp các khoản sau:</p>
<table class="lines">
<thead><tr><th scope="col" class="tt">TT</th><th scope="col">Khoản phải nộp</th><th scope="col" class="num">Số tiền (đồng)</th></tr></thead>
<tbody>
<?cs set:tt = #0 ?><?cs each:l = Pay.lines ?><?cs set:tt = tt + #1 ?><tr><td><?cs var:tt ?></td><td><?cs var:l.name ?></td><td class="num"><?cs var:l.amount ?></td></tr>
<?cs /each ?></tbody>
<tfoot><tr><th scope="row" colspan="2">Tổng cộng</th><td class="num"><strong><?cs var:Pay.total ?></strong></td></tr></tfoot>
</table>
<p>Bằng chữ: <strong><?cs var:Pay.total_words ?></strong></p>
<p class="due">Hạn nộp: <strong><?cs var:Pay.due ?></strong></p>

<div class="paycode">
  <p>Mã thanh toán</p>
  <p class="digits"><?cs var:Pay.code_shown ?></p>
  <p><small>12 chữ số, đọc theo từng nhóm bốn số</small></p>
</div>

<h2>Cơ quan thu và tài khoản nhận tiền</h2>
<dl>
  <dt>Cơ quan thu</dt><dd><?cs var:Pay.agency ?> (mã <?cs var:Pay.agency_code ?>)</dd>
  <dt>Đơn vị thụ hưởng</dt><dd><?cs var:Pay.account_name ?></dd>
  <?cs if:Pay.bene_kind == "treasury" ?><dt>Nộp vào</dt><dd>Kho bạc Nhà nước, mã <?cs var:Pay.treasury ?>, tài khoản <?cs var:Pay.account ?></dd>
  <?cs else ?><dt>Số tài khoản</dt><dd><?cs var:Pay.account ?></dd>
  <dt>Ngân hàng</dt><dd><?cs alt:Pay.bank ?>Mã ngân hàng <?cs var:Pay.bank_bin ?><?cs /alt ?></dd><?cs /if ?>
  <?cs if:Pay.chuong ?><dt>Chương</dt><dd><?cs var:Pay.chuong ?><?cs if:Pay.tieu_muc ?>, tiểu mục <?cs var:Pay.tieu_muc ?><?cs /if ?></dd><?cs /if ?>
</dl>

<?cs if:Notice.open == "1" ?>
<h2>Cách nộp</h2>
<?cs if:Notice.qr_svg ?><div class="qr" role="img" aria-label="Mã QR tới trang nộp tiền của khoản này"><?cs uvar:Notice.qr_svg ?></div><?cs /if ?>
<ol class="how">
  <li><strong>Nộp trực tuyến</strong> (không cần tài khoản): quét mã QR bằng điện thoại, hoặc vào trang <span class="url"><?cs var:Notice.pay_home ?></span> và nhập mã thanh toán <strong class="nowrap"><?cs var:Pay.code_shown ?></strong>. Trang sẽ hiện đúng số tiền trên; bấm nút thanh toán rồi làm theo hướng dẫn của ngân hàng.</li>
  <li><strong>Nộp tại bộ phận một cửa</strong> của <?cs var:Pay.agency ?>: mang theo giấy báo này, hoặc đọc mã thanh toán cho cán bộ.</li>
</ol>
<p>Nộp xong, ông/bà nhận biên lai điện tử<?cs if:Pay.dossier ?> và hồ sơ được tiếp tục giải quyết, không cần báo lại<?cs /if ?>. Hãy nộp trước hạn: quá hạn, khoản này không nộp trực tuyến được nữa.</p>
<p class="warn">Chỉ nộp theo mã thanh toán trên giấy này. Cơ quan không bao giờ gọi điện đề nghị chuyển tiền vào tài khoản cá nhân.</p>
<p class="url"><small>Địa chỉ trang nộp tiền: <?cs var:Notice.pay_url ?></small></p>
<?cs /if ?>
<div class="sign">
  <div><strong>Người lập giấy báo</strong><?cs if:Notice.officer_agency ?><br><?cs var:Notice.officer_agency ?><?cs /if ?><br><em>(ký, ghi rõ họ tên)</em><?cs if:Notice.officer ?><span class="name"><?cs var:Notice.officer ?></span><?cs else ?><span class="name blank" aria-hidden="true"></span><?cs /if ?></div>
</div>
<p class="noprint"><?cs if:Pay.dossier ?><a href="/desk/dossiers/<?cs var:Pay.dossier ?>">← Về hồ sơ <?cs var:Pay.dossier ?></a><?cs else ?><a href="/payment/admin/obligations/new">← Về trang khoản thu</a><?cs /if ?><br>Để in: dùng lệnh In của trình duyệt (Ctrl+P), khổ A4.</p>
</main>
</body>
</html>
