<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Tài khoản cán bộ</h1>
<p>Cán bộ của <?cs each:a = Agencies ?><?cs if:a.code == Session.agency ?><?cs var:a.name ?> <?cs /if ?><?cs /each ?>(<?cs var:Session.agency ?>)<?cs if:subcount(Agencies) > 1 ?> và các cơ quan trực thuộc tỉnh<?cs /if ?>. Tài khoản đã khóa không đăng nhập được nữa. <a href="#them">Thêm tài khoản</a></p>
<ul class="list staff">
<?cs each:s = Staff ?><li><strong><?cs var:s.name ?></strong> – tên đăng nhập <code><?cs var:s.login ?></code><br>
<?cs var:s.agency ?> <small>(<?cs var:s.agency_code ?>)</small><br>
Vai trò: <?cs var:s.roles ?><br>
<?cs if:s.active ?>Đang hoạt động<?cs if:!s.self ?>
<form method="post" action="/desk/staff/<?cs var:s.login ?>/deactivate" class="form action"><?cs call:csrf() ?><button type="submit">Khóa tài khoản <?cs var:s.login ?></button></form><?cs else ?> (tài khoản của bạn)<?cs /if ?><?cs else ?><strong>Đã khóa</strong><?cs /if ?></li>
<?cs /each ?></ul>
<h2 id="them">Thêm tài khoản</h2>
<form method="post" action="/desk/staff" class="form">
<?cs call:csrf() ?>
<label for="login">Tên đăng nhập (chữ không dấu, chữ số, . _ -)</label>
<input id="login" name="login" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" autocomplete="off" autocapitalize="none">
<label for="name">Họ và tên</label>
<input id="name" name="name" required maxlength="200">
<label for="agency">Cơ quan</label>
<select id="agency" name="agency" required><?cs each:a = Agencies ?><option value="<?cs var:a.code ?>"><?cs var:a.name ?></option><?cs /each ?></select>
<label for="role">Vai trò</label>
<select id="role" name="role" required>
<option value="desk">Tiếp nhận và trả kết quả</option>
<option value="processor">Xử lý</option>
<option value="leader">Lãnh đạo</option>
<option value="admin">Quản trị (tài khoản cán bộ)</option>
</select>
<label for="password">Mật khẩu ban đầu (ít nhất <?cs var:Form.password_min ?> ký tự; báo riêng cho cán bộ)</label>
<input id="password" name="password" type="password" required minlength="<?cs var:Form.password_min ?>" maxlength="200" autocomplete="new-password">
<button type="submit">Thêm tài khoản</button>
</form>
<p><a href="/desk/">← Hồ sơ của cơ quan</a></p>
<?cs include:"footer.cs" ?>
