<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Hồ sơ của tôi</h1>
<p><a class="button" href="/catalog/">Nộp hồ sơ mới</a></p>
<?cs if:Mine.0.code ?>
<?cs if:Mine_waiting ?><p class="note"><strong><?cs var:Mine_waiting ?> hồ sơ cần bạn làm tiếp</strong> (bổ sung giấy tờ hoặc nộp phí, lệ phí): ở đầu danh sách.</p><?cs /if ?>
<ul class="list dossiers"><?cs each:m = Mine ?>
<li><a href="/dossiers/<?cs var:m.code ?>"><?cs var:m.code ?></a><br><?cs var:m.procedure ?><br><strong class="status s<?cs var:m.status_n ?>"><?cs var:m.status ?></strong><?cs if:m.due ?> · hẹn trả <?cs var:m.due ?><?cs if:m.late ?> <strong class="late">(quá hạn)</strong><?cs /if ?><?cs /if ?><?cs if:m.paused_late ?><br><strong class="late">Đã quá hạn <?cs var:m.paused_late ?> ngày làm việc khi cơ quan yêu cầu bổ sung</strong><?cs /if ?><?cs if:m.status_n == 5 ?><br><a class="next-step" href="/dossiers/<?cs var:m.code ?>">Bạn cần bổ sung giấy tờ</a><?cs elif:m.status_n == 6 ?><br><a class="next-step" href="/dossiers/<?cs var:m.code ?>">Bạn cần nộp phí, lệ phí</a><?cs /if ?></li>
<?cs /each ?></ul>
<?cs if:Mine_more ?><p class="note">Danh sách chỉ hiện 200 hồ sơ (hồ sơ cần bạn làm tiếp, rồi hồ sơ mới nhất). Hồ sơ cũ hơn: tra cứu bằng mã hồ sơ và mã tra cứu bên dưới.</p><?cs /if ?>
<?cs else ?><p>Bạn chưa nộp hồ sơ nào. Tìm thủ tục trong <a href="/catalog/">danh mục thủ tục</a> rồi bấm “Nộp hồ sơ”.</p><?cs /if ?>
<p>Hồ sơ nộp tại bộ phận một cửa chưa có ở đây? <a href="/dossiers/lookup">Tra cứu bằng mã hồ sơ và mã tra cứu</a>.</p>
<form method="post" action="/account/logout"><?cs call:csrf() ?><button type="submit" class="link">Đăng xuất</button></form>
<?cs include:"footer.cs" ?>
