<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Đăng nhập cán bộ</h1>
<?cs call:refused() ?>
<form method="post" action="/desk/login" class="form">
<?cs call:csrf() ?>
<?cs if:Form.next ?><input type="hidden" name="next" value="<?cs var:Form.next ?>"><?cs /if ?>
<label for="login">Tên đăng nhập</label>
<input id="login" name="login" required maxlength="64" autocomplete="username" value="<?cs var:Form.login ?>"<?cs call:invalid("login") ?>>
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" required maxlength="200" autocomplete="current-password"<?cs call:invalid("password") ?>>
<button type="submit">Đăng nhập</button>
</form>
<?cs include:"footer.cs" ?>
