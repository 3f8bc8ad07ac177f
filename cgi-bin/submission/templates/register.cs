<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Đăng ký tài khoản</h1>
<p>Dùng số điện thoại <strong>hoặc</strong> thư điện tử. Chúng tôi gửi một mã 6 chữ số để xác nhận.</p>
<?cs call:refused() ?>
<form method="post" action="/account/register" class="form">
<?cs call:csrf() ?>
<?cs if:Form.next ?><input type="hidden" name="next" value="<?cs var:Form.next ?>"><?cs /if ?>
<label for="contact">Số điện thoại hoặc thư điện tử</label>
<input id="contact" name="contact" required maxlength="254" autocomplete="username" inputmode="email" value="<?cs var:Form.contact ?>"<?cs call:invalid("contact") ?>>
<label for="name">Họ và tên</label>
<input id="name" name="name" required maxlength="100" autocomplete="name" value="<?cs var:Form.name ?>"<?cs call:invalid("name") ?>>
<label for="password">Mật khẩu (ít nhất 8 ký tự)</label>
<input id="password" name="password" type="password" required minlength="8" maxlength="200" autocomplete="new-password"<?cs call:invalid("password") ?>>
<button type="submit">Đăng ký</button>
</form>
<p>Đã có tài khoản? <a href="/account/login<?cs if:Form.next ?>?next=<?cs var:Form.next_q ?><?cs /if ?>">Đăng nhập</a>.</p>
<?cs include:"footer.cs" ?>
