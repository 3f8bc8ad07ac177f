<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Nhập mã xác nhận</h1>
<p>Mã 6 chữ số đã được gửi tới <strong><?cs var:Form.contact ?></strong>. Mã dùng được trong 5 phút.</p>
<form method="post" action="/account/verify" class="form">
<?cs call:csrf() ?>
<?cs if:Form.next ?><input type="hidden" name="next" value="<?cs var:Form.next ?>"><?cs /if ?>
<input type="hidden" name="contact" value="<?cs var:Form.contact ?>">
<label for="code">Mã xác nhận</label>
<input id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code">
<button type="submit">Xác nhận</button>
</form>
<?cs include:"footer.cs" ?>
