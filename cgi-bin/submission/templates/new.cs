<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Nộp hồ sơ</h1>
<p class="lead"><?cs var:Proc.name ?> <small>(mã <?cs var:Proc.code ?>)</small></p>
<?cs call:refused() ?>
<form method="post" action="<?cs if:Form.desk == "1" ?>/desk/dossiers<?cs else ?>/dossiers<?cs /if ?>" enctype="multipart/form-data" class="form">
<?cs call:csrf() ?>
<input type="hidden" name="procedure" value="<?cs var:Proc.code ?>">
<input type="hidden" name="once" value="<?cs var:Form.once ?>">
<h2>Người nộp</h2>
<label for="applicant_name">Họ và tên</label>
<input id="applicant_name" name="applicant_name" required maxlength="100" value="<?cs if:Form.applicant_name ?><?cs var:Form.applicant_name ?><?cs elif:Form.desk != "1" ?><?cs var:Session.name ?><?cs /if ?>"<?cs call:invalid("applicant_name") ?>>
<label for="applicant_id">Số định danh cá nhân (12 chữ số)</label>
<input id="applicant_id" name="applicant_id" required inputmode="numeric" pattern="[0-9]{12}" maxlength="12" value="<?cs var:Form.applicant_id ?>"<?cs call:invalid("applicant_id") ?>>
<label for="applicant_dob">Ngày sinh</label>
<input id="applicant_dob" name="applicant_dob" type="date" value="<?cs var:Form.applicant_dob ?>"<?cs call:invalid("applicant_dob") ?>>
<label for="applicant_address">Địa chỉ <span class="hint">(cần khi nhận kết quả qua bưu điện)</span></label>
<input id="applicant_address" name="applicant_address" maxlength="300" value="<?cs var:Form.applicant_address ?>"<?cs call:invalid("applicant_address") ?>>
<label for="applicant_phone">Số điện thoại</label>
<input id="applicant_phone" name="applicant_phone" inputmode="tel" maxlength="24" value="<?cs var:Form.applicant_phone ?>"<?cs call:invalid("applicant_phone") ?>>
<?cs if:Form.desk == "1" ?>
<label for="channel">Hình thức nộp</label>
<select id="channel" name="channel"<?cs call:invalid("channel") ?>><option value="1">Trực tiếp tại bộ phận một cửa</option><option value="3"<?cs if:Form.channel == "3" ?> selected<?cs /if ?>>Qua bưu chính công ích</option></select>
<input type="hidden" name="agency" value="<?cs var:Agencies.0.code ?>">
<?cs else ?>
<h2>Nơi nộp</h2>
<label for="agency">Cơ quan tiếp nhận</label>
<select id="agency" name="agency" required<?cs call:invalid("agency") ?>><?cs each:a = Agencies ?><option value="<?cs var:a.code ?>"<?cs if:Form.agency == a.code ?> selected<?cs /if ?>><?cs var:a.name ?></option><?cs /each ?></select>
<?cs /if ?>
<h2>Giấy tờ</h2>
<p>Ảnh chụp hoặc bản quét: PDF, JPEG hoặc PNG, mỗi tệp tối đa 10 MB, cả hồ sơ tối đa 30 MB.</p>
<?cs if:Form.error ?><p class="note"><strong>Hãy chọn lại các tệp:</strong> tệp đã chọn lần trước không được giữ lại.</p><?cs /if ?>
<?cs if:Proc.generic ?><p>Danh mục thủ tục chưa liệt kê riêng từng giấy tờ: hãy gửi tờ khai và các giấy tờ kèm theo như hướng dẫn trong <a href="/catalog/procedures/<?cs var:Proc.code ?>">trang thủ tục</a>, mỗi giấy tờ một tệp (ảnh chụp hoặc PDF).</p><?cs /if ?>
<?cs if:Proc.notes.0 ?><details><summary>Lưu ý khi chuẩn bị giấy tờ</summary>
<ul><?cs each:n = Proc.notes ?><li><?cs var:n ?></li><?cs /each ?></ul></details><?cs /if ?>
<?cs each:d = Proc.docs ?>
<fieldset><legend><?cs var:d.n ?>. <?cs var:d.name ?></legend>
<?cs if:d.templates ?><p class="form-template">Mẫu đơn, tờ khai: <a href="<?cs var:Proc.source_url ?>" target="_blank" rel="external noopener"><?cs var:d.templates ?></a> <span class="hint">(tải tại Cổng Dịch vụ công quốc gia, mở trang mới)</span></p><?cs /if ?>
<input type="file" name="doc_<?cs var:d.n ?>" accept="application/pdf,image/jpeg,image/png" aria-label="Tệp cho giấy tờ <?cs var:d.n ?>"<?cs if:Form.error_field == "doc_" + d.n ?> aria-invalid="true" aria-describedby="loi"<?cs /if ?>>
<?cs if:Wallet.0.id ?><label for="reuse_<?cs var:d.n ?>">hoặc dùng lại giấy tờ đã nộp<?cs if:Wallet.0.result ?> hoặc kết quả đã nhận<?cs /if ?></label>
<select id="reuse_<?cs var:d.n ?>" name="reuse_<?cs var:d.n ?>"<?cs call:invalid("reuse_" + d.n) ?>><option value="">— không —</option><?cs each:w = Wallet ?><option value="<?cs var:w.id ?>"><?cs if:w.result ?>Kết quả của hồ sơ <?cs var:w.dossier ?><?cs if:w.procedure ?> – <?cs var:w.procedure ?><?cs /if ?><?cs else ?><?cs var:w.name ?> (<?cs var:w.dossier ?>)<?cs /if ?></option><?cs /each ?></select><?cs /if ?>
</fieldset>
<?cs /each ?>
<h2>Nhận kết quả</h2>
<fieldset class="choices"<?cs call:invalid("result_channel") ?>>
<label><input type="radio" name="result_channel" value="desk"<?cs if:Form.result_channel != "post" && Form.result_channel != "online" ?> checked<?cs /if ?>> Tại bộ phận một cửa</label>
<label><input type="radio" name="result_channel" value="post"<?cs if:Form.result_channel == "post" ?> checked<?cs /if ?>> Qua bưu điện</label>
<label><input type="radio" name="result_channel" value="online"<?cs if:Form.result_channel == "online" ?> checked<?cs /if ?>> Trực tuyến (tải về)</label>
</fieldset>
<button type="submit">Nộp hồ sơ</button>
</form>
<?cs include:"footer.cs" ?>
