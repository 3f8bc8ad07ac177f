<?cs set:Page.title = "Hủy, điều chỉnh biên lai" ?><?cs include:"header.cs" ?><?cs include:"admin_menu.cs" ?>
<h1>Hủy, điều chỉnh biên lai</h1>
<p>Biên lai đã phát hành không bao giờ bị sửa hay xóa. Hủy biên lai ghi một thông báo hủy; điều chỉnh ghi một biên lai điều chỉnh mới, số tiếp theo của ký hiệu. Mỗi thao tác cần lý do và được ghi nhật ký.</p>
<form method="get" action="/payment/admin/receipts" class="stack">
  <label for="ma">Mã thanh toán</label>
  <input id="ma" name="ma" inputmode="numeric" maxlength="12" value="<?cs var:Rcpt.code ?>" required>
  <button type="submit">Tìm</button>
</form>
<?cs if:!Rcpt.code ?>
<form method="get" action="/payment/admin/receipts" class="stack">
  <label for="ngay">Sổ biên lai của một ngày (giờ Việt Nam), dạng ngày/tháng/năm, ví dụ 02/12/2026</label>
  <input id="ngay" name="ngay" inputmode="numeric" maxlength="10" placeholder="ngày/tháng/năm" value="<?cs var:Reg.day ?>" required>
  <button type="submit">Xem ngày này</button>
</form>
<?cs if:Reg.day ?>
<h2>Biên lai lập ngày <?cs var:Reg.day ?></h2>
<table class="lines totals">
<tr><th scope="row">Biên lai đã thu (<?cs var:Reg.n_receipt ?> biên lai)</th><td class="num"><?cs var:Reg.receipts ?> đồng</td></tr>
<tr><th scope="row">Biên lai điều chỉnh (<?cs var:Reg.n_adjust ?> biên lai)</th><td class="num"><?cs var:Reg.adjust ?> đồng</td></tr>
<tr><th scope="row">Biên lai bị hủy trong ngày (<?cs var:Reg.n_cancel ?> thông báo hủy)</th><td class="num"><?cs var:Reg.cancel ?> đồng</td></tr>
<tr><th scope="row">Cộng số tiền thu trong ngày</th><td class="num"><strong><?cs var:Reg.net ?> đồng</strong></td></tr>
</table>
<?cs if:Reg.cut ?><p class="note" role="status">Ngày này có hơn 500 bản ghi: bảng dưới chỉ hiện 500 bản ghi đầu, các số cộng ở trên tính đủ cả ngày.</p><?cs /if ?>
<?cs if:subcount(List) == 0 ?><p>Cơ quan không lập biên lai nào trong ngày này.</p><?cs /if ?>
<?cs else ?>
<h2>Biên lai đã lập gần đây</h2>
<?cs if:subcount(List) == 0 ?><p>Cơ quan chưa lập biên lai nào.</p><?cs else ?>
<p>100 bản ghi mới nhất của cơ quan (biên lai, thông báo hủy, biên lai điều chỉnh). Chọn một ngày ở trên để xem đủ các bản ghi và số cộng của ngày đó. Chọn mã thanh toán để xem, hủy hoặc điều chỉnh.</p>
<?cs /if ?>
<?cs /if ?>
<?cs if:subcount(List) > 0 ?>
<table class="queue register">
<tr><th scope="col">Biên lai</th><th scope="col">Ngày lập</th><th scope="col">Người nộp</th><th scope="col">Số tiền (đồng)</th><th scope="col">Mã thanh toán</th></tr>
<?cs each:x = List ?><tr data-kind="<?cs var:x.kind ?>"><td class="head"><a href="/receipts/<?cs var:x.token ?>"><?cs var:x.kind_vi ?><?cs if:x.number != "0" ?> số <?cs var:x.number ?><?cs /if ?></a> <small>(<?cs var:x.template ?> – <?cs var:x.series ?>)</small></td><td data-label="Ngày lập"><?cs var:x.issued ?></td><td data-label="Người nộp"><?cs var:x.payer ?></td><td data-label="Số tiền (đồng)"><?cs var:x.amount ?></td><td data-label="Mã thanh toán"><a href="/payment/admin/receipts?ma=<?cs var:x.code ?>"><?cs var:x.code ?></a></td></tr>
<?cs /each ?></table>
<?cs /if ?>
<?cs /if ?>
<?cs if:Rcpt.status ?>
<p><a href="/payment/admin/receipts">← Sổ biên lai của cơ quan</a></p>
<?cs if:Rcpt.done == "huy" ?><p class="ok" role="status">Đã hủy biên lai.</p><?cs /if ?>
<?cs if:Rcpt.done == "dieu-chinh" ?><p class="ok" role="status">Đã lập biên lai điều chỉnh.</p><?cs /if ?>
<?cs if:Rcpt.done == "hoan" ?><p class="ok" role="status">Đã gửi yêu cầu hoàn tiền. Biên lai được hủy khi ngân hàng xác nhận đã hoàn tiền.</p><?cs /if ?>
<h2>Khoản <?cs var:Rcpt.code ?></h2>
<dl class="facts">
  <dt>Người nộp</dt><dd><?cs var:Rcpt.payer ?></dd>
  <dt>Số tham chiếu</dt><dd><?cs var:Rcpt.reference ?></dd>
  <dt>Số tiền</dt><dd><?cs var:Rcpt.total ?> đồng</dd>
  <dt>Trạng thái</dt><dd data-status="<?cs var:Rcpt.status ?>"><?cs var:Rcpt.status_vi ?><?cs if:Rcpt.refund != "none" ?> (hoàn tiền: <?cs var:Rcpt.refund_vi ?><?cs if:Rcpt.refund_error ?>, <?cs var:Rcpt.refund_error ?><?cs /if ?>)<?cs /if ?></dd>
</dl>
<?cs if:subcount(Rows) == 0 ?><p>Khoản này chưa có biên lai.</p><?cs else ?>
<h2>Biên lai và các bản ghi sau đó</h2>
<ol>
<?cs each:r = Rows ?><li data-kind="<?cs var:r.kind ?>"><a href="/receipts/<?cs var:r.token ?>"><?cs var:r.kind_vi ?><?cs if:r.number != "0" ?> số <?cs var:r.number ?><?cs /if ?></a>
  (<?cs var:r.template ?> – <?cs var:r.series ?>), <?cs var:r.issued ?>, <?cs var:r.amount ?> đồng<?cs if:r.reason ?><br>Lý do: <?cs var:r.reason ?><?cs /if ?><?cs if:r.by ?> <small>(<?cs var:r.by ?>)</small><?cs /if ?></li>
<?cs /each ?></ol>
<?cs if:Rcpt.cancelled == "0" ?>
<h2>Điều chỉnh biên lai</h2>
<form method="post" action="/payment/admin/receipts/<?cs var:Rcpt.code ?>/adjust" class="stack">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <label for="so_tien">Số tiền điều chỉnh (đồng; ghi -20.000 khi điều chỉnh giảm, 0 khi chỉ sửa nội dung)</label>
  <input id="so_tien" name="so_tien" maxlength="30" required>
  <label for="noi_dung">Nội dung điều chỉnh</label>
  <input id="noi_dung" name="noi_dung" maxlength="300">
  <label for="ly_do_dc">Lý do</label>
  <input id="ly_do_dc" name="ly_do" maxlength="500" required>
  <button type="submit">Lập biên lai điều chỉnh</button>
</form>
<h2>Hủy biên lai</h2>
<form method="post" action="/payment/admin/receipts/<?cs var:Rcpt.code ?>/cancel" class="stack">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <label for="ly_do_huy">Lý do hủy</label>
  <input id="ly_do_huy" name="ly_do" maxlength="500" required>
  <button type="submit">Hủy biên lai</button>
</form>
<?cs if:Rcpt.status == "paid" && Rcpt.refund == "none" ?>
<h2>Hoàn tiền cho người nộp</h2>
<p>Cổng gửi yêu cầu hoàn toàn bộ số tiền qua ngân hàng. Khi ngân hàng xác nhận, khoản chuyển sang "đã hoàn tiền" và biên lai được hủy.</p>
<form method="post" action="/payment/admin/receipts/<?cs var:Rcpt.code ?>/refund" class="stack">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <label for="ly_do_hoan">Lý do hoàn tiền</label>
  <input id="ly_do_hoan" name="ly_do" maxlength="500" required>
  <button type="submit">Hoàn tiền</button>
</form>
<?cs /if ?>
<?cs /if ?>
<?cs /if ?>
<?cs /if ?>
<?cs include:"footer.cs" ?>
