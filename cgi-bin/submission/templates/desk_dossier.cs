<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Hồ sơ <?cs var:Dossier.code ?></h1>
<?cs if:Form.error ?><?cs set:Form.in_form = 0 ?><?cs each:a = Actions ?><?cs if:Form.which == "desk_status" && Form.to == a.to ?><?cs set:Form.in_form = 1 ?><?cs /if ?><?cs /each ?><?cs if:Form.which == "desk_attach" && !Dossier.has_account ?><?cs set:Form.in_form = 1 ?><?cs /if ?>
<?cs if:Form.in_form == 1 ?><p class="error"><strong><?cs var:Form.error_lead ?></strong> <?cs var:Form.error ?> <a href="#loi">Sửa ở biểu mẫu bên dưới.</a></p><?cs else ?><?cs call:refused() ?><?cs /if ?><?cs /if ?>
<?cs call:summary() ?>
<?cs call:obligations(1) ?>
<table class="facts">
<tr><th scope="row">Người nộp</th><td><?cs var:Dossier.applicant_name ?>, số định danh <?cs var:Dossier.applicant_id ?><?cs if:Dossier.applicant_dob ?>, sinh <?cs var:Dossier.applicant_dob ?><?cs /if ?></td></tr>
<tr><th scope="row">Liên hệ</th><td><?cs var:Dossier.applicant_address ?> <?cs var:Dossier.applicant_phone ?></td></tr>
<tr><th scope="row">Nộp hồ sơ</th><td><?cs call:channel_name(Dossier.channel) ?></td></tr>
<tr><th scope="row">Nhận kết quả</th><td><?cs call:result_channel_name(Dossier.result_channel) ?><?cs if:Dossier.result_channel == "post" && !Dossier.applicant_address ?><br><strong class="late">Chưa có địa chỉ để gửi kết quả: hỏi người nộp<?cs if:Dossier.applicant_phone ?> (số điện thoại <?cs var:Dossier.applicant_phone ?>)<?cs /if ?> trước khi trả kết quả.</strong><?cs /if ?></td></tr>
</table>
<p><a href="/desk/dossiers/<?cs var:Dossier.code ?>/receipt">In giấy tiếp nhận và hẹn trả kết quả</a></p>
<h2>Giấy tờ</h2>
<ul class="list"><?cs each:d = Docs ?><li><a href="/desk/dossiers/<?cs var:Dossier.code ?>/documents/<?cs var:d.id ?>"><?cs var:d.name ?></a> (<?cs if:d.role == "result" ?>kết quả<?cs elif:d.role == "supplement" ?>bổ sung<?cs else ?>khi nộp<?cs /if ?>, <?cs var:d.kind ?>, <?cs var:d.kb ?> KB)</li><?cs /each ?></ul>
<?cs if:Actions.0.to ?><h2>Xử lý</h2><?cs /if ?>
<?cs each:a = Actions ?><?cs set:Form.here = Form.which == "desk_status" && Form.to == a.to ?>
<form method="post" action="/desk/dossiers/<?cs var:Dossier.code ?>/status"<?cs if:a.file ?> enctype="multipart/form-data"<?cs /if ?> class="form action">
<?cs call:csrf() ?>
<?cs if:Form.here == 1 ?><?cs call:refused() ?><?cs if:a.file ?><p class="note"><strong>Hãy chọn lại tệp kết quả:</strong> tệp đã chọn lần trước không được giữ lại.</p><?cs /if ?><?cs /if ?>
<input type="hidden" name="to" value="<?cs var:a.to ?>">
<?cs if:a.money ?><label for="amount<?cs var:a.to ?>">Số tiền (đồng)</label><input id="amount<?cs var:a.to ?>" name="amount" required inputmode="numeric"<?cs if:Form.here == 1 ?> value="<?cs var:Form.amount ?>"<?cs call:invalid("amount") ?><?cs /if ?>><label for="fee<?cs var:a.to ?>">Khoản phải nộp</label><input id="fee<?cs var:a.to ?>" name="fee_name" required maxlength="200"<?cs if:Form.here == 1 ?> value="<?cs var:Form.fee_name ?>"<?cs call:invalid("fee_name") ?><?cs /if ?>><?cs /if ?>
<?cs if:a.file ?><label for="result<?cs var:a.to ?>">Tệp kết quả</label><input id="result<?cs var:a.to ?>" type="file" name="result" required accept="application/pdf,image/jpeg,image/png"<?cs if:Form.here == 1 ?><?cs call:invalid("result") ?><?cs /if ?>><?cs /if ?>
<label for="reason<?cs var:a.to ?>"><?cs if:a.reason == "1" ?>Lý do (bắt buộc)<?cs else ?>Ghi chú<?cs /if ?></label>
<input id="reason<?cs var:a.to ?>" name="reason" maxlength="1000"<?cs if:a.reason == "1" ?> required<?cs /if ?><?cs if:Form.here == 1 ?> value="<?cs var:Form.reason ?>"<?cs call:invalid("reason") ?><?cs /if ?>>
<button type="submit"><?cs var:a.label ?></button>
</form>
<?cs /each ?>
<?cs if:!Dossier.has_account ?>
<h2>Gắn vào tài khoản của người dân</h2>
<form method="post" action="/desk/dossiers/<?cs var:Dossier.code ?>/attach" class="form action">
<?cs call:csrf() ?>
<?cs if:Form.which == "desk_attach" ?><?cs call:refused() ?><?cs /if ?>
<label for="attach_contact">Số điện thoại hoặc thư điện tử đã đăng ký</label>
<input id="attach_contact" name="contact" required maxlength="254"<?cs if:Form.which == "desk_attach" ?> value="<?cs var:Form.contact ?>"<?cs call:invalid("contact") ?><?cs /if ?>>
<button type="submit">Gắn hồ sơ</button>
</form>
<?cs /if ?>
<?cs if:Rating.score ?>
<h2>Đánh giá của người dân</h2>
<p>Mức độ hài lòng: <?cs var:Rating.score ?>/5.</p>
<?cs if:Rating.comment ?><p class="comment">Góp ý: <?cs var:Rating.comment ?></p><?cs /if ?>
<?cs /if ?>
<?cs call:history() ?>
<p><a href="/desk/">← Hồ sơ của cơ quan</a></p>
<?cs include:"footer.cs" ?>
