<?cs set:Page.title = "Nộp tiền" ?><?cs include:"header.cs" ?>
<h1>Nộp phí, lệ phí, thuế, tiền phạt</h1>
<p>Nhập mã thanh toán in trên giấy báo hoặc do cán bộ một cửa đọc cho bạn. Không cần tài khoản.</p>
<?cs if:Find.error ?><p class="error" role="alert"><?cs var:Find.error ?></p><?cs /if ?>
<form method="get" action="/pay/tra-cuu" class="stack">
  <label for="ma">Mã thanh toán (12 chữ số)</label>
  <input id="ma" name="ma" inputmode="numeric" autocomplete="off" value="<?cs var:Find.code ?>" placeholder="1234 5678 9012">
  <button type="submit">Tìm khoản phải nộp</button>
</form>
<h2>Không có mã thanh toán?</h2>
<form method="get" action="/pay/tra-cuu" class="stack">
  <label for="tc">Số tham chiếu (mã hồ sơ, số quyết định xử phạt, mã khách hàng…)</label>
  <input id="tc" name="tham_chieu" value="<?cs var:Find.reference ?>">
  <label for="gt">Số giấy tờ của người nộp (CCCD, mã số thuế)</label>
  <input id="gt" name="giay_to" inputmode="numeric" value="<?cs var:Find.payer_id ?>">
  <button type="submit">Tìm</button>
</form>
<?cs include:"footer.cs" ?>
