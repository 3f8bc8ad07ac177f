<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Biên lai <?cs var:Receipt.template ?> <?cs var:Receipt.series ?> số <?cs var:Receipt.number ?></title>
<link rel="stylesheet" href="/static/receipt.css"></head><body>
<header>
  <div><strong><?cs var:Receipt.unit ?></strong><br>Mã số thuế: <?cs var:Receipt.tax_code ?></div>
  <div>Mẫu số: <?cs var:Receipt.template ?><br>Ký hiệu: <?cs var:Receipt.series ?><br>Số: <strong><?cs var:Receipt.number ?></strong></div>
</header>
<h1>BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ</h1>
<p class="sub">(Biên lai điện tử)</p>
<?cs if:Receipt.cancelled == "1" ?><p class="void">Biên lai này đã bị hủy.</p><?cs /if ?>
<dl>
  <dt>Người nộp</dt><dd><?cs var:Receipt.payer ?><?cs if:Receipt.payer_id ?> (giấy tờ số <?cs var:Receipt.payer_id ?>)<?cs /if ?></dd>
  <dt>Nội dung</dt><dd><?cs var:Receipt.description ?></dd>
  <dt>Mã thanh toán</dt><dd><?cs var:Receipt.payment_code ?></dd>
  <dt>Số tiền</dt><dd><strong><?cs var:Receipt.amount ?> đồng</strong></dd>
  <dt>Bằng chữ</dt><dd><?cs var:Receipt.amount_words ?></dd>
  <dt>Hình thức</dt><dd><?cs var:Receipt.method ?></dd>
  <dt>Thời điểm</dt><dd><?cs var:Receipt.issued ?> (giờ Việt Nam)</dd>
</dl>
<div class="qr"><img src="/receipts/<?cs var:Receipt.token ?>/qr.svg" alt="Mã QR kiểm tra biên lai">
<p>Kiểm tra biên lai: <a class="verify" href="<?cs var:Receipt.verify_url ?>"><?cs var:Receipt.verify_url ?></a></p></div>
<p class="noprint"><a href="/pay/<?cs var:Receipt.payment_code ?>">Quay lại khoản nộp</a></p>
</body></html>
