<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Đặt lại mật khẩu</h1>
<p>Nếu <strong><?cs var:Form.contact ?></strong> là tài khoản đã đăng ký, mã 6 chữ số đã được gửi tới đó. Mã dùng được trong 5 phút. Sau khi đặt lại, mọi phiên đăng nhập cũ đều bị đóng.</p>
<?cs call:refused() ?>
<form method="post" action="/account/reset/confirm" class="form">
<?cs call:csrf() ?>
<input type="hidden" name="contact" value="<?cs var:Form.contact ?>">
<label for="code">Mã đặt lại</label>
<input id="code" name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"<?cs call:invalid("code") ?>>
<label for="password">Mật khẩu mới (ít nhất 8 ký tự)</label>
<input id="password" name="password" type="password" required minlength="8" maxlength="200" autocomplete="new-password"<?cs call:invalid("password") ?>>
<button type="submit">Đặt mật khẩu mới</button>
</form>
<p>Không nhận được mã, hoặc mã đã hết hạn? <a href="/account/reset">Yêu cầu mã mới</a>.</p>
<?cs include:"footer.cs" ?>
