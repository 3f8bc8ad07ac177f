<?cs def:field_label(f) ?><?cs if:f == "contact" ?>Số điện thoại hoặc thư điện tử<?cs elif:f == "name" ?>Họ và tên<?cs elif:f == "password" ?>Mật khẩu<?cs elif:f == "code" ?>Mã xác nhận<?cs elif:f == "secret" ?>Mã tra cứu<?cs elif:f == "login" ?>Tên đăng nhập<?cs elif:f == "applicant_name" ?>Họ và tên người nộp<?cs elif:f == "applicant_id" ?>Số định danh cá nhân<?cs elif:f == "applicant_dob" ?>Ngày sinh<?cs elif:f == "applicant_phone" ?>Số điện thoại<?cs elif:f == "applicant_address" ?>Địa chỉ<?cs elif:f == "agency" ?><?cs if:string.find(Form.which, "desk_staff") == 0 ?>Cơ quan<?cs else ?>Cơ quan tiếp nhận<?cs /if ?><?cs elif:f == "role" ?>Vai trò<?cs elif:f == "procedure" ?>Thủ tục<?cs elif:f == "to" ?>Trạng thái mới<?cs elif:f == "reason" ?>Lý do<?cs elif:f == "amount" ?>Số tiền (đồng)<?cs elif:f == "fee_name" ?>Khoản phải nộp<?cs elif:f == "result" ?>Tệp kết quả<?cs elif:f == "score" ?>Mức độ hài lòng<?cs elif:f == "comment" ?>Góp ý<?cs elif:f == "result_channel" ?>Nhận kết quả<?cs elif:f == "channel" ?>Hình thức nộp<?cs elif:string.find(f, "doc_") == 0 && Form.which == "dossier_supplement" && Supp.generic ?>Tệp bổ sung số <?cs var:string.slice(f, 4, string.length(f)) ?><?cs elif:string.find(f, "doc_") == 0 ?>Giấy tờ số <?cs var:string.slice(f, 4, string.length(f)) ?><?cs elif:string.find(f, "reuse_") == 0 ?>Giấy tờ số <?cs var:string.slice(f, 6, string.length(f)) ?><?cs else ?><?cs var:f ?><?cs /if ?><?cs /def ?>
<?cs def:invalid(f) ?><?cs if:Form.error_field == f ?> aria-invalid="true" aria-describedby="loi"<?cs /if ?><?cs /def ?>
<?cs def:refused() ?><?cs if:Form.error ?><div class="errors" role="alert" id="loi"><p><strong><?cs if:Form.error_lead ?><?cs var:Form.error_lead ?><?cs else ?>Chưa gửi được.<?cs /if ?></strong> <?cs var:Form.error ?><?cs if:Form.error_detail ?> <?cs var:Form.error_detail ?><?cs /if ?></p><?cs if:Form.error_field ?><p class="field-name">Ô cần sửa: <?cs call:field_label(Form.error_field) ?> (trường “<?cs var:Form.error_field ?>”)</p><?cs /if ?></div><?cs /if ?><?cs /def ?>
<?cs def:csrf() ?><input type="hidden" name="csrf" value="<?cs var:Session.csrf ?>"><?cs /def ?>
<?cs def:history() ?>
<h2>Quá trình giải quyết</h2>
<ol class="history">
<?cs each:e = Events ?><li><time><?cs var:e.at ?></time> – <strong><?cs var:e.to ?></strong> (<?cs var:e.who ?><?cs if:e.name ?>: <?cs var:e.name ?><?cs /if ?>)<?cs if:e.reason ?><br><span class="reason"><?cs var:e.reason ?></span><?cs /if ?></li>
<?cs /each ?></ol>
<?cs /def ?>
<?cs def:missing() ?><?cs each:e = Events ?><?cs if:e.to_n == 5 ?><?cs set:Missing.reason = e.reason ?><?cs /if ?><?cs /each ?><?cs if:Missing.reason ?><p class="note"><strong>Cơ quan yêu cầu bổ sung:</strong> <?cs var:Missing.reason ?></p><?cs /if ?><?cs /def ?>
<?cs def:status_explain() ?><?cs if:Dossier.status == 10 && Dossier.result_channel == "post" ?><span class="returned">Kết quả đã được gửi qua bưu điện<?cs if:Dossier.returned_day ?> ngày <?cs var:Dossier.returned_day ?><?cs /if ?> tới địa chỉ<?cs if:Dossier.applicant_address ?> <?cs var:Dossier.applicant_address ?><?cs else ?> người nộp ghi trong hồ sơ<?cs /if ?>. Nếu sau vài ngày chưa nhận được, hãy liên hệ bộ phận một cửa của <?cs var:Dossier.agency_name ?> và đọc mã hồ sơ.</span><?cs
elif:Dossier.status == 10 && Dossier.result_channel == "online" ?>Kết quả đã được trả trực tuyến<?cs if:Dossier.returned_day ?> ngày <?cs var:Dossier.returned_day ?><?cs /if ?>.<?cs if:Dossier.applicant_id ?> Tải tệp kết quả ở mục “Giấy tờ” bên dưới.<?cs /if ?><?cs
elif:Dossier.status == 10 ?>Kết quả đã được trả tại bộ phận một cửa<?cs if:Dossier.returned_day ?> ngày <?cs var:Dossier.returned_day ?><?cs /if ?>.<?cs
elif:Dossier.status == 9 && Dossier.result_channel == "post" ?>Đã có kết quả; cơ quan sẽ gửi qua bưu điện tới địa chỉ người nộp ghi trong hồ sơ.<?cs
elif:Dossier.status == 9 && Dossier.result_channel == "online" ?>Đã có kết quả; cơ quan sẽ trả trực tuyến, tệp kết quả hiện ở trang hồ sơ.<?cs
elif:Dossier.status == 9 ?>Đã có kết quả. Mang giấy tiếp nhận và hẹn trả kết quả cùng giấy tờ tùy thân tới bộ phận một cửa của <?cs var:Dossier.agency_name ?> để nhận.<?cs
else ?><?cs var:Dossier.status_explain ?><?cs /if ?><?cs /def ?>
<?cs def:summary() ?>
<table class="facts">
<tr><th scope="row">Mã hồ sơ</th><td><strong><?cs var:Dossier.code ?></strong></td></tr>
<tr><th scope="row">Thủ tục</th><td><?cs var:Dossier.procedure_name ?> (<?cs var:Dossier.procedure_code ?>)</td></tr>
<tr><th scope="row">Cơ quan tiếp nhận</th><td><?cs var:Dossier.agency_name ?></td></tr>
<tr><th scope="row">Trạng thái</th><td><strong class="status s<?cs var:Dossier.status ?>"><?cs var:Dossier.status_name ?></strong><br><?cs call:status_explain() ?></td></tr>
<tr><th scope="row">Ngày nhận</th><td><?cs var:Dossier.received_day ?></td></tr>
<tr><th scope="row">Hẹn trả kết quả</th><td><?cs if:Dossier.due_day ?><?cs var:Dossier.due_day ?><?cs else ?>Theo thông báo của cơ quan<?cs /if ?><?cs if:Dossier.late ?> <strong class="late">(quá hạn)</strong><?cs /if ?><?cs if:Dossier.paused_left ?><br>Thời hạn tạm dừng, còn <?cs var:Dossier.paused_left ?> ngày làm việc khi bổ sung xong.<?cs /if ?><?cs if:Dossier.paused_late ?><br><strong class="late">Hồ sơ đã quá hạn <?cs var:Dossier.paused_late ?> ngày làm việc</strong> khi cơ quan yêu cầu bổ sung. Khi bổ sung xong, thời hạn tính tiếp và hồ sơ vẫn chậm <?cs var:Dossier.paused_late ?> ngày làm việc so với ngày hẹn.<?cs /if ?></td></tr>
</table>
<?cs /def ?>
<?cs def:obligations(staff) ?><?cs if:subcount(Obligations) ?>
<h2>Khoản phải nộp</h2>
<ul class="list"><?cs each:o = Obligations ?><li><strong><?cs var:o.name ?></strong>: <?cs var:o.amount ?> đồng<br>
Mã thanh toán <?cs alt:o.shown ?><?cs var:o.code ?><?cs /alt ?> – <strong class="pay <?cs var:o.state ?>"><?cs var:o.state_name ?></strong><?cs if:o.open ?>, hạn nộp <?cs var:o.due ?><?cs /if ?>
<?cs if:o.open && staff == 0 ?><br><a class="button" href="/pay/<?cs var:o.code ?>">Nộp tiền trực tuyến</a><?cs /if ?>
<?cs if:o.open && o.notice && staff == 1 ?><br><a class="button" href="/payment/admin/obligations/<?cs var:o.code ?>/notice">In giấy báo nộp tiền</a><?cs /if ?>
<?cs if:o.receipt ?><br><a href="/receipts/<?cs var:o.receipt ?>">Xem biên lai điện tử</a><?cs /if ?></li>
<?cs /each ?></ul>
<?cs /if ?><?cs /def ?>
<?cs def:channel_name(n) ?><?cs if:n == 1 ?>Trực tiếp<?cs elif:n == 3 ?>Bưu chính<?cs else ?>Trực tuyến<?cs /if ?><?cs /def ?>
<?cs def:result_channel_name(s) ?><?cs if:s == "online" ?>trực tuyến (tải về)<?cs elif:s == "post" ?>qua bưu điện<?cs else ?>tại bộ phận một cửa<?cs /if ?><?cs /def ?>
