<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Tra cứu hồ sơ</h1>
<?cs if:Dossier.code ?>
<?cs call:summary() ?>
<?cs if:Dossier.result_url ?><p><a href="<?cs var:Dossier.result_url ?>" download>Tải tệp kết quả</a> <span class="hint">(chỉ tải được khi có đúng mã hồ sơ và mã tra cứu)</span></p><?cs /if ?>
<?cs if:Dossier.status == 5 ?><?cs call:missing() ?><p class="note"><strong>Cách bổ sung:</strong> mang giấy tờ còn thiếu (xem lý do ở “Quá trình giải quyết” bên dưới) cùng giấy tiếp nhận có mã hồ sơ này tới bộ phận một cửa của <?cs var:Dossier.agency_name ?>. Nếu hồ sơ đã được gắn vào tài khoản của bạn, bạn cũng có thể đăng nhập và gửi bổ sung trực tuyến.</p><?cs /if ?>
<?cs call:obligations(0) ?>
<?cs call:history() ?>
<p><a href="/dossiers/lookup">Tra cứu hồ sơ khác</a></p>
<?cs else ?>
<p>Nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận và hẹn trả kết quả.</p>
<?cs call:refused() ?>
<form method="get" action="/dossiers/lookup" class="form">
<label for="code">Mã hồ sơ</label>
<input id="code" name="code" required maxlength="64" autocapitalize="characters" value="<?cs var:Form.code ?>" placeholder="000.00.12.H26-240115-0001"<?cs call:invalid("code") ?>>
<label for="secret">Mã tra cứu</label>
<input id="secret" name="secret" required maxlength="20" autocapitalize="characters" placeholder="ABCDE-FGHJK" value="<?cs var:Form.secret ?>"<?cs call:invalid("secret") ?>>
<button type="submit">Tra cứu</button>
</form>
<?cs /if ?>
<?cs include:"footer.cs" ?>
