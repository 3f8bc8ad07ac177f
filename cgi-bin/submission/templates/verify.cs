<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Nhập mã xác nhận</h1>
<p>Mã 6 chữ số đã được gửi tới <strong><?cs var:Form.contact ?></strong>. Mã dùng được trong 5 phút.</p>
<?cs call:refused() ?>
<form method="post" action="/account/verify" class="form">
<?cs call:csrf() ?>
<?cs if:Form.next ?><input type="hidden" name="next" value="<?cs var:Form.next ?>"><?cs /if ?>
<input type="hidden" name="contact" value="<?cs var:Form.contact ?>">
<label for="code">Mã xác nhận</label>
<input id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"<?cs call:invalid("code") ?>>
<button type="submit">Xác nhận</button>
</form>
<p>Không nhận được mã, hoặc mã đã hết hạn? <a href="/account/register<?cs if:Form.next ?>?next=<?cs var:Form.next_q ?><?cs /if ?>">Đăng ký lại để nhận mã mới</a>.</p>
<?cs include:"footer.cs" ?>
