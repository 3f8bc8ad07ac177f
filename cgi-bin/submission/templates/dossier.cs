<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Hồ sơ <?cs var:Dossier.code ?></h1>
<?cs if:Form.error ?><?cs if:(Form.which == "dossier_supplement" && Actions.supplement) || (Form.which == "dossier_rating" && Actions.rate && !Rating.score) ?><p class="error"><strong><?cs var:Form.error_lead ?></strong> <?cs var:Form.error ?> <a href="#loi">Sửa ở biểu mẫu bên dưới.</a></p><?cs else ?><?cs call:refused() ?><?cs /if ?><?cs /if ?>
<?cs call:summary() ?>
<?cs call:obligations(0) ?>
<p><a href="/dossiers/<?cs var:Dossier.code ?>/receipt">Giấy tiếp nhận và hẹn trả kết quả (in được)</a></p>
<h2>Giấy tờ</h2>
<ul class="list"><?cs each:d = Docs ?><li><?cs if:d.role == "result" ?><strong>Kết quả:</strong> <?cs /if ?><a href="/dossiers/<?cs var:Dossier.code ?>/documents/<?cs var:d.id ?>"><?cs var:d.name ?></a> (<?cs if:d.role == "supplement" ?>bổ sung, <?cs /if ?><?cs var:d.kind ?>, <?cs var:d.kb ?> KB)</li><?cs /each ?></ul>
<?cs if:Actions.supplement ?>
<h2>Gửi giấy tờ bổ sung</h2>
<?cs call:missing() ?>
<form method="post" action="/dossiers/<?cs var:Dossier.code ?>/supplement" enctype="multipart/form-data" class="form">
<?cs call:csrf() ?>
<?cs if:Form.which == "dossier_supplement" ?><?cs call:refused() ?><p class="note"><strong>Hãy chọn lại các tệp:</strong> tệp đã chọn lần trước không được giữ lại.</p><?cs /if ?>
<?cs if:Supp.generic ?><label for="doc_1">Tệp bổ sung số 1 (PDF, JPEG hoặc PNG, tối đa 10 MB)</label>
<input id="doc_1" type="file" name="doc_1" required accept="application/pdf,image/jpeg,image/png"<?cs call:invalid("doc_1") ?>>
<label for="doc_2">Tệp bổ sung số 2 (nếu có)</label>
<input id="doc_2" type="file" name="doc_2" accept="application/pdf,image/jpeg,image/png"<?cs call:invalid("doc_2") ?>>
<?cs else ?><p>Chọn tệp cho giấy tờ cơ quan yêu cầu, để trống các giấy tờ khác. Ảnh chụp hoặc bản quét: PDF, JPEG hoặc PNG, mỗi tệp tối đa 10 MB.</p>
<?cs each:d = Supp.docs ?>
<fieldset><legend><?cs var:d.n ?>. <?cs var:d.name ?></legend>
<input type="file" name="doc_<?cs var:d.n ?>" accept="application/pdf,image/jpeg,image/png" aria-label="Tệp bổ sung cho giấy tờ <?cs var:d.n ?>"<?cs if:Form.error_field == "doc_" + d.n ?> aria-invalid="true" aria-describedby="loi"<?cs /if ?>>
<?cs if:Wallet.0.id ?><label for="reuse_<?cs var:d.n ?>">hoặc dùng lại giấy tờ đã nộp<?cs if:Wallet.0.result ?> hoặc kết quả đã nhận<?cs /if ?></label>
<select id="reuse_<?cs var:d.n ?>" name="reuse_<?cs var:d.n ?>"<?cs call:invalid("reuse_" + d.n) ?>><option value="">— không —</option><?cs each:w = Wallet ?><option value="<?cs var:w.id ?>"><?cs if:w.result ?>Kết quả của hồ sơ <?cs var:w.dossier ?><?cs if:w.procedure ?> – <?cs var:w.procedure ?><?cs /if ?><?cs else ?><?cs var:w.name ?> (<?cs var:w.dossier ?>)<?cs /if ?></option><?cs /each ?></select><?cs /if ?>
</fieldset>
<?cs /each ?><?cs /if ?>
<button type="submit">Gửi bổ sung</button>
</form>
<?cs /if ?>
<?cs if:Actions.rate ?><?cs if:Rating.score ?><p>Bạn đã đánh giá: <?cs var:Rating.score ?>/5.</p><?cs if:Rating.comment ?>
<p class="comment">Góp ý của bạn: <?cs var:Rating.comment ?></p><?cs /if ?><?cs else ?>
<h2>Đánh giá mức độ hài lòng</h2>
<form method="post" action="/dossiers/<?cs var:Dossier.code ?>/rating" class="form">
<?cs call:csrf() ?>
<?cs if:Form.which == "dossier_rating" ?><?cs call:refused() ?><?cs /if ?>
<fieldset class="choices"<?cs call:invalid("score") ?>><legend>Mức độ hài lòng</legend>
<label><input type="radio" name="score" value="5" required> 5 – Rất hài lòng</label>
<label><input type="radio" name="score" value="4"> 4 – Hài lòng</label>
<label><input type="radio" name="score" value="3"> 3 – Bình thường</label>
<label><input type="radio" name="score" value="2"> 2 – Không hài lòng</label>
<label><input type="radio" name="score" value="1"> 1 – Rất không hài lòng</label>
</fieldset>
<label for="comment">Góp ý (không bắt buộc)</label>
<textarea id="comment" name="comment" maxlength="1000"<?cs call:invalid("comment") ?>><?cs var:Form.comment ?></textarea>
<button type="submit">Gửi đánh giá</button>
</form><?cs /if ?><?cs /if ?>
<?cs call:history() ?>
<?cs if:Actions.withdraw ?>
<h2>Rút hồ sơ</h2>
<form method="post" action="/dossiers/<?cs var:Dossier.code ?>/withdraw" class="form"><?cs call:csrf() ?>
<p>Hồ sơ đã rút thì cơ quan dừng giải quyết và không mở lại được; muốn làm tiếp phải nộp hồ sơ mới.</p>
<label class="check"><input type="checkbox" name="confirm" value="1" required> Tôi muốn rút hồ sơ <?cs var:Dossier.code ?></label>
<button type="submit" class="secondary">Rút hồ sơ</button></form>
<?cs /if ?>
<p><a href="/dossiers/">← Hồ sơ của tôi</a></p>
<?cs include:"footer.cs" ?>
