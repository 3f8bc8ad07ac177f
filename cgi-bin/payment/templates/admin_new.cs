<?cs set:Page.title = "Tạo khoản phải nộp" ?><?cs include:"header.cs" ?><?cs include:"admin_menu.cs" ?>
<h1>Tạo khoản phải nộp</h1>
<?cs if:Made.code ?>
<p class="ok" role="status">Đã tạo. Mã thanh toán: <strong><?cs var:Made.shown ?></strong>. Đọc mã này cho người nộp, hoặc đưa họ địa chỉ <a href="/pay/<?cs var:Made.code ?>">/pay/<?cs var:Made.code ?></a> trên cổng công khai.</p>
<?cs /if ?>
<?cs if:Form.error ?><p class="error" role="alert"><?cs var:Form.error ?></p><?cs /if ?>
<form method="post" action="/payment/admin/obligations" class="stack">
  <input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>">
  <label for="group">Nhóm khoản thu</label>
  <select id="group" name="group" required>
    <?cs each:g = Groups ?><option value="<?cs var:g.name ?>"<?cs if:g.chosen ?> selected<?cs /if ?>><?cs var:g.title ?></option><?cs /each ?>
  </select>
  <label for="reference">Số tham chiếu (mã hồ sơ, số quyết định…)</label>
  <input id="reference" name="reference" maxlength="100" required value="<?cs var:Form.reference ?>">
  <label for="payer">Họ tên người nộp</label>
  <input id="payer" name="payer" maxlength="200" required value="<?cs var:Form.payer ?>">
  <label for="payer_id">Số giấy tờ của người nộp (không bắt buộc)</label>
  <input id="payer_id" name="payer_id" inputmode="numeric" maxlength="20" value="<?cs var:Form.payer_id ?>">
  <label for="due">Hạn nộp (để trống: 30 ngày)</label>
  <input id="due" name="due" type="date" value="<?cs var:Form.due ?>">
  <fieldset><legend>Khoản 1</legend>
    <label for="line1">Tên khoản</label><input id="line1" name="line1" maxlength="255" required value="<?cs var:Form.line1 ?>">
    <label for="amount1">Số tiền (đồng)</label><input id="amount1" name="amount1" inputmode="numeric" required value="<?cs var:Form.amount1 ?>">
  </fieldset>
  <fieldset><legend>Khoản 2 (nếu có)</legend>
    <label for="line2">Tên khoản</label><input id="line2" name="line2" maxlength="255" value="<?cs var:Form.line2 ?>">
    <label for="amount2">Số tiền (đồng)</label><input id="amount2" name="amount2" inputmode="numeric" value="<?cs var:Form.amount2 ?>">
  </fieldset>
  <fieldset><legend>Khoản 3 (nếu có)</legend>
    <label for="line3">Tên khoản</label><input id="line3" name="line3" maxlength="255" value="<?cs var:Form.line3 ?>">
    <label for="amount3">Số tiền (đồng)</label><input id="amount3" name="amount3" inputmode="numeric" value="<?cs var:Form.amount3 ?>">
  </fieldset>
  <button type="submit">Tạo khoản phải nộp</button>
</form>
<p><a href="/payment/admin/deliveries">Nhật ký báo tin cho cơ quan</a> · <a href="/payment/admin/flagged">Giao dịch cần hoàn tiền</a></p>
<?cs include:"footer.cs" ?>
