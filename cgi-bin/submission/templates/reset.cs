<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Quên mật khẩu</h1>
<p>Nhập số điện thoại hoặc thư điện tử của tài khoản. Nếu tài khoản có, chúng tôi gửi tới đó một mã 6 chữ số để đặt mật khẩu mới.</p>
<?cs call:refused() ?>
<form method="post" action="/account/reset" class="form">
<?cs call:csrf() ?>
<label for="contact">Số điện thoại hoặc thư điện tử</label>
<input id="contact" name="contact" required maxlength="254" autocomplete="username" value="<?cs var:Form.contact ?>"<?cs call:invalid("contact") ?>>
<button type="submit">Gửi mã</button>
</form>
<?cs include:"footer.cs" ?>
