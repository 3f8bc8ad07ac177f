<?cs include:"macros.cs" ?><?cs include:"header.cs" ?>
<h1>Đồng bộ chưa được xác nhận</h1>
<p>Các thay đổi trạng thái chưa được Cổng Dịch vụ công quốc gia xác nhận; hệ thống tự gửi lại.</p>
<?cs if:Sync.waiting > 0 ?><p><strong><?cs var:Sync.waiting ?></strong> thay đổi đang chờ xác nhận<?cs if:Sync.shown ?>; bảng dưới chỉ hiện <?cs var:Sync.shown ?> thay đổi cũ nhất<?cs /if ?>.</p><?cs /if ?>
<?cs if:Sync.rows.0.id ?><table class="queue"><tr><th scope="col">Hồ sơ</th><th scope="col">Tạo lúc</th><th scope="col">Số lần gửi</th><th scope="col">Lần tới</th><th scope="col">Lỗi gần nhất</th></tr>
<?cs each:s = Sync.rows ?><tr><td><a href="/desk/dossiers/<?cs var:s.code ?>"><?cs var:s.code ?></a></td><td><?cs var:s.created ?></td><td><?cs var:s.attempts ?></td><td><?cs var:s.next ?></td><td><?cs var:s.error ?></td></tr><?cs /each ?></table>
<?cs else ?><p>Không có gì đang chờ.</p><?cs /if ?>
<?cs include:"footer.cs" ?>
