<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Giấy tiếp nhận hồ sơ và hẹn trả kết quả – <?cs var:Dossier.code ?></title>
<link rel="stylesheet" href="/static/guide.css">
<link rel="stylesheet" href="/static/slip.css">
</head>
<body>
<?cs def:doc_form(k) ?>Bản điện tử (<?cs if:k == "pdf" ?>PDF<?cs elif:k == "jpeg" ?>ảnh JPEG<?cs elif:k == "png" ?>ảnh PNG<?cs else ?><?cs var:k ?><?cs /if ?>)<?cs /def ?>
<main class="slip">
<div class="head">
  <div><strong><?cs var:Dossier.agency_name ?></strong><br><small>Mã cơ quan <?cs var:Dossier.agency_code ?></small></div>
  <div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập – Tự do – Hạnh phúc</strong></div>
</div>
<h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>
<p class="code">Mã hồ sơ: <?cs var:Dossier.code ?></p>
<div class="qr" role="img" aria-label="Mã QR tới trang tra cứu hồ sơ"><?cs uvar:Dossier.qr_svg ?></div>
<p>Cơ quan tiếp nhận: <?cs var:Dossier.agency_name ?></p>
<p>Tiếp nhận hồ sơ của: <strong><?cs var:Dossier.applicant_name ?></strong><br>
Số định danh cá nhân: <?cs var:Dossier.applicant_id ?><?cs if:Dossier.applicant_address ?><br>Địa chỉ: <?cs var:Dossier.applicant_address ?><?cs /if ?><?cs if:Dossier.applicant_phone ?><br>Điện thoại: <?cs var:Dossier.applicant_phone ?><?cs /if ?></p>
<p>Nội dung yêu cầu giải quyết: <?cs var:Dossier.procedure_name ?> (mã thủ tục <?cs var:Dossier.procedure_code ?>)</p>
<p>Thành phần hồ sơ:</p>
<table>
<tr><th scope="col" class="tt">TT</th><th scope="col">Tên giấy tờ</th><th scope="col" class="kind">Hình thức</th></tr>
<?cs set:tt = #0 ?><?cs each:d = Docs ?><?cs if:d.role == "input" ?><?cs set:tt = tt + #1 ?><tr><td><?cs var:tt ?></td><td><?cs var:d.name ?></td><td><?cs call:doc_form(d.kind) ?></td></tr><?cs /if ?><?cs /each ?>
<?cs each:d = Docs ?><?cs if:d.role == "supplement" ?><?cs set:tt = tt + #1 ?><tr><td><?cs var:tt ?></td><td><?cs var:d.name ?><?cs if:d.named ?> (bổ sung)<?cs /if ?></td><td><?cs call:doc_form(d.kind) ?></td></tr><?cs /if ?><?cs /each ?>
</table>
<p>Hình thức nộp: <?cs if:Dossier.channel == 1 ?>trực tiếp tại bộ phận một cửa<?cs elif:Dossier.channel == 3 ?>qua dịch vụ bưu chính (người nộp không có mặt khi tiếp nhận)<?cs else ?>trực tuyến trên Cổng dịch vụ công<?cs /if ?><br>
Ngày nhận hồ sơ: <strong><?cs var:Dossier.received_day ?></strong><br>
Thời gian trả kết quả: <strong><?cs if:Dossier.due_day ?>ngày <?cs var:Dossier.due_day ?><?cs else ?>theo thông báo của cơ quan<?cs /if ?></strong><br>
Nhận kết quả: <?cs if:Dossier.result_channel == "online" ?>trực tuyến<?cs elif:Dossier.result_channel == "post" ?>qua bưu điện<?cs else ?>tại bộ phận một cửa<?cs /if ?></p>
<p>Theo dõi hồ sơ: quét mã QR, hoặc vào trang tra cứu hồ sơ rồi nhập mã hồ sơ ở trên và<br>
Mã tra cứu: <span class="secret"><?cs var:Dossier.secret ?></span></p>
<p class="url"><small><?cs var:Dossier.track_url ?></small></p>
<?cs if:Dossier.channel == 1 ?><div class="sign">
  <div><strong>Người nộp hồ sơ</strong><br><em>(ký, ghi rõ họ tên)</em></div>
  <div><strong>Người tiếp nhận hồ sơ</strong><br><em>(ký, ghi rõ họ tên)</em></div>
</div><?cs elif:Dossier.channel == 3 ?><div class="sign one">
  <div><strong>Người tiếp nhận hồ sơ</strong><br><em>(ký, ghi rõ họ tên)</em></div>
</div><?cs else ?><p class="auto"><em>Giấy này do Cổng dịch vụ công cấp khi hồ sơ được nộp trực tuyến; không cần chữ ký.</em></p><?cs /if ?>
<p class="noprint"><a href="<?cs var:Slip.back ?>">← Về hồ sơ <?cs var:Dossier.code ?></a><br>Để in: dùng lệnh In của trình duyệt, khổ A4.</p>
</main>
</body>
</html>
