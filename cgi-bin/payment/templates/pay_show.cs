<?cs set:Page.title = "Khoản phải nộp " + Pay.code_shown ?><?cs include:"header.cs" ?>
<h1><?cs var:Pay.group ?></h1>
<p class="code">Mã thanh toán: <strong><?cs var:Pay.code_shown ?></strong></p>
<?cs if:Pay.status == "paid" ?>
  <p class="ok" role="status"><strong>Đã nộp.</strong> Khoản này đã được thanh toán, không cần nộp lại.</p>
  <?cs if:Pay.receipt.token ?><p><a class="button" href="/receipts/<?cs var:Pay.receipt.token ?>">Xem và in biên lai số <?cs var:Pay.receipt.number ?></a></p><?cs /if ?>
<?cs elif:Pay.status == "expired" ?>
  <p class="error" role="status"><strong>Đã quá hạn nộp</strong> (hạn <?cs var:Pay.due ?>); khoản này không nộp trực tuyến được nữa. Vui lòng liên hệ cơ quan thu để được lập khoản mới.</p>
<?cs elif:Pay.status == "cancelled" || Pay.status == "refunded" ?>
  <p class="error" role="status"><strong><?cs var:Pay.status_vi ?>.</strong> Khoản này không thể nộp. Vui lòng liên hệ cơ quan thu.</p>
<?cs else ?>
  <?cs if:Pay.result == "failed" || Pay.result == "cancelled" || Pay.result == "expired" ?>
  <p class="error" role="alert">Giao dịch chưa thành công, tiền chưa bị trừ. Bạn có thể thử lại.</p>
  <?cs elif:Pay.result == "held" ?>
  <p class="error" role="alert">Ngân hàng báo giao dịch chưa hoàn tất, nhưng tài khoản của bạn có thể đã bị trừ tiền (ngân hàng đang kiểm tra giao dịch hoặc sẽ hoàn lại tiền). Nếu tiền đã bị trừ, bạn chưa nên nộp lại: khi ngân hàng xác nhận, khoản nộp được ghi nhận và có biên lai; nếu ngân hàng hoàn tiền, bạn nộp lại sau. Cần hỏi thêm, hãy liên hệ ngân hàng của bạn hoặc cơ quan thu.</p>
  <?cs elif:Pay.result == "pending" ?>
  <p class="note" role="status">Ngân hàng chưa xác nhận giao dịch. Nếu tiền đã bị trừ, khoản nộp sẽ được xác nhận trong vài phút; bạn không cần nộp lại. <a href="/pay/<?cs var:Pay.code ?>">Tải lại trang</a></p>
  <?cs elif:Pay.status == "being_paid" ?>
  <p class="note" role="status">Một lần thanh toán khoản này đang chờ ngân hàng xác nhận. Nếu tiền đã bị trừ, bạn không cần nộp lại: khoản nộp sẽ được xác nhận trong vài phút. Nếu bạn chưa thanh toán xong ở trang ngân hàng, có thể thanh toán lại bên dưới.</p>
  <?cs /if ?>
<?cs /if ?>
<dl class="facts">
  <dt>Người nộp</dt><dd><?cs var:Pay.payer ?></dd>
<?cs if:Pay.dossier ?>  <dt>Nộp cho hồ sơ</dt><dd><?cs var:Pay.dossier ?><?cs if:Pay.dossier_mine == "1" ?><br><a href="/dossiers/<?cs var:Pay.dossier ?>">Xem hồ sơ của bạn</a><?cs /if ?></dd>
<?cs else ?>  <dt>Số tham chiếu</dt><dd><?cs var:Pay.reference ?></dd>
<?cs /if ?>
  <dt>Cơ quan thu</dt><dd><?cs var:Pay.agency ?></dd>
  <dt>Nộp vào</dt><dd><?cs if:Pay.bene_kind == "treasury" ?>Kho bạc Nhà nước, mã <?cs var:Pay.treasury ?><?cs else ?><?cs var:Pay.bank ?><?cs /if ?>, tài khoản <?cs var:Pay.account ?> (<?cs var:Pay.account_name ?>)<?cs if:Pay.chuong ?>, chương <?cs var:Pay.chuong ?><?cs /if ?><?cs if:Pay.tieu_muc ?>, tiểu mục <?cs var:Pay.tieu_muc ?><?cs /if ?></dd>
  <dt>Hạn nộp</dt><dd><?cs var:Pay.due ?></dd>
</dl>
<table class="lines">
  <thead><tr><th scope="col">Khoản</th><th scope="col" class="num">Số tiền (đồng)</th></tr></thead>
  <tbody>
  <?cs each:l = Pay.lines ?><tr><td><?cs var:l.name ?></td><td class="num"><?cs var:l.amount ?></td></tr><?cs /each ?>
  </tbody>
  <tfoot><tr><th scope="row">Tổng cộng</th><td class="num"><strong><?cs var:Pay.total ?></strong></td></tr></tfoot>
</table>
<p class="note">Bằng chữ: <?cs var:Pay.total_words ?></p>
<?cs if:(Pay.status == "unpaid" || Pay.status == "being_paid") && Pay.over_gateway ?>
<p class="note" role="status"><?cs var:Pay.over_gateway ?></p>
<?cs elif:Pay.status == "unpaid" || Pay.status == "being_paid" ?>
<form method="post" action="/pay/<?cs var:Pay.code ?>/start">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <input type="hidden" name="gateway" value="vnpay">
  <button type="submit">Thanh toán <?cs var:Pay.total ?> đồng qua VNPay</button>
</form>
<p class="note">Bạn sẽ được chuyển sang trang của ngân hàng, rồi quay lại đây.</p>
<?cs /if ?>
<?cs include:"footer.cs" ?>
