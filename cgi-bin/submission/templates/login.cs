<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Đăng nhập</h1>
<?cs call:refused() ?>
<form method="post" action="/account/login" class="form">
<?cs call:csrf() ?>
<?cs if:Form.next ?><input type="hidden" name="next" value="<?cs var:Form.next ?>"><?cs /if ?>
<label for="contact">Số điện thoại hoặc thư điện tử</label>
<input id="contact" name="contact" required maxlength="254" autocomplete="username" value="<?cs var:Form.contact ?>"<?cs call:invalid("contact") ?>>
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" required maxlength="200" autocomplete="current-password"<?cs call:invalid("password") ?>>
<button type="submit">Đăng nhập</button>
</form>
<p>Chưa có tài khoản? <a href="/account/register<?cs if:Form.next ?>?next=<?cs var:Form.next_q ?><?cs /if ?>">Đăng ký</a>. <a href="/account/reset">Quên mật khẩu?</a> Có mã hồ sơ và mã tra cứu? <a href="/dossiers/lookup">Tra cứu hồ sơ</a>.</p>
<?cs include:"footer.cs" ?>
