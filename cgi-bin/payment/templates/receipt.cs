<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Receipt.kind == "cancellation" ?>Thông báo hủy biên lai <?cs var:Receipt.of_template ?> <?cs var:Receipt.of_series ?> số <?cs var:Receipt.of_number ?><?cs else ?>Biên lai <?cs var:Receipt.template ?> <?cs var:Receipt.series ?> số <?cs var:Receipt.number ?><?cs /if ?></title>
<link rel="stylesheet" href="/static/receipt.css"></head><body>
<header>
  <div><strong><?cs var:Receipt.unit ?></strong><br>Mã số thuế: <?cs var:Receipt.tax_code ?></div>
  <?cs if:Receipt.kind != "cancellation" ?><div>Mẫu số: <?cs var:Receipt.template ?><br>Ký hiệu: <?cs var:Receipt.series ?><br>Số: <strong><?cs var:Receipt.number ?></strong></div><?cs /if ?>
</header>
<?cs if:Receipt.kind == "cancellation" ?>
<h1>THÔNG BÁO HỦY BIÊN LAI</h1>
<p class="void">Hủy biên lai mẫu số <?cs var:Receipt.of_template ?>, ký hiệu <?cs var:Receipt.of_series ?>, số <?cs var:Receipt.of_number ?>, ngày <?cs var:Receipt.of_date ?>. <a href="/receipts/<?cs var:Receipt.of_token ?>">Xem biên lai bị hủy</a></p>
<?cs else ?>
<h1><?cs var:Receipt.title ?></h1>
<p class="sub">(Biên lai điện tử<?cs if:Receipt.kind == "adjustment" ?> điều chỉnh<?cs /if ?>)</p>
<?cs /if ?>
<?cs if:Receipt.kind == "adjustment" ?><p class="note">Điều chỉnh cho biên lai mẫu số <?cs var:Receipt.of_template ?>, ký hiệu <?cs var:Receipt.of_series ?>, số <?cs var:Receipt.of_number ?>, ngày <?cs var:Receipt.of_date ?>. <a href="/receipts/<?cs var:Receipt.of_token ?>">Xem biên lai được điều chỉnh</a></p><?cs /if ?>
<?cs if:Receipt.cancelled == "1" ?><p class="void">Biên lai này đã bị hủy lúc <?cs var:Receipt.cancel.when ?>. Lý do: <?cs var:Receipt.cancel.reason ?>. <a href="/receipts/<?cs var:Receipt.cancel.token ?>">Thông báo hủy</a></p><?cs /if ?>
<?cs each:a = Receipt.adjusted ?><p class="note">Đã được điều chỉnh bởi <a href="/receipts/<?cs var:a.token ?>">biên lai số <?cs var:a.number ?></a> (<?cs var:a.template ?> – <?cs var:a.series ?>) lúc <?cs var:a.issued ?>, số tiền điều chỉnh <?cs var:a.amount ?> đồng. Lý do: <?cs var:a.reason ?>.</p><?cs /each ?>
<dl>
  <dt>Người nộp</dt><dd><?cs var:Receipt.payer ?><?cs if:Receipt.payer_id ?> (giấy tờ số <?cs var:Receipt.payer_id ?>)<?cs /if ?></dd>
  <dt>Nội dung</dt><dd><?cs var:Receipt.description ?></dd>
<?cs if:subcount(Receipt.lines) > 0 ?>  <dt>Các khoản đã nộp</dt><dd><table class="items"><?cs each:l = Receipt.lines ?><tr><td><?cs var:l.name ?></td><td class="num"><?cs var:l.amount ?> đồng</td></tr><?cs /each ?></table></dd>
<?cs /if ?>  <dt>Mã thanh toán</dt><dd><?cs var:Receipt.payment_code_shown ?></dd>
<?cs if:Receipt.reason ?>  <dt>Lý do</dt><dd><?cs var:Receipt.reason ?></dd>
<?cs /if ?>  <dt><?cs if:Receipt.kind == "adjustment" ?>Số tiền điều chỉnh<?cs else ?>Số tiền<?cs /if ?></dt><dd><strong><?cs var:Receipt.amount ?> đồng</strong></dd>
  <dt>Bằng chữ</dt><dd><?cs var:Receipt.amount_words ?></dd>
  <dt>Hình thức</dt><dd><?cs var:Receipt.method ?></dd>
  <dt>Thời điểm</dt><dd><?cs var:Receipt.issued ?> (giờ Việt Nam)</dd>
</dl>
<div class="qr"><img src="/receipts/<?cs var:Receipt.token ?>/qr.svg" alt="Mã QR kiểm tra biên lai">
<p>Kiểm tra<?cs if:Receipt.kind == "cancellation" ?> thông báo hủy<?cs else ?> biên lai<?cs /if ?>: <a class="verify" href="<?cs var:Receipt.verify_url ?>"><?cs var:Receipt.verify_url ?></a></p></div>
<p class="noprint"><a href="/pay/<?cs var:Receipt.payment_code ?>">Quay lại khoản nộp</a></p>
</body></html>
