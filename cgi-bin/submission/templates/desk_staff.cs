<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Tài khoản cán bộ</h1>
<?cs if:Form.error ?><p class="error" role="alert" id="loi"><strong>Chưa lưu gì<?cs if:Form.target ?> cho tài khoản <?cs var:Form.target ?><?cs /if ?>.</strong> <?cs if:Form.error_field ?><?cs call:field_label(Form.error_field) ?>: <?cs /if ?><?cs var:Form.error ?><?cs if:Form.error_field ?> (trường “<?cs var:Form.error_field ?>”)<?cs /if ?><?cs if:Form.which == "desk_staff_add" ?> <a href="#them">Sửa ở biểu mẫu thêm tài khoản</a><?cs /if ?></p><?cs /if ?>
<p>Cán bộ của <?cs each:a = Agencies ?><?cs if:a.code == Session.agency ?><?cs var:a.name ?> <?cs /if ?><?cs /each ?>(<?cs var:Session.agency ?>)<?cs if:subcount(Agencies) > 1 ?> và các cơ quan trực thuộc tỉnh<?cs /if ?>. Tài khoản đã khóa không đăng nhập được nữa cho đến khi được mở lại. <a href="#them">Thêm tài khoản</a></p>
<ul class="list staff">
<?cs each:s = Staff ?><li id="tk-<?cs var:s.login ?>"><strong><?cs var:s.name ?></strong> – tên đăng nhập <code><?cs var:s.login ?></code><br>
<?cs var:s.agency ?> <small>(<?cs var:s.agency_code ?>)</small><br>
Vai trò: <?cs var:s.roles ?><br>
<?cs if:s.active ?>Đang hoạt động<?cs else ?><strong>Đã khóa</strong><?cs /if ?><?cs if:s.self ?> (tài khoản của bạn)<?cs else ?>
<?cs if:s.refused ?><p class="error" role="alert"><?cs if:Form.error_field ?><?cs call:field_label(Form.error_field) ?>: <?cs /if ?><?cs var:Form.error ?></p><?cs /if ?>
<details<?cs if:s.refused ?> open<?cs /if ?>><summary>Đổi vai trò, đặt lại mật khẩu, <?cs if:s.active ?>khóa<?cs else ?>mở lại<?cs /if ?></summary>
<form method="post" action="/desk/staff/<?cs var:s.login ?>/role" class="form action"><?cs call:csrf() ?>
<label for="role-<?cs var:name(s) ?>">Vai trò mới của <?cs var:s.login ?></label>
<select id="role-<?cs var:name(s) ?>" name="role" required>
<option value="desk"<?cs if:s.role == "desk" ?> selected<?cs /if ?>>Tiếp nhận và trả kết quả</option>
<option value="processor"<?cs if:s.role == "processor" ?> selected<?cs /if ?>>Xử lý</option>
<option value="leader"<?cs if:s.role == "leader" ?> selected<?cs /if ?>>Lãnh đạo</option>
<option value="admin"<?cs if:s.role == "admin" ?> selected<?cs /if ?>>Quản trị (tài khoản cán bộ)</option>
</select>
<button type="submit">Đổi vai trò</button></form>
<form method="post" action="/desk/staff/<?cs var:s.login ?>/password" class="form action"><?cs call:csrf() ?>
<label for="pw-<?cs var:name(s) ?>">Mật khẩu ban đầu mới (ít nhất <?cs var:Form.password_min ?> ký tự; báo riêng cho cán bộ; mọi phiên đăng nhập của tài khoản này kết thúc)</label>
<input id="pw-<?cs var:name(s) ?>" name="password" type="password" required minlength="<?cs var:Form.password_min ?>" maxlength="200" autocomplete="new-password"<?cs if:s.refused && Form.error_field == "password" ?> aria-invalid="true"<?cs /if ?>>
<button type="submit">Đặt lại mật khẩu</button></form>
<?cs if:s.active ?><form method="post" action="/desk/staff/<?cs var:s.login ?>/deactivate" class="form action"><?cs call:csrf() ?><button type="submit">Khóa tài khoản <?cs var:s.login ?></button></form><?cs else ?><form method="post" action="/desk/staff/<?cs var:s.login ?>/reactivate" class="form action"><?cs call:csrf() ?><button type="submit">Mở lại tài khoản <?cs var:s.login ?></button></form><?cs /if ?>
</details><?cs /if ?></li>
<?cs /each ?></ul>
<h2 id="them">Thêm tài khoản</h2>
<form method="post" action="/desk/staff" class="form">
<?cs call:csrf() ?>
<?cs if:Form.which == "desk_staff_add" ?><p class="error" role="alert"><?cs if:Form.error_field ?><?cs call:field_label(Form.error_field) ?>: <?cs /if ?><?cs var:Form.error ?> Mật khẩu không được giữ lại: hãy nhập lại.</p><?cs /if ?>
<label for="login">Tên đăng nhập (chữ không dấu, chữ số, . _ -)</label>
<input id="login" name="login" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" autocomplete="off" autocapitalize="none" value="<?cs var:Form.login ?>"<?cs if:Form.which == "desk_staff_add" && Form.error_field == "login" ?> aria-invalid="true"<?cs /if ?>>
<label for="name">Họ và tên</label>
<input id="name" name="name" required maxlength="200" value="<?cs var:Form.name ?>"<?cs if:Form.which == "desk_staff_add" && Form.error_field == "name" ?> aria-invalid="true"<?cs /if ?>>
<label for="agency">Cơ quan</label>
<select id="agency" name="agency" required<?cs if:Form.which == "desk_staff_add" && Form.error_field == "agency" ?> aria-invalid="true"<?cs /if ?>><?cs each:a = Agencies ?><option value="<?cs var:a.code ?>"<?cs if:a.code == Form.agency ?> selected<?cs /if ?>><?cs var:a.name ?></option><?cs /each ?></select>
<label for="role">Vai trò</label>
<select id="role" name="role" required<?cs if:Form.which == "desk_staff_add" && Form.error_field == "role" ?> aria-invalid="true"<?cs /if ?>>
<option value="desk"<?cs if:Form.role == "desk" ?> selected<?cs /if ?>>Tiếp nhận và trả kết quả</option>
<option value="processor"<?cs if:Form.role == "processor" ?> selected<?cs /if ?>>Xử lý</option>
<option value="leader"<?cs if:Form.role == "leader" ?> selected<?cs /if ?>>Lãnh đạo</option>
<option value="admin"<?cs if:Form.role == "admin" ?> selected<?cs /if ?>>Quản trị (tài khoản cán bộ)</option>
</select>
<label for="password">Mật khẩu ban đầu (ít nhất <?cs var:Form.password_min ?> ký tự; báo riêng cho cán bộ)</label>
<input id="password" name="password" type="password" required minlength="<?cs var:Form.password_min ?>" maxlength="200" autocomplete="new-password"<?cs if:Form.which == "desk_staff_add" && Form.error_field == "password" ?> aria-invalid="true"<?cs /if ?>>
<button type="submit">Thêm tài khoản</button>
</form>
<p><a href="/desk/">← Hồ sơ của cơ quan</a></p>
<?cs include:"footer.cs" ?>
